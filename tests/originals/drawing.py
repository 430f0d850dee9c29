"""Files the tests make themselves: a scan drawn with PIL (no text layer), a PDF with a text layer,
DOCX and ODT documents. Nothing comes from outside."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE_LINES = [
    ["QUY CHẾ PHỐI HỢP", "giữa Viện kiểm sát nhân dân và Tòa án nhân dân"],
    ["Điều 3. Trách nhiệm thông báo", "Danh sách người bị tạm giữ được gửi hằng ngày"],
]


def scan_pages(pages: list[list[str]] = PAGE_LINES) -> list[Image.Image]:
    font = ImageFont.truetype(FONT, 40)
    images = []
    for lines in pages:
        image = Image.new("L", (1654, 700), 255)  # a strip of an A4 page at 200 dpi: quick to OCR
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            draw.text((80, 100 + 100 * row), line, font=font, fill=0)
        images.append(image)
    return images


def scan_pdf(name: str = "ban-ky-quet.pdf", pages: list[list[str]] = PAGE_LINES) -> SimpleUploadedFile:
    images = scan_pages(pages)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def scan_png(name: str = "ban-ky-quet.png", lines: list[str] = PAGE_LINES[1]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    scan_pages([lines])[0].save(buffer, format="PNG", dpi=(200, 200))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_pdf(name: str = "ban-dien-tu.pdf", pages: list[list[str]] = PAGE_LINES) -> SimpleUploadedFile:
    """A PDF with a text layer (laid out by WeasyPrint), one page per list of lines."""
    from weasyprint import HTML

    body = "".join(
        '<section style="page-break-after: always">' + "".join(f"<p>{line}</p>" for line in lines) + "</section>"
        for lines in pages
    )
    html = f'<html><body style="font-family: DejaVu Sans; font-size: 14pt">{body}</body></html>'
    return SimpleUploadedFile(name, HTML(string=html).write_pdf(), content_type="application/pdf")


def docx(name: str = "du-thao.docx", lines: list[str] = PAGE_LINES[1]) -> SimpleUploadedFile:
    import docx as python_docx

    document = python_docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def odt(name: str = "du-thao.odt", lines: list[str] = PAGE_LINES[1]) -> SimpleUploadedFile:
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in lines)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f"<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return SimpleUploadedFile(name, buffer.getvalue())


def broken_pdf(name: str = "hong.pdf") -> SimpleUploadedFile:
    """Starts like a PDF (so the upload check accepts it) but is cut off: no pages, no trailer."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b"\x00garbage" * 50)
