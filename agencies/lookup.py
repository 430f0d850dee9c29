"""Finding an agency by any name a clerk would type: its code, its full or short name, with or without
diacritics, and the usual abbreviations ("VKSND", "TAND", "CQCSĐT", "CA", "THADS", "KV7").

One vocabulary for the two ways of looking: ``search_q`` narrows a queryset as the user types (the
pickers, the agency search, the API's ``?q=``), ``AgencyIndex.resolve`` names exactly one agency for a
cell of an imported file, or says why not (unknown, ambiguous, dissolved before the record's date).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from portal.search import normalize

# Normalised abbreviation -> normalised words. Both a typed name and an agency's own names are
# expanded, so "CA huyện Khánh Sơn" meets "Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn".
ABBREVIATIONS = {
    "vksnd": "vien kiem sat nhan dan",
    "vks": "vien kiem sat",
    "vkstc": "vien kiem sat nhan dan toi cao",
    "tand": "toa an nhan dan",
    "tatc": "toa an nhan dan toi cao",
    "cqcsdt": "co quan canh sat dieu tra",
    "csdt": "canh sat dieu tra",
    "cqdt": "co quan dieu tra",
    "ca": "cong an",
    "thads": "thi hanh an dan su",
    "cthads": "cuc thi hanh an dan su",
    "ccthads": "chi cuc thi hanh an dan su",
    "tp": "thanh pho",
    "kv": "khu vuc",
}
_REGION = re.compile(r"^kv(\d+)$")  # "KV7" → "khu vực 7"
_SEPARATORS = re.compile(r"[\s\-–—,.;:()/]+")


def words(text: str) -> list[str]:
    """``text`` as canonical words: no diacritics, no punctuation, abbreviations spelt out, numbers
    without leading zeros ("Khu vực 07" and "KV7" both give ``khu vuc 7``)."""
    result: list[str] = []
    for token in _SEPARATORS.split(normalize(text)):
        if not token:
            continue
        if region := _REGION.match(token):
            result += ["khu", "vuc", str(int(region.group(1)))]
        elif token in ABBREVIATIONS:
            result += ABBREVIATIONS[token].split()
        else:
            result.append(str(int(token)) if token.isdigit() else token)
    return result


def canonical(text: str) -> str:
    return " ".join(words(text))


def search_q(text: str, field: str = "search_text") -> Q:
    """Every typed word must appear in ``field`` (the stored normalised "name short_name code"),
    an abbreviation either as typed or spelt out."""
    query = Q()
    for token in [t for t in _SEPARATORS.split(normalize(text)) if t][:20]:
        either = Q(**{f"{field}__contains": token})
        if region := _REGION.match(token):
            either |= Q(**{f"{field}__contains": f"khu vuc {int(region.group(1))}"})
        elif token in ABBREVIATIONS:
            either |= Q(**{f"{field}__contains": ABBREVIATIONS[token]})
        query &= either
    return query


class AgencyNotFound(ValueError):
    """A typed agency that cannot be used, with a Vietnamese message naming what to write instead."""


@dataclass(frozen=True)
class Entry:
    pk: int
    code: str
    name: str
    short_name: str
    active_to: datetime.date | None
    carrier_id: int | None  # Agency.current_carrier: who carries a dissolved agency's work now


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


class AgencyIndex:
    """The agencies a user may name, looked up in memory (an import checks thousands of cells).

    ``rows`` are ``(pk, code, name, short_name, active_to, current_carrier_id)``; ``names`` may name
    carriers outside ``rows`` (a successor is suggested by name even when it is not a candidate)."""

    def __init__(self, rows: Iterable[tuple], names: dict[int, str] | None = None) -> None:
        self.entries = {row[0]: Entry(*row) for row in rows}
        self.names = {pk: e.name for pk, e in self.entries.items()} | (names or {})
        self.by_code = {e.code.upper(): e.pk for e in self.entries.values()}
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.tokens: dict[int, frozenset[str]] = {}
        for e in self.entries.values():
            for text in (e.name, e.short_name):
                if text:
                    self.by_key[canonical(text)].add(e.pk)
            self.tokens[e.pk] = frozenset(words(e.name)) | frozenset(words(e.short_name))

    def candidates(self, text: str) -> set[int]:
        """Every agency ``text`` could mean: its code; else the names that read the same; else the
        agencies whose names hold every word typed ("CA huyện Khánh Sơn")."""
        text = text.strip()
        if text.upper() in self.by_code:
            return {self.by_code[text.upper()]}
        key = canonical(text)
        if not key:
            return set()
        if key in self.by_key:
            return set(self.by_key[key])
        typed = set(key.split())
        return {pk for pk, tokens in self.tokens.items() if typed <= tokens}

    def resolve(self, text: str, on: datetime.date | None = None) -> int:
        """The one agency ``text`` names, usable for a record dated ``on``; else ``AgencyNotFound``.

        Among several matches, those active on ``on`` win; a dissolved agency typed for a record
        dated after its dissolution is refused with its successor named."""
        text = text.strip()
        found = self.candidates(text)
        if len(found) > 1 and on is not None:
            live = {pk for pk in found if not self._gone(pk, on)}
            found = live or found
        if len(found) > 1:
            names = sorted(self.names[pk] for pk in found)
            shown = "; ".join(names[:4]) + ("; …" if len(names) > 4 else "")
            raise AgencyNotFound(
                f"“{text[:80]}” có thể là nhiều cơ quan ({shown}); hãy ghi mã hoặc tên đầy đủ của cơ quan."
            )
        if not found:
            raise AgencyNotFound(f"Không tìm thấy cơ quan “{text[:80]}”.{self._hint(text, on)}")
        pk = next(iter(found))
        if on is not None and self._gone(pk, on):
            entry = self.entries[pk]
            assert entry.active_to is not None
            message = (
                f"“{entry.name}” đã giải thể từ ngày {_day(entry.active_to + datetime.timedelta(days=1))}, "
                f"trước ngày của văn bản ({_day(on)})."
            )
            if entry.carrier_id is not None and entry.carrier_id in self.names:
                message += f" Đơn vị kế thừa: “{self.names[entry.carrier_id]}”; hãy ghi đơn vị này."
            raise AgencyNotFound(message)
        return pk

    def _gone(self, pk: int, on: datetime.date) -> bool:
        active_to = self.entries[pk].active_to
        return active_to is not None and active_to < on

    def _hint(self, text: str, on: datetime.date | None) -> str:
        near = difflib.get_close_matches(canonical(text), list(self.by_key), n=3, cutoff=0.6)
        names: list[str] = []
        for key in near:
            for pk in sorted(self.by_key[key]):
                # A dissolved agency is no suggestion for a later record: its successor is.
                if on is not None and self._gone(pk, on):
                    carrier = self.entries[pk].carrier_id
                    if carrier is None or carrier not in self.names:
                        continue
                    pk = carrier
                if self.names[pk] not in names:
                    names.append(self.names[pk])
        return f" Có phải: {'; '.join(names[:3])}?" if names else ""
