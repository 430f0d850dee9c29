"""The dashboard as a Decree 30 "BÁO CÁO" (PDF, through portal.pdf) and as a workbook (XLSX)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dashboards import charts, selectors
from portal import pdf
from portal.exports import append_safe, finish_table
from portal.formats import group_thousands


def filename(dash: selectors.Dashboard, ext: str) -> str:
    unit = slugify(dash.scope.agency.document_symbol or dash.scope.agency.code) or "don-vi"
    return f"tong-quan-{unit}-{dash.period.start:%Y%m%d}-{dash.period.end:%Y%m%d}.{ext}"


def to_xlsx(dash: selectors.Dashboard) -> bytes:
    """Every text cell goes through ``portal.exports`` (neutralised, typed as text); each table has
    frozen bold column titles, an autofilter and widths; the first sheet says unit, period and date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng quan"
    append_safe(ws, [_("Báo cáo tổng quan"), dash.scope.agency.name], bold=True)
    append_safe(ws, [_("Kỳ báo cáo"), dash.period.label])
    append_safe(ws, [_("Ngày lập"), dash.today.strftime("%d/%m/%Y")])
    ws.append([])
    append_safe(ws, [_("Chỉ tiêu"), _("Số lượng")], bold=True)
    for card in selectors.figure_cards(dash):
        append_safe(ws, [card["label"], card["value"]])
    finish_table(ws, 5, (44, 40))

    headers, rows, totals = selectors.breakdown_table(dash)
    sheet = wb.create_sheet("Theo đơn vị")
    append_safe(sheet, [_("Đơn vị, địa bàn"), *headers], bold=True)
    for row in rows:
        append_safe(sheet, [row["label"], *[c["value"] for c in row["cells"]]])
    finish_table(sheet, 1, (48, *[16] * len(headers)))
    append_safe(sheet, [_("Tổng cộng"), *[t["value"] for t in totals]], bold=True)

    sheet = wb.create_sheet("Quá hạn sơ kết")
    append_safe(
        sheet,
        [_("Số, ký hiệu"), _("Trích yếu"), _("Cơ quan chủ trì"), _("Hạn sơ kết"), _("Số ngày quá hạn")],
        bold=True,
    )
    for reg in dash.overdue:
        append_safe(sheet, [reg.number, reg.title, reg.host_agency.name, reg.next_review_due, reg.days_overdue])
        sheet.cell(row=sheet.max_row, column=4).number_format = "DD/MM/YYYY"
    finish_table(sheet, 1, (30, 60, 40, 14, 14))

    sheet = wb.create_sheet("Theo lĩnh vực")
    append_safe(sheet, [_("Lĩnh vực"), _("Số quy chế đang có hiệu lực")], bold=True)
    for item in dash.by_field:
        append_safe(sheet, [item["label"], item["value"]])
    finish_table(sheet, 1, (44, 28))
    sheet.append([])
    append_safe(sheet, [_("Loại cơ quan phối hợp"), _("Số quy chế đang có hiệu lực")], bold=True)
    for item in dash.by_partner_kind:
        append_safe(sheet, [item["label"], item["value"]])

    sheet = wb.create_sheet("Theo năm")
    append_safe(sheet, [_("Năm"), _("Sơ kết, tổng kết"), _("Họp liên ngành")], bold=True)
    for item in dash.trend:
        append_safe(sheet, [item["year"], item["reviews"], item["interagency"]])
    finish_table(sheet, 1, (10, 18, 18))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _report_doc(dash: selectors.Dashboard) -> SimpleNamespace:
    agency = dash.scope.agency
    parent = agency.parent
    return SimpleNamespace(
        governing_name=parent.name if parent else "",
        issuing_name=agency.name,
        number_display="",
        symbol=f"BC-{agency.document_symbol}" if agency.document_symbol else "BC",
        subject=_("Tình hình thực hiện quy chế phối hợp, %(period)s") % {"period": dash.period.label.lower()},
    )


def _recipients(dash: selectors.Dashboard) -> list[str]:
    agency = dash.scope.agency
    return [_("Lãnh đạo %(agency)s") % {"agency": agency.short_name or agency.name}]


def to_pdf(dash: selectors.Dashboard, preparer: str = "") -> bytes:
    """``preparer``: the full name printed under "NGƯỜI LẬP BÁO CÁO" (a blank line when empty)."""
    agency = dash.scope.agency
    doc = _report_doc(dash)
    headers, rows, totals = selectors.breakdown_table(dash, selectors.PRINT_COLUMNS)
    context = {
        "doc": doc,
        "dash": dash,
        "governing_lines": pdf.name_lines(doc.governing_name.upper()),
        "issuing_lines": pdf.name_lines(doc.issuing_name.upper()),
        "place_date": pdf.place_and_date(agency.place_name, dash.today),
        "preparer": preparer,
        "recipients_report": _recipients(dash),
        "recipients_act": [],
        "filed_line": "Lưu: VT.",
        "cards": selectors.figure_cards(dash),
        "headers": headers,
        "rows": rows,
        "totals": totals,
        "chart_trend": charts.columns(
            dash.trend,
            "year",
            [("interim", _("Sơ kết")), ("final", _("Tổng kết")), ("interagency", _("Họp liên ngành"))],
            "pdf-trend-title",
        ),
    }
    return pdf.render_pdf("dashboard/report_pdf.html", context)


def to_docx(dash: selectors.Dashboard, preparer: str = "") -> bytes:
    """The same report as a Word copy (portal.word): header, sections with tables, preparer, Nơi nhận."""
    from portal.word import Decree30Docx, recipient_lines

    agency = dash.scope.agency
    doc = _report_doc(dash)
    word = Decree30Docx()
    word.header(
        governing=pdf.name_lines(doc.governing_name.upper()),
        issuing=pdf.name_lines(doc.issuing_name.upper()),
        number=f"      /{doc.symbol}",
        place_date=pdf.place_and_date(agency.place_name, dash.today),
    )
    word.title("BÁO CÁO", [doc.subject])
    word.paragraph(
        _(
            "Phạm vi số liệu: %(agency)s và các đơn vị cấp dưới trên địa bàn %(root)s; kỳ báo cáo: %(period)s (từ "
            "%(start)s đến %(end)s)."
        )
        % {
            "agency": agency.name,
            "root": dash.scope.root.name,
            "period": dash.period.label.lower(),
            "start": f"{dash.period.start:%d/%m/%Y}",
            "end": f"{dash.period.end:%d/%m/%Y}",
        }
    )
    word.paragraph(_("I. SỐ LIỆU CHÍNH"), kind="h")
    word.table(
        [_("TT"), _("Chỉ tiêu"), _("Số lượng")],
        [
            [str(i), c["label"], group_thousands(c["value"])]
            for i, c in enumerate(selectors.figure_cards(dash), start=1)
        ],
    )
    headers, rows, totals = selectors.breakdown_table(dash)
    word.paragraph(_("II. THEO ĐƠN VỊ CẤP DƯỚI"), kind="h")
    word.table(
        [_("Đơn vị, địa bàn"), *headers],
        [[row["label"], *[str(c["value"]) for c in row["cells"]]] for row in rows]
        + [[_("Tổng cộng"), *[str(t["text"]) for t in totals]]],
    )
    word.paragraph(_("III. QUY CHẾ QUÁ HẠN SƠ KẾT"), kind="h")
    if dash.overdue:
        word.table(
            [_("Số, ký hiệu"), _("Trích yếu"), _("Hạn sơ kết"), _("Quá hạn (ngày)")],
            [[r.number, r.title, f"{r.next_review_due:%d/%m/%Y}", str(r.days_overdue)] for r in dash.overdue],
        )
    else:
        word.paragraph(_("Không có quy chế nào quá hạn sơ kết."))
    word.signatures(
        [("", "NGƯỜI LẬP BÁO CÁO", preparer)], recipients=recipient_lines(_recipients(dash), [], "Lưu: VT.")
    )
    return word.bytes()
