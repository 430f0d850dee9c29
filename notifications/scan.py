"""Writes of the reminder machinery: the scan that decides who is reminded of what (daily, and for
one object after each save), the daily digests, the leaders' weekly digest and the e-mail delivery.

Exactly once: every reminder is a ``Reminder`` row with a unique key (kind, subject, stage, due date,
recipient) and its bell item a ``Notification`` whose one-to-one ``reminder`` is unique too. The scan
inserts both in bulk, set-based, with ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; e-mails are
enqueued only after the transaction commits. Delivery (``deliver_email``, ``deliver_digest``) claims
the row with a conditional UPDATE before sending, so two workers never both send it; a failed send is
retried by Celery and, whatever happens to the task, re-enqueued by ``resend_unsent`` until it goes out.

Stages. Only the stage that applies *today* is created, so a scan after days of downtime, or a record
imported with old dates, gets one current reminder, never a backlog of stale ones:

* reviews (live regulations that are not amending documents): ``before-<n>`` for each n in
  settings.REMINDER_REVIEW_STAGES (default 30 and 7 days before ``next_review_due``), ``due`` from
  the due date until a week overdue, then ``overdue-w<k>`` every 7 days. Recipients: the host unit's
  staff, and its leaders as well once more than 30 days overdue;
* directives (open, with a deadline and an assigned unit): ``before-3`` from 3 days before the
  deadline, ``overdue`` from the day after it, then ``overdue-w<k>`` weekly. Recipients: the assigned
  unit's staff and leaders;
* minutes: a meeting of the last 60 days still "held" (minutes not finalised) 7 days after it was
  held: ``minutes-7``, once. Recipients: its secretary (an Attendee with role secretary whose name
  matches exactly one user) and the host unit's clerks.

The unit reminded is the subject's unit or, if dissolved, the one unit that carries its work now
(``Agency.current_carrier``, refreshed at the start of the daily scan).

E-mail. What falls due today gets an e-mail of its own at once; everything else waits for the user's
daily digest (``Digest``), one message per user and day listing every item grouped by kind and unit.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Trim
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.models import Role, User
from notifications import sql
from notifications.models import (
    UNSENT_STATUSES,
    Digest,
    Notification,
    Reminder,
    ReminderKind,
    ReminderStatus,
    ScanRun,
)

logger = logging.getLogger(__name__)

DIRECTIVE_BEFORE_DAYS = 3
MINUTES_AFTER_DAYS = 7
ANALYZE_AFTER = 10_000  # new reminders in one scan
MINUTES_WINDOW_DAYS = 60  # older meetings without minutes are history, not a reminder
LEADER_ESCALATION_DAYS = 30
# A claim older than this is from a worker that died mid-send (twice the hard task time limit).
STALE_CLAIM = datetime.timedelta(seconds=2 * 300)
RETRY_BACKOFF_MAX = 600  # seconds; the longest wait between two retries of one e-mail task
CHAIN_QUIET = datetime.timedelta(seconds=RETRY_BACKOFF_MAX + 300)


def local_today(now: datetime.datetime) -> datetime.date:
    """The calendar day in Vietnam (settings.TIME_ZONE) at ``now``: 00:30 UTC on the 26th is 07:30 on the 26th."""
    return timezone.localtime(now).date()


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------------- stages


def review_stage(due: datetime.date, today: datetime.date, stages: Iterable[int]) -> str | None:
    days_left = (due - today).days
    if days_left > 0:
        fitting = [n for n in stages if days_left <= n]
        return f"before-{min(fitting)}" if fitting else None
    overdue = -days_left
    if overdue < 7:
        return "due"
    return f"overdue-w{overdue // 7}"


def directive_stage(deadline: datetime.date, today: datetime.date) -> str | None:
    days_left = (deadline - today).days
    if days_left > DIRECTIVE_BEFORE_DAYS:
        return None
    if days_left >= 0:
        return f"before-{DIRECTIVE_BEFORE_DAYS}"
    overdue = -days_left
    return "overdue" if overdue < 7 else f"overdue-w{overdue // 7}"


def _path(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def enqueue_email(reminder_id: int) -> None:
    """Hand the e-mail of one reminder to Celery. ``settings.NOTIFICATIONS_QUEUE`` (optional) names
    the queue, so a deployment or a test can keep its reminders apart on a shared broker."""
    from notifications.tasks import send_reminder_email

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    send_reminder_email.apply_async((reminder_id,), **({"queue": queue} if queue else {}))


class BrokerUnavailable(Exception):
    """The task queue could not be reached; nothing was handed over."""


def enqueue_emails(reminder_ids: list[int]) -> None:
    """Hand many reminders to Celery over ONE broker connection, failing fast (no publish retries)
    so that the admin who asked is told the truth when the broker is down."""
    from notifications.tasks import send_reminder_email

    if not reminder_ids:
        return
    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    app = send_reminder_email.app
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=5)
            for pk in reminder_ids:
                send_reminder_email.apply_async(
                    (pk,), connection=connection, retry=False, **({"queue": queue} if queue else {})
                )
    except Exception as exc:  # kombu's OperationalError, socket errors, a full disk...
        logger.warning("could not enqueue %s reminders: %s", len(reminder_ids), exc)
        raise BrokerUnavailable(str(exc)) from exc


def _enqueue_after_commit(reminder_id: int) -> None:
    # robust: a broker that is down must not break the scan; the reminder stays pending and
    # resend_unsent picks it up later.
    transaction.on_commit(lambda: enqueue_email(reminder_id), robust=True)


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


def _reminders_params(batch: Batch, kind: str, main_role: str, escalated_role: str, select_params=()) -> list:
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


def _overdue_weeks(days_left: str) -> Expression:
    return Concat(
        Value("overdue-w"),
        Cast(ExpressionWrapper((Value(0) - F(days_left)) / Value(7), output_field=IntegerField()), CharField()),
        output_field=CharField(),
    )


def review_candidates(today: datetime.date, pks: Iterable[int] | None = None) -> QuerySet:
    """Live regulations (not amending documents: they have no cycle of their own) whose review is
    due within the first reminder stage, or past due, with today's stage."""
    from regulations.models import Regulation, ReviewState
    from regulations.rules import review_state_q

    stages = sorted(set(getattr(settings, "REMINDER_REVIEW_STAGES", (30, 7))))
    horizon = today + datetime.timedelta(days=max(stages, default=0))
    qs = Regulation.objects.filter(
        review_state_q(ReviewState.OVERDUE, today)
        | review_state_q(ReviewState.DUE_SOON, today)
        | review_state_q(ReviewState.NOT_DUE, today),
        next_review_due__lte=horizon,
        amendment_of__isnull=True,
    )
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    days = F("days_left")
    state = Case(
        When(
            days_left__gt=0,
            then=sql.template(
                _("đến hạn sơ kết ngày %(due)s, còn %(days)s ngày"), due=sql.DayMonthYear("next_review_due"), days=days
            ),
        ),
        When(
            days_left=0,
            then=sql.template(_("đến hạn sơ kết hôm nay, ngày %(due)s"), due=sql.DayMonthYear("next_review_due")),
        ),
        default=sql.template(
            _("đã quá hạn sơ kết %(days)s ngày (hạn ngày %(due)s)"),
            due=sql.DayMonthYear("next_review_due"),
            days=F("days_over"),
        ),
        output_field=CharField(),
    )
    return qs.annotate(
        days_left=sql.DaysUntil(F("next_review_due"), today),
        days_over=ExpressionWrapper(Value(0) - F("days_left"), output_field=IntegerField()),
        subject_id=F("pk"),
        stage=Case(
            *[When(days_left__gt=0, days_left__lte=n, then=Value(f"before-{n}")) for n in stages],
            When(days_left__gt=-7, then=Value("due")),
            default=_overdue_weeks("days_left"),
            output_field=CharField(),
        ),
        due_on=F("next_review_due"),
        agency_id=F("host_agency_id"),
        target=Coalesce(F("host_agency__current_carrier_id"), F("host_agency_id")),
        escalate=Case(
            When(days_left__lt=-LEADER_ESCALATION_DAYS, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        number_label=F("number"),
        subject=F("title"),
        title_text=Case(
            When(
                days_left__gt=0,
                then=sql.template(
                    _("Sắp đến hạn sơ kết: %(number)s (còn %(days)s ngày)"), number=F("number"), days=days
                ),
            ),
            When(days_left=0, then=sql.template(_("Đến hạn sơ kết hôm nay: %(number)s"), number=F("number"))),
            default=sql.template(
                _("Quá hạn sơ kết %(days)s ngày: %(number)s"), number=F("number"), days=F("days_over")
            ),
            output_field=CharField(),
        ),
        body_text=sql.template(
            _(
                "Quy chế %(number)s — %(title)s, do %(host)s chủ trì, %(state)s. Đề nghị tổ chức sơ kết "
                "và cập nhật kết quả trên cổng."
            ),
            number=F("number"),
            title=F("title"),
            host=sql.agency_with_carrier("host_agency"),
            state=state,
        ),
        url_text=sql.path("regulations:detail", "pk"),
    )


def directive_candidates(today: datetime.date, pks: Iterable[int] | None = None) -> QuerySet:
    """Open directives with a deadline and an assigned unit, from 3 days before the deadline."""
    from meetings.models import Directive, DirectiveState, MeetingState

    qs = Directive.objects.filter(
        state=DirectiveState.OPEN,
        deadline__isnull=False,
        assigned_agency__isnull=False,
        deadline__lte=today + datetime.timedelta(days=DIRECTIVE_BEFORE_DAYS),
    ).exclude(meeting__state=MeetingState.CANCELLED)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    number = sql.template(_("Nhiệm vụ %(n)s"), n=F("number"))
    return qs.annotate(
        days_left=sql.DaysUntil(F("deadline"), today),
        days_over=ExpressionWrapper(Value(0) - F("days_left"), output_field=IntegerField()),
        subject_id=F("pk"),
        stage=Case(
            When(days_left__gte=0, then=Value(f"before-{DIRECTIVE_BEFORE_DAYS}")),
            When(days_left__gt=-7, then=Value("overdue")),
            default=_overdue_weeks("days_left"),
            output_field=CharField(),
        ),
        due_on=F("deadline"),
        agency_id=F("assigned_agency_id"),
        target=Coalesce(F("assigned_agency__current_carrier_id"), F("assigned_agency_id")),
        escalate=Value(True, output_field=BooleanField()),
        number_text=number,
        subject=F("text"),
        title_text=Case(
            When(
                days_left__gte=0,
                then=sql.template(
                    _("Nhiệm vụ sắp đến hạn (%(due)s): %(meeting)s"),
                    due=sql.DayMonthYear("deadline"),
                    meeting=F("meeting__title"),
                ),
            ),
            default=sql.template(
                _("Nhiệm vụ quá hạn %(days)s ngày: %(meeting)s"), days=F("days_over"), meeting=F("meeting__title")
            ),
            output_field=CharField(),
        ),
        body_text=sql.template(
            _("%(number)s giao %(agency)s: %(text)s Thời hạn: ngày %(due)s. (Theo kết luận của %(meeting)s.)"),
            number=number,
            agency=sql.agency_with_carrier("assigned_agency"),
            text=Trim("text"),
            due=sql.DayMonthYear("deadline"),
            meeting=F("meeting__title"),
        ),
        url_text=sql.path("meetings:detail", "meeting_id"),
    ).annotate(number_label=sql.template("%(n)s — %(m)s", n=F("number_text"), m=F("meeting__title")))


def _scan_set_based(batch: Batch, kind: str, candidates: QuerySet, main_role: str, escalated_role: str) -> None:
    if connection.vendor == "postgresql":
        batch.counts[kind] += _insert_both_postgresql(batch, kind, candidates, main_role, escalated_role)
    else:
        batch.counts[kind] += _insert_reminders(batch, kind, candidates, main_role, escalated_role)
        _insert_notifications(kind, candidates)


# Minutes: the meetings of the last MINUTES_WINDOW_DAYS only, a small set; their recipients include
# secretaries matched by name, so they are computed here in a bounded number of queries.


def _secretaries(meeting_ids: list[int]) -> dict[int, list[int]]:
    """Meeting → user ids of its secretaries (an Attendee with role secretary whose name matches
    exactly one active user; among namesakes, the one of the attendee's or the host's unit)."""
    from meetings.models import Attendee, AttendeeRole

    rows = list(
        Attendee.objects.filter(meeting_id__in=meeting_ids, role=AttendeeRole.SECRETARY).values_list(
            "meeting_id", "full_name", "person__full_name", "agency_id", "person__agency_id", "meeting__host_agency_id"
        )
    )
    names = {(person_name or name or "").strip().lower() for _m, name, person_name, *_rest in rows} - {""}
    users: dict[str, list[tuple[int, int | None]]] = {}
    if names:
        for pk, full_name, agency_id in (
            User.objects.filter(is_active=True)
            .annotate(lname=Lower("full_name"))
            .filter(lname__in=names)
            .values_list("pk", "full_name", "agency_id")
        ):
            users.setdefault(full_name.strip().lower(), []).append((pk, agency_id))
    found: dict[int, list[int]] = {}
    for meeting_id, name, person_name, agency_id, person_agency_id, host_id in rows:
        matches = users.get((person_name or name or "").strip().lower(), [])
        if len(matches) > 1:
            unit = agency_id or person_agency_id or host_id
            matches = [m for m in matches if m[1] == unit]
        if len(matches) == 1:  # an ambiguous name reaches nobody rather than the wrong person
            found.setdefault(meeting_id, []).append(matches[0][0])
    return found


def _scan_minutes(batch: Batch, meeting_ids: Iterable[int] | None = None) -> None:
    from meetings.models import Meeting, MeetingState

    today = batch.today
    # starts_at is a UTC instant; the held date is its Vietnam date, so compare with a day of margin.
    latest = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=MINUTES_AFTER_DAYS - 1), datetime.time.min)
    )
    earliest = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=MINUTES_WINDOW_DAYS), datetime.time.min)
    )
    qs = Meeting.objects.filter(state=MeetingState.HELD, starts_at__lt=latest, starts_at__gte=earliest)
    if meeting_ids is not None:
        qs = qs.filter(pk__in=list(meeting_ids))
    meetings = list(
        qs.values_list(
            "pk", "title", "starts_at", "host_agency_id", "host_agency__name", "host_agency__current_carrier_id"
        )
    )
    if not meetings:
        return
    secretaries = _secretaries([m[0] for m in meetings])
    targets = {carrier or host for _pk, _t, _s, host, _n, carrier in meetings}
    clerks: dict[int, list[int]] = {}
    for pk, agency_id in User.objects.filter(is_active=True, role=Role.CLERK, agency_id__in=targets).values_list(
        "pk", "agency_id"
    ):
        clerks.setdefault(agency_id, []).append(pk)
    wants_mail = dict(
        User.objects.filter(pk__in={pk for ids in [*secretaries.values(), *clerks.values()] for pk in ids})
        .annotate(mail=Q(email_notifications=True) & ~Q(email=""))
        .values_list("pk", "mail")
    )
    stage = f"minutes-{MINUTES_AFTER_DAYS}"
    rows: list[Reminder] = []
    texts: dict[int, tuple[str, str, str]] = {}
    for pk, title, starts_at, host_id, host_name, carrier_id in meetings:
        held_on = timezone.localtime(starts_at).date()
        due = held_on + datetime.timedelta(days=MINUTES_AFTER_DAYS)
        if due > today:
            continue
        texts[pk] = (
            _("Chưa hoàn thành biên bản: %(meeting)s") % {"meeting": title},
            _(
                "Hội nghị, cuộc họp “%(meeting)s” do %(host)s chủ trì, tổ chức ngày %(held)s, đã quá %(days)s ngày "
                "nhưng biên bản chưa hoàn thành. Đề nghị hoàn thiện biên bản."
            )
            % {"meeting": title, "host": host_name, "held": fmt(held_on), "days": MINUTES_AFTER_DAYS},
            _path("meetings:detail", pk),
        )
        recipients = dict.fromkeys([*secretaries.get(pk, []), *clerks.get(carrier_id or host_id, [])])
        for user_id in recipients:
            status = (
                ReminderStatus.SKIPPED
                if not wants_mail.get(user_id)
                else ReminderStatus.PENDING
                if due == today
                else ReminderStatus.DIGEST
            )
            rows.append(
                Reminder(
                    kind=ReminderKind.MINUTES,
                    subject_id=pk,
                    stage=stage,
                    due_on=due,
                    recipient_id=user_id,
                    agency_id=host_id,
                    subject_number=title[:200],
                    subject_title=title[:500],
                    status=status,
                )
            )
    before = Reminder.objects.filter(kind=ReminderKind.MINUTES, subject_id__in=list(texts), stage=stage).count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    batch.counts["minutes"] += (
        Reminder.objects.filter(kind=ReminderKind.MINUTES, subject_id__in=list(texts), stage=stage).count() - before
    )
    _notify_missing(ReminderKind.MINUTES, list(texts), lambda subject_id: texts[subject_id])


def _notify_missing(kind: str, subject_ids: list[int], texts) -> None:
    """Bell items, built in Python, for the reminders of a small set of subjects that have none."""
    missing = Reminder.objects.filter(kind=kind, subject_id__in=subject_ids, notification__isnull=True)
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, title=title[:300], body=body, url=url[:500], reminder_id=pk)
            for pk, subject_id, user_id in missing.values_list("pk", "subject_id", "recipient_id")
            for title, body, url in [texts(subject_id)]
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def _enqueue_immediate(batch: Batch) -> None:
    """After commit, hand Celery the reminders of this run that fall due today (one e-mail each)."""
    ids = list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__gte=batch.stamp).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue_after_commit(pk)


def _run(batch: Batch, *, regulations=None, directives=None, meetings=None) -> None:
    """Create today's reminders of the given subjects (None: all of that kind; []: none)."""
    if regulations is None or regulations:
        _scan_set_based(
            batch, ReminderKind.REVIEW, review_candidates(batch.today, regulations), Role.STAFF, Role.LEADER
        )
    if directives is None or directives:
        _scan_set_based(
            batch, ReminderKind.DIRECTIVE, directive_candidates(batch.today, directives), Role.STAFF, Role.LEADER
        )
    if meetings is None or meetings:
        _scan_minutes(batch, meetings)
    _enqueue_immediate(batch)


def scan_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Create today's reminders (Vietnam date at ``now``), queue the day's digests and re-enqueue
    unsent e-mails. Returns the counts of new reminders by kind and of e-mails re-enqueued."""
    from agencies.services import refresh_current_carriers

    now = now or timezone.now()
    today = local_today(now)
    refresh_current_carriers(today)
    run = ScanRun.objects.create(started_at=timezone.now(), scan_date=today)
    batch = Batch(today=today, stamp=timezone.now())
    counts = {"review": 0, "directive": 0, "minutes": 0, "resent": 0}
    try:
        with transaction.atomic():
            _run(batch)
            queue_digests(today)
        counts.update(batch.counts)
        if connection.vendor == "postgresql" and sum(batch.counts.values()) > ANALYZE_AFTER:
            # Fresh statistics after a bulk insert: without them the planner takes the new rows for
            # a handful and every digest's read becomes a scan of the status index.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {sql.q(Reminder._meta.db_table)}, {sql.q(Notification._meta.db_table)}, "
                    f"{sql.q(Digest._meta.db_table)}"
                )
        counts["resent"] = resend_unsent(timezone.now())
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


def recompute_for(kind: str, pk: int, now: datetime.datetime | None = None) -> dict[str, int]:
    """The reminders of ONE object after it was saved (same keys as the daily scan, so nothing twice).
    ``kind``: "regulation", "directive" or "meeting" (its minutes, its directives and the
    regulations it reviews). What falls due today is mailed at once; the rest goes to the bell now
    and into the next daily digest."""
    from meetings.models import Directive, Meeting

    now = now or timezone.now()
    batch = Batch(today=local_today(now), stamp=timezone.now())
    subjects: dict[str, list[int]] = {"regulations": [], "directives": [], "meetings": []}
    if kind == "regulation":
        subjects["regulations"] = [pk]
    elif kind == "directive":
        subjects["directives"] = [pk]
    elif kind == "meeting":
        subjects["meetings"] = [pk]
        subjects["directives"] = list(Directive.objects.filter(meeting_id=pk).values_list("pk", flat=True))
        subjects["regulations"] = list(
            Meeting.regulations.through.objects.filter(meeting_id=pk).values_list("regulation_id", flat=True)
        )
    else:
        raise ValueError(kind)
    with transaction.atomic():
        _run(batch, **subjects)
        settle(**subjects, now=now)
    return batch.counts


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
    from meetings.models import Directive, DirectiveState, Meeting, MeetingState
    from regulations.models import Regulation

    now = now or timezone.now()
    obsolete = Q()
    for pk, due in Regulation.objects.filter(pk__in=list(regulations)).values_list("pk", "next_review_due"):
        review = Q(kind=ReminderKind.REVIEW, subject_id=pk)
        obsolete |= review if due is None else review & Q(due_on__lt=due)
    done = list(
        Directive.objects.filter(pk__in=list(directives), state=DirectiveState.DONE).values_list("pk", flat=True)
    )
    if done:
        obsolete |= Q(kind=ReminderKind.DIRECTIVE, subject_id__in=done)
    finalised = list(
        Meeting.objects.filter(pk__in=list(meetings), state=MeetingState.MINUTES_FINALISED).values_list("pk", flat=True)
    )
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


def enqueue_scan() -> bool:
    """Queue a full scan (the admin's "Quét ngay"); False if the broker cannot be reached."""
    from notifications.tasks import scan_reminders_task

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    try:
        scan_reminders_task.apply_async(**({"queue": queue} if queue else {}))
    except Exception:
        logger.exception("could not enqueue a reminder scan")
        return False
    return True


def enqueue_recompute(kind: str, pk: int) -> None:
    """Ask a worker to recompute one object's reminders; called by the owning apps' services after
    commit. A broker that is down must not break the save: the daily scan catches up."""
    from notifications.tasks import recompute_reminders_task

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    try:
        recompute_reminders_task.apply_async((kind, pk), **({"queue": queue} if queue else {}))
    except Exception:
        logger.exception("could not enqueue the reminders of %s %s", kind, pk)


# ----------------------------------------------------------------------------------- daily digests


def queue_digests(today: datetime.date) -> int:
    """Gather every reminder waiting for the digest into today's digest of its recipient (one per
    user and day, exactly once) and enqueue the digests after commit. Reminders of a user whose
    digest of today already went out wait for tomorrow's."""
    waiting = Reminder.objects.filter(status=ReminderStatus.DIGEST, digest__isnull=True)
    users = list(waiting.order_by().values_list("recipient_id", flat=True).distinct())
    Digest.objects.bulk_create([Digest(user_id=pk, day=today) for pk in users], ignore_conflicts=True, batch_size=2000)
    waiting.update(
        digest=Subquery(
            Digest.objects.filter(user_id=OuterRef("recipient_id"), day=today, status=ReminderStatus.PENDING).values(
                "pk"
            )[:1]
        )
    )
    ids = list(Digest.objects.filter(day=today, status=ReminderStatus.PENDING).values_list("pk", flat=True))
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue_digest(pk), robust=True)
    return len(ids)


def enqueue_digest(digest_id: int) -> None:
    from notifications.tasks import send_digest_email

    queue = getattr(settings, "NOTIFICATIONS_QUEUE", None)
    send_digest_email.apply_async((digest_id,), **({"queue": queue} if queue else {}))


def digest_sections(digest: Digest) -> list[dict]:
    """The items of a digest grouped by kind, then by unit (as the reminder named it), in order.
    Each unit's list is also rendered here, once, as plain text and as escaped HTML: a digest can
    list hundreds of items and a template loop over them costs more than the query and the send."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    rows = digest.reminders.order_by("agency__name", "due_on", "pk").values_list(
        "kind", "agency__name", "subject_number", "subject_title", "due_on", "notification__title", "notification__url"
    )
    labels = dict(ReminderKind.choices)
    due_word = _("hạn")
    sections: dict[str, dict] = {}
    for kind, unit, number, subject, due_on, title, url in rows:
        section = sections.setdefault(kind, {"label": labels.get(kind, kind), "units": {}})
        items = section["units"].setdefault(unit or _("Không rõ đơn vị"), [])
        items.append(
            {
                "title": title or number,
                "subject": subject if subject != number else "",
                "link": f"{base}{url or '/'}",
                "due": fmt(due_on),
            }
        )
    order = list(ReminderKind.values)
    result = []
    for _kind, section in sorted(sections.items(), key=lambda item: order.index(item[0])):
        units = []
        for name, items in section["units"].items():
            text_lines, html_lines = [], []
            for item in items:
                subject = item["subject"] if len(item["subject"]) <= 200 else item["subject"][:199] + "…"
                text_lines.append(
                    f"  - {item['title']} ({due_word} {item['due']})"
                    + (f"\n    {subject}" if subject else "")
                    + f"\n    {item['link']}"
                )
                html_lines.append(
                    f'<li><a href="{escape(item["link"])}" style="color:#a31515;">{escape(item["title"])}</a> '
                    f"({due_word} {item['due']})"
                    + (f'<br><span style="color:#555;">{escape(subject)}</span>' if subject else "")
                    + "</li>"
                )
            units.append(
                {"name": name, "items": items, "text": "\n".join(text_lines), "html": mark_safe("\n".join(html_lines))}
            )  # noqa: S308 - every part escaped above
        result.append({"label": section["label"], "units": units})
    return result


def build_digest_email(digest: Digest) -> EmailMultiAlternatives:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    sections = digest_sections(digest)
    context = {
        "recipient": digest.user,
        "day": fmt(digest.day),
        "sections": sections,
        "count": sum(len(unit["items"]) for section in sections for unit in section["units"]),
        "notifications_link": f"{base}{_path_plain('notifications:list')}",
        "preferences_link": f"{base}{_path_plain('notifications:preferences')}",
    }
    return _mail_message("digest", context, digest.user.email)


def deliver_digest(digest_id: int) -> str:
    """Send one digest, at most once (claimed by a conditional UPDATE like a reminder's e-mail)."""
    digest = Digest.objects.select_related("user").filter(pk=digest_id).first()
    if digest is None:
        return "missing"
    if digest.status not in UNSENT_STATUSES:
        return digest.status
    user, now = digest.user, timezone.now()
    if not (user.is_active and user.email_notifications and user.email):
        Digest.objects.filter(pk=digest_id, status__in=UNSENT_STATUSES).update(
            status=ReminderStatus.SKIPPED, updated_at=now
        )
        digest.reminders.filter(status=ReminderStatus.DIGEST).update(status=ReminderStatus.SKIPPED, updated_at=now)
        return "skipped"
    claimed = Digest.objects.filter(pk=digest_id, status__in=UNSENT_STATUSES).update(
        status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "claimed-elsewhere"
    try:
        build_digest_email(digest).send(fail_silently=False)
    except Exception as exc:
        Digest.objects.filter(pk=digest_id, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        raise
    now = timezone.now()
    Digest.objects.filter(pk=digest_id).update(status=ReminderStatus.SENT, sent_at=now, last_error="", updated_at=now)
    digest.reminders.filter(status=ReminderStatus.DIGEST).update(
        status=ReminderStatus.SENT, sent_at=now, updated_at=now
    )
    return "sent"


# ---------------------------------------------------------------------------- leaders' weekly digest


def leader_weekly_digest(now: datetime.datetime | None = None) -> int:
    """Every leader whose sub-units (the localities below the leader's own) have overdue reviews or
    directives gets one notification a week (and an e-mail), exactly once per ISO week. Returns how
    many were new."""
    from agencies.models import Locality
    from meetings.models import Directive, DirectiveState, MeetingState
    from regulations.models import Regulation, ReviewState
    from regulations.rules import review_state_q

    now = now or timezone.now()
    today = local_today(now)
    monday = today - datetime.timedelta(days=today.weekday())
    year, week, _day = today.isocalendar()
    stage = f"week-{year}-W{week:02d}"
    reviews = dict(
        Regulation.objects.filter(review_state_q(ReviewState.OVERDUE, today), amendment_of__isnull=True)
        .values("locality_id")
        .annotate(n=Count("pk"))
        .values_list("locality_id", "n")
        .order_by()
    )
    directives = dict(
        Directive.objects.filter(state=DirectiveState.OPEN, deadline__lt=today, assigned_agency__isnull=False)
        .exclude(meeting__state=MeetingState.CANCELLED)
        .values("assigned_agency__locality_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_agency__locality_id", "n")
        .order_by()
    )
    paths = dict(Locality.objects.values_list("pk", "path"))
    names = dict(Locality.objects.values_list("pk", "name"))
    leaders = User.objects.filter(is_active=True, role=Role.LEADER, agency__isnull=False).values_list(
        "pk", "agency_id", "agency__locality_id", "email_notifications", "email"
    )
    dashboard = f"{_path_plain('dashboard:index')}"
    rows: list[Reminder] = []
    texts: dict[int, tuple[str, str, str]] = {}
    for user_id, agency_id, locality_id, email_on, email in leaders:
        own = paths.get(locality_id)
        if own is None:
            continue
        below = [pk for pk, p in paths.items() if p.startswith(own) and pk != locality_id]
        per_unit = [
            (names[pk], reviews.get(pk, 0), directives.get(pk, 0))
            for pk in below
            if reviews.get(pk) or directives.get(pk)
        ]
        if not per_unit:
            continue
        total_r, total_d = sum(r for _n, r, _d in per_unit), sum(d for _n, _r, d in per_unit)
        per_unit.sort(key=lambda row: (-(row[1] + row[2]), row[0]))
        lines = "\n".join(
            _("- %(unit)s: %(r)s quy chế quá hạn sơ kết, %(d)s nhiệm vụ quá hạn") % {"unit": unit, "r": r, "d": d}
            for unit, r, d in per_unit[:20]
        )
        more = len(per_unit) - 20
        texts[locality_id] = (
            _("Tổng hợp tuần: đơn vị cấp dưới có %(r)s quy chế quá hạn sơ kết, %(d)s nhiệm vụ quá hạn")
            % {"r": total_r, "d": total_d},
            _("Tình hình đến ngày %(day)s của các đơn vị cấp dưới:") % {"day": fmt(today)}
            + "\n"
            + lines
            + (("\n" + _("… và %(n)s địa bàn khác.") % {"n": more}) if more > 0 else ""),
            dashboard,
        )
        rows.append(
            Reminder(
                kind=ReminderKind.LEADER_WEEKLY,
                subject_id=locality_id,
                stage=stage,
                due_on=monday,
                recipient_id=user_id,
                agency_id=agency_id,
                subject_number=_("Tổng hợp tuần %(week)s/%(year)s") % {"week": week, "year": year},
                subject_title=texts[locality_id][0][:500],
                status=ReminderStatus.PENDING if email_on and email else ReminderStatus.SKIPPED,
            )
        )
    with transaction.atomic():
        stamp = timezone.now()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        new = Reminder.objects.filter(kind=ReminderKind.LEADER_WEEKLY, stage=stage, notification__isnull=True)
        count = new.count()
        _notify_missing(ReminderKind.LEADER_WEEKLY, list(texts), lambda subject_id: texts[subject_id])
        _enqueue_immediate(Batch(today=today, stamp=stamp))
    return count


# -------------------------------------------------------------------------------------- delivery


def resend_unsent(now: datetime.datetime | None = None, min_age: datetime.timedelta | None = None) -> int:
    """Re-enqueue reminders and digests whose e-mail has not gone out: failed ones, pending ones older
    than ``min_age`` (their task was lost: broker down at commit time, a purged queue), and claims
    left by a worker that died mid-send. Enqueuing one twice is harmless: delivery claims first."""
    now = now or timezone.now()
    min_age = datetime.timedelta(minutes=5) if min_age is None else min_age
    total = 0
    for model, enqueue in ((Reminder, enqueue_email), (Digest, enqueue_digest)):
        stale = list(
            model.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).values_list(
                "pk", flat=True
            )
        )
        model.objects.filter(pk__in=stale, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.FAILED,
            last_error=_("Tiến trình gửi bị dừng giữa chừng; sẽ gửi lại."),
            updated_at=now,
        )
        # A failed message touched within CHAIN_QUIET still has a live retry chain (each retry is at
        # most RETRY_BACKOFF_MAX after the previous and records its failure); enqueuing it again would
        # start a second, overlapping chain. Only quiet ones (chain exhausted or lost) are re-enqueued.
        ids = list(
            model.objects.filter(
                Q(status=ReminderStatus.FAILED, updated_at__lte=now - CHAIN_QUIET)
                | Q(status=ReminderStatus.FAILED, pk__in=stale)  # its worker died: no chain left
                | Q(status=ReminderStatus.PENDING, updated_at__lte=now - min_age)
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            try:
                enqueue(pk)
            except Exception:  # broker down: they stay unsent and the next sweep tries again
                logger.exception("could not enqueue %s %s", model.__name__, pk)
                return total
        total += len(ids)
    return total


def requeue(reminder_ids: Iterable[int]) -> int:
    """The admin's "gửi lại": put failed or skipped reminders back to pending and enqueue them in one
    batch. Raises ``BrokerUnavailable`` if the queue is down: they stay pending and the sweep retries."""
    ids = list(
        Reminder.objects.filter(pk__in=list(reminder_ids))
        .exclude(status__in=[ReminderStatus.SENT, ReminderStatus.SENDING])
        .values_list("pk", flat=True)
    )
    Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.PENDING, updated_at=timezone.now())
    enqueue_emails(ids)
    return len(ids)


def notification_of(reminder: Reminder) -> Notification | None:
    try:
        return reminder.notification
    except Notification.DoesNotExist:
        return None


def build_email(reminder: Reminder) -> EmailMultiAlternatives:
    notification = notification_of(reminder)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    path = notification.url if notification and notification.url else "/"
    context = {
        "reminder": reminder,
        "notification": notification,
        "recipient": reminder.recipient,
        "due": fmt(reminder.due_on),
        "link": f"{base}{path}",
        "notifications_link": f"{base}{_path_plain('notifications:list')}",
        "preferences_link": f"{base}{_path_plain('notifications:preferences')}",
    }
    return _mail_message("reminder", context, reminder.recipient.email)


def _mail_message(template: str, context: dict, to: str) -> EmailMultiAlternatives:
    """notifications/email/<template>_subject.txt, .txt and .html as one text + HTML message."""
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def _path_plain(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def deliver_email(reminder_id: int) -> str:
    """Send one reminder's e-mail, at most once. Returns what happened; raises the SMTP/OS error of a
    failed send (after recording it) so the task can retry."""
    reminder = Reminder.objects.select_related("recipient", "notification").filter(pk=reminder_id).first()
    if reminder is None:
        return "missing"
    if reminder.status not in UNSENT_STATUSES:
        return reminder.status
    user = reminder.recipient
    now = timezone.now()
    if not (user.is_active and user.email_notifications and user.email):
        Reminder.objects.filter(pk=reminder_id, status__in=UNSENT_STATUSES).update(
            status=ReminderStatus.SKIPPED, updated_at=now
        )
        return "skipped"
    claimed = Reminder.objects.filter(pk=reminder_id, status__in=UNSENT_STATUSES).update(
        status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "claimed-elsewhere"
    try:
        build_email(reminder).send(fail_silently=False)
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=timezone.now()
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )
    return "sent"


# ---------------------------------------------------------------------------------- in-app reads


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionError("not the owner")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_preference(user: User, enabled: bool) -> None:
    User.objects.filter(pk=user.pk).update(email_notifications=enabled)
    user.email_notifications = enabled
