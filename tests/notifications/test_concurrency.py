"""Two scans at once (two beats, a manual scan during the beat's) and two workers sending the same
reminder: each reminder is created once and its e-mail delivered once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from meetings.models import MeetingState
from notifications import delivery, scan
from notifications.models import Digest, Notification, Reminder, ReminderStatus, ScanRun
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
        pytest.skip(
            "SQLite's shared in-memory test database locks tables instead of waiting; "
            "run with DATABASE_URL=postgres://... (CI) for the threaded scan"
        )
    world = build_world()
    for _ in range(4):
        RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    DirectiveFactory(
        meeting__host_agency=world.vks_tc,
        meeting__state=MeetingState.HELD,
        assigned_agency=world.vks_kh,
        deadline=datetime.date(2024, 3, 5),
    )
    lock = threading.Lock()
    enqueued: list[int] = []
    digests: list[int] = []

    def record(into: list[int]):
        def append(pk: int) -> None:
            with lock:
                into.append(pk)

        return append

    monkeypatch.setattr(delivery, "enqueue_email", record(enqueued))
    monkeypatch.setattr(delivery, "enqueue_digest", record(digests))
    monkeypatch.setattr(delivery, "enqueue_digest_batches", lambda ids: [record(digests)(pk) for pk in ids])
    errors = run_in_threads(lambda: scan.scan_reminders(vn(2024, 3, 10, 7)))
    assert errors == []
    # 4 regulations × ks staff (overdue 9 days, stage overdue-w1) + a directive × (kh staff, kh leader),
    # each with one bell item, none due today: no e-mail of their own, one digest per user.
    assert Reminder.objects.count() == 4 + 2
    assert Notification.objects.count() == 6
    assert set(Notification.objects.values_list("reminder_id", flat=True)) == set(
        Reminder.objects.values_list("pk", flat=True)
    )
    assert not Reminder.objects.filter(notification__isnull=True).exists()
    assert enqueued == []
    assert Digest.objects.count() == 3 and set(digests) == set(Digest.objects.values_list("pk", flat=True))

    # Two workers get every task (a retried task, a re-enqueue by the sweep): one e-mail each.
    def work() -> None:
        for pk in set(digests):
            delivery.deliver_digest(pk)

    assert run_in_threads(work) == []
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Digest.objects.values_list("user__email", flat=True))
    assert set(Digest.objects.values_list("status", "attempts")) == {(ReminderStatus.SENT, 1)}
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert sum(len(m.body.split("http")) - 1 for m in mail.outbox) >= 6  # every item, with its link


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_on_many_subjects_insert_each_reminder_once(monkeypatch):
    """Bulk creation (INSERT ... ON CONFLICT DO NOTHING) under two concurrent scans, repeated."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): the threaded bulk insert")
    world = build_world()
    for _ in range(40):
        RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 1))
    for _ in range(20):
        DirectiveFactory(
            meeting__host_agency=world.vks_tc,
            meeting__state=MeetingState.HELD,
            assigned_agency=world.vks_kh,
            deadline=datetime.date(2024, 3, 5),
        )
    monkeypatch.setattr(delivery, "enqueue_email", lambda pk: None)
    monkeypatch.setattr(delivery, "enqueue_digest", lambda pk: None)
    monkeypatch.setattr(delivery, "enqueue_digest_batches", lambda ids: None)
    for day in (10, 17):
        assert run_in_threads(lambda day=day: scan.scan_reminders(vn(2024, 3, day, 7)), count=3) == []
    # two weekly stages each: 40 × ks staff, 20 × (kh staff, kh leader)
    assert Reminder.objects.count() == 2 * (40 + 40)
    assert Notification.objects.count() == Reminder.objects.count()
    assert not Reminder.objects.filter(notification__isnull=True).exists()
    assert Digest.objects.count() == 2 * 3
    runs = ScanRun.objects.filter(scan_date=datetime.date(2024, 3, 10))
    assert sum(r.reviews_created + r.directives_created for r in runs) == 80
