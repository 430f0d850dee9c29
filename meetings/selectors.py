"""Reads of meetings and directives, always scoped through portal.access."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from meetings.models import Directive, DocumentStatus, Meeting, NumberSequence, OfficialDocument
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
    scope = access.scope_of(user)
    qs = Directive.objects.select_related(
        "meeting", "assigned_agency__current_carrier", "meeting__host_agency__current_carrier"
    )
    if scope.read_all:
        return qs
    return qs.filter(Q(locality__in=scope.readable) | Q(meeting__locality__in=scope.readable))


def meeting_documents(meeting: Meeting) -> list[OfficialDocument]:
    """A meeting's documents by type and order of issue, drafts last, each with ``corrected_by``
    (its issued correction letters and replacements) from the prefetched rows."""
    documents = list(meeting.documents.all())
    by_id = {d.pk: d for d in documents}
    for d in documents:
        d.corrected_by = []
    for d in documents:
        if d.corrects_id in by_id:
            d.corrects = by_id[d.corrects_id]  # a correction belongs to the same meeting: no query
            if d.status != DocumentStatus.DRAFT:
                by_id[d.corrects_id].corrected_by.append(d)
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
    year = document.issued_on.year
    last = (
        NumberSequence.objects.filter(agency=document.issuing_agency_id, doc_type=document.doc_type, year=year)
        .values_list("last_serial", flat=True)
        .first()
        or 0
    )
    return f"{last + 1:02d}/{document.symbol}"


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
