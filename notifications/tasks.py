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
    autoretry_for=MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=50,
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
