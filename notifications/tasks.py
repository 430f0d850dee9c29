"""Celery tasks: thin wrappers that take ids and call notifications.services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from notifications import services

# A mail server that is down is retried with exponential backoff (1 s, 2 s, 4 s ... capped at 10 min,
# jittered) for many hours; after that the periodic resend sweep keeps re-enqueuing it.
MAIL_ERRORS = (SMTPException, ConnectionRefusedError, OSError)


@shared_task(
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=services.RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=50,
    acks_late=True,
)
def send_reminder_email(reminder_id: int) -> str:
    return services.deliver_email(reminder_id)


@shared_task
def scan_reminders_task() -> dict[str, int]:
    return services.scan_reminders(timezone.now())


@shared_task
def resend_unsent_task() -> int:
    return services.resend_unsent(timezone.now())


@shared_task(
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=50,
    acks_late=True,
)
def send_digest_email(digest_id: int) -> str:
    return services.deliver_digest(digest_id)


@shared_task
def recompute_reminders_task(kind: str, pk: int) -> dict[str, int]:
    """One object's reminders after a save (regulations/meetings services enqueue it after commit)."""
    return services.recompute_for(kind, pk, timezone.now())


@shared_task
def leader_weekly_digest_task() -> int:
    return services.leader_weekly_digest(timezone.now())
