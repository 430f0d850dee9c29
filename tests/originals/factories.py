"""Originals' texts as a reading leaves them, for the search's tests (no file is read)."""

from __future__ import annotations

from originals.models import OriginalText, TextMethod, TextState
from portal.search import normalize
from regulations.models import Original, OriginalKind, Regulation


def read_text(regulation: Regulation, n: int, text: str, state: str = TextState.DONE) -> OriginalText:
    """A text as a reading leaves it, without a file to read (as the bench writes them)."""
    original = Original.objects.create(
        regulation=regulation,
        kind=OriginalKind.SIGNED_SCAN,
        file=f"bench/{regulation.pk}-{n}.pdf",
        original_name=f"{n}.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return OriginalText.objects.create(
        original=original,
        regulation=regulation,
        state=state,
        method=TextMethod.OCR,
        pages=[text],
        search_text=normalize(text),
    )
