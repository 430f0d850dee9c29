"""Reads of the originals' text: the source the register's search and the regulation page ask through
``regulations.texts``, and the progress of a reading."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse

from originals.models import OriginalText, TextState
from portal.jobs import progress
from portal.search import fold, locate, matches_all_words, tokens

SNIPPET_BEFORE, SNIPPET_AFTER = 60, 140
_SPACES = re.compile(r"\s+")
_WORD_PARTS = re.compile(r"[^0-9a-z]+")
# The expression of the full-text index (migration 0002): the words of the normalised text.
FTS_MATCH = "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)"


def prefix_query(text: str) -> str:
    """``to giac`` → ``to:* & giac:*``: every word, as the start of a word of the text."""
    parts = [part for token in tokens(text) for part in _WORD_PARTS.split(token) if part]
    return " & ".join(f"{part}:*" for part in parts)


def with_words(queryset: QuerySet[OriginalText], text: str) -> QuerySet[OriginalText]:
    """Texts holding every word of ``text`` (accent-insensitive). PostgreSQL: the full-text index, exact
    (no recheck of the long texts: a trigram index had to re-read every candidate text, seconds when a
    phrase is common across 100,000 originals); a word matches the start of a word. Elsewhere (SQLite,
    ``make run``): ``contains`` on the normalised text."""
    if connection.vendor != "postgresql":
        return queryset.filter(matches_all_words("search_text", text))
    query = prefix_query(text)
    if not query:
        return queryset.none()
    return queryset.filter(RawSQL(FTS_MATCH, [query], output_field=BooleanField()))


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
        return with_words(OriginalText.objects.all(), text).values("regulation_id")

    def snippets(self, regulation_ids: Collection[int], text: str) -> dict[int, str]:
        # The rows of one page: their texts are read and searched here (``snippet``).
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
