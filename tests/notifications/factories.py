"""Helpers of the reminder tests. The factories are the owning apps' ones:
``tests.regulations.factories`` (``RegulationFactory(due=...)``) and ``tests.meetings.factories``."""

from __future__ import annotations

import datetime

from tests.meetings.factories import aware


def vn(year: int, month: int, day: int, hour: int = 7, minute: int = 0) -> datetime.datetime:
    """An aware datetime in Vietnam time (settings.TIME_ZONE); 07:00, the scan's hour, unless told."""
    return aware(year, month, day, hour, minute)
