"""Checks on uploaded originals: the type is decided by the content, and the extension must agree."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from regulations.models import OriginalKind

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}, DOCX: {".docx"}, ODT: {".odt"}}
ALLOWED_BY_KIND: dict[str, tuple[str, ...]] = {
    OriginalKind.SIGNED_SCAN: (PDF, JPEG, PNG),
    OriginalKind.EDITABLE_TEXT: (DOCX, ODT),
    OriginalKind.OTHER: (PDF, JPEG, PNG, DOCX, ODT),
}
KIND_HINT: dict[str, str] = {
    OriginalKind.SIGNED_SCAN: "PDF, JPEG hoặc PNG",
    OriginalKind.EDITABLE_TEXT: "DOCX hoặc ODT",
    OriginalKind.OTHER: "PDF, JPEG, PNG, DOCX hoặc ODT",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


# A real DOCX/ODT has tens to a few hundred entries and compresses text about 10:1; a zip bomb has
# thousands of entries or ratios in the thousands. Only the tiny ODT "mimetype" entry is ever read,
# and only its first bytes.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 500 * 1024 * 1024
ZIP_MAX_RATIO = 200
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this may compress as well as they like
MSG_ZIP_BOMB = "Tệp “{name}” là tệp nén bất thường (quá nhiều thành phần hoặc tỷ lệ nén quá cao), không lưu được."


class SuspiciousArchive(Exception):
    pass


def _check_archive(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_ENTRIES:
        raise SuspiciousArchive
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise SuspiciousArchive
    if total > ZIP_MAX_UNCOMPRESSED:
        raise SuspiciousArchive


def _office_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_archive(archive)
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
            if "mimetype" in names:
                # Bounded read: the declared sizes may lie, so never read more than the answer's length.
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT) + 16).strip() == ODT.encode():
                        return ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    except SuspiciousArchive:
        raise ValidationError(MSG_ZIP_BOMB.format(name=upload.name or ""), code="zip_bomb") from None
    finally:
        upload.seek(0)
    return None


def sniff(upload: UploadedFile) -> str | None:
    """The content type read from the file's bytes, or None when it is none we accept."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    if guess is not None and guess.mime in (PDF, JPEG, PNG):
        return guess.mime
    if head.startswith(b"PK"):
        return _office_type(upload)
    return None


def check_original(kind: str, upload: UploadedFile) -> CheckedFile:
    """Validate one upload; raise ``ValidationError`` with a Vietnamese message if it is refused.
    The form and the service both call this; the result is kept on the upload, so it runs once."""
    cached = getattr(upload, "_portal_checked", None)
    if cached is not None and cached[0] == kind:
        return cached[1]
    checked = _check_original(kind, upload)
    upload._portal_checked = (kind, checked)  # type: ignore[attr-defined]  # checked once per request
    return checked


def _check_original(kind: str, upload: UploadedFile) -> CheckedFile:
    name = upload.name or ""
    if not upload.size:
        raise ValidationError(f"Tệp “{name}” rỗng (0 byte), không lưu được.", code="empty")
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Tệp “{name}” có dung lượng {filesizeformat(upload.size)}, vượt quá giới hạn {filesizeformat(limit)}.",
            code="too_big",
        )
    allowed = ALLOWED_BY_KIND.get(kind, ())
    content_type = sniff(upload)
    if content_type is None or content_type not in allowed:
        raise ValidationError(
            f"Nội dung tệp “{name}” không phải định dạng được chấp nhận cho loại tệp này ({KIND_HINT.get(kind, '')}).",
            code="bad_type",
        )
    if PurePath(name).suffix.lower() not in EXTENSIONS[content_type]:
        raise ValidationError(
            f"Phần mở rộng của tệp “{name}” không khớp với nội dung tệp "
            f"(nội dung là {sorted(EXTENSIONS[content_type])[0].lstrip('.').upper()}).",
            code="extension_mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=upload.size, sha256=digest.hexdigest())
