"""The dashboard as a Decree 30 "BÁO CÁO" (PDF, through portal.pdf) and as a workbook (XLSX)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal import pdf
from portal.dashboard import charts, selectors


def filename(dash: selectors.Dashboard, ext: str) -> str:
    unit = slugify(dash.scope.agency.document_symbol or dash.scope.agency.code) or "don-vi"
    return f"tong-quan-{unit}-{dash.period.start:%Y%m%d}-{dash.period.end:%Y%m%d}.{ext}"


def to_xlsx(dash: selectors.Dashboard) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "Tổng quan"
    ws.append([_("Báo cáo tổng quan"), dash.scope.agency.name])
    ws.append([_("Kỳ báo cáo"), dash.period.label])
    ws.append([_("Ngày lập"), dash.today.strftime("%d/%m/%Y")])
    ws.append([])
    ws.append([_("Chỉ tiêu"), _("Số lượng")])
    for card in selectors.figure_cards(dash):
        ws.append([card["label"], card["value"]])
    for cell in (ws["A1"], ws["A5"], ws["B5"]):
        cell.font = bold
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 40

    headers, rows, totals = selectors.breakdown_table(dash)
    sheet = wb.create_sheet("Theo đơn vị")
    sheet.append([_("Đơn vị, địa bàn"), *headers])
    for row in rows:
        sheet.append([row["label"], *[c["value"] for c in row["cells"]]])
    sheet.append([_("Tổng cộng"), *[t["value"] for t in totals]])
    sheet.column_dimensions["A"].width = 48

    sheet = wb.create_sheet("Quá hạn sơ kết")
    sheet.append([_("Số, ký hiệu"), _("Trích yếu"), _("Cơ quan chủ trì"), _("Hạn sơ kết"), _("Số ngày quá hạn")])
    for reg in dash.overdue:
        sheet.append([reg.number, reg.title, reg.host_agency.name, reg.next_review_due, reg.days_overdue])
        sheet.cell(row=sheet.max_row, column=4).number_format = "DD/MM/YYYY"

    sheet = wb.create_sheet("Theo lĩnh vực")
    sheet.append([_("Lĩnh vực"), _("Số quy chế đang có hiệu lực")])
    for item in dash.by_field:
        sheet.append([item["label"], item["value"]])
    sheet.append([])
    sheet.append([_("Loại cơ quan phối hợp"), _("Số quy chế đang có hiệu lực")])
    for item in dash.by_partner_kind:
        sheet.append([item["label"], item["value"]])

    sheet = wb.create_sheet("Theo năm")
    sheet.append([_("Năm"), _("Sơ kết, tổng kết"), _("Họp liên ngành")])
    for item in dash.trend:
        sheet.append([item["year"], item["reviews"], item["interagency"]])
    for worksheet in wb.worksheets:
        for cell in worksheet[1]:
            cell.font = bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(dash: selectors.Dashboard) -> bytes:
    agency = dash.scope.agency
    parent = agency.parent
    doc = SimpleNamespace(
        governing_name=parent.name if parent else "",
        issuing_name=agency.name,
        number_display="",
        symbol=f"BC-{agency.document_symbol}" if agency.document_symbol else "BC",
        subject=_("Tình hình thực hiện quy chế phối hợp, %(period)s") % {"period": dash.period.label.lower()},
    )
    headers, rows, totals = selectors.breakdown_table(dash)
    context = {
        "doc": doc,
        "dash": dash,
        "place_date": pdf.place_and_date(agency.place_name, dash.today),
        "cards": selectors.figure_cards(dash),
        "headers": headers,
        "rows": rows,
        "totals": totals,
        "chart_trend": charts.columns(
            dash.trend, "year", [("reviews", _("Sơ kết, tổng kết")), ("interagency", _("Họp liên ngành"))],
            "pdf-trend-title",
        ),
    }
    return pdf.render_pdf("dashboard/report_pdf.html", context)
