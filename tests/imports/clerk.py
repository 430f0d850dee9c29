"""Registers laid out as clerks keep them: title rows, a merged two-row header, their own column
names, any sheet name."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook

HEADER_TOP = ["STT", "Văn bản", None, "Tên quy chế", "Cơ quan phối hợp", "Lĩnh vực", "Tình trạng", "Ghi chú"]
HEADER_BELOW = [None, "Số ký hiệu", "Ngày ký", None, None, None, None, None]


def clerk_rows() -> list[list[object]]:
    return [
        [
            1,
            "01/2023/QCPH-VKS-TA",
            datetime.datetime(2023, 3, 15),
            "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
            "TAND, CA huyện Khánh Sơn",
            "Hình sự",
            "Còn hiệu lực",
            "",
        ],
        [2, "02/2024/QCPH", "15/9/2024", "Quy chế phối hợp trong công tác xét xử", "TAND huyện Khánh Sơn", "", "", ""],
        [3, "03/2024/QCPH", "15-09-2024", "Quy chế phối hợp về thi hành án", "TA-KS", "", "Hết hiệu lực", "sổ cũ"],
        [4, "04/2025/QCPH", "ngày 15 tháng 9 năm 2025", "Quy chế phối hợp hòa giải", "TA-KS", "", "Đã thay thế", ""],
    ]


def clerk_book(
    sheet: str = "Sheet1",
    rows: list[list[object]] | None = None,
    top: list | None = None,
    below: list | bool | None = None,
    extra_sheets: tuple[str, ...] = (),
) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["SỔ THEO DÕI QUY CHẾ PHỐI HỢP"])
    ws.merge_cells("A1:H1")
    ws.append(["Đơn vị: VKSND huyện Khánh Sơn"])
    ws.append([])
    ws.append(top or HEADER_TOP)
    if below is not False:
        ws.append(below if isinstance(below, list) else HEADER_BELOW)
        ws.merge_cells("B4:C4")
        for col in "ADEFGH":
            ws.merge_cells(f"{col}4:{col}5")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])
    for row in clerk_rows() if rows is None else rows:
        ws.append(row)
    for name in extra_sheets:
        other = book.create_sheet(name)
        other.append(["STT", "Số, ký hiệu", "Trích yếu", "Ngày ký"])
        other.append([1, "09/2020/QC", "Quy chế cũ", "01/01/2020"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
