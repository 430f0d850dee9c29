"""Small file builders for upload tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def pdf(name: str = "ban-ky.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name: str = "trang-1.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def _zip(name: str, entries: dict[str, str]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for entry, text in entries.items():
            z.writestr(entry, text)
    return SimpleUploadedFile(name, buf.getvalue())


def docx(name: str = "du-thao.docx") -> SimpleUploadedFile:
    return _zip(name, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def odt(name: str = "du-thao.odt") -> SimpleUploadedFile:
    return _zip(
        name, {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"}
    )


def plain_zip(name: str = "khac.docx") -> SimpleUploadedFile:
    return _zip(name, {"readme.txt": "xin chao"})


def exe_as_pdf(name: str = "ban-ky.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/pdf")


def empty(name: str = "rong.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"", content_type="application/pdf")


def big_pdf(size: int = 25 * 1024 * 1024, name: str = "qua-lon.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + b"0" * (size - len(PDF_BYTES)), content_type="application/pdf")
