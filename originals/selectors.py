"""Reads of the originals' text: the source the register's search and the regulation page ask through
``regulations.texts``, and the progress of a reading."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse

from originals.models import OriginalText, RegulationWords, TextState
from portal.jobs import progress
from portal.search import fold, locate, tokens, word_parts

SNIPPET_BEFORE, SNIPPET_AFTER = 60, 140
_SPACES = re.compile(r"\s+")
# The regulations' words, as their full-text index holds them (a stored column, migration 0003).
WORDS_VECTOR = "words_vector"


def prefix_query(text: str) -> str:
    """``to giac`` → ``to:* & giac:*``: every word, as the start of a word of the text."""
    return " & ".join(f"{part}:*" for token in tokens(text) for part in word_parts(token))


def with_words(queryset: QuerySet[Any], text: str, field: str, vector: str = "") -> QuerySet[Any]:
    """Rows whose normalised ``field`` holds every word of ``text`` (accent-insensitive), each as the
    start of a word. PostgreSQL: full text, exact (no recheck of long texts: a trigram index had to
    re-read every candidate text, seconds when a phrase is common across 100,000 originals), on the
    stored ``vector`` column if given (indexed), else on ``field`` parsed row by row.
    Elsewhere (SQLite, ``make run``): ``contains``."""
    parts = [part for token in tokens(text) for part in word_parts(token)]
    if not parts:
        return queryset.none()
    if connection.vendor != "postgresql":
        for part in parts:
            queryset = queryset.filter(**{f"{field}__contains": part})
        return queryset
    left = vector or f"to_tsvector('simple', {connection.ops.quote_name(field)})"
    sql = f"{left} @@ to_tsquery('simple', %s)"
    return queryset.filter(RawSQL(sql, [prefix_query(text)], output_field=BooleanField()))


def _excerpt(page: str, start: int, end: int) -> str:
    left, right = max(0, start - SNIPPET_BEFORE), min(len(page), end + SNIPPET_AFTER)
    text = _SPACES.sub(" ", page[left:right]).strip()
    return ("…" if left else "") + text + ("…" if right < len(page) else "")


def snippet(pages: list[str], query: str) -> str:
    """ "Tìm thấy trong bản gốc, trang N: …" for the first page holding every word (else the first word)."""
    words = tokens(query)
    if not words:
        return ""
    chosen = None
    for number, page in enumerate(pages, start=1):
        folded = fold(page)  # a quick test per page; offsets are worked out for the chosen page only
        if all(word in folded for word in words):
            chosen = number
            break
        if chosen is None and words[0] in folded:
            chosen = number
    if chosen is None:
        return ""
    page = pages[chosen - 1]
    where = locate(page, query)
    if where is None:
        return ""
    return f"Tìm thấy trong bản gốc, trang {chosen}: {_excerpt(page, *where)}"


class Source:
    """What ``regulations.texts`` asks (registered in ``originals.apps``)."""

    def matching(self, text: str) -> QuerySet[Any]:
        # One row of words per regulation (not every original's text with its pages; issue 23).
        return with_words(RegulationWords.objects.all(), text, "words", WORDS_VECTOR).values("regulation_id")

    def matches_row(self, text: str) -> Exists:
        # The regulation's one row of words, by primary key: a few microseconds a regulation.
        words = RegulationWords.objects.filter(regulation_id=OuterRef("pk"))
        return Exists(with_words(words, text, "words", WORDS_VECTOR))

    def snippets(self, regulation_ids: Collection[int], text: str) -> dict[int, str]:
        # Some rows of one page (those whose own fields lack the words): their texts are searched here.
        rows = (
            OriginalText.objects.filter(regulation_id__in=list(regulation_ids), state=TextState.DONE)
            .order_by("original_id")
            .values_list("regulation_id", "pages")
        )
        found: dict[int, str] = {}
        for regulation_id, pages in rows:
            if regulation_id not in found:
                line = snippet(list(pages or []), text)
                if line:
                    found[regulation_id] = line
        return found

    def panels(self, original_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        texts = OriginalText.objects.filter(original_id__in=list(original_ids))
        return {
            text.original_id: {"template": "originals/_text_panel.html", "text": text, "status": status(text)}
            for text in texts
        }


SOURCE = Source()


def status(text: OriginalText) -> dict[str, Any]:
    """The jobs' progress contract (``portal.jobs.progress``), counted in pages."""
    return progress(
        state=text.state,
        state_label=str(text.get_state_display()),
        done=text.pages_done,
        total=text.pages_total,
        finished=text.is_finished,
        message=text.message,
        download_url=reverse("originals:searchable_pdf", args=[text.pk]) if text.searchable_pdf else "",
        unit="trang",
    )
