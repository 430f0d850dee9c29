"""The rules that derive a regulation's status and review schedule. One place, two forms:
plain functions for one object, and queryset annotations that compute the same in SQL so lists
and dashboards can filter and count without Python loops. Tests hold the two forms together."""

from __future__ import annotations

import calendar
import datetime
from typing import Protocol

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from regulations.models import RegulationStatus, ReviewState

DUE_SOON_DAYS = 30
LIVE_STATUSES = (RegulationStatus.IN_FORCE, RegulationStatus.AMENDED)


class Schedulable(Protocol):
    amendment_of_id: int | None
    in_force_from: datetime.date
    expires_on: datetime.date | None
    review_interval_months: int
    final_review_on: datetime.date | None
    amended_on: datetime.date | None
    superseded_on: datetime.date | None
    repealed_on: datetime.date | None
    last_review_on: datetime.date | None
    next_review_due: datetime.date | None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months``, clamped to the end of a shorter month (31/01 + 1 → 28 or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def is_counted(reg: Schedulable) -> bool:
    """Whether this row counts as a regulation of its own: an amending document (sửa đổi, bổ sung)
    is part of the regulation it amends and never counts. SQL twin: ``counted_q()``."""
    return getattr(reg, "amendment_of_id", None) is None


def counted_q() -> Q:
    """The rows that count as regulations in every figure, filter, list and export total."""
    return Q(amendment_of__isnull=True)


def compute_next_review_due(reg: Schedulable) -> datetime.date | None:
    """When the next interim review (sơ kết) falls due, or the final review (tổng kết) if sooner.

    Counted from the last review, or from entry into force when there has been none. A regulation
    that is replaced or repealed has no review due, nor one whose next review would fall after it
    expires, nor an amending document (it is reviewed as part of the regulation it amends)."""
    if reg.superseded_on or reg.repealed_on or not is_counted(reg):
        return None
    base = reg.last_review_on or reg.in_force_from
    due = add_months(base, max(1, reg.review_interval_months or 12))
    if reg.final_review_on and (reg.last_review_on is None or reg.final_review_on > reg.last_review_on):
        due = min(due, reg.final_review_on)
    if reg.expires_on and due > reg.expires_on:
        return None
    return due


def status_on(reg: Schedulable, today: datetime.date) -> RegulationStatus:
    if reg.repealed_on and reg.repealed_on <= today:
        return RegulationStatus.REPEALED
    if reg.superseded_on and reg.superseded_on <= today:
        return RegulationStatus.SUPERSEDED
    if reg.expires_on and reg.expires_on < today:
        return RegulationStatus.EXPIRED
    if reg.in_force_from > today:
        return RegulationStatus.DRAFT
    if reg.amended_on and reg.amended_on <= today:
        return RegulationStatus.AMENDED
    return RegulationStatus.IN_FORCE


def is_in_force(reg: Schedulable, today: datetime.date) -> bool:
    """In force on ``today``, amended or not, and counted. SQL twin: ``live_q()``."""
    return is_counted(reg) and status_on(reg, today) in LIVE_STATUSES


def matches_status(reg: Schedulable, status: str, today: datetime.date) -> bool:
    """Whether the register's status filter ``status`` keeps this row. SQL twin: ``status_q()``.

    "Đang có hiệu lực" keeps amended regulations too (they stay in force as amended)."""
    if not is_counted(reg):
        return False
    if status == RegulationStatus.IN_FORCE:
        return status_on(reg, today) in LIVE_STATUSES
    return status_on(reg, today) == status


def review_state_on(reg: Schedulable, today: datetime.date) -> ReviewState:
    if reg.next_review_due is None or not is_in_force(reg, today):
        return ReviewState.NONE
    if reg.next_review_due < today:
        return ReviewState.OVERDUE
    if (reg.next_review_due - today).days <= DUE_SOON_DAYS:
        return ReviewState.DUE_SOON
    return ReviewState.NOT_DUE


def status_expression(today: datetime.date) -> Case:
    return Case(
        When(repealed_on__lte=today, then=Value(RegulationStatus.REPEALED.value)),
        When(superseded_on__lte=today, then=Value(RegulationStatus.SUPERSEDED.value)),
        When(expires_on__lt=today, then=Value(RegulationStatus.EXPIRED.value)),
        When(in_force_from__gt=today, then=Value(RegulationStatus.DRAFT.value)),
        When(amended_on__lte=today, then=Value(RegulationStatus.AMENDED.value)),
        default=Value(RegulationStatus.IN_FORCE.value),
        output_field=CharField(),
    )


def live_q(today: datetime.date) -> Q:
    """Counted rows whose status on ``today`` is in force or amended (the ones with reviews due)."""
    return (
        counted_q()
        & Q(in_force_from__lte=today)
        & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=today))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=today))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    )


def status_q(status: str, today: datetime.date) -> Q:
    """The register's status filter as a Q over counted rows; agrees with ``matches_status``."""
    repealed = Q(repealed_on__lte=today)
    superseded = Q(superseded_on__lte=today) & ~repealed
    gone = repealed | Q(superseded_on__lte=today)
    expired = Q(expires_on__lt=today) & ~gone
    draft = Q(in_force_from__gt=today) & ~gone & ~Q(expires_on__lt=today)
    by_status = {
        RegulationStatus.IN_FORCE: live_q(today),
        RegulationStatus.AMENDED: live_q(today) & Q(amended_on__lte=today),
        RegulationStatus.REPEALED: repealed,
        RegulationStatus.SUPERSEDED: superseded,
        RegulationStatus.EXPIRED: expired,
        RegulationStatus.DRAFT: draft,
    }
    return counted_q() & by_status[RegulationStatus(status)]


def review_state_q(state: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    live = live_q(today) & Q(next_review_due__isnull=False)
    if state == ReviewState.OVERDUE:
        return live & Q(next_review_due__lt=today)
    if state == ReviewState.DUE_SOON:
        return live & Q(next_review_due__gte=today, next_review_due__lte=soon)
    if state == ReviewState.NOT_DUE:
        return live & Q(next_review_due__gt=soon)
    return ~live


def with_status(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate ``status`` (as ``_status``) so it can be filtered and shown."""
    return queryset.annotate(_status=status_expression(today))
