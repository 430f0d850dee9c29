"""Reliability 6: the outbox's "Gửi lại" tells the truth when the broker is down, and enqueues a
batch over one connection."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from accounts.models import Role
from notifications import delivery
from notifications.models import Reminder, ReminderStatus
from notifications.tasks import send_reminder_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def failed(world, n: int) -> list[Reminder]:
    return [
        Reminder.objects.create(
            kind="review",
            subject_id=i,
            stage="d7",
            due_on=datetime.date(2026, 1, 1),
            recipient=world.ks_staff,
            subject_number=f"{i}/QC",
            status=ReminderStatus.FAILED,
            last_error="SMTP 451",
        )
        for i in range(n)
    ]


@pytest.fixture
def broker(monkeypatch):
    def use(url: str) -> None:
        monkeypatch.setattr(send_reminder_email.app.conf, "broker_write_url", url)
        monkeypatch.setattr(send_reminder_email.app.conf, "broker_url", url)

    return use


def test_resend_reports_failure_when_the_broker_is_down(world, client_for, broker):
    reminders = failed(world, 3)
    broker("redis://127.0.0.1:1/0")  # nothing listens there
    admin = UserFactory(username="root", role=Role.ADMIN, agency=world.vks_tc, is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        "/quan-tri/notifications/reminder/",
        {"action": "resend", "_selected_action": [r.pk for r in reminders]},
        follow=True,
    )
    body = response.content.decode()
    assert "Không gửi lại được" in body and "Đã đưa" not in body
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.PENDING}


def test_resend_enqueues_the_batch_over_one_connection(world, broker):
    reminders = failed(world, 5)
    broker("memory://")
    with mock.patch.object(send_reminder_email, "apply_async") as apply_async:
        assert delivery.requeue([r.pk for r in reminders]) == 5
    connections = {id(call.kwargs["connection"]) for call in apply_async.call_args_list}
    assert apply_async.call_count == 5 and len(connections) == 1
    assert all(call.kwargs["retry"] is False for call in apply_async.call_args_list)


def test_sweep_does_not_start_a_second_retry_chain(world, monkeypatch):
    from django.utils import timezone

    enqueued: list[int] = []
    monkeypatch.setattr(delivery, "enqueue_email", enqueued.append)
    live, quiet = failed(world, 2)
    now = timezone.now()
    Reminder.objects.filter(pk=live.pk).update(updated_at=now - datetime.timedelta(minutes=9))  # retried 9 min ago
    Reminder.objects.filter(pk=quiet.pk).update(updated_at=now - datetime.timedelta(minutes=30))
    assert delivery.resend_unsent(now) == 1 and enqueued == [quiet.pk]
