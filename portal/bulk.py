"""The floor of the bulk write paths (``regulations.bulk``, ``meetings.bulk``): rows written a chunk at a
time, and the many-to-many history rows django-simple-history writes on a save but not on a bulk insert."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import Model

Row = TypeVar("Row")
Written = TypeVar("Written", bound=Model)


def in_chunks(
    rows: Sequence[Row],
    size: int,
    write: Callable[[Sequence[Row]], list[Written]],
    progress: Callable[[int], None] | None = None,
) -> list[Written]:
    """``write`` each chunk of ``size`` rows; ``progress`` hears how many are written after each (an import's
    job beats there, and may stop: it raises and the caller's transaction rolls back)."""
    written: list[Written] = []
    for start in range(0, len(rows), size):
        written += write(rows[start : start + size])
        if progress is not None:
            progress(len(written))
    return written


def m2m_history(history_model: type[Model], versions: Iterable[Any], links: Iterable[Model], owner: str) -> None:
    """The rows of ``history_model`` (simple_history's ``Historical<Model>_<field>``) for each through-table
    row in ``links``, attached to the historical version of its owner (``owner``: the through row's
    foreign key to the tracked model), as a save would have written them."""
    version_of = {version.id: version for version in versions}
    rows = []
    for link in links:
        values = {field.attname: getattr(link, field.attname) for field in link._meta.concrete_fields}
        rows.append(history_model(history=version_of[values[f"{owner}_id"]], **values))
    history_model._default_manager.bulk_create(rows)
