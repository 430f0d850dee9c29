"""The columns of the import template: one definition drives the XLSX template, its "Hướng dẫn"
sheet, its validation lists and the reading of uploaded files."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imports.models import ImportKind
from portal.search import normalize

REGULATION_SHEET = "Quy chế phối hợp"
MEETING_SHEET = "Hội nghị, cuộc họp"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
SHEETS = {ImportKind.REGULATIONS: REGULATION_SHEET, ImportKind.MEETINGS: MEETING_SHEET}
DATE_HELP = "ngày/tháng/năm, ví dụ 22/03/2016 (hoặc ô kiểu ngày của Excel)"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str
    choices: str = ""  # name of a list on the "Danh mục" sheet (a drop-down in the template)
    width: int = 22
    multiline: bool = False  # keeps its line breaks (``portal.text``); every other cell is one line
    aliases: tuple[str, ...] = ()  # other headers clerks give this column (compared by ``header_key``)


REGULATION_COLUMNS = [
    Column(
        "number",
        "Số, ký hiệu",
        True,
        "Số, ký hiệu của văn bản; cùng cơ quan chủ trì thì không trùng.",
        "01/2025/QCPH-VKSKV7-TAKV7",
        width=26,
        aliases=(
            "Số ký hiệu",
            "Số/ký hiệu",
            "Số hiệu",
            "Số văn bản",
            "Số, ký hiệu văn bản",
            "Ký hiệu",
            "Số và ký hiệu",
        ),
    ),
    Column(
        "title",
        "Trích yếu",
        True,
        "Trích yếu nội dung.",
        "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        width=44,
        aliases=("Tên quy chế", "Tên quy chế phối hợp", "Tên văn bản", "Trích yếu nội dung", "Nội dung", "Tên"),
    ),
    Column(
        "type",
        "Loại văn bản",
        True,
        "Chọn trong danh sách.",
        "Quy chế phối hợp",
        "types",
        aliases=("Loại", "Hình thức văn bản"),
    ),
    Column(
        "host",
        "Cơ quan chủ trì",
        True,
        "Mã cơ quan (ví dụ VKS-KV7-KH), tên đầy đủ hoặc tên viết tắt; gõ không dấu cũng được. Phải là đơn vị của bạn.",
        "VKS-KV7-KH",
        width=30,
        aliases=("Đơn vị chủ trì", "Chủ trì", "Cơ quan chủ trì ký kết", "Cơ quan ban hành"),
    ),
    Column(
        "parties",
        "Cơ quan tham gia ký kết",
        True,
        "Một hoặc nhiều cơ quan, cách nhau bằng dấu chấm phẩy (;), theo mã, tên đầy đủ hoặc tên viết tắt.",
        "TA-KV7-KH; Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa",
        width=36,
        aliases=(
            "Cơ quan phối hợp",
            "Đơn vị phối hợp",
            "Cơ quan ký kết",
            "Cơ quan tham gia",
            "Các cơ quan phối hợp",
            "Phối hợp",
            "Cơ quan, đơn vị phối hợp",
        ),
    ),
    Column(
        "signed_on",
        "Ngày ký",
        True,
        DATE_HELP,
        "15/09/2025",
        width=14,
        aliases=("Ngày ký kết", "Ngày, tháng, năm ký", "Ngày ban hành", "Ngày tháng năm ký"),
    ),
    Column("in_force_from", "Có hiệu lực từ ngày", False, DATE_HELP + "; bỏ trống = ngày ký.", "15/09/2025", width=14),
    Column("expires_on", "Hết hiệu lực ngày", False, DATE_HELP, "", width=14, aliases=("Ngày hết hiệu lực",)),
    Column(
        "fields",
        "Lĩnh vực",
        False,
        "Chọn trong danh sách; nhiều lĩnh vực thì cách nhau bằng dấu chấm phẩy (;).",
        "Hình sự",
        "fields",
        aliases=("Lĩnh vực phối hợp",),
    ),
    Column(
        "review_interval_months",
        "Chu kỳ sơ kết (tháng)",
        False,
        "Số tháng giữa hai lần sơ kết; mặc định 12.",
        "12",
        width=12,
    ),
    Column("chapters_count", "Số chương", False, "Số nguyên.", "3", width=10),
    Column("articles_count", "Số điều", False, "Số nguyên.", "9", width=10),
    Column("summary", "Tóm tắt nội dung", False, "Tùy chọn.", "", width=40, multiline=True),
    Column("notes", "Ghi chú", False, "Tùy chọn.", "", width=30, multiline=True),
    Column(
        "status",
        "Tình trạng hiệu lực",
        False,
        "Còn hiệu lực, Hết hiệu lực hoặc Đã thay thế; bỏ trống = theo các ngày. Hết hiệu lực, đã thay thế mà "
        "chưa có ngày thì được ghi vào Ghi chú.",
        "",
        width=18,
        aliases=("Tình trạng", "Hiệu lực", "Trạng thái", "Tình trạng văn bản"),
    ),
]

MEETING_COLUMNS = [
    Column("kind", "Loại cuộc họp", True, "Chọn trong danh sách.", "Sơ kết quy chế", "meeting_kinds"),
    Column(
        "title",
        "Tên hội nghị, cuộc họp",
        True,
        "Tên đầy đủ.",
        "Hội nghị sơ kết 06 tháng thực hiện Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        width=44,
        aliases=("Tên hội nghị", "Tên cuộc họp", "Nội dung cuộc họp", "Nội dung"),
    ),
    Column(
        "starts_at",
        "Bắt đầu",
        True,
        "ngày/tháng/năm giờ:phút, ví dụ 25/06/2022 08:00 (bỏ giờ = 08:00).",
        "16/03/2026 08:00",
        width=18,
        aliases=("Thời gian", "Ngày họp", "Thời gian bắt đầu", "Ngày tổ chức"),
    ),
    Column(
        "ends_at", "Kết thúc", False, "ngày/tháng/năm giờ:phút, không trước lúc bắt đầu.", "16/03/2026 11:30", width=18
    ),
    Column(
        "host",
        "Cơ quan chủ trì",
        True,
        "Mã cơ quan, tên đầy đủ hoặc tên viết tắt; gõ không dấu cũng được. Phải là đơn vị của bạn.",
        "VKSND khu vực 7 - Khánh Hòa",
        width=30,
    ),
    Column(
        "state",
        "Trạng thái",
        False,
        "Chọn trong danh sách; mặc định: Đã tổ chức nếu đã qua, Dự kiến nếu chưa.",
        "Đã tổ chức",
        "meeting_states",
    ),
    Column("place", "Địa điểm", False, "Tùy chọn.", "Hội trường VKSND khu vực 7 - Khánh Hòa", width=30),
    Column("chair", "Người chủ trì", False, "Họ và tên người chủ trì (vai trò: Chủ trì).", "Nguyễn Văn An", width=24),
    Column(
        "chair_role",
        "Vai trò người chủ trì",
        False,
        "Chọn trong danh sách; mặc định: Chủ trì.",
        "Chủ trì",
        "attendee_roles",
    ),
    Column(
        "regulations",
        "Quy chế liên quan",
        False,
        "Số, ký hiệu của các quy chế được sơ kết, cách nhau bằng dấu chấm phẩy (;); có thể là quy chế "
        "trong trang “Quy chế phối hợp” của cùng tệp.",
        "01/2025/QCPH-VKSKV7-TAKV7",
        width=28,
    ),
    Column("conclusions", "Kết luận", False, "Tùy chọn.", "", width=40, multiline=True),
]

# Other ways of naming an agency, shown in the guide; every one of them imports (tests/imports).
AGENCY_EXAMPLES = [
    ("Mã", "TA-KV7-KH"),
    ("Tên đầy đủ", "Tòa án nhân dân khu vực 7 - Khánh Hòa"),
    ("Tên viết tắt", "TAND khu vực 7 - Khánh Hòa"),
    ("Viết tắt khu vực", "TAND KV7 Khánh Hòa"),
    ("Gõ không dấu", "Toa an nhan dan khu vuc 7 Khanh Hoa"),
    ("Viết tắt cơ quan điều tra", "CQCSĐT Công an tỉnh Khánh Hòa"),
    ("Viết tắt công an", "CQCSĐT CA tỉnh Khánh Hòa"),
    ("Thi hành án dân sự", "THADS khu vực 7 - Khánh Hòa"),
]

COLUMNS: dict[str, list[Column]] = {ImportKind.REGULATIONS: REGULATION_COLUMNS, ImportKind.MEETINGS: MEETING_COLUMNS}


_PUNCTUATION = re.compile(r"[,.;:/\\()\[\]\-–_*\n]+")


def header_key(text: object) -> str:
    """A header cell, normalised: no diacritics, no "(*)" mark, no punctuation, lower case."""
    return normalize(_PUNCTUATION.sub(" ", str(text or "").replace("(*)", "")))


def header_map(kind: str) -> dict[str, Column]:
    """Every header a column is known by (the template's and the usual clerks' variants)."""
    known: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for text in (column.header, *column.aliases):
            known.setdefault(header_key(text), column)
    return known


# Fields a clerk's register usually leaves out, and what the mapping step offers instead of a column.
DEFAULTS = {"host": "@unit", "type": "@title"}
DEFAULT_LABELS = {
    "@unit": "Đơn vị của tôi (mọi dòng)",
    "@title": "Xác định theo trích yếu (mặc định: Quy chế phối hợp)",
}


def sheet_kind(name: str) -> str | None:
    key = header_key(name)
    for kind, title in SHEETS.items():
        if key == header_key(title):
            return kind
    return None
