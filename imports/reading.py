"""Reading an uploaded XLSX or CSV file into sheets of rows keyed by column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from imports.bounded import UnsafeWorkbook, check_archive
from imports.columns import COLUMNS, GUIDE_SHEET, LISTS_SHEET, header_key, sheet_kind
from imports.encoding import MSG_RESAVE, Converter, EncodingError, decode
from imports.layout import HEADER_SEARCH, find_header, layout_for, values_of
from imports.models import ImportKind
from portal.text import clean as clean_text

COLUMNS_LABEL: dict[str, str] = {ImportKind.REGULATIONS: "quy chế phối hợp", ImportKind.MEETINGS: "hội nghị, cuộc họp"}

MAX_ROWS = 20000
MAX_COLUMNS = 60  # a register has a few dozen columns; cells further right are not read
MAX_SCAN = MAX_ROWS + 200  # rows read from a sheet, blank ones and title rows included
MSG_TOO_MANY_ROWS = "Tệp có hơn 20.000 dòng; hãy chia thành nhiều tệp nhỏ hơn."


class ReadError(ValueError):
    pass


@dataclass
class Row:
    number: int  # the row number the user sees in the spreadsheet (header = 1)
    values: dict[str, object]


@dataclass
class Sheet:
    kind: str
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # key -> header text as in the file
    rows: list[Row] = field(default_factory=list)


@dataclass
class Upload:
    sheets: list[Sheet]
    encoding: str = ""
    layout: dict = field(default_factory=dict)  # the mapping step's data (see ``layout.Layout.as_json``)
    sheet_choices: list[str] = field(default_factory=list)  # several sheets could be the register
    notes: list[str] = field(default_factory=list)
    conversions: list[dict] = field(default_factory=list)  # legacy text converted (``Converter.conversions``)
    encoding_question: dict = field(default_factory=dict)  # readings the user must pick from

    @property
    def total_rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)

    @property
    def needs_input(self) -> bool:
        return bool(self.sheet_choices) or bool(self.layout.get("missing")) or bool(self.encoding_question)


@dataclass
class Choices:
    """What the user (or the unit's remembered mapping) said about the file."""

    sheet: str = ""
    mapping: dict[str, int | str] = field(default_factory=dict)
    remembered: dict[str, dict] = field(default_factory=dict)  # header signature -> mapping
    defaults: dict[str, str] = field(default_factory=dict)  # "@unit" -> the user's agency code
    encoding: str = ""  # the reading picked for cells the file leaves uncertain


def _converted(rows: list[tuple], converter: Converter, upload: Upload | None = None) -> list[tuple]:
    """Every cell in Unicode NFC, legacy text converted; what was converted (or is uncertain) is told
    on ``upload``."""
    for row in rows:
        for value in row:
            converter.collect(value)
    converter.resolve()
    if upload is not None:
        upload.conversions += converter.conversions()
        if converter.question:
            upload.encoding_question = converter.question
    if not converter.cells:
        return rows
    return [tuple(converter.convert(v) for v in row) for row in rows]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: object, multiline: bool = False) -> object:
    if isinstance(value, str):
        return clean_text(value.replace("\x00", ""), multiline).strip()
    return value


def _sheet(kind: str, name: str, rows: list[tuple], choices: Choices, upload: Upload, named: bool) -> Sheet | None:
    """The sheet's rows under its header, or None when the user must first map its columns."""
    mapping = choices.mapping if choices.mapping and choices.sheet in ("", name) else None
    found = layout_for(kind, name, rows, mapping)
    if found is None:
        if not rows:
            raise ReadError(f"Trang “{name}” không có dòng tiêu đề.")
        required = ", ".join(c.header for c in COLUMNS[kind] if c.required)
        raise ReadError(
            f"Trang “{name}” không có dòng tiêu đề nào nhận ra được (cần các cột như: {required}). "
            "Hãy dùng tệp mẫu hoặc thêm một dòng tiêu đề phía trên dữ liệu."
        )
    if mapping is None and found.missing and found.header.signature in choices.remembered:
        found = layout_for(kind, name, rows, choices.remembered[found.header.signature]) or found
    if found.missing or not named or found.remembered:
        upload.layout = found.as_json(rows)
    if found.remembered and mapping is None and not found.missing:
        upload.notes.append("Các cột được ghép theo cách đơn vị đã chọn cho tệp cùng mẫu lần trước.")
    if found.missing:
        return None
    sheet = Sheet(kind, name)
    multiline = {c.key for c in COLUMNS[kind] if c.multiline}
    sheet.columns = {key: found.header.texts[where] for key, where in found.mapping.items() if isinstance(where, int)}
    for number, values in values_of(found, rows, choices.defaults):
        sheet.rows.append(Row(number, {k: _clean(v, k in multiline) for k, v in values.items()}))
        if len(sheet.rows) > MAX_ROWS:
            raise ReadError(MSG_TOO_MANY_ROWS)
    return sheet


def _stream(ws: Any, limit: int = MAX_SCAN) -> list[tuple]:
    """The sheet's rows, read as the XML streams in, and no further than ``MAX_SCAN`` rows."""
    rows: list[tuple] = []
    for raw in ws.iter_rows(max_row=limit + 1, max_col=MAX_COLUMNS, values_only=True):
        if len(rows) == limit:
            if limit < MAX_SCAN:
                break
            if not all(_blank(v) for v in raw):
                raise ReadError(MSG_TOO_MANY_ROWS)
            break
        rows.append(tuple(raw))
    return rows


def read_xlsx(data: bytes, kind: str, choices: Choices) -> Upload:
    try:
        check_archive(data)
    except UnsafeWorkbook as exc:
        raise ReadError(str(exc)) from None
    upload = Upload([])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            _read_book(book, kind, choices, upload)
        finally:
            book.close()
    except ReadError:
        raise
    except Exception as exc:
        # Whatever openpyxl or the XML parser raises on a broken or hostile file (ParseError,
        # defusedxml's EntitiesForbidden, KeyError for a missing part, ...) is a file we cannot read.
        raise ReadError(
            "Không đọc được tệp Excel (.xlsx): nội dung tệp hỏng hoặc không đúng định dạng. "
            "Hãy mở tệp trong Excel và lưu lại dạng .xlsx."
        ) from exc
    return upload


def _read_book(book: Any, kind: str, choices: Choices, upload: Upload) -> None:
    skipped = {header_key(GUIDE_SHEET), header_key(LISTS_SHEET)}
    sheets = [ws for ws in book.worksheets if header_key(ws.title) not in skipped]
    named = [(sheet_kind(ws.title), ws) for ws in sheets if sheet_kind(ws.title) is not None]
    if named:
        targets = named
    else:
        # A clerk's own workbook: any sheet whose header reads as the register ("Sheet1", "2024", …).
        targets = [
            (kind, ws)
            for ws in sheets
            if find_header(kind, _converted(_stream(ws, HEADER_SEARCH + 2), Converter())) is not None
        ]
        if not targets:
            names = ", ".join(f"“{ws.title}”" for ws in sheets)
            raise ReadError(
                f"Không tìm thấy dòng tiêu đề của sổ {COLUMNS_LABEL[kind]} trong trang nào ({names}). "
                "Cần các cột như Số, ký hiệu; Trích yếu (Tên quy chế); Ngày ký; Cơ quan phối hợp."
            )
        if len(targets) > 1:
            chosen = [(k, ws) for k, ws in targets if ws.title == choices.sheet]
            if not chosen:
                upload.sheet_choices = [ws.title for _k, ws in targets]
                return
            targets = chosen
    for sheet_kind_, ws in targets:
        rows = _converted(_stream(ws), Converter(choice=choices.encoding), upload)
        sheet = _sheet(str(sheet_kind_), ws.title, rows, choices, upload, named=bool(named))
        if sheet is None:
            return
        upload.sheets.append(sheet)


def read_csv(data: bytes, kind: str, choices: Choices) -> Upload:
    try:
        text, encoding, as_bytes = decode(data)
    except EncodingError as exc:
        raise ReadError(str(exc)) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows: list[tuple] = []
        for raw in csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter):
            if len(rows) == MAX_SCAN:
                if not all(_blank(v) for v in raw):
                    raise ReadError(MSG_TOO_MANY_ROWS)
                break
            rows.append(tuple(raw[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise ReadError(f"Tệp CSV không đúng định dạng: {exc}. Hãy dùng tệp mẫu.") from None
    upload = Upload([], encoding)
    converter = Converter(raw=as_bytes, choice=choices.encoding)
    rows = _converted(rows, converter, upload)
    if as_bytes and converter.unreadable:
        sample = converter.unreadable[0][:60]
        raise ReadError(f"{MSG_RESAVE} Ô không đọc được: “{sample}”.")
    upload.encoding = converter.label(encoding)
    # A CSV holds one kind of record; its header says which, else the page it was uploaded from.
    for candidate in COLUMNS:
        header = find_header(candidate, rows)
        if header is not None and not [c for c in COLUMNS[candidate] if c.required and c.key not in header.found]:
            kind = candidate
            break
    sheet = _sheet(kind, "CSV", rows, choices, upload, named=False)
    if sheet is not None:
        upload.sheets.append(sheet)
    return upload


def read_upload(filename: str, data: bytes, kind: str, choices: Choices | None = None) -> Upload:
    choices = choices or Choices()
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return read_xlsx(data, kind, choices)
    if filename.lower().endswith((".xls", ".ods")):
        raise ReadError("Chỉ nhận tệp .xlsx hoặc .csv. Hãy mở tệp trong Excel và lưu lại dạng .xlsx.")
    return read_csv(data, kind, choices)
