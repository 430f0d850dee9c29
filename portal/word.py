"""Word copies (.docx) of official documents in the Decree 30/2020/NĐ-CP layout, with python-docx.

The same layout as the PDFs (templates/pdf/decree30.html): A4, margins top/bottom 20 mm, left
30 mm, right 15 mm, Times New Roman 13-14 pt, a borderless two-column header table (agency names /
national motto, then number / place and date), the document type and summary, the body with a
first-line indent, the signature block and "Nơi nhận". Clerks edit these in Word before signing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
DRAFT_MARK = "DỰ THẢO"


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
        run = paragraph.add_run(text)
        run.font.name, run.font.size = FONT, Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
        return run

    @staticmethod
    def _no_borders(table) -> None:
        borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
        if borders is not None:
            table._tbl.tblPr.remove(borders)

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
        table.autofit = False
        self._no_borders(table)
        widths = (Cm(7.0), Cm(9.5))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        left = [(line, {"size": 12.5}) for line in governing]
        left += [(line, {"size": 12.5, "bold": True}) for line in issuing]
        left.append(("———", {"size": 10}))
        self._cell_lines(table.cell(0, 0), left)
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
            rule = self.doc.add_paragraph()
            rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._run(rule, "————", size=10)
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
        fmt.line_spacing = 1.15
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
