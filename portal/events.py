"""One event path: apps announce what changed, the others listen.

Publishing. A writer calls ``events.publish(events.REGULATION_CHANGED, regulations=[pk], localities=[a, b])``
inside its transaction. Nothing is handled then: the event is written to the outbox
(``portal.PendingEvent``) in that same transaction, so it exists exactly when the write does, and it is
handed to the subscribers once the transaction has committed. The events of one name published in one
transaction are merged (a meeting saved with ten directives is one ``directive.changed`` listing ten ids);
``batch()`` holds everything published inside it and publishes it as one event (an import of 3,000 rows:
one recount and one reminder recompute per unit, at the end).

Subscribing. An app subscribes in its ``AppConfig.ready``:

    events.subscribe("dashboards.tallies", tallies.on_events, events.REGULATION_CHANGED, events.MEETING_CHANGED)

A handler receives the events of one delivery (each name it listens to at most once, already merged) and
must be idempotent: an event may reach it twice (a retry after a crash), never zero times.

Failures. Handlers run after the commit, outside the writer's transaction: a handler that raises never
fails the write. It is logged, counted (``failures()``, the outbox row's ``attempts``), and the event stays
in the outbox for that handler alone; ``sweep()`` (Celery beat, every minute) delivers it again, with
backoff, until it succeeds. A delivery that never ran (the process died just after the commit) is swept
the same way.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# What the apps announce. Every change event names the records (ids) and the localities whose figures
# may have changed (for a record that moved: the old and the new one).
REGULATION_CHANGED = (
    "regulation.changed"  # regulations=, localities=: saved, deleted, parties, fields, relations, dates
)
MEETING_CHANGED = "meeting.changed"  # meetings=, localities=: saved, moved, deleted, held, cancelled, minutes issued
DIRECTIVE_CHANGED = "directive.changed"  # directives=, localities=: saved, deleted, done, reopened
DOCUMENT_ISSUED = "document.issued"  # documents=, meetings=: an official document got its number
IMPORT_FINISHED = "import.finished"  # everything an import wrote, merged: regulations=, meetings=, directives=, ...
JOB_FINISHED = "job.finished"  # user=, title=, body=, url=: a background job ended; tell its owner
ORIGINAL_ADDED = "original.added"  # originals=, regulations=: an original file was uploaded (to be read)
ACCOUNT_NOTICE = "account.notice"  # user=, what=, by=: an account was locked, unlocked or got a new password
# Events whose data are lists of ids, merged by union; any other event is delivered as published.
MERGED = frozenset(
    {REGULATION_CHANGED, MEETING_CHANGED, DIRECTIVE_CHANGED, DOCUMENT_ISSUED, IMPORT_FINISHED, ORIGINAL_ADDED}
)

SWEEP_AFTER = datetime.timedelta(seconds=60)  # a committed event not delivered by then was lost or failed
LEASE = datetime.timedelta(minutes=5)  # a sweep's claim on the rows it is delivering
MAX_BACKOFF = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Event:
    name: str
    data: Mapping[str, Any]

    def ids(self, key: str) -> set[int]:
        """The ids listed under ``key`` (empty if none)."""
        return {int(pk) for pk in self.data.get(key, ()) if pk is not None}


Handler = Callable[[Sequence[Event]], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    names: frozenset[str]


_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, handler: Handler, *event_names: str) -> None:
    """Deliver the events ``event_names`` to ``handler`` after each commit. ``name`` identifies the
    subscriber in the outbox (keep it stable: a failed delivery is retried under it)."""
    _subscribers[name] = Subscriber(name, handler, frozenset(event_names))


def subscribers(event_name: str) -> list[str]:
    return [s.name for s in _subscribers.values() if event_name in s.names]


# ---------------------------------------------------------------------------------------- publishing


def _normalise(name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    if name not in MERGED:
        return dict(data)
    return {key: sorted({int(pk) for pk in values if pk is not None}) for key, values in data.items()}


def merge(events: Iterable[Event]) -> list[Event]:
    """One event per mergeable name (ids united), the others as they are, in order of first appearance."""
    merged: dict[str, dict[str, set[int]]] = {}
    out: list[Event | str] = []
    for event in events:
        if event.name not in MERGED:
            out.append(event)
            continue
        if event.name not in merged:
            merged[event.name] = defaultdict(set)
            out.append(event.name)
        for key, values in event.data.items():
            merged[event.name][key].update(int(pk) for pk in values)
    return [
        item
        if isinstance(item, Event)
        else Event(item, {key: sorted(values) for key, values in merged[item].items() if values})
        for item in out
    ]


@dataclass
class _Pending:
    """The events published in the current transaction of one connection, with their outbox rows."""

    owner: object = None  # the outermost atomic block they belong to
    events: list[tuple[int | None, Event]] = field(default_factory=list)


_state = threading.local()


def _pending() -> _Pending:
    """This connection's pending events; those of a transaction that ended without committing are dropped
    (their outbox rows were rolled back with it)."""
    owner = connection.atomic_blocks[0] if connection.in_atomic_block else None
    pending: _Pending | None = getattr(connection, "_portal_events", None)
    if pending is None or (pending.owner is not owner and pending.events and pending.owner is not None):
        pending = _Pending(owner=owner)
        connection._portal_events = pending  # type: ignore[attr-defined]
    pending.owner = owner
    return pending


def publish(name: str, **data: Any) -> None:
    """Announce that something changed; delivered to the subscribers after the transaction commits
    (at once outside a transaction). ``data``: lists of ids for the merged events, else plain JSON."""
    event = Event(name, _normalise(name, data))
    batches: list[list[Event]] = getattr(_state, "batches", [])
    if batches:
        batches[-1].append(event)
        return
    owed = subscribers(name)
    if not owed:
        return
    row = _record(event, owed)
    _pending().events.append((row, event))
    transaction.on_commit(_deliver_committed, robust=True)


def _record(event: Event, owed: list[str]) -> int | None:
    from portal.models import PendingEvent

    return PendingEvent.objects.create(name=event.name, data=dict(event.data), subscribers=owed).pk


@contextlib.contextmanager
def batch(as_event: str | None = None, **extra: Any) -> Iterator[None]:
    """Hold the events published inside; at the end publish them merged (one per name), or, with
    ``as_event``, as ONE event of that name carrying every id of them all (plus ``extra``). Nothing is
    published if the block raises: its writes are rolled back by the caller's transaction."""
    held: list[Event] = []
    stack: list[list[Event]] = getattr(_state, "batches", [])
    _state.batches = [*stack, held]
    try:
        yield
    finally:
        _state.batches = stack
    merged = merge(held)
    if as_event is None:
        for event in merged:
            publish(event.name, **event.data)
        return
    together: dict[str, set[int]] = defaultdict(set)
    for event in merged:
        if event.name in MERGED:
            for key, values in event.data.items():
                together[key].update(values)
        else:
            publish(event.name, **event.data)
    for key, values in extra.items():
        together[key].update(values)
    publish(as_event, **together)


# ---------------------------------------------------------------------------------------- delivery

_failures: Counter[str] = Counter()


def failures() -> dict[str, int]:
    """Failed deliveries per subscriber since this process started (for logs and metrics)."""
    return dict(_failures)


def _deliver_committed() -> None:
    pending: _Pending | None = getattr(connection, "_portal_events", None)
    if pending is None or not pending.events or getattr(_state, "delivering", False):
        return  # delivered already by an earlier callback of this commit (or by the loop below)
    _state.delivering = True
    try:
        while pending.events:
            rows, pending.events = pending.events, []
            pending.owner = None
            _deliver([pk for pk, _event in rows if pk is not None], [event for _pk, event in rows])
    finally:
        _state.delivering = False


def _run(subscriber: Subscriber, events: Sequence[Event]) -> str | None:
    """Run one handler; the error text if it failed."""
    try:
        subscriber.handler(events)
    except Exception as exc:
        _failures[subscriber.name] += 1
        logger.exception(
            "event subscriber %s failed on %s (failure %s in this process); the sweep will retry it",
            subscriber.name,
            ", ".join(e.name for e in events),
            _failures[subscriber.name],
        )
        return f"{type(exc).__name__}: {exc}"[:2000]
    return None


def _deliver(row_ids: list[int], events: list[Event], owed: Mapping[int, Sequence[str]] | None = None) -> None:
    """Hand ``events`` to their subscribers and settle their outbox rows: delete a row once every
    subscriber owed it has handled it; keep it for the failed ones, with backoff."""
    from portal.models import PendingEvent

    merged = merge(events)
    wanted = None if owed is None else {name for names in owed.values() for name in names}
    errors: dict[str, str] = {}
    for subscriber in list(_subscribers.values()):
        if wanted is not None and subscriber.name not in wanted:
            continue
        mine = [e for e in merged if e.name in subscriber.names]
        if mine and (error := _run(subscriber, mine)):
            errors[subscriber.name] = error
    try:
        if not errors:
            PendingEvent.objects.filter(pk__in=row_ids).delete()
            return
        failed = [row for row in PendingEvent.objects.filter(pk__in=row_ids) if set(row.subscribers) & set(errors)]
        PendingEvent.objects.filter(pk__in=row_ids).exclude(pk__in=[row.pk for row in failed]).delete()
        now = timezone.now()
        for row in failed:
            row.subscribers = [name for name in row.subscribers if name in errors]
            row.attempts += 1
            row.last_error = "\n".join(f"{name}: {errors[name]}" for name in row.subscribers)[:4000]
            row.next_attempt_at = now + min(datetime.timedelta(minutes=2 ** (row.attempts - 1)), MAX_BACKOFF)
            row.save(update_fields=["subscribers", "attempts", "last_error", "next_attempt_at"])
    except DatabaseError:
        # The rows stay as they were (owed to every subscriber): the sweep delivers them again.
        logger.exception("could not settle %s outbox rows; the sweep will deliver them again", len(row_ids))


def sweep(now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Deliver the outbox rows whose delivery failed or never ran, each to the subscribers that still
    owe it. Returns how many rows were taken. Rows are claimed for ``LEASE`` first, so two sweeps at once
    never take the same row."""
    from portal.models import PendingEvent

    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_AFTER) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        rows = list(PendingEvent.objects.select_for_update(skip_locked=True).filter(due).order_by("pk")[:limit])
        PendingEvent.objects.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=now + LEASE)
    if not rows:
        return 0
    by_subscriber: dict[tuple[str, ...], list[PendingEvent]] = defaultdict(list)
    for row in rows:
        by_subscriber[tuple(sorted(row.subscribers))].append(row)
    for names, group in by_subscriber.items():
        _deliver(
            [row.pk for row in group],
            [Event(row.name, row.data) for row in group],
            owed={row.pk: names for row in group},
        )
    logger.info("event sweep delivered %s outbox rows", len(rows))
    return len(rows)


def backlog() -> dict[str, int]:
    """Outbox rows waiting, per subscriber (a health check or a metric reads this)."""
    from portal.models import PendingEvent

    counts: Counter[str] = Counter()
    for names in PendingEvent.objects.values_list("subscribers", flat=True):
        counts.update(names)
    return dict(counts)
