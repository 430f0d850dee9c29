"""Reminder and digest e-mails for /metrics (registered in NotificationsConfig.ready)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from notifications.models import UNSENT_STATUSES, Digest, Reminder, ReminderStatus


def reminders() -> Iterator[Any]:
    sent = CounterMetricFamily("portal_reminders_sent", "Reminder e-mails sent, by kind", labels=["kind"])
    for row in Reminder.objects.filter(status=ReminderStatus.SENT).values("kind").annotate(n=Count("id")):
        sent.add_metric([row["kind"]], row["n"])
    yield sent
    yield CounterMetricFamily(
        "portal_digests_sent",
        "Daily digest e-mails sent",
        value=Digest.objects.filter(status=ReminderStatus.SENT).count(),
    )
    waiting = GaugeMetricFamily(
        "portal_reminders_unsent",
        "Reminder e-mails not sent yet (pending, or failed and to be retried)",
        labels=["status"],
    )
    counts = dict(
        Reminder.objects.filter(status__in=UNSENT_STATUSES).values_list("status").annotate(n=Count("id")).order_by()
    )
    for status in UNSENT_STATUSES:
        waiting.add_metric([str(status)], counts.get(status, 0))
    yield waiting
