"""In-app writes of notifications: reading the bell, e-mail preferences, the admin's "scan now" and the
bell notices of finished background jobs (``job.finished`` events)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
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


def on_account_notice(events_: Sequence[events.Event]) -> None:
    """Subscriber of ``account.notice``: tell the owner of an account that was locked, unlocked or got a new
    password, in the bell and by e-mail, whatever their e-mail preference (it is about their account's
    safety). A failed send raises: the outbox keeps the event and the sweep sends it again."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for event in events_:
        user = User.objects.filter(pk=event.data["user"]).first()
        if user is None:
            continue
        context = {
            "recipient": user,
            "what": str(event.data.get("what", "")),
            "by": str(event.data.get("by", "")),
            "when": timezone.localtime().strftime("%H:%M ngày %d/%m/%Y"),
            "link": base + "/",
        }
        title = f"Tài khoản {user.username}: {context['what']}"
        if user.email:
            text = render_to_string("notifications/email/account_notice.txt", context)
            EmailMultiAlternatives(
                f"[Cổng quy chế phối hợp] {title}", text, settings.DEFAULT_FROM_EMAIL, [user.email]
            ).send(fail_silently=False)
        body = f"{context['what'].capitalize()} bởi {context['by']} lúc {context['when']}."
        Notification.objects.create(user=user, title=title[:300], body=body)
