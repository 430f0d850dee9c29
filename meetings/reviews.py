"""Meetings as the reviews of regulations (registered with ``regulations.reviews`` at start-up)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import Max, QuerySet

from meetings.models import HELD_STATES, REVIEW_KINDS, Meeting


class MeetingReviews:
    """An interim or final review held (or with its minutes finalised) moves a regulation's review dates."""

    def last_held_each(self, regulation_ids: Collection[int]) -> dict[int, datetime.datetime]:
        links = Meeting.regulations.through.objects.filter(
            regulation_id__in=list(regulation_ids), meeting__kind__in=REVIEW_KINDS, meeting__state__in=HELD_STATES
        )
        return dict(links.order_by().values_list("regulation_id").annotate(Max("meeting__starts_at")))

    def of(self, regulation_ids: Collection[int]) -> QuerySet[Meeting]:
        reviews = Meeting.objects.filter(regulations__in=list(regulation_ids), kind__in=REVIEW_KINDS).values("pk")
        return Meeting.objects.filter(pk__in=reviews)
