"""Accent-insensitive text matching that gives the same answer on SQLite and PostgreSQL.

Searchable models keep a stored, normalised copy of their text (``search_text``); queries are
normalised the same way and matched with ``contains``. Unicode decomposition strips the tone and
vowel marks but leaves đ/Đ, which is folded by hand.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d included) and collapse white space."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D").replace("\x00", "")
    return _SPACES.sub(" ", stripped.lower()).strip()


def tokens(text: str) -> list[str]:
    return [t for t in normalize(text).split(" ") if t][:20]


def matches_all_words(field: str, text: str):
    """A Q object requiring every word of ``text`` to appear in the normalised ``field``."""
    from django.db.models import Q

    query = Q()
    for token in tokens(text):
        query &= Q(**{f"{field}__contains": token})
    return query


def natural_key(text: str) -> tuple:
    """Sort key that puts "Khu vực 2" before "Khu vực 10" and "Tỉnh 09" before "Tỉnh 10"."""
    return tuple(int(part) if part.isdigit() else normalize(part) for part in re.split(r"(\d+)", text))
