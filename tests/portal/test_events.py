"""The event path (portal.events): delivered after commit, merged per transaction, never failing the
write; a failing subscriber keeps its event in the outbox for itself alone until the sweep delivers it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pytest
from django.db import transaction
from django.utils import timezone

from portal import events
from portal.models import PendingEvent


class Recorder:
    """A subscriber that records what it gets and fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.got: list[list[events.Event]] = []
        self.failing = False

    def __call__(self, delivered: Sequence[events.Event]) -> None:
        if self.failing:
            raise ConnectionError("the broker is away")
        self.got.append(list(delivered))


@pytest.fixture
def subscribers(monkeypatch) -> tuple[Recorder, Recorder]:
    """Two subscribers of regulation.changed, and nobody else (the apps' own are set aside)."""
    first, second = Recorder(), Recorder()
    monkeypatch.setattr(events, "_subscribers", {})
    events.subscribe("test.first", first, events.REGULATION_CHANGED)
    events.subscribe("test.second", second, events.REGULATION_CHANGED, events.MEETING_CHANGED)
    return first, second


@pytest.mark.django_db
def test_events_wait_for_the_commit_and_are_merged_per_transaction(subscribers, django_capture_on_commit_callbacks):
    first, second = subscribers
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.publish(events.REGULATION_CHANGED, regulations=[1], localities=[10])
            events.publish(events.REGULATION_CHANGED, regulations=[2, 1], localities=[11])
            events.publish(events.MEETING_CHANGED, meetings=[5], localities=[10])
            assert first.got == [] and PendingEvent.objects.count() == 3  # in the outbox, not handled yet
    [[regulation]] = first.got
    assert regulation.data == {"regulations": [1, 2], "localities": [10, 11]}
    [[also_regulation, meeting]] = second.got  # one delivery: each name once, merged
    assert also_regulation == regulation and meeting.ids("meetings") == {5}
    assert not PendingEvent.objects.exists()  # every subscriber handled them: the outbox is empty


@pytest.mark.django_db
def test_a_failing_subscriber_never_fails_the_write_and_is_swept(subscribers, django_capture_on_commit_callbacks):
    first, second = subscribers
    second.failing = True
    before = events.failures().get("test.second", 0)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(events.REGULATION_CHANGED, regulations=[7])  # no exception reaches the writer
    assert len(first.got) == 1 and second.got == []
    [row] = PendingEvent.objects.all()
    assert row.subscribers == ["test.second"] and row.attempts == 1 and "ConnectionError" in row.last_error
    assert events.failures()["test.second"] == before + 1 and events.backlog() == {"test.second": 1}
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now()  # backoff

    assert events.sweep() == 0  # not due yet
    second.failing = False
    assert events.sweep(timezone.now() + datetime.timedelta(minutes=2)) == 1
    assert [[event.ids("regulations") for event in delivery] for delivery in second.got] == [[{7}]]
    assert len(first.got) == 1  # the subscriber that had it is not given it again
    assert not PendingEvent.objects.exists()


@pytest.mark.django_db
def test_a_delivery_that_never_ran_is_swept(subscribers, django_capture_on_commit_callbacks):
    """The process died between the commit and the delivery: the outbox row is there, for everyone."""
    first, second = subscribers
    with django_capture_on_commit_callbacks(execute=False):  # committed, never delivered
        events.publish(events.REGULATION_CHANGED, regulations=[3])
    assert PendingEvent.objects.get().subscribers == ["test.first", "test.second"]
    assert events.sweep() == 0  # younger than a minute: its delivery may still be running
    assert events.sweep(timezone.now() + events.SWEEP_AFTER + datetime.timedelta(seconds=1)) == 1
    assert len(first.got) == len(second.got) == 1 and not PendingEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_announces_nothing(subscribers):
    first, second = subscribers
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(events.REGULATION_CHANGED, regulations=[9])
        raise RuntimeError("the write failed")
    assert not PendingEvent.objects.exists()
    with transaction.atomic():  # the next transaction delivers its own events, not the rolled-back ones
        events.publish(events.REGULATION_CHANGED, regulations=[4])
    assert [event.ids("regulations") for delivery in first.got for event in delivery] == [{4}]
    assert not PendingEvent.objects.exists()


@pytest.mark.django_db
def test_a_batch_is_one_event_at_its_end(subscribers, django_capture_on_commit_callbacks):
    first, second = subscribers
    events.subscribe("test.imports", first, events.IMPORT_FINISHED)
    with django_capture_on_commit_callbacks(execute=True):
        with events.batch(as_event=events.IMPORT_FINISHED, imports=[1]):
            for pk in range(50):
                events.publish(events.REGULATION_CHANGED, regulations=[pk], localities=[pk % 3])
            assert PendingEvent.objects.count() == 0  # held in memory, not one row per write
    [[finished]] = first.got
    assert finished.name == events.IMPORT_FINISHED
    assert finished.ids("regulations") == set(range(50)) and finished.ids("localities") == {0, 1, 2}
    assert finished.ids("imports") == {1} and second.got == []
