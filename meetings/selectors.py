"""Reads of meetings and directives, always scoped through portal.access."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from meetings.models import Directive, Meeting
from portal import access


def meetings_for(user: User) -> QuerySet[Meeting]:
    return access.restrict(user, Meeting.objects.all())


def meeting_list(user: User) -> QuerySet[Meeting]:
    return meetings_for(user).select_related("host_agency", "locality").order_by("-starts_at", "-id")


def meeting_detail(user: User, pk: int) -> Meeting:
    qs = Meeting.objects.select_related("host_agency", "locality").prefetch_related(
        "attendees__person", "attendees__agency", "agenda_items", "remote_sites__agency", "regulations",
        "co_hosts", "directives__assigned_agency", "documents__issuing_agency",
    )
    return access.get_or_404(user, qs, pk=pk)


def directives_for(user: User) -> QuerySet[Directive]:
    """A directive is visible if its own locality or its meeting's locality is readable."""
    scope = access.scope_of(user)
    qs = Directive.objects.select_related("meeting", "assigned_agency", "meeting__host_agency")
    if scope.read_all:
        return qs
    return qs.filter(Q(locality__in=scope.readable) | Q(meeting__locality__in=scope.readable))
