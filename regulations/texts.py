"""Where the text read from a regulation's originals (scans, PDFs, DOCX) is found.

Reading originals (OCR, text layers) is the ``originals`` app's work; it sits above regulations and
registers its source here when Django starts (``originals.apps``), as meetings registers the reviews
(``regulations.reviews``). The register's search asks through this module for the regulations whose
originals' text holds every word, and the list and the regulation page ask for snippets and for each
original's text panel. Without a source (the app not installed) originals add nothing."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from django.db.models import Exists, QuerySet


class TextSource(Protocol):
    def matching(self, text: str) -> QuerySet[Any]:
        """A ``values`` queryset of the ids of regulations whose originals' text holds every word of
        ``text`` (accent-insensitive), to be used as ``pk__in=``; not scoped (the caller's list is)."""
        ...

    def matches_row(self, text: str) -> Exists:
        """The same test for the regulation of the outer query (``OuterRef("pk")``), row by row: for a
        search that walks the register's order and stops at a page's rows."""
        ...

    def snippets(self, regulation_ids: Collection[int], text: str) -> dict[int, str]:
        """For each of these regulations whose originals hold ``text``: a line showing the match and
        its page ("Tìm thấy trong bản gốc, trang 3: …")."""
        ...

    def panels(self, original_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """For each original: the context of its text panel on the regulation page; ``template`` names
        the template that renders it."""
        ...


_source: TextSource | None = None


def register(source: TextSource) -> None:
    global _source
    _source = source


def matching(text: str) -> QuerySet[Any] | None:
    return _source.matching(text) if _source is not None else None


def matches_row(text: str) -> Exists | None:
    return _source.matches_row(text) if _source is not None else None


def snippets(regulation_ids: Collection[int], text: str) -> dict[int, str]:
    return _source.snippets(regulation_ids, text) if _source is not None and text.strip() else {}


def panels(original_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    return _source.panels(original_ids) if _source is not None else {}
