"""Reading an uploaded XLSX or CSV file into sheets of rows keyed by column."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from imports.bounded import UnsafeWorkbook, check_archive
from imports.columns import COLUMNS, GUIDE_SHEET, LISTS_SHEET, Column, header_key, header_map, sheet_kind
from imports.encoding import EncodingError, decode
from portal.text import clean as clean_text

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

    @property
    def total_rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: object, multiline: bool = False) -> object:
    if isinstance(value, str):
        return clean_text(value.replace("\x00", ""), multiline).strip()
    if isinstance(value, datetime.datetime) and value.time() == datetime.time.min:
        return value  # an Excel date cell; the column decides whether it is a date or a time
    return value


def _sheet(kind: str, name: str, rows: list[tuple]) -> Sheet:
    if not rows:
        raise ReadError(f"Trang “{name}” không có dòng tiêu đề.")
    known = header_map(kind)
    positions: dict[int, Column] = {}
    sheet = Sheet(kind, name)
    for index, text in enumerate(rows[0]):
        column = known.get(header_key(text))
        if column is not None and column.key not in sheet.columns:
            positions[index] = column
            sheet.columns[column.key] = str(text).strip()
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in sheet.columns]
    if missing:
        raise ReadError(
            f"Trang “{name}” thiếu cột bắt buộc: {', '.join(missing)}. Hãy dùng tệp mẫu và giữ nguyên dòng tiêu đề."
        )
    for number, raw in enumerate(rows[1:], start=2):
        values = {col.key: _clean(raw[i], col.multiline) for i, col in positions.items() if i < len(raw)}
        if all(_blank(v) for v in values.values()):
            continue
        sheet.rows.append(Row(number, values))
        if len(sheet.rows) > MAX_ROWS:
            raise ReadError(MSG_TOO_MANY_ROWS)
    return sheet


def _stream(ws: Any) -> list[tuple]:
    """The sheet's rows, read as the XML streams in, and no further than ``MAX_SCAN`` rows."""
    rows: list[tuple] = []
    for raw in ws.iter_rows(max_row=MAX_SCAN + 1, max_col=MAX_COLUMNS, values_only=True):
        if len(rows) == MAX_SCAN:
            if not all(_blank(v) for v in raw):
                raise ReadError(MSG_TOO_MANY_ROWS)
            break
        rows.append(tuple(raw))
    return rows


def read_xlsx(data: bytes) -> Upload:
    try:
        check_archive(data)
    except UnsafeWorkbook as exc:
        raise ReadError(str(exc)) from None
    sheets = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for ws in book.worksheets:
                if header_key(ws.title) in (header_key(GUIDE_SHEET), header_key(LISTS_SHEET)):
                    continue
                kind = sheet_kind(ws.title)
                if kind is None:
                    continue
                sheets.append(_sheet(kind, ws.title, _stream(ws)))
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
    if not sheets:
        raise ReadError("Tệp không có trang “Quy chế phối hợp” hoặc “Hội nghị, cuộc họp”. Hãy dùng tệp mẫu.")
    return Upload(sheets)


def read_csv(data: bytes, kind: str) -> Upload:
    try:
        text, encoding = decode(data)
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
    # A CSV holds one kind of record; its header says which, else the page it was uploaded from.
    header = {header_key(h) for h in rows[0]} if rows else set()
    for candidate in COLUMNS:
        required = {header_key(c.header) for c in COLUMNS[candidate] if c.required}
        if required <= header:
            kind = candidate
            break
    name = "CSV"
    return Upload([_sheet(kind, name, rows)], encoding)


def read_upload(filename: str, data: bytes, kind: str) -> Upload:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith((".xls", ".ods")):
        raise ReadError("Chỉ nhận tệp .xlsx hoặc .csv. Hãy mở tệp trong Excel và lưu lại dạng .xlsx.")
    return read_csv(data, kind)
