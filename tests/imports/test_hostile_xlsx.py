"""Issue 20, point 3: hostile workbooks (a zip bomb, an entity bomb, an external entity, a sheet past
the row limit) are refused with a Vietnamese message before they cost memory; never a 500."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from imports import bounded, reading
from imports.models import ImportJob

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MB = 1024 * 1024


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(sheet_xml: bytes | None = None, write_sheet=None, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet ("Quy chế phối hợp") is replaced by ``sheet_xml``, or written
    in chunks by ``write_sheet(handle)``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Quy chế phối hợp"
    base = io.BytesIO()
    book.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename == SHEET and write_sheet is not None:
                with dst.open(SHEET, "w", force_zip64=True) as handle:
                    write_sheet(handle)
            elif info.filename == SHEET and sheet_xml is not None:
                dst.writestr(SHEET, sheet_xml)
            else:
                dst.writestr(info, src.read(info))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _zip_bomb(handle) -> None:
    handle.write(f"<worksheet {NS}><sheetData>".encode())
    spaces = b" " * MB
    for _ in range(bounded.MAX_UNCOMPRESSED // MB + 8):  # just past the limit of white space inside <sheetData>
        handle.write(spaces)
    handle.write(b"</sheetData></worksheet>")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololololololololololololololololol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + f']><worksheet {NS}><sheetData><row r="1">{_cell("A1", "&lol9;")}</row></sheetData></worksheet>'
).encode()

XXE = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet {NS}><sheetData><row r="1">{_cell("A1", "Số, ký hiệu")}{_cell("B1", "&xxe;")}</row>'
    "</sheetData></worksheet>"
).encode()


def _too_many_rows(handle) -> None:
    handle.write(f"<worksheet {NS}><sheetData>".encode())
    handle.write(f'<row r="1">{_cell("A1", "Số, ký hiệu")}{_cell("B1", "Trích yếu")}</row>'.encode())
    for r in range(2, reading.MAX_SCAN + 10):
        handle.write(f'<row r="{r}">{_cell(f"A{r}", f"{r}/QC")}{_cell(f"B{r}", "Quy chế phối hợp")}</row>'.encode())
    handle.write(b"</sheetData></worksheet>")


def refused(world, data: bytes) -> str:
    client = Client(raise_request_exception=True)
    client.force_login(world.ks_staff)
    tracemalloc.start()
    try:
        response = client.post(reverse("imports:regulations"), {"file": _named(data)})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    page = response.content.decode()
    assert response.status_code == 400, page[:500]
    assert peak < 64 * MB, f"peak {peak / MB:.1f} MB"
    assert ImportJob.objects.count() == 0
    return page


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("so-theo-doi.xlsx", data)


def test_a_zip_bomb_is_refused_before_it_is_inflated(world) -> None:
    data = workbook(write_sheet=_zip_bomb)
    assert len(data) < 2 * MB
    page = refused(world, data)
    assert "giải nén ra quá lớn" in page


def test_an_oversized_shared_strings_part_is_refused(world) -> None:
    data = workbook(extra={"xl/sharedStrings.xml": b" " * (bounded.MAX_PART + 1)})
    assert "giải nén ra quá lớn" in refused(world, data)


def test_an_entity_bomb_is_refused(world) -> None:
    assert "DOCTYPE/ENTITY" in refused(world, workbook(BILLION_LAUGHS))


def test_an_external_entity_is_refused(world) -> None:
    page = refused(world, workbook(XXE))
    assert "DOCTYPE/ENTITY" in page and "root:" not in page


@pytest.mark.parametrize("sheet", [BILLION_LAUGHS, XXE], ids=["entities", "xxe"])
def test_the_parser_itself_expands_no_entity(world, sheet, monkeypatch) -> None:
    """Without the DTD scan, defusedxml (used by openpyxl once installed) still refuses the file."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True
    monkeypatch.setattr(bounded, "_scan", lambda archive, info: None)
    page = refused(world, workbook(sheet))
    assert "nội dung tệp hỏng hoặc không đúng định dạng" in page


def test_rows_are_streamed_and_reading_stops_at_the_limit(world, monkeypatch) -> None:
    seen = []
    real = reading._stream

    def counted(ws):
        rows = real(ws)
        seen.append(len(rows))
        return rows

    monkeypatch.setattr(reading, "_stream", counted)
    page = refused(world, workbook(write_sheet=_too_many_rows))
    assert "hơn 20.000 dòng" in page
    assert seen == []  # stopped inside the stream, not after loading every row


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        workbook(b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row>"),  # unclosed XML
        workbook(extra={"xl/worksheets/sheet9.xml": b"<not-xml"})[:-200],  # truncated archive
    ],
    ids=["no-archive", "unclosed-xml", "truncated"],
)
def test_broken_workbooks_get_a_vietnamese_message(world, data) -> None:
    page = refused(world, data)
    assert "Không đọc được tệp Excel" in page or "Tệp Excel" in page
