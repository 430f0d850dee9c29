"""Reads of meetings and directives, always scoped through portal.access."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from meetings import services
from meetings.models import Directive, DocumentStatus, DocumentType, Meeting, OfficialDocument
from portal import access


def meetings_for(user: User) -> QuerySet[Meeting]:
    return access.restrict(user, Meeting.objects.all())


def meeting_list(user: User) -> QuerySet[Meeting]:
    return meetings_for(user).select_related("host_agency__current_carrier", "locality").order_by("-starts_at", "-id")


def meeting_detail(user: User, pk: int) -> Meeting:
    qs = Meeting.objects.select_related("host_agency__current_carrier", "locality").prefetch_related(
        "attendees__person",
        "attendees__agency__current_carrier",
        "agenda_items",
        "remote_sites__agency",
        "regulations",
        "co_hosts__current_carrier",
        "directives__assigned_agency__current_carrier",
        "documents__issuing_agency",
    )
    return access.get_or_404(user, qs, pk=pk)


def directives_for(user: User) -> QuerySet[Directive]:
    """A directive is visible if its own locality or its meeting's locality is readable."""
    qs = Directive.objects.select_related(
        "meeting", "assigned_agency__current_carrier", "meeting__host_agency__current_carrier"
    )
    return access.restrict_any(user, qs, "locality", "meeting__locality")


def meeting_documents(meeting: Meeting) -> list[OfficialDocument]:
    """A meeting's documents by type and order of issue, drafts last, each with ``corrected_by``
    (its issued correction letters and replacements) from the prefetched rows."""
    documents = list(meeting.documents.all())
    by_id = {d.pk: d for d in documents}
    for d in documents:
        d.corrected_by = []  # type: ignore[attr-defined]  # for the page
    for d in documents:
        if d.corrects_id in by_id:
            d.corrects = by_id[d.corrects_id]  # a correction belongs to the same meeting: no query
            if d.status != DocumentStatus.DRAFT:
                by_id[d.corrects_id].corrected_by.append(d)  # type: ignore[attr-defined]
    order = {"BB": 0, "TB": 1, "CV": 2}
    return sorted(
        documents,
        key=lambda d: (
            order.get(d.doc_type, 9),
            d.status == DocumentStatus.DRAFT,
            d.finalised_at is None,
            d.finalised_at or d.created_at,
            d.pk,
        ),
    )


def issued_documents(meeting: Meeting) -> QuerySet[OfficialDocument]:
    return meeting.documents.exclude(status=DocumentStatus.DRAFT)


def next_serial(document: OfficialDocument) -> str:
    """The number the document would get if issued now (shown on the confirmation; not reserved)."""
    from meetings.issuing import register_of

    return register_of(document).next_number


def register(user: User) -> QuerySet[OfficialDocument]:
    """Issued documents the user may read, by register (agency, type, year) and number."""
    qs = (
        OfficialDocument.objects.exclude(status=DocumentStatus.DRAFT)
        .select_related("issuing_agency", "meeting", "corrects", "corrects__issuing_agency")
        .prefetch_related("corrections__issuing_agency")
    )
    return access.restrict(user, qs, "meeting__locality").order_by(
        "-year", "issuing_agency__name", "doc_type", "-serial"
    )


def detail_page(user: User, meeting: Meeting) -> dict[str, Any]:
    """What a meeting's page shows and offers the user: its documents and the actions allowed."""
    can_edit = access.can_write(user, meeting.locality_id, access.MEETING_ROLES)
    documents = meeting_documents(meeting)
    digest = services.record_digest(meeting)
    refusal = services.deletion_refusal(meeting, documents)
    return {
        "meeting": meeting,
        "can_edit": can_edit,
        "can_finalise": access.can_write(user, meeting.locality_id, access.CLERK_ROLES),
        "documents": documents,
        # The issued documents the record no longer matches (edited after issuing).
        "stale": [d for d in documents if d.is_in_force and d.source_digest and d.source_digest != digest],
        # A type can be drafted until it is issued; after that only a correction ("Đính chính") changes it.
        "can_compose": {
            t: any(d.status == DocumentStatus.DRAFT and d.doc_type == t for d in documents)
            or not any(d.doc_type == t for d in documents)
            for t in (DocumentType.MINUTES, DocumentType.NOTICE)
        },
        "can_delete": can_edit and refusal is None,
        "delete_refused": refusal if can_edit else None,
    }


def calendar(user: User, view: str, day: datetime.date) -> dict[str, Any]:
    """The month (Monday to Sunday weeks around it) or the week of ``day``, each day with the user's
    meetings: ``weeks`` of (day, meetings), the title, the neighbouring dates and ``empty``."""
    if view == "month":
        first = day.replace(day=1)
        start = first - datetime.timedelta(days=first.weekday())
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        end = last + datetime.timedelta(days=6 - last.weekday())
        prev_date = (first - datetime.timedelta(days=1)).replace(day=1)
        next_date = last + datetime.timedelta(days=1)
        title = _("Tháng %(m)s năm %(y)s") % {"m": first.month, "y": first.year}
    else:
        start = day - datetime.timedelta(days=day.weekday())
        end = start + datetime.timedelta(days=6)
        prev_date, next_date = start - datetime.timedelta(days=7), start + datetime.timedelta(days=7)
        title = _("Tuần từ %(a)s đến %(b)s") % {"a": start.strftime("%d/%m/%Y"), "b": end.strftime("%d/%m/%Y")}
    tz = timezone.get_current_timezone()
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    meetings = (
        meetings_for(user)
        .filter(starts_at__gte=lower, starts_at__lt=upper)
        .select_related("host_agency")
        .order_by("starts_at")
    )
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    shown = [d for d in days if view == "week" or d.month == day.month]
    return {
        "weeks": [[(d, by_day.get(d, [])) for d in days[i : i + 7]] for i in range(0, len(days), 7)],
        "title": title,
        "prev_date": prev_date,
        "next_date": next_date,
        "empty": not any(by_day.get(d) for d in shown),
    }
