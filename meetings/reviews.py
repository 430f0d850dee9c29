"""Meetings as the reviews of regulations (registered with ``regulations.reviews`` at start-up)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import Max, QuerySet

from meetings.models import HELD_STATES, REVIEW_KINDS, Meeting


class MeetingReviews:
    """An interim or final review held (or with its minutes finalised) moves a regulation's review dates."""

    def last_held(self, regulation_ids: Collection[int]) -> datetime.datetime | None:
        held = Meeting.objects.filter(
            regulations__in=list(regulation_ids), kind__in=REVIEW_KINDS, state__in=HELD_STATES
        )
        last: datetime.datetime | None = held.aggregate(last=Max("starts_at"))["last"]
        return last

    def of(self, regulation_ids: Collection[int]) -> QuerySet[Meeting]:
        reviews = Meeting.objects.filter(regulations__in=list(regulation_ids), kind__in=REVIEW_KINDS).values("pk")
        return Meeting.objects.filter(pk__in=reviews)
