"""Celery tasks: thin wrappers that take ids and call the scan, the digests and the delivery."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from notifications import delivery, digests, scan

# A mail server that is down is retried with exponential backoff (1 s, 2 s, 4 s ... capped at 10 min,
# jittered) for many hours; after that the periodic resend sweep keeps re-enqueuing it.
MAIL_ERRORS = (SMTPException, ConnectionRefusedError, OSError)


@shared_task(
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=delivery.RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=50,
    acks_late=True,
)
def send_reminder_email(reminder_id: int) -> str:
    return delivery.deliver_email(reminder_id)


@shared_task
def scan_reminders_task() -> dict[str, int]:
    return scan.scan_reminders(timezone.now())


@shared_task
def resend_unsent_task() -> int:
    return delivery.resend_unsent(timezone.now())


@shared_task(
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=delivery.RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=50,
    acks_late=True,
)
def send_digest_email(digest_id: int) -> str:
    return delivery.deliver_digest(digest_id)


@shared_task
def recompute_reminders_task(
    kind: str | None = None,
    pk: int | None = None,
    *,
    regulations: list[int] | None = None,
    directives: list[int] | None = None,
    meetings: list[int] | None = None,
) -> dict[str, int]:
    """The reminders of what changed (``scan.on_events`` enqueues it after commit). ``kind``/``pk``: the
    one-object form of messages queued before the event path."""
    if kind is not None and pk is not None:
        return scan.recompute_for(kind, pk, timezone.now())
    return scan.recompute(
        regulations=regulations or [], directives=directives or [], meetings=meetings or [], now=timezone.now()
    )


@shared_task
def leader_weekly_digest_task() -> int:
    return digests.leader_weekly_digest(timezone.now())
