"""Celery tasks: thin wrappers that take ids and call the scan, the digests and the delivery."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from notifications import delivery, digests, scan

# A mail server, a database or a broker that is down is retried with exponential backoff (1 s, 2 s,
# 4 s ... capped at 10 min, jittered) for many hours; after that the periodic resend sweep keeps
# re-enqueuing the message.
MAIL_ERRORS = delivery.RETRY_ERRORS
MAIL_TASK: dict[str, Any] = {
    "bind": True,
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": delivery.RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 50,
    "acks_late": True,
}


def backoff(task: Any) -> int:
    return get_exponential_backoff_interval(
        factor=1, retries=task.request.retries, maximum=delivery.RETRY_BACKOFF_MAX, full_jitter=True
    )


@shared_task(**MAIL_TASK)
def send_reminder_email(self: Any, reminder_id: int, claim: str | None = None, sent: bool = False) -> str:
    try:
        return delivery.deliver_email(reminder_id, claim=claim, sent=sent)
    except delivery.Interrupted as exc:  # the retry resumes this attempt's claim
        raise self.retry(args=(reminder_id,), kwargs=exc.resume, exc=exc.__cause__, countdown=backoff(self)) from exc


@shared_task(**MAIL_TASK)
def send_digest_email(self: Any, digest_id: int, claim: str | None = None, sent: bool = False) -> str:
    try:
        return delivery.deliver_digest(digest_id, claim=claim, sent=sent)
    except delivery.Interrupted as exc:
        raise self.retry(args=(digest_id,), kwargs=exc.resume, exc=exc.__cause__, countdown=backoff(self)) from exc


@shared_task(**MAIL_TASK)
def send_digest_batch(self: Any, digest_ids: list[int], claim: str | None = None, sent: bool = False) -> dict:
    """A chunk of digests over one SMTP connection; on an error the retry takes the digests not done yet."""
    try:
        return delivery.deliver_digest_batch(digest_ids, claim=claim, sent=sent)
    except delivery.BatchStopped as stop:
        raise self.retry(args=(stop.rest,), kwargs=stop.resume, exc=stop.__cause__, countdown=backoff(self)) from stop


@shared_task
def scan_reminders_task() -> dict[str, int]:
    return scan.scan_reminders(timezone.now())


@shared_task
def resend_unsent_task() -> int:
    return delivery.resend_unsent(timezone.now())


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
