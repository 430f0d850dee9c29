"""What the reminders say about regulations (a provider that ``notifications.scan`` asks): which
regulations are due for review, at which stage, who is reminded and in which Vietnamese words.

Reviews (live regulations that are not amending documents): ``before-<n>`` for each n in
settings.REMINDER_REVIEW_STAGES (default 30 and 7 days before ``next_review_due``), ``due`` from the due
date until a week overdue, then ``overdue-w<k>`` every 7 days. Recipients: the host unit's staff (or the
unit that carries its work now), and its leaders as well once more than 30 days overdue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
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
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from agencies.sql import agency_with_carrier
from portal import sql
from regulations.models import Regulation, ReviewState
from regulations.rules import review_state_q

LEADER_ESCALATION_DAYS = 30


def review_stage(due: datetime.date, today: datetime.date, stages: Iterable[int]) -> str | None:
    days_left = (due - today).days
    if days_left > 0:
        fitting = [n for n in stages if days_left <= n]
        return f"before-{min(fitting)}" if fitting else None
    overdue = -days_left
    if overdue < 7:
        return "due"
    return f"overdue-w{overdue // 7}"


def review_candidates(today: datetime.date, pks: Iterable[int] | None = None) -> QuerySet:
    """Live regulations (not amending documents: they have no cycle of their own) whose review is
    due within the first reminder stage, or past due, with today's stage."""
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
            default=sql.overdue_weeks("days_left"),
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
            host=agency_with_carrier("host_agency"),
            state=state,
        ),
        url_text=sql.path("regulations:detail", "pk"),
    )


def overdue_by_locality(today: datetime.date) -> dict[int, int]:
    """Regulations overdue for review per locality (the leaders' weekly digest)."""
    return dict(
        Regulation.objects.filter(review_state_q(ReviewState.OVERDUE, today), amendment_of__isnull=True)
        .values("locality_id")
        .annotate(n=Count("pk"))
        .values_list("locality_id", "n")
        .order_by()
    )


def review_due_dates(regulation_ids: Iterable[int]) -> dict[int, datetime.date | None]:
    """The next review due of each regulation (a reminder for an earlier due date is obsolete)."""
    return dict(Regulation.objects.filter(pk__in=list(regulation_ids)).values_list("pk", "next_review_due"))
