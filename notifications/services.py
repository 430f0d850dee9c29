"""In-app writes of notifications: reading the bell, e-mail preferences, the admin's "scan now" and the
bell notices of finished background jobs (``job.finished`` events)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from portal import events

logger = logging.getLogger(__name__)


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionError("not the owner")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_preference(user: User, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(email_notifications=enabled)
    user.email_notifications = enabled


def enqueue_scan() -> bool:
    """Queue a full scan (the admin's "Quét ngay"); False if the broker cannot be reached."""
    from notifications.tasks import scan_reminders_task  # the tasks import the scan, which imports this app

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    try:
        scan_reminders_task.apply_async(retry=False, **({"queue": queue} if queue else {}))
    except Exception:
        logger.exception("could not enqueue a reminder scan")
        return False
    return True


def on_job_finished(events_: Sequence[events.Event]) -> None:
    """Subscriber of ``job.finished``: a bell item for the owner of the job (its page as the link)."""
    Notification.objects.bulk_create(
        Notification(
            user_id=event.data["user"],
            title=str(event.data.get("title", ""))[:300],
            body=str(event.data.get("body", "")),
            url=str(event.data.get("url", ""))[:500],
        )
        for event in events_
    )
