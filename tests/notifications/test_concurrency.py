"""Two scans at once (two beats, a manual scan during the beat's) and two workers sending the same
reminder: each reminder is created once and its e-mail delivered once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from meetings.models import MeetingState
from notifications import services
from notifications.models import Notification, Reminder, ReminderStatus
from tests.factories import build_world
from tests.meetings.factories import DirectiveFactory
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory


def run_in_threads(target, count: int = 2) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body() -> None:
        try:
            barrier.wait(timeout=10)
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_deliver_each_reminder_once(monkeypatch):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("SQLite's shared in-memory test database locks tables instead of waiting; "
                    "run with DATABASE_URL=postgres://... (CI) for the threaded scan")
    world = build_world()
    for _ in range(4):
        RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    DirectiveFactory(meeting__host_agency=world.vks_tc, meeting__state=MeetingState.HELD,
                     assigned_agency=world.vks_kh, deadline=datetime.date(2024, 3, 5))
    lock = threading.Lock()
    enqueued: list[int] = []

    def record(pk: int) -> None:
        with lock:
            enqueued.append(pk)

    monkeypatch.setattr(services, "enqueue_email", record)
    errors = run_in_threads(lambda: services.scan_reminders(vn(2024, 3, 10, 7)))
    assert errors == []
    reminders = list(Reminder.objects.values_list("pk", flat=True))
    # 4 regulations × ks staff (overdue 9 days, stage overdue-w1) + a directive × (kh staff, kh leader)
    assert len(reminders) == 4 + 2
    assert Notification.objects.count() == 6
    assert sorted(enqueued) == sorted(reminders)

    # Two workers get every task (a retried task, a re-enqueue by the sweep): one e-mail each.
    def work() -> None:
        for pk in reminders:
            services.deliver_email(pk)

    assert run_in_threads(work) == []
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Reminder.objects.values_list("recipient__email", flat=True))
    assert set(Reminder.objects.values_list("status", "attempts")) == {(ReminderStatus.SENT, 1)}
