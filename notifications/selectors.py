"""Reads of notifications and of the reminder machinery's state."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import User
from notifications.models import Notification, Reminder, ReminderStatus, ScanRun
from portal import access


def notifications_of(user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def outbox(user: User) -> QuerySet[Reminder]:
    """The reminders whose recipient works in a locality the user may read (supreme admins: all)."""
    return access.restrict(user, Reminder.objects.all(), "recipient__agency__locality")


WAITING = (ReminderStatus.PENDING, ReminderStatus.SENDING, ReminderStatus.DIGEST)


def status_summary(user: User) -> dict:
    reminders = outbox(user)
    by_status = dict(reminders.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "last_run": ScanRun.objects.order_by("-started_at", "-pk").first(),
        "runs": list(ScanRun.objects.order_by("-started_at", "-pk")[:10]),
        "by_status": by_status,
        "pending": sum(by_status.get(s, 0) for s in WAITING),
        "failed": by_status.get(ReminderStatus.FAILED, 0),
        "sent": by_status.get(ReminderStatus.SENT, 0),
        "skipped": by_status.get(ReminderStatus.SKIPPED, 0),
        "recent_failed": list(
            reminders.filter(status=ReminderStatus.FAILED).select_related("recipient").order_by("-updated_at")[:10]
        ),
    }
