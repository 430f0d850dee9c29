"""Opening an uploaded .xlsx without letting it take the server down: the zip's declared sizes are
checked before anything is inflated (Python's zipfile never inflates past a member's declared size),
every XML part is scanned for a DTD (no OOXML part has one; entity bombs and external entities need
one), and openpyxl parses with defusedxml (installed; see README) in read-only, streaming mode."""

from __future__ import annotations

import io
import zipfile
import zlib

MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together
MAX_PART = 16 * 1024 * 1024  # any part but a worksheet (shared strings are held in memory whole)
MAX_MEMBERS = 2000
_CHUNK = 1024 * 1024


class UnsafeWorkbook(ValueError):
    pass


MSG_TOO_BIG = (
    "Tệp Excel giải nén ra quá lớn (hơn {mb} MB) nên không được đọc. Hãy xóa các trang, hàng, cột thừa "
    "hoặc chia thành nhiều tệp nhỏ hơn."
)
MSG_DTD = (
    "Tệp Excel có khai báo DOCTYPE/ENTITY, điều mà Excel không bao giờ tạo ra; tệp không được đọc. "
    "Hãy mở tệp trong Excel và lưu lại dạng .xlsx."
)
MSG_BROKEN = "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải tệp Excel. Hãy mở trong Excel và lưu lại."


def check_archive(data: bytes) -> None:
    """Raise ``UnsafeWorkbook`` (with the Vietnamese message) for a zip bomb or a DTD in any XML part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsafeWorkbook(MSG_BROKEN) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeWorkbook(MSG_TOO_BIG.format(mb=MAX_UNCOMPRESSED // (1024 * 1024)))
        total = 0
        for info in members:
            total += info.file_size
            is_sheet = info.filename.startswith("xl/worksheets/")
            if total > MAX_UNCOMPRESSED or (not is_sheet and info.file_size > MAX_PART):
                raise UnsafeWorkbook(MSG_TOO_BIG.format(mb=MAX_UNCOMPRESSED // (1024 * 1024)))
        for info in members:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _scan(archive, info)


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise UnsafeWorkbook(MSG_DTD)
                tail = window[-16:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
        raise UnsafeWorkbook(MSG_BROKEN) from exc
