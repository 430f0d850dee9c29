"""The downloadable XLSX template: a "Hướng dẫn" sheet, one sheet per kind of record and drop-down
lists (data validation) for kinds, fields, states and roles."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from imports.columns import AGENCY_EXAMPLES, COLUMNS, GUIDE_SHEET, LISTS_SHEET, SHEETS, Column
from imports.models import ImportKind
from meetings.models import AttendeeRole, MeetingKind, MeetingState
from regulations.models import Field, RegulationType

VALIDATED_ROWS = 5000
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")
AGENCY_EXAMPLES_TITLE = "Các cách ghi tên cơ quan (cột Cơ quan chủ trì, Cơ quan tham gia ký kết)"
IMPORTABLE_STATES = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.CANCELLED)


def choice_lists() -> dict[str, tuple[str, list[str]]]:
    """Each drop-down list: its title on the "Danh mục" sheet and its values."""
    return {
        "types": ("Loại văn bản", [str(label) for label in RegulationType.labels]),
        "fields": (
            "Lĩnh vực",
            list(Field.objects.filter(is_active=True).order_by("order", "name").values_list("name", flat=True)),
        ),
        "meeting_kinds": ("Loại cuộc họp", [str(label) for label in MeetingKind.labels]),
        "meeting_states": ("Trạng thái cuộc họp", [str(MeetingState(s).label) for s in IMPORTABLE_STATES]),
        "attendee_roles": ("Vai trò", [str(label) for label in AttendeeRole.labels]),
    }


def _header(column: Column) -> str:
    return f"{column.header} (*)" if column.required else column.header


def build_template() -> bytes:
    book = Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    lists = choice_lists()

    data_sheets = {}
    for kind in (ImportKind.REGULATIONS, ImportKind.MEETINGS):
        sheet = book.create_sheet(SHEETS[kind])
        data_sheets[kind] = sheet
        for index, column in enumerate(COLUMNS[kind], start=1):
            cell = sheet.cell(row=1, column=index, value=_header(column))
            cell.font, cell.fill = BOLD, HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"

    catalogue = book.create_sheet(LISTS_SHEET)
    ranges = {}
    for col, (name, (title, values)) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        catalogue.cell(row=1, column=col, value=title).font = BOLD
        for row, value in enumerate(values, start=2):
            catalogue.cell(row=row, column=col, value=value)
        catalogue.column_dimensions[letter].width = 40
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(2, len(values) + 1)}"

    for kind, sheet in data_sheets.items():
        for index, column in enumerate(COLUMNS[kind], start=1):
            if not column.choices:
                continue
            letter = get_column_letter(index)
            # Several fields go in one cell ("Hình sự; Dân sự"): the list helps, it does not forbid.
            strict = column.choices != "fields"
            validation = DataValidation(
                type="list",
                formula1=ranges[column.choices],
                allow_blank=True,
                showErrorMessage=strict,
                errorStyle="stop" if strict else "information",
                error="Hãy chọn một giá trị trong danh sách.",
                errorTitle="Giá trị không hợp lệ",
                prompt=column.help,
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
            sheet.add_data_validation(validation)

    _write_guide(guide, lists)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_guide(sheet, lists: dict) -> None:
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 40
    rows: list[tuple] = [
        ("HƯỚNG DẪN NHẬP QUY CHẾ PHỐI HỢP VÀ HỘI NGHỊ, CUỘC HỌP",),
        (
            "Điền mỗi văn bản, mỗi cuộc họp trên một dòng của trang tương ứng, bắt đầu từ dòng 2. "
            "Cột có dấu (*) là bắt buộc. Không đổi tên trang, không đổi dòng tiêu đề.",
        ),
        ("Ngày tháng: ngày/tháng/năm (22/03/2016) hoặc ô kiểu ngày của Excel. Giờ: giờ:phút (08:00).",),
        (
            "Cơ quan: ghi mã, tên đầy đủ hoặc tên viết tắt thường dùng (VKSND, TAND, CQCSĐT, CA, THADS, "
            "khu vực 7 hay KV7); tên gõ không dấu vẫn được nhận. Cơ quan chủ trì phải là đơn vị của người nhập. "
            "Cơ quan đã giải thể chỉ ghi được cho văn bản, cuộc họp trước ngày giải thể; sau ngày đó hãy ghi "
            "đơn vị kế thừa.",
        ),
        (
            "Nhập lại cùng một tệp không tạo bản ghi trùng: quy chế được nhận ra theo cơ quan chủ trì và số, ký hiệu; "
            "cuộc họp theo cơ quan chủ trì, loại và thời điểm bắt đầu.",
        ),
        ("Tệp CSV: lưu dạng “CSV UTF-8”; mỗi tệp CSV chứa một loại dữ liệu với dòng tiêu đề như trang tương ứng.",),
        (),
    ]
    rows.append((AGENCY_EXAMPLES_TITLE,))
    rows.append(("Cách ghi", "", "", "Ví dụ"))
    rows += [(how, "", "", example) for how, example in AGENCY_EXAMPLES]
    rows.append(())
    for kind in (ImportKind.REGULATIONS, ImportKind.MEETINGS):
        rows.append((f"Trang “{SHEETS[kind]}”",))
        rows.append(("Cột", "Bắt buộc", "Cách ghi", "Ví dụ"))
        for column in COLUMNS[kind]:
            help_text = column.help
            if column.choices:
                help_text += " Giá trị: " + "; ".join(lists[column.choices][1]) + "."
            rows.append((column.header, "Có" if column.required else "Không", help_text, column.example))
        rows.append(())
    for row in rows:
        sheet.append(list(row))
        current = sheet.max_row
        if len(row) == 1 or row[:1] in (("Cột",), ("Cách ghi",)):
            for cell in sheet[current]:
                cell.font = BOLD
        for cell in sheet[current]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
