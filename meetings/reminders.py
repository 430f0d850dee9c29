"""What the reminders say about meetings (a provider that ``notifications.scan`` asks): which
directives are near or past their deadline, which meetings still lack their minutes, who is reminded and
in which Vietnamese words.

* directives (open, with a deadline and an assigned unit): ``before-3`` from 3 days before the deadline,
  ``overdue`` from the day after it, then ``overdue-w<k>`` weekly. Recipients: the assigned unit's staff
  and leaders (or those of the unit that carries its work now);
* minutes: a meeting of the last 60 days still "held" (minutes not finalised) 7 days after it was held:
  ``minutes-7``, once. Recipients: its secretary (an Attendee with role secretary whose name matches
  exactly one user) and the host unit's clerks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trim
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agencies.sql import agency_with_carrier
from meetings.models import Attendee, AttendeeRole, Directive, DirectiveState, Meeting, MeetingState
from portal import sql

DIRECTIVE_BEFORE_DAYS = 3
MINUTES_AFTER_DAYS = 7
MINUTES_WINDOW_DAYS = 60  # older meetings without minutes are history, not a reminder


def directive_stage(deadline: datetime.date, today: datetime.date) -> str | None:
    days_left = (deadline - today).days
    if days_left > DIRECTIVE_BEFORE_DAYS:
        return None
    if days_left >= 0:
        return f"before-{DIRECTIVE_BEFORE_DAYS}"
    overdue = -days_left
    return "overdue" if overdue < 7 else f"overdue-w{overdue // 7}"


def directive_candidates(today: datetime.date, pks: Iterable[int] | None = None) -> QuerySet:
    """Open directives with a deadline and an assigned unit, from 3 days before the deadline."""
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
            default=sql.overdue_weeks("days_left"),
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
            agency=agency_with_carrier("assigned_agency"),
            text=Trim("text"),
            due=sql.DayMonthYear("deadline"),
            meeting=F("meeting__title"),
        ),
        url_text=sql.path("meetings:detail", "meeting_id"),
    ).annotate(number_label=sql.template("%(n)s — %(m)s", n=F("number_text"), m=F("meeting__title")))


def _secretaries(meeting_ids: list[int]) -> dict[int, list[int]]:
    """Meeting → user ids of its secretaries (an Attendee with role secretary whose name matches
    exactly one active user; among namesakes, the one of the attendee's or the host's unit)."""
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


@dataclass(frozen=True)
class MinutesCandidate:
    """A meeting whose minutes are late, with its texts and the users to remind."""

    meeting_id: int
    due_on: datetime.date
    agency_id: int
    title: str
    notice_title: str
    notice_body: str
    url: str
    recipients: tuple[int, ...]


def _path(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def minutes_candidates(today: datetime.date, meeting_ids: Iterable[int] | None = None) -> list[MinutesCandidate]:
    """Meetings of the last MINUTES_WINDOW_DAYS still "held" MINUTES_AFTER_DAYS after they were held.
    A small set: computed here in a bounded number of queries."""
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
        return []
    secretaries = _secretaries([m[0] for m in meetings])
    targets = {carrier or host for _pk, _t, _s, host, _n, carrier in meetings}
    clerks: dict[int, list[int]] = {}
    for pk, agency_id in User.objects.filter(is_active=True, role=Role.CLERK, agency_id__in=targets).values_list(
        "pk", "agency_id"
    ):
        clerks.setdefault(agency_id, []).append(pk)
    found = []
    for pk, title, starts_at, host_id, host_name, carrier_id in meetings:
        held_on = timezone.localtime(starts_at).date()
        due = held_on + datetime.timedelta(days=MINUTES_AFTER_DAYS)
        if due > today:
            continue
        found.append(
            MinutesCandidate(
                meeting_id=pk,
                due_on=due,
                agency_id=host_id,
                title=title,
                notice_title=_("Chưa hoàn thành biên bản: %(meeting)s") % {"meeting": title},
                notice_body=_(
                    "Hội nghị, cuộc họp “%(meeting)s” do %(host)s chủ trì, tổ chức ngày %(held)s, đã quá %(days)s "
                    "ngày nhưng biên bản chưa hoàn thành. Đề nghị hoàn thiện biên bản."
                )
                % {
                    "meeting": title,
                    "host": host_name,
                    "held": held_on.strftime("%d/%m/%Y"),
                    "days": MINUTES_AFTER_DAYS,
                },
                url=_path("meetings:detail", pk),
                recipients=tuple(dict.fromkeys([*secretaries.get(pk, []), *clerks.get(carrier_id or host_id, [])])),
            )
        )
    return found


def overdue_by_locality(today: datetime.date) -> dict[int, int]:
    """Open directives past their deadline per locality of the assigned unit (the leaders' weekly digest)."""
    return dict(
        Directive.objects.filter(state=DirectiveState.OPEN, deadline__lt=today, assigned_agency__isnull=False)
        .exclude(meeting__state=MeetingState.CANCELLED)
        .values("assigned_agency__locality_id")
        .annotate(n=Count("pk"))
        .values_list("assigned_agency__locality_id", "n")
        .order_by()
    )


def done_directives(directive_ids: Iterable[int]) -> list[int]:
    """Of these directives, those done (their reminders are obsolete)."""
    return list(
        Directive.objects.filter(pk__in=list(directive_ids), state=DirectiveState.DONE).values_list("pk", flat=True)
    )


def finalised_meetings(meeting_ids: Iterable[int]) -> list[int]:
    """Of these meetings, those whose minutes are finalised (their minutes reminders are obsolete)."""
    return list(
        Meeting.objects.filter(pk__in=list(meeting_ids), state=MeetingState.MINUTES_FINALISED).values_list(
            "pk", flat=True
        )
    )


def subjects_of_meeting(meeting_ids: Iterable[int]) -> tuple[list[int], list[int]]:
    """The directives of these meetings and the regulations they review: their reminders follow the meetings."""
    ids = list(meeting_ids)
    directives = list(Directive.objects.filter(meeting_id__in=ids).values_list("pk", flat=True))
    regulations = list(
        Meeting.regulations.through.objects.filter(meeting_id__in=ids)
        .values_list("regulation_id", flat=True)
        .distinct()
    )
    return directives, regulations
