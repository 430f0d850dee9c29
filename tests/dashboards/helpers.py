"""Comparisons of the dashboard's summary table with a count from scratch, for any test that writes."""

from __future__ import annotations

import datetime
from collections import defaultdict

from agencies.models import Locality
from dashboards import tallies
from dashboards.models import Tally


def raw_rows(day: datetime.date) -> dict[tuple, int]:
    """Every tally row as it should be, counted from scratch."""
    paths = dict(Locality.objects.values_list("pk", "path"))
    out: dict[tuple, int] = {}
    for family in tallies.FAMILIES:
        own = tallies.count_own(family, None, day)
        subtree: dict[tuple, int] = defaultdict(int)
        for (loc, figure, month), n in own.items():
            out[(loc, False, figure, month)] = n
            for ancestor in paths[loc].strip("/").split("/"):
                subtree[(int(ancestor), True, figure, month)] += n
        out.update(subtree)
    return {k: n for k, n in out.items() if n}


def stored_rows() -> dict[tuple, int]:
    return {(t.locality_id, t.subtree, t.figure, t.month): t.count for t in Tally.objects.exclude(count=0)}
