"""Writes of regulations. Every write keeps the derived summary columns in step."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone

from regulations import rules
from regulations.models import Regulation, RelationKind

REVIEW_MEETING_KINDS = ("interim_review", "final_review")
REVIEW_MEETING_STATES = ("held", "minutes_finalised")


def refresh_derived_dates(regulation_ids: Iterable[int]) -> None:
    """Recompute relation dates, last review and next review due for these regulations.

    Called after any change to relations or to review meetings (meetings.services calls it when a
    review is held, edited, cancelled or deleted)."""
    for reg in Regulation.objects.filter(pk__in=list(regulation_ids)):
        incoming = reg.incoming_relations.values("kind").annotate(last=Max("effective_on"))
        by_kind = {row["kind"]: row["last"] for row in incoming}
        reg.amended_on = by_kind.get(RelationKind.AMENDS)
        reg.superseded_on = by_kind.get(RelationKind.SUPERSEDES)
        reg.repealed_on = by_kind.get(RelationKind.REPEALS)
        last = reg.meetings.filter(kind__in=REVIEW_MEETING_KINDS, state__in=REVIEW_MEETING_STATES).aggregate(
            last=Max("starts_at")
        )["last"]
        reg.last_review_on = timezone.localtime(last).date() if last else None
        reg.next_review_due = rules.compute_next_review_due(reg)
        Regulation.objects.filter(pk=reg.pk).update(
            amended_on=reg.amended_on,
            superseded_on=reg.superseded_on,
            repealed_on=reg.repealed_on,
            last_review_on=reg.last_review_on,
            next_review_due=reg.next_review_due,
        )
