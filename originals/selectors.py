"""Reads of the originals' text: the source the register's search and the regulation page ask through
``regulations.texts``, and the progress of a reading."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from originals.models import OriginalText, TextState
from portal.jobs import progress
from portal.search import locate, matches_all_words, tokens

SNIPPET_BEFORE, SNIPPET_AFTER = 60, 140
_SPACES = re.compile(r"\s+")


def _excerpt(page: str, start: int, end: int) -> str:
    left, right = max(0, start - SNIPPET_BEFORE), min(len(page), end + SNIPPET_AFTER)
    text = _SPACES.sub(" ", page[left:right]).strip()
    return ("…" if left else "") + text + ("…" if right < len(page) else "")


def snippet(pages: list[str], query: str) -> str:
    """ "Tìm thấy trong bản gốc, trang N: …" for the first page holding every word (else the first word)."""
    words = tokens(query)
    best: tuple[int, str, tuple[int, int]] | None = None
    for number, page in enumerate(pages, start=1):
        where = locate(page, query)
        if where is None:
            continue
        if all(locate(page, word) for word in words):
            best = (number, page, where)
            break
        if best is None:
            best = (number, page, where)
    if best is None:
        return ""
    number, page, (start, end) = best
    return f"Tìm thấy trong bản gốc, trang {number}: {_excerpt(page, start, end)}"


class Source:
    """What ``regulations.texts`` asks (registered in ``originals.apps``)."""

    def matching(self, text: str) -> QuerySet[Any]:
        return OriginalText.objects.filter(matches_all_words("search_text", text)).values("regulation_id")

    def snippets(self, regulation_ids: Collection[int], text: str) -> dict[int, str]:
        rows = (
            OriginalText.objects.filter(regulation_id__in=list(regulation_ids), state=TextState.DONE)
            .filter(matches_all_words("search_text", text))
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
