"""The filtered register as XLSX, CSV and a printable PDF (sổ theo dõi quy chế phối hợp)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from regulations.models import Regulation, RegulationStatus

COLUMNS = [
    (_("STT"), 6),
    (_("Số, ký hiệu"), 30),
    (_("Loại văn bản"), 20),
    (_("Trích yếu"), 60),
    (_("Ngày ký"), 12),
    (_("Có hiệu lực từ"), 14),
    (_("Cơ quan chủ trì"), 34),
    (_("Các bên ký kết"), 50),
    (_("Lĩnh vực"), 34),
    (_("Trạng thái"), 22),
    (_("Hạn sơ kết"), 12),
]
DATE_COLUMNS = {4, 5, 10}


def row_values(index: int, reg: Regulation) -> list:
    return [
        index,
        reg.number,
        str(reg.get_type_display()),
        reg.title,
        reg.signed_on,
        reg.in_force_from,
        reg.host_agency.name,
        "; ".join(p.agency.name for p in reg.parties.all()),
        "; ".join(f.name for f in reg.fields.all()),
        str(RegulationStatus(reg._status).label),
        reg.next_review_due,
    ]


def to_xlsx(regulations: Iterable[Regulation]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Quy che phoi hop"
    ws.append([str(title) for title, _width in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_title, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for index, reg in enumerate(regulations, start=1):
        ws.append(row_values(index, reg))
        for col in DATE_COLUMNS:
            ws.cell(row=index + 1, column=col + 1).number_format = "DD/MM/YYYY"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(regulations: Iterable[Regulation]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(title) for title, _width in COLUMNS])
    for index, reg in enumerate(regulations, start=1):
        writer.writerow(
            [v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else ("" if v is None else v)
             for v in row_values(index, reg)]
        )
    return out.getvalue()


def to_pdf(regulations: list[Regulation], context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("regulations/register_pdf.html", {"regulations": regulations, **context})
    # Only inline data: URLs may be fetched; nothing from the disk or the network.
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
