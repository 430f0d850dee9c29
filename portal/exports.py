"""What every CSV and XLSX export of the portal shares.

* ``neutralise``: a text cell that a spreadsheet would read as a formula (it starts with
  ``= + - @``, a tab or a carriage return) gets an apostrophe in front, as OWASP recommends for CSV
  injection; the text stays readable. XLSX cells are also written with ``data_type = "s"``, so no
  formula can ever be created.
* ``Table``: the columns (title, width, kind) of one export.
* ``stream_csv`` / ``xlsx_file``: write a header block (title, the filters, the date and the count,
  so the file stands alone), the column titles and every row, in bounded memory: CSV as a generator
  for ``StreamingHttpResponse``, XLSX through openpyxl's write-only mode into a temporary file that
  ``FileResponse`` streams.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Excel refuses these characters in a sheet name; 31 characters at most.
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
CSV_ROWS_PER_CHUNK = 500


def neutralise(value: Any) -> Any:
    """The value, or for a text that a spreadsheet would run as a formula, the same text after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def vn_day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 20
    is_date: bool = False


@dataclass
class Header:
    """The block above the column titles: what the file is, for which filters, when, how many rows."""

    title: str
    lines: list[str] = field(default_factory=list)

    def rows(self) -> list[list[str]]:
        return [[self.title], *[[line] for line in self.lines], []]


def describe_filters(form: forms.Form, skip: Sequence[str] = ("sort", "page")) -> str:
    """ "Lĩnh vực: Hình sự; Trạng thái: Đang có hiệu lực" from a bound, validated filter form."""
    if not form.is_bound:
        return ""
    form.is_valid()  # the valid fields are applied (and described) even when another one is not
    data = getattr(form, "cleaned_data", {})
    parts = []
    for name, bound in form.fields.items():
        value = data.get(name)
        if name in skip or value in (None, "", [], ()):
            continue
        if isinstance(bound, forms.ChoiceField) and not hasattr(bound, "queryset"):
            shown = str(dict(bound.choices).get(value, value))  # type: ignore[arg-type]  # a list of pairs here
        elif isinstance(value, str):
            shown = f"“{value}”"
        elif hasattr(value, "normalize"):  # a Decimal from a number filter: 2020, not 2020.0
            shown = str(int(value)) if value == int(value) else str(value)
        else:
            shown = str(value)
        parts.append(f"{bound.label}: {shown}")
    return "; ".join(parts)


def filter_line(description: str, count: int, noun: str, today: datetime.date) -> str:
    """ "Lọc: Lĩnh vực: Hình sự — 2 văn bản — lập ngày 23/11/2026" (or "Không lọc" without filters)."""
    what = f"Lọc: {description}" if description else "Không lọc (toàn bộ phạm vi được xem)"
    return f"{what} — {count:,} {noun} — lập ngày {vn_day(today)}".replace(",", ".")


DANGEROUS_FIRST = frozenset(FORMULA_PREFIXES)


def csv_cells(values: Sequence[Any]) -> list[Any]:
    """One CSV line's values: text neutralised, dates as dd/mm/yyyy, None as empty (the hot loop of a
    national export, so written out rather than through ``neutralise``)."""
    out: list[Any] = []
    for value in values:
        kind = type(value)
        if kind is str:
            out.append("'" + value if value[:1] in DANGEROUS_FIRST else value)
        elif value is None:
            out.append("")
        elif kind is datetime.date:
            out.append(f"{value.day:02d}/{value.month:02d}/{value.year}")
        else:
            out.append(neutralise(value))
    return out


def csv_chunks(header: Header, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 (with BOM, so Excel reads the diacritics) CSV, a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    buffer.write("\ufeff")
    writer.writerows(csv_cells(r) for r in header.rows())
    writer.writerow(csv_cells([c.title for c in columns]))
    yield flush()
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(csv_cells(row))
        if len(batch) >= CSV_ROWS_PER_CHUNK:
            writer.writerows(batch)
            batch = []
            yield flush()
    if batch:
        writer.writerows(batch)
        yield flush()


def stream_csv(
    header: Header, columns: Sequence[Column], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(header, columns, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_name(name: str) -> str:
    return name.translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "Sheet"


class SheetWriter:
    """One write-only sheet: header block, bold frozen column titles with an autofilter, widths,
    dates as dates, and every text cell neutralised and typed as a string."""

    def __init__(self, workbook: Workbook, name: str, columns: Sequence[Column], header: Header | None = None):
        self.ws = workbook.create_sheet(sheet_name(name))
        self.columns = list(columns)
        self._dates = [c.is_date for c in self.columns]
        self.rows_written = 0
        bold = Font(bold=True)
        for index, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        block = header.rows() if header else []
        title_row = len(block) + 1
        self.ws.freeze_panes = f"A{title_row + 1}"
        for n, values in enumerate(block):
            self.ws.append([self._cell(v, bold=(n == 0)) for v in values])
        wrap = Alignment(wrap_text=True, vertical="top")
        titles = []
        for column in self.columns:
            cell = self._cell(column.title, bold=True)
            cell.alignment = wrap
            titles.append(cell)
        self.ws.append(titles)
        self.title_row = title_row
        self._bold = bold

    def _cell(self, value: Any, *, bold: bool = False, date: bool = False) -> WriteOnlyCell | Any:
        # Plain values are cheapest: openpyxl binds them into one reused cell per row. A text is
        # written as a string (data_type "s") unless it starts with "=", which neutralise rules out;
        # a text that was neutralised, a date or a bold title gets its own cell.
        if isinstance(value, str):
            safe = neutralise(value)
            if safe is value and not bold:
                return value
            cell = WriteOnlyCell(self.ws, value=safe)
            cell.data_type = "s"
        elif date and value is not None:
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = "DD/MM/YYYY"
        elif bold:
            cell = WriteOnlyCell(self.ws, value=value)
        else:
            return value
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([self._cell(v, date=d) for v, d in zip(values, self._dates, strict=False)])
        self.rows_written += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A{self.title_row}:{last}{self.title_row + self.rows_written}"


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_file(workbook: Workbook) -> IO[bytes]:
    """Save to a temporary file (deleted when closed) and rewind it: memory stays bounded."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(workbook: Workbook, filename: str) -> FileResponse:
    return FileResponse(workbook_file(workbook), as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def append_safe(ws: Any, values: Sequence[Any], *, bold: bool = False) -> None:
    """``ws.append`` for an ordinary (not write-only) sheet: text neutralised and typed as a string."""
    ws.append([neutralise(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)


def finish_table(ws: Any, header_row: int, widths: Sequence[float] = ()) -> None:
    """Freeze the rows above the data, filter on the column titles, set the widths."""
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ws.max_column)}{max(ws.max_row, header_row)}"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
