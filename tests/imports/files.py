"""Builders of import files for the tests: the real template filled with rows, and CSV files."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from imports.columns import MEETING_COLUMNS, MEETING_SHEET, REGULATION_COLUMNS, REGULATION_SHEET
from imports.template import build_template


def regulation_row(n: int, host: str = "VKS-KS", partner: str = "TA-KS", **over) -> dict:
    row = {
        "number": f"{n:02d}/2023/QCPH-VKSKS",
        "title": f"Quy chế phối hợp số {n} về giải quyết tố giác, tin báo",
        "type": "Quy chế phối hợp",
        "host": host,
        "parties": partner,
        "signed_on": f"{(n % 27) + 1:02d}/03/2023",
        "in_force_from": "",
        "expires_on": "",
        "fields": "Hình sự",
        "review_interval_months": "12",
        "chapters_count": "3",
        "articles_count": "9",
        "summary": "",
        "notes": "",
    }
    row.update(over)
    return row


def meeting_row(n: int, host: str = "VKS-KS", regulation: str = "", **over) -> dict:
    row = {
        "kind": "Họp liên ngành",
        "title": f"Họp liên ngành giải quyết vụ án số {n}",
        "starts_at": f"{(n % 27) + 1:02d}/05/2024 08:00",
        "ends_at": f"{(n % 27) + 1:02d}/05/2024 11:00",
        "host": host,
        "state": "Đã tổ chức",
        "place": "Phòng họp VKSND huyện Khánh Sơn",
        "chair": "Đinh Văn Sơn",
        "chair_role": "Chủ trì",
        "regulations": regulation,
        "conclusions": "Thống nhất hướng giải quyết.",
    }
    row.update(over)
    return row


def xlsx(regulations: list[dict] = (), meetings: list[dict] = (), template: bytes | None = None) -> bytes:
    """The template (the portal's, or ``template`` as downloaded) filled with these rows."""
    book = load_workbook(io.BytesIO(template or build_template()))
    for sheet_name, columns, rows in (
        (REGULATION_SHEET, REGULATION_COLUMNS, regulations),
        (MEETING_SHEET, MEETING_COLUMNS, meetings),
    ):
        sheet = book[sheet_name]
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(columns, start=1):
                sheet.cell(row=r, column=c, value=row.get(column.key) or None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[dict], columns=REGULATION_COLUMNS, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue()
