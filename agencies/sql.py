"""Agency names as SQL expressions (for texts built by the database, e.g. the reminders')."""

from __future__ import annotations

from django.db.models import Case, CharField, Expression, F, Value, When
from django.db.models.functions import Concat


def agency_with_carrier(prefix: str) -> Expression:
    """The agency's name and, for a dissolved one, the unit that carries its work now:
    "VKSND huyện Khánh Sơn (đã giải thể → nay là Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa)"."""
    name = F(f"{prefix}__name")
    return Case(
        When(
            **{f"{prefix}__current_carrier__isnull": False},
            then=Concat(
                name,
                Value(" (đã giải thể → nay là "),
                F(f"{prefix}__current_carrier__name"),
                Value(")"),
                output_field=CharField(),
            ),
        ),
        default=name,
        output_field=CharField(),
    )
