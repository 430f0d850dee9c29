"""Keeping the dashboard's summary table (``Tally``) equal to the raw counts.

Writes: every change of a meeting, directive or regulation is announced on the event path
(``regulation.changed``, ``meeting.changed``, ``directive.changed``, ``import.finished``, see
``portal.events``); once the writer's transaction has committed, ``on_events`` recounts the *own* rows of
the localities it touched (a few hundred records at most) and adds the difference to the *subtree* rows
of that locality and each locality above it with an atomic upsert, in a transaction of its own. A
recount that fails (the database went away just then) stays in the outbox and is swept a minute later;
the write itself never waits for it. Reads: a national dashboard sums the subtree rows of 34 provinces,
a province one those of its regions.

The figures' version (``TallyState.version``, the dashboard cache's key) is bumped in the recount's own
transaction, in the database: a cache that is down or lost can never serve figures older than the
tallies, and nothing about a write needs Redis.

Regulation and directive figures depend on the calendar (overdue, in force); they are counted at
``TallyState.as_of`` and recounted for the whole country once a day (beat task, or the first dashboard
request of the day); meeting figures are per month and never go stale.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from agencies.models import Locality
from dashboards.models import NO_MONTH, Tally, TallyState
from meetings.models import HELD_STATES, Directive, DirectiveState, Meeting
from portal import events
from regulations import rules
from regulations.models import PartyRole, Regulation, RegulationParty, RegulationStatus, ReviewState

MEETINGS, REGULATIONS, DIRECTIVES = "m:", "r:", "d:"
FAMILIES = (MEETINGS, REGULATIONS, DIRECTIVES)
STANDING = (REGULATIONS, DIRECTIVES)

Key = tuple[int, str, datetime.date]  # (locality id, figure, month)


def in_force_q(today: datetime.date) -> Q:
    """Status "in force" exactly as the register's ``status=in_force`` filter (amended ones included)."""
    return rules.status_q(RegulationStatus.IN_FORCE, today)


def amended_q(today: datetime.date) -> Q:
    """In force, as amended: a part of ``in_force_q``, never added to it."""
    return rules.status_q(RegulationStatus.AMENDED, today)


def counted_regulations():
    """Amending documents are part of the regulation they amend and never counted on their own."""
    return Regulation.objects.filter(amendment_of__isnull=True)


# ---------------------------------------------------------------- raw counts


def _where(locality_ids: list[int] | None, field: str = "locality_id") -> Q:
    return Q() if locality_ids is None else Q(**{f"{field}__in": locality_ids})


def count_meetings(locality_ids: list[int] | None) -> dict[Key, int]:
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = (
        Meeting.objects.filter(_where(locality_ids), state__in=HELD_STATES)
        .annotate(m=TruncMonth("starts_at", tzinfo=tz))
        .values("locality_id", "kind", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[Key, int] = {}
    for r in rows:
        month = r["m"].date() if isinstance(r["m"], datetime.datetime) else r["m"]
        out[(r["locality_id"], f"m:{r['kind']}", month)] = r["n"]
    return out


def count_regulations(locality_ids: list[int] | None, day: datetime.date) -> dict[Key, int]:
    out: dict[Key, int] = {}
    base = counted_regulations().filter(_where(locality_ids))
    figures = {
        "in_force": in_force_q(day),
        "amended": amended_q(day),
        "due_soon": rules.review_state_q(ReviewState.DUE_SOON, day),
        "overdue": rules.review_state_q(ReviewState.OVERDUE, day),
    }
    rows = base.values("locality_id").annotate(**{k: Count("id", filter=q) for k, q in figures.items()}).order_by()
    for r in rows:
        for name in figures:
            if r[name]:
                out[(r["locality_id"], f"r:{name}", NO_MONTH)] = r[name]
    live = base.filter(in_force_q(day)).values("id")
    through = Regulation.fields.through
    for r in (
        through.objects.filter(regulation_id__in=live)
        .values("regulation__locality_id", "field_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[(r["regulation__locality_id"], f"r:field:{r['field_id']}", NO_MONTH)] = r["n"]
    for r in (
        RegulationParty.objects.filter(role=PartyRole.PARTY, regulation_id__in=live)
        .values("regulation__locality_id", "agency__kind")
        .annotate(n=Count("regulation_id", distinct=True))
        .order_by()
    ):
        out[(r["regulation__locality_id"], f"r:partner:{r['agency__kind']}", NO_MONTH)] = r["n"]
    return out


def count_directives(locality_ids: list[int] | None, day: datetime.date) -> dict[Key, int]:
    figures = {
        "open": Q(state=DirectiveState.OPEN),
        "done": Q(state=DirectiveState.DONE),
        "overdue": Q(state=DirectiveState.OPEN, deadline__lt=day),
    }
    rows: Iterable[Any] = (
        Directive.objects.filter(_where(locality_ids))
        .values("locality_id")
        .annotate(**{k: Count("id", filter=q) for k, q in figures.items()})
        .order_by()
    )
    return {(r["locality_id"], f"d:{name}", NO_MONTH): r[name] for r in rows for name in figures if r[name]}


def count_own(family: str, locality_ids: list[int] | None, day: datetime.date) -> dict[Key, int]:
    if family == MEETINGS:
        return count_meetings(locality_ids)
    if family == REGULATIONS:
        return count_regulations(locality_ids, day)
    return count_directives(locality_ids, day)


# ---------------------------------------------------------------- writes


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _add(rows: dict[Key, int], subtree: bool) -> None:
    """``count += n`` for each key, creating missing rows; atomic under concurrent writers."""
    rows = {k: n for k, n in rows.items() if n}
    if not rows:
        return
    table = Tally._meta.db_table
    values = []
    params: list = []
    for (loc, figure, month), n in rows.items():
        values.append("(%s, %s, %s, %s, %s)")
        params += [loc, subtree, figure, month, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (locality_id, subtree, figure, month, count) VALUES {', '.join(values)} "  # noqa: S608
            f"ON CONFLICT (locality_id, subtree, figure, month) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            params,
        )


# Every transaction that changes tallies (a write's recount, a rebuild) holds this advisory lock from
# its first recount to its commit (PostgreSQL; SQLite has a single writer anyway). One lock, so no lock
# order between localities and tally rows can deadlock, and a recount's snapshot always includes the
# previous writer's committed rows. Writes are human-paced here; the lock is held for milliseconds.
REBUILD_LOCK = 7_310_013


def _lock(exclusive: bool = True) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            cursor.execute(f"SELECT {function}(%s)", [REBUILD_LOCK])


def state() -> TallyState | None:
    return TallyState.objects.filter(pk=1).first()


def touch(locality_ids: Iterable[int | None], families: Iterable[str] = FAMILIES) -> None:
    """Recount these localities' own figures and carry the difference up the tree, in one transaction."""
    ids = sorted({i for i in locality_ids if i is not None})
    current = state()
    if not ids or current is None:  # no tallies yet: the first read builds them
        return
    with transaction.atomic():
        _lock(exclusive=True)
        current = state() or current  # as counted after any rebuild that held the lock
        paths = dict(Locality.objects.filter(pk__in=ids).values_list("pk", "path"))
        for family in families:
            old = {
                (t.locality_id, t.figure, t.month): t.count
                for t in Tally.objects.filter(subtree=False, locality_id__in=ids, figure__startswith=family)
            }
            new = count_own(family, ids, current.as_of)
            if old == new:
                continue
            delta: dict[Key, int] = defaultdict(int)
            for key in old.keys() | new.keys():
                d = new.get(key, 0) - old.get(key, 0)
                if d:
                    for ancestor in _ancestors(paths.get(key[0], "")):
                        delta[(ancestor, key[1], key[2])] += d
            Tally.objects.filter(subtree=False, locality_id__in=ids, figure__startswith=family).delete()
            Tally.objects.bulk_create(
                Tally(locality_id=k[0], subtree=False, figure=k[1], month=k[2], count=n) for k, n in new.items() if n
            )
            _add(delta, subtree=True)
        bump_version()


def rebuild(day: datetime.date | None = None, families: Iterable[str] = FAMILIES) -> int:
    """Recount ``families`` for the whole country; returns the number of rows written."""
    day = day or datetime.date.today()
    families = tuple(families)
    written = 0
    with transaction.atomic():
        _lock(exclusive=True)
        # Serialises rebuilds and touches of the standing figures' day.
        TallyState.objects.get_or_create(pk=1, defaults={"as_of": day})
        TallyState.objects.select_for_update().filter(pk=1).update(as_of=day)
        paths = dict(Locality.objects.values_list("pk", "path"))
        for family in families:
            own = count_own(family, None, day)
            subtree: dict[Key, int] = defaultdict(int)
            for (loc, figure, month), n in own.items():
                for ancestor in _ancestors(paths.get(loc, "")):
                    subtree[(ancestor, figure, month)] += n
            Tally.objects.filter(figure__startswith=family).delete()
            rows = [Tally(locality_id=k[0], subtree=False, figure=k[1], month=k[2], count=n) for k, n in own.items()]
            rows += [
                Tally(locality_id=k[0], subtree=True, figure=k[1], month=k[2], count=n) for k, n in subtree.items()
            ]
            Tally.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
        bump_version()
    return written


def ensure_fresh(today: datetime.date) -> int:
    """Count the standing figures for ``today`` if they were counted for another day (once a day).
    Returns the figures' version."""
    current = state()
    if current is not None and current.as_of == today:
        return current.version
    with transaction.atomic():
        locked = TallyState.objects.select_for_update().filter(pk=1).first()
        if locked is None or locked.as_of != today:  # else another request did it meanwhile
            rebuild(today, FAMILIES if locked is None else STANDING)
    return data_version()


# ---------------------------------------------------------------- version


def data_version() -> int:
    """The figures' version: part of every dashboard cache key, bumped by each recount."""
    current = state()
    return current.version if current is not None else 0


def bump_version() -> None:
    """Inside the recount's transaction: its readers see the new version exactly with the new rows."""
    TallyState.objects.filter(pk=1).update(version=F("version") + 1)


# ---------------------------------------------------------------- the event path


def localities_of(events_: Sequence[events.Event]) -> dict[str, set[int]]:
    """The localities to recount per family for these events: those they name, and the current
    locality of each record they name (a party or a field changed: the regulation's own locality)."""
    out: dict[str, set[int]] = {family: set() for family in FAMILIES}
    records: dict[str, set[int]] = {REGULATIONS: set(), MEETINGS: set(), DIRECTIVES: set()}
    keys = {REGULATIONS: "regulations", MEETINGS: "meetings", DIRECTIVES: "directives"}
    family_of = {
        events.REGULATION_CHANGED: (REGULATIONS,),
        events.MEETING_CHANGED: (MEETINGS,),
        events.DIRECTIVE_CHANGED: (DIRECTIVES,),
        events.IMPORT_FINISHED: FAMILIES,  # one recount per unit at the end of an import
    }
    for event in events_:
        for family in family_of.get(event.name, ()):
            out[family] |= event.ids("localities")
            records[family] |= event.ids(keys[family])
    models: dict[str, Any] = {REGULATIONS: Regulation, MEETINGS: Meeting, DIRECTIVES: Directive}
    for family, ids in records.items():
        if ids:
            out[family] |= set(
                models[family].objects.filter(pk__in=ids).values_list("locality_id", flat=True).distinct()
            )
    return out


def on_events(events_: Sequence[events.Event]) -> None:
    """Subscriber of the change events: recount what they touched (after the writer's commit)."""
    for family, ids in localities_of(events_).items():
        if ids:
            touch(ids, (family,))


SUBSCRIBED = (events.REGULATION_CHANGED, events.MEETING_CHANGED, events.DIRECTIVE_CHANGED, events.IMPORT_FINISHED)
