"""Reads of notifications and of the reminder machinery's state."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from accounts.models import User
from notifications.models import Notification, Reminder, ScanRun


def notifications_of(user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def status_summary() -> dict:
    by_status = dict(Reminder.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "last_run": ScanRun.objects.order_by("-started_at", "-pk").first(),
        "runs": list(ScanRun.objects.order_by("-started_at", "-pk")[:10]),
        "by_status": by_status,
        "pending": by_status.get("pending", 0) + by_status.get("sending", 0),
        "failed": by_status.get("failed", 0),
        "sent": by_status.get("sent", 0),
        "skipped": by_status.get("skipped", 0),
        "recent_failed": list(
            Reminder.objects.filter(status="failed").select_related("recipient").order_by("-updated_at")[:10]
        ),
    }
