"""The dashboard report as a Decree 30 document: agency names unbroken, named preparer, Nơi nhận, Word copy."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document

from tests.dashboards.factories import build_dashboard_world


@pytest.fixture
def dw(db):
    return build_dashboard_world()


def test_report_pdf_names_the_preparer_and_recipients_and_keeps_toi_cao_together(dw, client_for):
    user = dw.world.supreme_leader
    response = client_for(user).get(reverse("dashboard:export_pdf"))
    with pdfplumber.open(io.BytesIO(response.content)) as doc:
        lines = [line["text"] for page in doc.pages for line in page.extract_text_lines()]
    text = "\n".join(lines)
    assert "NGƯỜI LẬP BÁO CÁO" in text and user.full_name in text
    assert "Nơi nhận:" in text and "(để báo cáo);" in text and text.count("Lưu:") == 1
    # "…TỐI / CAO" never: "TỐI CAO" is on one line, no line ends with "TỐI".
    assert any("TỐI CAO" in line for line in lines)
    assert not any(line.split("CỘNG HÒA")[0].split("Độc lập")[0].rstrip().endswith("TỐI") for line in lines)


def test_report_docx_has_the_decree_30_layout(dw, client_for):
    user = dw.world.kh_leader
    response = client_for(user).get(reverse("dashboard:export_docx"))
    assert response.status_code == 200
    word = Document(io.BytesIO(response.content))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.left_margin.mm), round(section.right_margin.mm)) == (
        210,
        30,
        15,
    )
    header = word.tables[0]
    assert "TỈNH KHÁNH HÒA" in header.cell(0, 0).text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    texts = [p.text for p in word.paragraphs]
    assert "BÁO CÁO" in texts and "I. SỐ LIỆU CHÍNH" in texts
    signature = word.tables[-1]
    assert signature.cell(0, 0).text.startswith("Nơi nhận:")
    assert "NGƯỜI LẬP BÁO CÁO" in signature.cell(0, 1).text and user.full_name in signature.cell(0, 1).text
    assert any("Tổng cộng" in cell.text for table in word.tables for cell in table.column_cells(0))
