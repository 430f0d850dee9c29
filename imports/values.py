"""Cell values as clerks write them: several agencies in one cell sharing a place name, the
validity words of a register, and dates in the usual Vietnamese forms."""

from __future__ import annotations

import datetime
import re

from portal.search import normalize

_PLACE = re.compile(r"\b(huyện|tỉnh|quận|thị xã|thành phố|TP\.?|khu vực|tối cao|cấp cao)\b.*$", re.IGNORECASE)
_PLACE_START = re.compile(r"^(huyện|tỉnh|quận|thị xã|thành phố|tp\.?)\s", re.IGNORECASE)
_LONG_DATE = re.compile(r"^ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})$", re.IGNORECASE)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def split_agencies(text: str) -> list[str]:
    """ "TAND, CA huyện Khánh Sơn" -> ["TAND huyện Khánh Sơn", "CA huyện Khánh Sơn"]: parts are split at
    ";", new lines and commas (a comma before "tỉnh …" continues the name), and a part without a place
    takes the place of the last part."""
    parts: list[str] = []
    for chunk in re.split(r"[;\n]+", text):
        pieces: list[str] = []
        for piece in chunk.split(","):
            piece = " ".join(piece.split())
            if not piece:
                continue
            if pieces and _PLACE_START.match(piece) and _PLACE.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece)
        if len(pieces) > 1:
            place = _PLACE.search(pieces[-1])
            if place:
                pieces = [p if _PLACE.search(p) else f"{p} {place.group(0)}" for p in pieces[:-1]] + [pieces[-1]]
        parts += pieces
    return parts


STATUS_WORDS = {
    "con hieu luc": "in_force",
    "dang co hieu luc": "in_force",
    "hieu luc": "in_force",
    "het hieu luc": "expired",
    "da het hieu luc": "expired",
    "da thay the": "superseded",
    "da bi thay the": "superseded",
    "bi thay the": "superseded",
}
STATUS_LABELS = {"in_force": "Còn hiệu lực", "expired": "Hết hiệu lực", "superseded": "Đã thay thế"}


def parse_status(value: object) -> str | None:
    text = normalize(str(value or "")).strip(" .")
    if not text:
        return None
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    raise ValueError(f"Tình trạng “{str(value)[:40]}” không rõ; ghi Còn hiệu lực, Hết hiệu lực hoặc Đã thay thế.")


def date_from_text(text: str) -> datetime.date | None:
    """ "ngày 15 tháng 9 năm 2025", or an Excel date serial left as a number (45915)."""
    match = _LONG_DATE.match(" ".join(text.split()))
    if match:
        day, month, year = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = int(float(text))
        if 20000 <= serial <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=serial)
    return None
