"""Text of uploaded CSV files: UTF-8 (with or without BOM), or the legacy Vietnamese encodings still
common in older registers, Windows-1258 (CP1258) and TCVN3 (ABC). A legacy file is converted only
when every non-ASCII character decodes to a Vietnamese letter; otherwise the user is asked to save
the file again as UTF-8, so mojibake is never stored."""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (TCVN 5712:1993, "ABC"): lower-case letters and the upper-case base letters; upper-case
# letters with tone marks lived in a separate font and have no code of their own.
_TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
_WORD = re.compile(r"\w+")


class EncodingError(ValueError):
    pass


MSG_RESAVE = (
    "Không đọc được bảng mã của tệp CSV. Hãy mở tệp trong Excel và lưu lại với kiểu “CSV UTF-8 "
    "(Comma delimited)”, rồi tải lên lại."
)


def _is_vietnamese_letter(ch: str) -> bool:
    if ch in "đĐ":
        return True
    base, *marks = list(unicodedata.normalize("NFD", ch))
    return base.isascii() and base.isalpha() and all(m in _TONES | _SHAPES for m in marks) and len(marks) <= 2


def _plausible(text: str) -> bool:
    """Every non-ASCII character a Vietnamese letter, at most one tone mark per word."""
    for ch in text:
        if ord(ch) > 127 and not ch.isspace() and ch not in "–—“”‘’…•№" and not _is_vietnamese_letter(ch):
            return False
    for word in _WORD.findall(text):
        decomposed = unicodedata.normalize("NFD", word)
        if sum(1 for ch in decomposed if ch in _TONES) > 1:
            return False
    return True


def decode_tcvn3(data: bytes) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in data.decode("latin-1"))


def decode(data: bytes) -> tuple[str, str]:
    """The file's text (NFC) and the name of the encoding it was read in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return unicodedata.normalize("NFC", data[3:].decode("utf-8", errors="strict")), "UTF-8 (BOM)"
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    try:
        candidates.append((unicodedata.normalize("NFC", data.decode("cp1258")), "Windows-1258 (CP1258)"))
    except UnicodeDecodeError:
        pass
    candidates.append((unicodedata.normalize("NFC", decode_tcvn3(data)), "TCVN3 (ABC)"))
    for text, name in candidates:
        if _plausible(text):
            return text, name
    raise EncodingError(MSG_RESAVE)
