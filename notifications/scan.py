"""The reminder scan: who is reminded of what, daily and after each change.

The candidate rules belong to the apps that own the records, as providers this module asks:
``regulations.reminders`` (reviews due), ``meetings.reminders`` (directives near or past their deadline,
minutes not finalised). Each gives, for today, its candidates with the reminder key (stage, due date), the
unit whose users are reminded and the notification's Vietnamese texts; this module turns them into
reminders and bell items, exactly once, and hands them to ``notifications.delivery``.

Exactly once: every reminder is a ``Reminder`` row with a unique key (kind, subject, stage, due date,
recipient) and its bell item a ``Notification`` whose one-to-one ``reminder`` is unique too. The scan
inserts both in bulk, set-based, with ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``.

Stages. Only the stage that applies *today* is created, so a scan after days of downtime, or a record
imported with old dates, gets one current reminder, never a backlog of stale ones. The unit reminded is
the subject's unit or, if dissolved, the one unit that carries its work now (``Agency.current_carrier``,
refreshed at the start of the daily scan).

After a change. Notifications listens to the change events (``portal.events``): once a write has
committed, ``on_events`` asks a worker to recompute the reminders of what changed (``recompute``) and to
settle those it no longer deserves. What falls due today is mailed at once; the rest waits for the
user's daily digest (``notifications.digests``).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from agencies.services import refresh_current_carriers
from meetings import reminders as meeting_reminders
from meetings.models import Directive, Meeting
from notifications import delivery, digests
from notifications.models import Digest, Notification, Reminder, ReminderKind, ReminderStatus, ScanRun
from portal import events, sql
from regulations import reminders as regulation_reminders
from regulations.models import Regulation

logger = logging.getLogger(__name__)

ANALYZE_AFTER = 10_000  # new reminders in one scan


def local_today(now: datetime.datetime) -> datetime.date:
    """The calendar day in Vietnam (settings.TIME_ZONE) at ``now``: 00:30 UTC on the 26th is 07:30 on the 26th."""
    return timezone.localtime(now).date()


# ---------------------------------------------------------------------------------- the scan in SQL
#
# Each kind is a queryset of candidates (the rules of the owning app narrow it) annotated, in SQL,
# with the reminder key (stage, due date), the unit whose users are reminded (the subject's unit, or
# the unit that carries its work now: Agency.current_carrier), and the texts of the notification.
# Two statements per kind do the work, whatever the number of candidates:
#
#   INSERT INTO reminder SELECT ... FROM (candidates) JOIN users ... ON CONFLICT DO NOTHING
#   INSERT INTO notification SELECT ... FROM reminder JOIN (candidates) ... ON CONFLICT DO NOTHING
#
# The unique keys (the reminder's, and the notification's one-to-one reminder) make two scans at
# once, a retried task or a save during the scan create everything exactly once.


@dataclass
class Batch:
    """One run of the scan (the daily one, or one object's recompute after a save)."""

    today: datetime.date
    stamp: datetime.datetime
    counts: dict[str, int] = field(default_factory=lambda: {"review": 0, "directive": 0, "minutes": 0})


def _status_sql() -> str:
    """A new reminder's e-mail: at once if it falls due today, else in the daily digest; none for
    users who turned e-mail off or have no address."""
    return "CASE WHEN NOT (u.email_notifications AND u.email <> '') THEN %s WHEN c.due_on = %s THEN %s ELSE %s END"


REMINDER_COLUMNS = ("subject_id", "stage", "due_on", "agency_id", "target", "escalate", "number_label", "subject")
NOTIFICATION_COLUMNS = ("title_text", "body_text", "url_text")


def _reminders_select(source: str) -> str:
    """SELECT of the new reminder rows from candidates ``source`` (columns REMINDER_COLUMNS) joined
    with the active users of each target unit; parameters: see ``_reminders_params``."""
    u = sql.q(User._meta.db_table)
    return (
        "SELECT %s, c.subject_id, c.stage, c.due_on, u.id, c.agency_id, SUBSTR(c.number_label, 1, 200), "
        f"SUBSTR(c.subject, 1, 500), {_status_sql()}, 0, '', %s, %s "
        f"FROM {source} c JOIN {u} u ON u.agency_id = c.target AND u.is_active "
        "AND (u.role = %s OR (c.escalate AND u.role = %s)) WHERE 1 = 1 "
    )


def _reminders_params(
    batch: Batch, kind: str, main_role: str, escalated_role: str, select_params: Sequence[Any] = ()
) -> list[Any]:
    return [
        kind,
        ReminderStatus.SKIPPED,
        batch.today,
        ReminderStatus.PENDING,
        ReminderStatus.DIGEST,
        batch.stamp,
        batch.stamp,
        *select_params,
        main_role,
        escalated_role,
    ]


INSERT_REMINDER = (
    "INSERT INTO {r} (kind, subject_id, stage, due_on, recipient_id, agency_id, subject_number, "
    "subject_title, status, attempts, last_error, created_at, updated_at) "
)
ON_REMINDER_CONFLICT = "ON CONFLICT (kind, subject_id, stage, due_on, recipient_id) DO NOTHING"


def _insert_reminders(batch: Batch, kind: str, candidates: QuerySet, main_role: str, escalated_role: str) -> int:
    """Insert the reminders of ``candidates`` for the active users of each target unit."""
    select_sql, select_params = candidates.values(*REMINDER_COLUMNS).query.sql_with_params()
    r = sql.q(Reminder._meta.db_table)
    statement = INSERT_REMINDER.format(r=r) + _reminders_select(f"({select_sql})") + ON_REMINDER_CONFLICT
    with connection.cursor() as cursor:
        cursor.execute(statement, _reminders_params(batch, kind, main_role, escalated_role, select_params))
        return max(cursor.rowcount, 0)


def _insert_both_postgresql(batch: Batch, kind: str, candidates: QuerySet, main_role: str, escalated_role: str) -> int:
    """PostgreSQL: reminders and their notifications in ONE statement. The candidates are computed
    once (a materialised CTE); the notifications are made from the rows the reminder INSERT really
    inserted (its RETURNING), so nothing is read back. Returns how many reminders were new."""
    select_sql, select_params = candidates.values(*REMINDER_COLUMNS, *NOTIFICATION_COLUMNS).query.sql_with_params()
    r, n = sql.q(Reminder._meta.db_table), sql.q(Notification._meta.db_table)
    statement = (
        f"WITH c AS MATERIALIZED ({select_sql}), "
        f"ins AS ({INSERT_REMINDER.format(r=r)}{_reminders_select('c')}{ON_REMINDER_CONFLICT} "
        "RETURNING id, recipient_id, subject_id, stage, due_on, created_at) "
        f"INSERT INTO {n} (user_id, title, body, url, created_at, read_at, reminder_id) "
        "SELECT ins.recipient_id, SUBSTR(c.title_text, 1, 300), c.body_text, SUBSTR(c.url_text, 1, 500), "
        "ins.created_at, NULL, ins.id "
        "FROM ins JOIN c ON c.subject_id = ins.subject_id AND c.stage = ins.stage AND c.due_on = ins.due_on "
        "ON CONFLICT (reminder_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*select_params, *_reminders_params(batch, kind, main_role, escalated_role)])
        return max(cursor.rowcount, 0)


def _insert_notifications(kind: str, candidates: QuerySet) -> None:
    """The bell's item of every reminder of ``kind`` that has none yet, texts from ``candidates``
    (annotated title_text, body_text, url_text)."""
    select_sql, select_params = candidates.values(
        "subject_id", "stage", "due_on", "title_text", "body_text", "url_text"
    ).query.sql_with_params()
    n, r = sql.q(Notification._meta.db_table), sql.q(Reminder._meta.db_table)
    statement = (
        f"INSERT INTO {n} (user_id, title, body, url, created_at, read_at, reminder_id) "
        "SELECT r.recipient_id, SUBSTR(c.title_text, 1, 300), c.body_text, SUBSTR(c.url_text, 1, 500), "
        "r.created_at, NULL, r.id "
        f"FROM {r} r JOIN ({select_sql}) c ON r.subject_id = c.subject_id AND r.stage = c.stage "
        "AND r.due_on = c.due_on "
        f"WHERE r.kind = %s AND NOT EXISTS (SELECT 1 FROM {n} n WHERE n.reminder_id = r.id) "
        "ON CONFLICT (reminder_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*select_params, kind])


def _scan_set_based(batch: Batch, kind: str, candidates: QuerySet, main_role: str, escalated_role: str) -> None:
    if connection.vendor == "postgresql":
        batch.counts[kind] += _insert_both_postgresql(batch, kind, candidates, main_role, escalated_role)
    else:
        batch.counts[kind] += _insert_reminders(batch, kind, candidates, main_role, escalated_role)
        _insert_notifications(kind, candidates)


def _scan_minutes(batch: Batch, meeting_ids: Iterable[int] | None = None) -> None:
    """Minutes: the meetings of the last weeks only, a small set, built row by row (their recipients
    include secretaries matched by name)."""
    candidates = meeting_reminders.minutes_candidates(batch.today, meeting_ids)
    if not candidates:
        return
    wants_mail = dict(
        User.objects.filter(pk__in={pk for c in candidates for pk in c.recipients})
        .annotate(mail=Q(email_notifications=True) & ~Q(email=""))
        .values_list("pk", "mail")
    )
    stage = f"minutes-{meeting_reminders.MINUTES_AFTER_DAYS}"
    rows: list[Reminder] = []
    texts = {c.meeting_id: (c.notice_title, c.notice_body, c.url) for c in candidates}
    for c in candidates:
        for user_id in c.recipients:
            status = (
                ReminderStatus.SKIPPED
                if not wants_mail.get(user_id)
                else ReminderStatus.PENDING
                if c.due_on == batch.today
                else ReminderStatus.DIGEST
            )
            rows.append(
                Reminder(
                    kind=ReminderKind.MINUTES,
                    subject_id=c.meeting_id,
                    stage=stage,
                    due_on=c.due_on,
                    recipient_id=user_id,
                    agency_id=c.agency_id,
                    subject_number=c.title[:200],
                    subject_title=c.title[:500],
                    status=status,
                )
            )
    subjects = Reminder.objects.filter(kind=ReminderKind.MINUTES, subject_id__in=list(texts), stage=stage)
    before = subjects.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    batch.counts["minutes"] += subjects.count() - before
    delivery.notify_missing(ReminderKind.MINUTES, list(texts), lambda subject_id: texts[subject_id])


def _run(
    batch: Batch,
    *,
    regulations: Iterable[int] | None = None,
    directives: Iterable[int] | None = None,
    meetings: Iterable[int] | None = None,
) -> None:
    """Create today's reminders of the given subjects (None: all of that kind; []: none)."""
    if regulations is None or regulations:
        candidates = regulation_reminders.review_candidates(batch.today, regulations)
        _scan_set_based(batch, ReminderKind.REVIEW, candidates, Role.STAFF, Role.LEADER)
    if directives is None or directives:
        candidates = meeting_reminders.directive_candidates(batch.today, directives)
        _scan_set_based(batch, ReminderKind.DIRECTIVE, candidates, Role.STAFF, Role.LEADER)
    if meetings is None or meetings:
        _scan_minutes(batch, meetings)
    delivery.enqueue_immediate(batch.stamp)


def scan_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily run: create today's reminders (Vietnam date at ``now``), then queue the day's digests
    and re-enqueue unsent e-mails. Returns the counts of new reminders by kind and of e-mails re-enqueued."""
    now = now or timezone.now()
    today = local_today(now)
    refresh_current_carriers(today)
    run = ScanRun.objects.create(started_at=timezone.now(), scan_date=today)
    batch = Batch(today=today, stamp=timezone.now())
    counts = {"review": 0, "directive": 0, "minutes": 0, "resent": 0}
    try:
        with transaction.atomic():
            _run(batch)
            digests.queue_digests(today)
        counts.update(batch.counts)
        if connection.vendor == "postgresql" and sum(batch.counts.values()) > ANALYZE_AFTER:
            # Fresh statistics after a bulk insert: without them the planner takes the new rows for
            # a handful and every digest's read becomes a scan of the status index.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {sql.q(Reminder._meta.db_table)}, {sql.q(Notification._meta.db_table)}, "
                    f"{sql.q(Digest._meta.db_table)}"
                )
        counts["resent"] = delivery.resend_unsent(timezone.now())
    except Exception as exc:
        ScanRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        ScanRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            reviews_created=counts["review"],
            directives_created=counts["directive"],
            minutes_created=counts["minutes"],
            resent=counts["resent"],
        )
    logger.info("reminder scan for %s: %s", today, counts)
    return counts


# ---------------------------------------------------------------------------------- after a change


def recompute(
    *,
    regulations: Iterable[int] = (),
    directives: Iterable[int] = (),
    meetings: Iterable[int] = (),
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """The reminders of these objects after they changed (same keys as the daily scan, so nothing twice);
    a meeting brings its minutes, its directives and the regulations it reviews. What falls due today is
    mailed at once; the rest goes to the bell now and into the next daily digest."""
    now = now or timezone.now()
    batch = Batch(today=local_today(now), stamp=timezone.now())
    meeting_ids = sorted(set(meetings))
    more_directives, more_regulations = meeting_reminders.subjects_of_meeting(meeting_ids) if meeting_ids else ([], [])
    subjects = {
        "regulations": sorted({*regulations, *more_regulations}),
        "directives": sorted({*directives, *more_directives}),
        "meetings": meeting_ids,
    }
    with transaction.atomic():
        _run(batch, **subjects)
        settle(**subjects, now=now)
    return batch.counts


def recompute_for(kind: str, pk: int, now: datetime.datetime | None = None) -> dict[str, int]:
    """``recompute`` of ONE object: ``kind`` "regulation", "directive" or "meeting"."""
    keys = {"regulation": "regulations", "directive": "directives", "meeting": "meetings"}
    if kind not in keys:
        raise ValueError(kind)
    return recompute(**{keys[kind]: [pk]}, now=now)


def settle(
    *,
    regulations: Iterable[int] = (),
    directives: Iterable[int] = (),
    meetings: Iterable[int] = (),
    now: datetime.datetime | None = None,
) -> int:
    """Reminders these objects no longer deserve: a review held since (the due date moved on or went),
    a directive done, minutes finalised. Their bells are marked read and their e-mails, not sent yet,
    are dropped. Returns the number of bells settled."""
    now = now or timezone.now()
    obsolete = Q()
    for pk, due in regulation_reminders.review_due_dates(regulations).items():
        review = Q(kind=ReminderKind.REVIEW, subject_id=pk)
        obsolete |= review if due is None else review & Q(due_on__lt=due)
    done = meeting_reminders.done_directives(directives)
    if done:
        obsolete |= Q(kind=ReminderKind.DIRECTIVE, subject_id__in=done)
    finalised = meeting_reminders.finalised_meetings(meetings)
    if finalised:
        obsolete |= Q(kind=ReminderKind.MINUTES, subject_id__in=finalised)
    if not obsolete:
        return 0
    reminders = Reminder.objects.filter(obsolete)
    unsent = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED]) | Q(
        status=ReminderStatus.DIGEST, digest__isnull=True
    )
    reminders.filter(unsent).update(status=ReminderStatus.SKIPPED)
    return Notification.objects.filter(reminder__in=reminders, read_at__isnull=True).update(read_at=now)


SUBSCRIBED = (
    events.REGULATION_CHANGED,
    events.MEETING_CHANGED,
    events.DIRECTIVE_CHANGED,
    events.DOCUMENT_ISSUED,
    events.IMPORT_FINISHED,
)
SUBJECTS: dict[str, Any] = {"regulations": Regulation, "directives": Directive, "meetings": Meeting}


def subjects_by_unit(events_: Sequence[events.Event]) -> dict[int | None, dict[str, list[int]]]:
    """The records these events name, grouped by locality (one recompute per unit: an import of 3,000
    rows of one unit is one task)."""
    ids: dict[str, set[int]] = {key: set() for key in SUBJECTS}
    for event in events_:
        for key in SUBJECTS:
            ids[key] |= event.ids(key)
    grouped: dict[int | None, dict[str, list[int]]] = defaultdict(lambda: {key: [] for key in SUBJECTS})
    for key, model in SUBJECTS.items():
        if not ids[key]:
            continue
        # A deleted record has no row any more: it is recomputed (to nothing) with the unit None.
        found = dict(model.objects.filter(pk__in=ids[key]).values_list("pk", "locality_id"))
        for pk in sorted(ids[key]):
            grouped[found.get(pk)][key].append(pk)
    return dict(grouped)


def on_events(events_: Sequence[events.Event]) -> None:
    """Subscriber of the change events: one recompute task per unit, handed to the broker. A broker that
    is down raises here: the event stays in the outbox and the sweep hands it over again (the write
    committed long before)."""
    for subjects in subjects_by_unit(events_).values():
        enqueue_recompute(**subjects)


def enqueue_recompute(
    regulations: Sequence[int] = (), directives: Sequence[int] = (), meetings: Sequence[int] = ()
) -> None:
    """Ask a worker to recompute these objects' reminders (no retries of the publish: fail fast)."""
    from notifications.tasks import recompute_reminders_task  # the tasks import this module

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    recompute_reminders_task.apply_async(
        kwargs={"regulations": list(regulations), "directives": list(directives), "meetings": list(meetings)},
        retry=False,
        **({"queue": queue} if queue else {}),
    )
