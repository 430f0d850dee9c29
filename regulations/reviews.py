"""Where a regulation's reviews (sơ kết, tổng kết) are read from.

A review is a meeting, recorded by the meetings app, which depends on regulations (a meeting reviews
regulations); regulations must not import meetings back. So meetings registers its source here when
Django starts (``meetings.apps``) and regulations asks through it: for the derived review dates and for
the list of reviews on a regulation's page. Without a source (meetings not installed) a regulation has
no reviews."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Protocol

from django.db.models import Model, QuerySet


class ReviewSource(Protocol):
    def last_held_each(self, regulation_ids: Collection[int]) -> dict[int, datetime.datetime]:
        """For each of these regulations that has one, when its latest review held started."""
        ...

    def of(self, regulation_ids: Collection[int]) -> QuerySet[Model] | None:
        """The review meetings (any state) of these regulations, each once; scoped by its ``locality``."""
        ...


_source: ReviewSource | None = None


def register(source: ReviewSource) -> None:
    global _source
    _source = source


def last_held_each(regulation_ids: Collection[int]) -> dict[int, datetime.datetime]:
    return _source.last_held_each(regulation_ids) if _source is not None else {}


def of(regulation_ids: Collection[int]) -> QuerySet[Model] | None:
    """The review meetings of these regulations, or None without a source."""
    return _source.of(regulation_ids) if _source is not None else None
