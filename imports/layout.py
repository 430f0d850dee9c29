"""Where a register's data is: the header row below any title rows, a merged two-row header, which
column holds which field (by the usual Vietnamese headers, with or without diacritics, or by the
user's mapping) and the rows below it, as plain values keyed by field."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from imports.columns import COLUMNS, DEFAULTS, Column, header_key, header_map

HEADER_SEARCH = 20  # title rows above the header
SAMPLES = 3
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if value is not None else ""


@dataclass
class Header:
    row: int  # 0-based index of the (first) header row
    depth: int  # 1, or 2 for a merged two-row header
    texts: dict[int, str]  # column index -> header text as shown
    found: dict[str, int]  # field key -> column index, recognised from the texts

    @property
    def signature(self) -> str:
        joined = "|".join(header_key(t) for _i, t in sorted(self.texts.items()))
        return hashlib.sha1(joined.encode()).hexdigest()[:20]


def _recognise(kind: str, texts: dict[int, list[str]]) -> dict[str, int]:
    """For each column the candidate header texts, best first; the first one known wins."""
    known = header_map(kind)
    found: dict[str, int] = {}
    for index in sorted(texts):
        for text in texts[index]:
            column = known.get(header_key(text))
            if column is not None:
                if column.key not in found:
                    found[column.key] = index
                break
    return found


def _candidates(top: tuple, below: tuple | None) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Header texts of each column: a two-row header's parent is carried right over the blank cells
    of its merged range ("Cơ quan" over "Chủ trì" and "Phối hợp")."""
    texts: dict[int, list[str]] = {}
    shown: dict[int, str] = {}
    parent = ""
    width = max(len(top), len(below or ()))
    for i in range(width):
        up = _text(top[i]) if i < len(top) else ""
        down = _text(below[i]) if below is not None and i < len(below) else ""
        if up:
            parent = up
        elif not down:
            parent = ""
        over = up or (parent if down else "")
        if down and over:
            texts[i] = [f"{over} {down}", down, over]
            shown[i] = f"{over} / {down}"
        elif down or over:
            texts[i] = [down or over]
            shown[i] = down or over
    return texts, shown


def _looks_like_subheader(row: tuple) -> bool:
    values = [v for v in row if not blank(v)]
    return bool(values) and all(isinstance(v, str) and not any(ch.isdigit() for ch in v) for v in values)


def find_header(kind: str, rows: list[tuple]) -> Header | None:
    best: Header | None = None
    for r in range(min(len(rows), HEADER_SEARCH)):
        texts, shown = _candidates(rows[r], None)
        found = _recognise(kind, texts)
        header = Header(r, 1, shown, found)
        if r + 1 < len(rows) and _looks_like_subheader(rows[r + 1]):
            texts2, shown2 = _candidates(rows[r], rows[r + 1])
            found2 = _recognise(kind, texts2)
            if len(found2) > len(found) or (len(found2) == len(found) and any(blank(v) for v in rows[r])):
                header = Header(r, 2, shown2, found2)
        if best is None or len(header.found) > len(best.found):
            best = header
    if best is None or len(best.found) < 2:
        return None
    return best


def _is_numbering(row: tuple) -> bool:
    """The "(1) (2) (3) …" row clerks put under a header."""
    values = [v for v in row if not blank(v)]
    return len(values) >= 3 and all(_NUMBERING.match(_text(v)) for v in values)


def infer_type(title: str) -> str:
    key = header_key(title)
    for prefix, label in (
        ("nghi quyet lien tich", "Nghị quyết liên tịch"),
        ("thong tu lien tich", "Thông tư liên tịch"),
        ("ke hoach phoi hop", "Kế hoạch phối hợp"),
    ):
        if key.startswith(prefix):
            return label
    return "Quy chế phối hợp"


@dataclass
class Layout:
    """What the mapping step shows and what reading the rows needs (kept on the job as JSON)."""

    kind: str
    sheet: str
    header: Header
    mapping: dict[str, int | str] = field(default_factory=dict)  # key -> column index or a DEFAULTS value
    remembered: bool = False

    @property
    def missing(self) -> list[Column]:
        return [c for c in COLUMNS[self.kind] if c.required and c.key not in self.mapping]

    def as_json(self, rows: list[tuple]) -> dict:
        start = self.header.row + self.header.depth
        data = [r for r in rows[start : start + 40] if not all(blank(v) for v in r) and not _is_numbering(r)]
        columns = []
        for index, text in sorted(self.header.texts.items()):
            samples = [_text(r[index]) for r in data if index < len(r) and not blank(r[index])][:SAMPLES]
            columns.append({"index": index, "header": text, "samples": samples})
        return {
            "kind": self.kind,
            "sheet": self.sheet,
            "header_row": self.header.row + 1,
            "depth": self.header.depth,
            "signature": self.header.signature,
            "columns": columns,
            "mapping": self.mapping,
            "missing": [c.key for c in self.missing],
            "remembered": self.remembered,
        }


def layout_for(kind: str, sheet: str, rows: list[tuple], mapping: dict[str, int | str] | None) -> Layout | None:
    header = find_header(kind, rows)
    if header is None:
        return None
    chosen: dict[str, int | str] = dict(header.found)
    if mapping:
        chosen = {k: v for k, v in mapping.items() if isinstance(v, str) or v in header.texts}
    return Layout(kind, sheet, header, chosen, remembered=bool(mapping))


def values_of(layout: Layout, rows: list[tuple], defaults: dict[str, str]) -> list[tuple[int, dict[str, object]]]:
    """(spreadsheet row number, values by field) for the rows under the header."""
    out = []
    start = layout.header.row + layout.header.depth
    for number, raw in enumerate(rows[start:], start=start + 1):
        if all(blank(v) for v in raw) or (number == start + 1 and _is_numbering(raw)):
            continue
        values: dict[str, object] = {}
        for key, where in layout.mapping.items():
            if isinstance(where, int):
                values[key] = raw[where] if where < len(raw) else None
        if all(blank(v) for v in values.values()):
            continue
        for key, where in layout.mapping.items():
            if where == "@unit":
                values[key] = defaults.get("@unit", "")
            elif where == "@title":
                values[key] = infer_type(_text(values.get("title")))
        out.append((number, values))
    return out


__all__ = ["DEFAULTS", "Header", "Layout", "blank", "find_header", "infer_type", "layout_for", "values_of"]
