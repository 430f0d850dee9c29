"""Issue 18 point 3: mail survives a database restart. Database errors are retried like SMTP errors, a
message the SMTP server took is not sent again when only its mark failed, every message keeps one
Message-ID, and the day's digests go out in batches over one SMTP connection each (issue 25 point 5)."""

from __future__ import annotations

import datetime
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError
from django.utils import timezone

from notifications import delivery
from notifications.models import Digest, Reminder, ReminderStatus
from notifications.tasks import send_digest_batch, send_reminder_email

pytestmark = pytest.mark.django_db

D = datetime.date


class CountingBackend(LocmemBackend):
    """The locmem backend, counting the connections made and opened."""

    made = 0
    opened = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        CountingBackend.made += 1

    def open(self) -> bool:
        CountingBackend.opened += 1
        return True


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery_faults.CountingBackend"
    CountingBackend.made = CountingBackend.opened = 0
    return CountingBackend


def fail_once(monkeypatch, name: str) -> list[int]:
    """Make ``delivery.<name>`` raise OperationalError on its first call (a database restarting)."""
    real = getattr(delivery, name)
    calls: list[int] = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(delivery, name, flaky)
    return calls


def reminder(world, i: int = 1) -> Reminder:
    return Reminder.objects.create(
        kind="review",
        subject_id=i,
        stage="d7",
        due_on=D(2026, 1, 1),
        recipient=world.ks_staff,
        subject_number=f"{i}/QC",
    )


def make_digests(world, n: int, items: int = 3) -> list[int]:
    ids = []
    for day in range(1, n + 1):
        digest = Digest.objects.create(user=world.ks_staff, day=D(2026, 1, day))
        for k in range(items):
            Reminder.objects.create(
                kind="review",
                subject_id=day * 100 + k,
                stage="d7",
                due_on=D(2026, 1, day),
                recipient=world.ks_staff,
                subject_number=f"{day}-{k}/QC",
                status=ReminderStatus.DIGEST,
                digest=digest,
            )
        ids.append(digest.pk)
    return ids


def message_ids() -> list[str]:
    return [message_from_bytes(m.message().as_bytes())["Message-ID"] for m in mail.outbox]


def test_database_error_while_marking_sent_is_retried_without_a_second_copy(world, monkeypatch, settings):
    settings.PORTAL_BASE_URL = "https://portal.vks.example"
    r = reminder(world)
    calls = fail_once(monkeypatch, "_mark_reminder_sent")
    result = send_reminder_email.apply(args=(r.pk,))
    assert result.get() == "sent" and len(calls) == 2  # the retry only marked it
    r.refresh_from_db()
    assert r.status == ReminderStatus.SENT and r.attempts == 1
    assert len(mail.outbox) == 1 and message_ids() == [f"<reminder-{r.pk}@portal.vks.example>"]


def test_database_error_before_the_send_is_retried(world, monkeypatch):
    r = reminder(world)
    fail_once(monkeypatch, "build_email")
    assert send_reminder_email.apply(args=(r.pk,)).get() == "sent"
    assert Reminder.objects.get(pk=r.pk).status == ReminderStatus.SENT and len(mail.outbox) == 1


def test_database_error_while_recording_an_smtp_failure_resumes_the_same_claim(world, monkeypatch, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_scan.RefusingBackend"
    r = reminder(world)
    fail_once(monkeypatch, "_record_failure")  # the SMTP server refuses, then the database goes away
    with pytest.raises(delivery.Interrupted) as stopped:
        delivery.deliver_email(r.pk)
    assert stopped.value.resume["sent"] is False
    assert Reminder.objects.get(pk=r.pk).status == ReminderStatus.SENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_email(r.pk, **stopped.value.resume) == "sent"  # its own claim, resumed
    assert delivery.deliver_email(r.pk, **stopped.value.resume) == ReminderStatus.SENT
    r.refresh_from_db()
    assert len(mail.outbox) == 1 and r.attempts == 1


def test_message_id_is_stable_across_resends_and_the_duplicate_is_logged(world, monkeypatch, caplog):
    r = reminder(world)
    sent: list[str] = []
    monkeypatch.setattr(delivery, "enqueue_email", sent.append)
    monkeypatch.setattr(delivery, "_mark_reminder_sent", lambda *a: (_ for _ in ()).throw(OperationalError("gone")))
    with pytest.raises(delivery.Interrupted):
        delivery.deliver_email(r.pk)
    # The worker died before its retry could mark it (the SMTP window): the sweep sends it again.
    monkeypatch.undo()
    monkeypatch.setattr(delivery, "enqueue_email", sent.append)
    later = timezone.now() + delivery.STALE_CLAIM + datetime.timedelta(seconds=1)
    assert delivery.resend_unsent(later) == 1 and sent == [r.pk]
    assert "possible duplicates" in caplog.text
    assert delivery.deliver_email(r.pk) == "sent"
    ids = message_ids()
    assert len(ids) == 2 and ids[0] == ids[1] == delivery.message_id("reminder", r.pk)
    # A digest's Message-ID is its own, never a reminder's of the same pk.
    assert delivery.message_id("digest", r.pk) != ids[0]


def test_a_batch_of_digests_uses_one_smtp_connection_and_bounded_queries(
    world, counting, django_assert_max_num_queries
):
    ids = make_digests(world, 10, items=5)
    # One read of the digests and one of their items, then per digest the claim and the mark (the
    # digest and its items in one statement): two per digest, whatever the number of items.
    with django_assert_max_num_queries(2 + 2 * len(ids)):
        outcome = delivery.deliver_digest_batch(ids)
    assert outcome == {"sent": 10}
    assert counting.made == 1 and counting.opened == 1 and len(mail.outbox) == 10
    assert set(Digest.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert sorted(message_ids()) == sorted(delivery.message_id("digest", pk) for pk in ids)


def test_a_batch_stopped_by_the_database_resumes_where_it_stopped(world, counting, monkeypatch):
    ids = make_digests(world, 5, items=2)
    real = delivery._mark_digest_sent
    calls: list[int] = []

    def flaky(digest_id, stamp, **kwargs):
        calls.append(digest_id)
        if digest_id == ids[2] and calls.count(digest_id) == 1:
            raise OperationalError("the database is restarting")
        return real(digest_id, stamp, **kwargs)

    monkeypatch.setattr(delivery, "_mark_digest_sent", flaky)
    assert send_digest_batch.apply(args=(ids,)).successful()
    # The third digest was taken by the server before the error: the retry marks it, sends the rest.
    assert len(mail.outbox) == 5 and sorted(message_ids()) == sorted(delivery.message_id("digest", pk) for pk in ids)
    assert set(Digest.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert counting.made == 2  # the batch and its retry


def test_a_batch_skips_a_digest_it_cannot_build_and_sends_the_rest(world, counting, monkeypatch):
    ids = make_digests(world, 3, items=1)
    real = delivery.build_digest_email

    def broken(digest, rows=None):
        if digest.pk == ids[0]:
            raise ValueError("a template error")
        return real(digest, rows)

    monkeypatch.setattr(delivery, "build_digest_email", broken)
    assert delivery.deliver_digest_batch(ids) == {"error": 1, "sent": 2}
    assert Digest.objects.get(pk=ids[0]).status == ReminderStatus.PENDING  # the sweep takes it up


def test_an_item_gathered_after_the_digest_was_built_waits_for_the_next_one(world):
    [pk] = make_digests(world, 1, items=2)
    rows = delivery.digest_rows([pk])[pk]
    late = Reminder.objects.create(
        kind="review",
        subject_id=999,
        stage="d7",
        due_on=D(2026, 1, 1),
        recipient=world.ks_staff,
        status=ReminderStatus.DIGEST,
        digest_id=pk,
    )
    assert delivery.deliver_digest(pk, rows=rows) == "sent"
    late.refresh_from_db()
    assert late.status == ReminderStatus.DIGEST and late.digest_id is None
    assert Reminder.objects.filter(digest_id=pk, status=ReminderStatus.SENT).count() == 2
