"""Legacy Vietnamese text in uploaded registers: CP1258, TCVN3 (ABC; the normal .VnTime table and the
capitals .VnTimeH table), VNI-Windows, or Unicode (NFC or NFD). Each cell is read every way its bytes
allow, and a reading counts only when the result reads as Vietnamese (``imports.vietnamese``), not by
byte ranges. A cell two readings make sense of is decided by the rest of the file; when the file
itself is mixed, the user picks the reading from side-by-side samples (``Converter.question``)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from imports.vietnamese import TONES, familiarity, reads_as_vietnamese

# TCVN3 (TCVN 5712:1993, "ABC"): lower-case letters and the upper-case base letters; upper-case
# letters with tone marks lived in a separate font (.VnTimeH) under the lower-case codes.
_TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)


def _vni_table() -> dict[str, str]:
    """VNI-Windows: a base letter followed by mark bytes (seen as CP1252 characters)."""
    tone = dict(zip("ùøûõï", TONES[1] + TONES[0] + TONES[3] + TONES[2] + TONES[4], strict=True))
    circumflex = {"â": "", **dict(zip("áàåãä", TONES[1] + TONES[0] + TONES[3] + TONES[2] + TONES[4], strict=True))}
    breve = {"ê": "", **dict(zip("éèúüë", TONES[1] + TONES[0] + TONES[3] + TONES[2] + TONES[4], strict=True))}
    table: dict[str, str] = {}

    def add(source: str, letter: str) -> None:
        for upper in (False, True):
            text = source.upper() if upper else source
            result = unicodedata.normalize("NFC", letter.upper() if upper else letter)
            table[text] = result

    for base in "aeiouy":
        for mark, t in tone.items():
            add(base + mark, base + t)
    for base in "aeo":
        for mark, t in circumflex.items():
            add(base + mark, base + "\u0302" + t)
    for mark, t in breve.items():
        add("a" + mark, "a\u0306" + t)
    for mark, t in tone.items():
        add("ô" + mark, "ơ" + t)
        add("ö" + mark, "ư" + t)
    for single, letter in zip("ôöñíìæóòî", "ơưđíìỉĩịỵ", strict=True):
        add(single, letter)
    return table


_VNI = _vni_table()
_VNI_LONGEST = max(len(k) for k in _VNI)
_VNI_MARKS = frozenset("ùøûõïâáàåãäêéèúüë" + "ùøûõïâáàåãäêéèúüë".upper())

READINGS = ("unicode", "utf8", "cp1258", "tcvn3", "tcvn3h", "vni")
LABELS = {
    "unicode": "Unicode",
    "utf8": "Unicode (UTF-8)",
    "cp1258": "Windows-1258 (CP1258)",
    "tcvn3": "TCVN3 (ABC)",
    "tcvn3h": "TCVN3 chữ hoa (.VnTimeH)",
    "vni": "VNI-Windows",
}
SHORT = {"unicode": "Unicode", "utf8": "UTF-8", "cp1258": "CP1258", "tcvn3": "TCVN3", "tcvn3h": "TCVN3", "vni": "VNI"}


class EncodingError(ValueError):
    pass


MSG_RESAVE = (
    "Không đọc được bảng mã của tệp CSV (đã thử Unicode UTF-8, Windows-1258, TCVN3 và VNI-Windows). Hãy mở "
    "tệp trong Excel và lưu lại với kiểu “CSV UTF-8 (Comma delimited)”, rồi tải lên lại."
)


def to_bytes(text: str) -> bytes | None:
    """The bytes a legacy font showed as ``text`` (Windows' code page 1252), or None when the text has a
    character no such byte gives (then it was typed in Unicode)."""
    out = bytearray()
    for ch in text:
        if ord(ch) < 256:
            out.append(ord(ch))
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def decode_tcvn3(data: bytes) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in data.decode("latin-1"))


def decode_vni(data: bytes) -> str:
    text = data.decode("cp1252", errors="replace")
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(_VNI_LONGEST, 0, -1):
            piece = text[i : i + size]
            if piece in _VNI:
                out.append(_VNI[piece])
                i += size
                break
        else:
            # A mark byte with no letter before it never happens in VNI text.
            out.append("\ufffd" if text[i] in _VNI_MARKS else text[i])
            i += 1
    return "".join(out)


def read_as(reading: str, data: bytes) -> str | None:
    try:
        if reading == "utf8":
            text = data.decode("utf-8")
        elif reading == "cp1258":
            text = data.decode("cp1258")
        elif reading == "tcvn3":
            text = decode_tcvn3(data)
        elif reading == "tcvn3h":
            text = decode_tcvn3(data).upper()
        elif reading == "vni":
            text = decode_vni(data)
        else:
            text = data.decode("latin-1")
    except UnicodeDecodeError:
        return None
    return unicodedata.normalize("NFC", text)


def candidates(cell: str, raw: bool) -> dict[str, str]:
    """Every reading of ``cell`` that reads as Vietnamese, reading -> text. ``raw``: the cell's
    characters are the file's bytes (a CSV that is not UTF-8), so "Unicode" is not one of them."""
    nfc = unicodedata.normalize("NFC", cell)
    found: dict[str, str] = {}
    if not raw and reads_as_vietnamese(nfc):
        found["unicode"] = nfc
    data = to_bytes(cell)
    if data is None:
        return found or {"unicode": nfc}
    for reading in ("utf8", "cp1258", "tcvn3", "tcvn3h", "vni"):
        if reading == "utf8" and not raw:
            continue
        if reading == "tcvn3h" and "tcvn3" in found:
            continue  # the capitals table only when the normal one does not read (mixed case)
        text = read_as(reading, data)
        if text is None or (not raw and text.casefold() == nfc.casefold()):
            continue  # the same letters (a capitals-table reading of Unicode text is only its upper case)
        if text not in found.values() and reads_as_vietnamese(text):
            found[reading] = text
    return found


@dataclass
class Converter:
    """Decides every cell of one file, then converts them. ``choice``: the reading the user picked for
    cells the file leaves uncertain."""

    raw: bool = False
    choice: str = ""
    cells: dict[str, dict[str, str]] = field(default_factory=dict)  # cell -> its readings
    resolved: dict[str, str] = field(default_factory=dict)  # cell -> reading used
    uncertain: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def collect(self, value: object) -> None:
        if isinstance(value, str) and not value.isascii() and value not in self.cells:
            self.cells[value] = candidates(value, self.raw)

    def resolve(self) -> None:
        certain = Counter(next(iter(c)) for c in self.cells.values() if len(c) == 1)
        for cell, found in self.cells.items():
            if len(found) == 1:
                self.resolved[cell] = next(iter(found))
                continue
            if not found:
                self.unreadable.append(cell)
                self.resolved[cell] = "unicode"
                continue
            seen = [r for r in found if certain[r]]
            familiar = sorted(((familiarity(text), r) for r, text in found.items()), reverse=True)
            if self.choice in found:
                self.resolved[cell] = self.choice
            elif familiar[0][0] - familiar[1][0] >= 0.5:
                self.resolved[cell] = familiar[0][1]  # one reading is made of common words, the other not
            elif len(seen) == 1:
                self.resolved[cell] = seen[0]  # the rest of the file reads this way
            else:
                self.uncertain.append(cell)
                self.resolved[cell] = next(iter(found))

    def convert(self, value: object) -> object:
        if not isinstance(value, str) or value not in self.cells:
            return value
        found = self.cells[value]
        reading = self.resolved.get(value, "unicode")
        return found.get(reading, unicodedata.normalize("NFC", value))

    @property
    def question(self) -> dict:
        """The side-by-side samples the user picks a reading from ({} when nothing is uncertain)."""
        if not self.uncertain:
            return {}
        options = sorted({r for cell in self.uncertain for r in self.cells[cell]}, key=READINGS.index)
        samples = [
            {"before": cell, "readings": [self.cells[cell].get(r, "") for r in options]} for cell in self.uncertain[:6]
        ]
        return {
            "options": [{"value": r, "label": LABELS[r]} for r in options],
            "samples": samples,
            "count": len(self.uncertain),
        }

    def conversions(self) -> list[dict]:
        """What was converted, by reading, with before/after samples for the preview."""
        out: dict[str, dict] = {}
        for cell, reading in self.resolved.items():
            after = self.cells[cell].get(reading, cell)
            if reading in ("unicode", "utf8") and after == cell:
                continue
            label = "Unicode tổ hợp (NFD)" if reading == "unicode" else LABELS[reading]
            entry = out.setdefault(reading, {"reading": reading, "label": label, "count": 0, "samples": []})
            entry["count"] += 1
            if len(entry["samples"]) < 3:
                entry["samples"].append({"before": cell[:80], "after": after[:80]})
        return list(out.values())

    def label(self, base: str) -> str:
        used = [c["reading"] for c in self.conversions() if c["reading"] not in ("unicode", "utf8")]
        names = sorted({LABELS[r] for r in used})
        if not names:
            return base
        return " + ".join(([base] if base and not self.raw else []) + names)


def decode(data: bytes) -> tuple[str, str, bool]:
    """The CSV's text, its encoding's name and whether the text is still the file's bytes (one
    character per byte, to be read cell by cell)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)", False
        except UnicodeDecodeError:
            raise EncodingError(MSG_RESAVE) from None
    try:
        return data.decode("utf-8"), "UTF-8", False
    except UnicodeDecodeError:
        return data.decode("latin-1"), "", True
