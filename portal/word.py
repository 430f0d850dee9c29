"""Word copies (.docx) of official documents in the Decree 30/2020/NĐ-CP layout, with python-docx.

The same layout as the PDFs (templates/pdf/decree30.html): A4, margins top/bottom 20 mm, left
30 mm, right 15 mm, Times New Roman 13-14 pt, a borderless two-column header table (agency names /
national motto, then number / place and date), the document type and summary, the body with a
first-line indent, the signature block and "Nơi nhận". Clerks edit these in Word before signing.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
LINE_SPACING = Pt(18.2)  # the PDF's line-height 1.3 of 14 pt, exactly (a "multiple" scales the font's own)
DRAFT_MARK = "DỰ THẢO"
# The header columns of the PDF (42% / 58% of the 165 mm text width) without Word's cell padding,
# so "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in 12.5 pt bold stays on one line.
HEADER_WIDTHS = (Cm(6.6), Cm(9.9))
NUMBER = re.compile(r"\b\d+/[0-9A-Za-zĐđ/.\-]*[0-9A-Za-zĐđ]")
NB_HYPHEN = "\u2011"
# Times New Roman's metrics (Liberation Serif is metric-compatible): to size the rule under a name.
_FONTS = Path("/usr/share/fonts/truetype/liberation2")


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, int], int] | None:
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(_FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf", lazy=True)
    except Exception:  # noqa: BLE001  (no font file: estimate)
        return None
    metrics, cmap = font["hmtx"].metrics, font.getBestCmap()
    return {code: metrics[name][0] for code, name in cmap.items()}, font["head"].unitsPerEm


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The printed width of ``text`` in points."""
    table = _advances(bold)
    if table is None:
        return len(text) * size * (0.66 if bold else 0.5)
    advances, per_em = table
    import unicodedata

    units = sum(advances.get(ord(ch), advances.get(ord(unicodedata.normalize("NFD", ch)[0]), 500)) for ch in text)
    return units * size / per_em


def keep_numbers(text: str) -> str:
    """Document numbers ("05/QCPH-VKSKS") that never break at their hyphens (Word's non-breaking
    hyphen; a slash between letters and digits is no break opportunity in Word or LibreOffice)."""
    return NUMBER.sub(lambda m: m.group(0).replace("-", NB_HYPHEN), text)


def _border(paragraph, side: str, size_eighths: int = 6) -> None:
    """A real rule: the paragraph's ``side`` border (0.75 pt), not dash characters."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1"), ("w:color", "000000")):
        edge.set(qn(key), value)
    borders.append(edge)


class Decree30Docx:
    """Builds one document top to bottom; ``bytes()`` returns the .docx."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        # East Asian and complex-script slots too, so Word never substitutes a font for Vietnamese.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        style.paragraph_format.space_after = Pt(0)
        # The page number centred at the top from page 2 (Decree 30); none on page 1.
        section.different_first_page_header_footer = True
        section.header_distance = Mm(10)
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "26")
        props.append(size)
        run.append(props)
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field.append(run)
        number._p.append(field)

    @staticmethod
    def _run(
        paragraph,
        text: str,
        *,
        size: float = BODY_PT,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
    ):
        run = paragraph.add_run()
        parts = keep_numbers(text).split(NB_HYPHEN)
        for index, part in enumerate(parts):
            if index:
                run._r.append(OxmlElement("w:noBreakHyphen"))
            if part:
                element = OxmlElement("w:t")
                element.text = part
                element.set(qn("xml:space"), "preserve")
                run._r.append(element)
        run.font.name, run.font.size = FONT, Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
        return run

    @staticmethod
    def _no_borders(table) -> None:
        borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
        if borders is not None:
            table._tbl.tblPr.remove(borders)

    @staticmethod
    def _fixed_widths(table, widths) -> None:
        """Column widths Word and LibreOffice both keep: grid, cells, fixed layout, no cell padding."""
        table.autofit = False
        tbl = table._tbl
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(int(width.twips)))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl.tblPr.append(layout)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), "0")
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        tbl.tblPr.append(margins)

    def _rule(self, container, width_pt: float, box_pt: float, *, before: float = 5) -> None:
        """A centred rule ``width_pt`` long in a box ``box_pt`` wide: an empty paragraph whose top
        border is drawn between indents, ``before`` points under the text above."""
        paragraph = container.add_paragraph()
        fmt = paragraph.paragraph_format
        side = max((box_pt - width_pt) / 2, 0)
        fmt.left_indent = fmt.right_indent = Pt(side)
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(0), Pt(2)
        _border(paragraph, "top")

    def _cell_lines(self, cell, lines: Iterable[tuple[str, dict]]) -> None:
        first = True
        for text, fmt in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = fmt.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
            self._run(paragraph, text, **fmt)

    def header(
        self,
        *,
        governing: list[str],
        issuing: list[str],
        number: str,
        place_date: str,
        under_number: str = "",
        draft: bool = False,
    ) -> None:
        if draft:
            mark = self.doc.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self._run(mark, DRAFT_MARK, size=13, bold=True)
        table = self.doc.add_table(rows=2, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._no_borders(table)
        self._fixed_widths(table, HEADER_WIDTHS)
        left = [(line, {"size": 12.5}) for line in governing]
        left += [(line, {"size": 12.5, "bold": True}) for line in issuing]
        cell = table.cell(0, 0)
        self._cell_lines(cell, left)
        # The rule under the issuing name: 40% of the name's widest line (Decree 30: 1/3 to 1/2), a gap above.
        widest = max((text_width(line, 12.5, bold=True) for line in issuing), default=0.0)
        self._rule(cell, widest * 0.4, HEADER_WIDTHS[0].pt)
        self._cell_lines(
            table.cell(0, 1),
            [
                ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"size": 12.5, "bold": True}),
                ("Độc lập - Tự do - Hạnh phúc", {"size": 13.5, "bold": True, "underline": True}),
            ],
        )
        below = [(f"Số: {number}", {"size": 13})]
        if under_number:
            below.append((under_number, {"size": 12}))
        self._cell_lines(table.cell(1, 0), below)
        self._cell_lines(table.cell(1, 1), [(place_date, {"size": 14, "italic": True})])
        for cell in (table.cell(1, 0), table.cell(1, 1)):
            cell.paragraphs[0].paragraph_format.space_before = Pt(8)
        self.doc.add_paragraph()

    def title(self, doc_type: str, subject_lines: list[str]) -> None:
        if doc_type:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(paragraph, doc_type.upper(), bold=True)
        for line in subject_lines:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(paragraph, line, bold=True)
        if doc_type:
            self._rule(self.doc, Mm(165).pt * 0.25, Mm(165).pt)
        self.doc.add_paragraph()

    def note(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(paragraph, text, italic=True)

    def paragraph(self, text: str, *, kind: str = "p") -> None:
        """``p`` body text with a 1 cm first-line indent, ``h`` a bold heading, ``li`` a dash item."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(6)
        fmt.line_spacing = LINE_SPACING
        if kind == "h":
            self._run(paragraph, text, bold=True)
            return
        if kind == "li":
            fmt.left_indent = Cm(1)
            self._run(paragraph, f"- {text}")
            return
        fmt.first_line_indent = Cm(1)
        self._run(paragraph, text)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        """A bordered data table (reports), 12 pt, header row in bold."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self._run(cell.paragraphs[0], str(text), size=12, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                self._run(cell.paragraphs[0], str(text), size=12)
        self.doc.add_paragraph()

    def signatures(self, blocks: list[tuple[str, str, str]], *, recipients: list[str] | None = None) -> None:
        """``blocks``: (capacity, title, name) per signer, left to right; with ``recipients`` the
        "Nơi nhận" list takes the left cell (notice, letter, report) as Decree 30 places it."""
        cells = (1 if recipients is not None else 0) + len(blocks)
        table = self.doc.add_table(rows=1, cols=cells)
        self._no_borders(table)
        # Equal columns over the text width without cell padding, as the PDF's signature table.
        self._fixed_widths(table, [Mm(165 / cells)] * cells)
        index = 0
        if recipients is not None:
            self._recipients(table.cell(0, 0), recipients)
            index = 1
        for capacity, title, name in blocks:
            lines = [(capacity, {"bold": True})] if capacity else []
            lines.append((title, {"bold": True}))
            lines += [("", {})] * 3
            # A blank line to write the name by hand when none is recorded.
            lines.append((name or " ", {"bold": True}))
            self._cell_lines(table.cell(0, index), lines)
            index += 1

    def _recipients(self, cell, recipients: list[str]) -> None:
        lines = [("Nơi nhận:", {"size": 12, "bold": True, "italic": True, "align": WD_ALIGN_PARAGRAPH.LEFT})]
        lines += [(line, {"size": 11, "align": WD_ALIGN_PARAGRAPH.LEFT}) for line in recipients]
        self._cell_lines(cell, lines)

    def recipients(self, recipients: list[str]) -> None:
        self.doc.add_paragraph()
        table = self.doc.add_table(rows=1, cols=1)
        self._no_borders(table)
        self._recipients(table.cell(0, 0), recipients)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def recipient_lines(report: list[str], act: list[str], filed: str, other: list[str] | None = None) -> list[str]:
    """ "- X;" lines, the last of each group marked "(để báo cáo)" / "(để thực hiện)", the others
    unmarked, then "- Lưu: …"."""
    lines = [f"- {r}{' (để báo cáo)' if i == len(report) - 1 else ''};" for i, r in enumerate(report)]
    lines += [f"- {r}{' (để thực hiện)' if i == len(act) - 1 else ''};" for i, r in enumerate(act)]
    lines += [f"- {r};" for r in other or []]
    lines.append(f"- {filed}")
    return lines
