"""Layout rules of Decree 30/2020/NĐ-CP measured on a printed PDF: the portal's own PDFs and the Word
copies printed by LibreOffice go through the same checks (``failures`` returns what is broken)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pdfplumber

MM = 72 / 25.4
NUMBER_CUT = re.compile(r"\d+/[0-9A-Za-zĐđ/.\-]*[-/]$")


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float


def _lines(page, number: int) -> list[Line]:
    result = []
    for line in page.extract_text_lines(layout=False, strip=True, return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if not chars:
            continue
        size = max(c["size"] for c in chars)
        result.append(Line(number, line["top"], line["bottom"], line["x0"], line["x1"], line["text"], size))
    return result


def _rules(page) -> list[tuple[float, float, float]]:
    """(top, x0, x1) of every horizontal stroke: lines, borders, the edges of thin rectangles."""
    found = []
    for obj in list(page.lines) + list(page.rects):
        if abs(obj["bottom"] - obj["top"]) <= 2 and obj["x1"] - obj["x0"] > 8:
            found.append((obj["top"], obj["x0"], obj["x1"]))
        elif obj["object_type"] == "rect" and obj["x1"] - obj["x0"] > 8:
            found.append((obj["bottom"], obj["x0"], obj["x1"]))  # a box drawn for its bottom border
    return found


def _text_lines_in(lines: list[Line], left: bool, width: float) -> list[Line]:
    return [ln for ln in lines if (ln.x1 <= width * 0.5) == left]


def failures(data: bytes, *, issuing_words: str) -> list[str]:
    """The rules ``data`` breaks. ``issuing_words``: the first words of the issuing unit's name line
    under which the short rule must sit (e.g. "VIỆN KIỂM SÁT NHÂN DÂN" / "KHU VỰC 7")."""
    broken: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        for page in pages:
            if abs(page.width - 595) > 2 or abs(page.height - 842) > 2:
                broken.append(f"trang {page.page_number} không phải A4")
        first = pages[0]
        lines = _lines(first, 1)
        all_lines = [ln for i, p in enumerate(pages, 1) for ln in (_lines(p, i) if i > 1 else lines)]
        band = 60 * MM
        words = first.extract_words()
        cong = next((w for w in words if w["text"] == "CỘNG" and w["top"] < band), None)
        split = cong["x0"] - 1 if cong else first.width * 0.49
        left = _lines(first.within_bbox((0, 0, split, band)), 1)
        right = _lines(first.within_bbox((split, 0, first.width, band)), 1)
        # 1. The national name on one line, the motto underlined under it.
        nation = [ln for ln in right if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" in ln.text]
        if not nation or "VIỆT NAM" not in nation[0].text:
            broken.append("quốc hiệu không nằm trên một dòng")
        motto = next((ln for ln in right if "Độc lập - Tự do - Hạnh phúc" in ln.text), None)
        rules = _rules(first)
        if motto is None:
            broken.append("thiếu tiêu ngữ trên một dòng")
        else:
            under = [r for r in rules if motto.bottom - 1 <= r[0] <= motto.bottom + 6 and r[1] > first.width * 0.45]
            if not under or abs((under[0][2] - under[0][1]) - (motto.x1 - motto.x0)) > 0.12 * (motto.x1 - motto.x0):
                broken.append("tiêu ngữ không có gạch chân dài bằng dòng chữ")
        # 2. The short rule under the issuing name: a gap, 1/3 to 1/2 of the name's width, centred.
        header = left
        start = next((i for i, ln in enumerate(header) if ln.text.startswith(issuing_words)), None)
        if start is None:
            broken.append(f"không thấy tên cơ quan ban hành “{issuing_words}”")
        else:
            name: list[Line] = []
            for ln in header[start:]:
                if ln.text.startswith("Số") or (name and ln.top - name[-1].bottom > 6):
                    break
                name.append(ln)
            widest = max(ln.x1 - ln.x0 for ln in name)
            centre = (name[0].x0 + name[0].x1) / 2
            bottom = name[-1].bottom
            below = sorted(r for r in rules if bottom - 1 <= r[0] <= bottom + 14 and r[2] < first.width * 0.5)
            if not below:
                broken.append("không có đường kẻ dưới tên cơ quan ban hành")
            else:
                top, x0, x1 = below[0]
                if top - bottom < 3.5:
                    broken.append("đường kẻ dưới tên cơ quan chạm chữ")
                if not widest / 3 - 1 <= x1 - x0 <= widest / 2 + 1:
                    broken.append(f"đường kẻ dài {x1 - x0:.0f}pt, tên rộng {widest:.0f}pt (phải 1/3 đến 1/2)")
                if abs((x0 + x1) / 2 - centre) > 3:
                    broken.append("đường kẻ không cân giữa tên cơ quan")
        # 3. Number line and place-date line each on one line.
        if not any(re.fullmatch(r"Số: *\d*\s*/[\w\-Đđ]+", ln.text.strip()) for ln in left):
            broken.append("dòng “Số:” bị ngắt")
        if not any(re.search(r", ngày \d{2} tháng \d{1,2} năm \d{4}", ln.text) for ln in right):
            broken.append("dòng địa danh, ngày tháng bị ngắt")
        # 4. No number or symbol broken at the end of a line.
        for ln in all_lines:
            if NUMBER_CUT.search(ln.text):
                broken.append(f"số, ký hiệu bị ngắt cuối dòng: “{ln.text[-30:]}”")
        # 5. Margins: top/bottom 20 mm, left 30 mm, right 15 mm; only the page number above the text.
        for page in pages:
            for char in page.chars:
                if not char["text"].strip() or char["size"] < 10:
                    continue  # a footer note (9 pt) lives in the bottom margin
                if char["x0"] < 30 * MM - 2 or char["x1"] > page.width - 15 * MM + 2:
                    broken.append(f"trang {page.page_number}: chữ ra ngoài lề trái/phải")
                    break
                if char["bottom"] > page.height - 20 * MM + 2:
                    broken.append(f"trang {page.page_number}: chữ ra ngoài lề dưới")
                    break
        # 6. The page number: none on page 1, centred at the top from page 2.
        for page in pages:
            top_lines = [ln for ln in _lines(page, page.page_number) if ln.bottom < 20 * MM + 2]
            if page.page_number == 1:
                if any(ln.text.strip().isdigit() for ln in top_lines):
                    broken.append("trang 1 có số trang")
                continue
            number = [ln for ln in top_lines if ln.text.strip() == str(page.page_number)]
            if not number:
                broken.append(f"trang {page.page_number} thiếu số trang ở lề trên")
            elif abs((number[0].x0 + number[0].x1) / 2 - (30 * MM + (page.width - 15 * MM)) / 2) > 6:
                broken.append(f"số trang {page.page_number} không ở giữa")
        # 7. Body line spacing about 1.3 of 14 pt (17-19.5 pt between consecutive lines of a paragraph).
        body = [ln for ln in all_lines if abs(ln.size - 14) < 0.3 and ln.page == 1 and ln.top > 70 * MM]
        pitches = sorted(b.top - a.top for a, b in zip(body, body[1:], strict=False) if 0 < b.top - a.top < 22)
        if pitches:
            median = pitches[len(pitches) // 2]
            if not 17 <= median <= 19.5:
                broken.append(f"giãn dòng thân bài {median:.1f}pt (phải khoảng 18pt)")
    return broken


def texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [ln.text for i, page in enumerate(pdf.pages, 1) for ln in _lines(page, i)]
