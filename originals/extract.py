"""Reading the text of one original file, page by page, within bounds.

* PDF with a text layer on every page: read directly (pypdf), no OCR.
* PDF scans (pages without text) and images: OCRmyPDF with Tesseract's Vietnamese model (``-l vie``),
  which also yields a searchable PDF/A; pages that already have text are kept (``--skip-text``).
* DOCX / ODT: the paragraphs' text (one page: these files have no fixed pages).

Bounds: ``ORIGINALS_MAX_PAGES`` pages per file, ``ORIGINALS_PAGE_TIMEOUT`` seconds of OCR per page
(Tesseract's own timeout, and the whole run is killed after pages × that), ``ORIGINALS_MEMORY_MB`` of
address space for OCRmyPDF and its children, ``ORIGINALS_MAX_PIXELS`` per image. A file that cannot be
read raises ``ExtractError`` with a Vietnamese reason for the user.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

TEXT_LAYER, OCR, DOCUMENT = "text_layer", "ocr", "document"
MIN_PAGE_CHARS = 20  # a page with fewer visible characters has no real text layer (a scan)
MAX_PAGE_CHARS = 50_000
ODT_MAX_XML = 50 * 1024 * 1024
GRAFTED = re.compile(r"^\s*(\d+) Grafting")

OnPage = Callable[[int, int], None]  # (pages done, pages total)


class ExtractError(Exception):
    """The file could not be read; the message is shown to the user."""


@dataclass
class Extracted:
    pages: list[str]
    method: str
    searchable_pdf: bytes | None = None


def max_pages() -> int:
    return int(getattr(settings, "ORIGINALS_MAX_PAGES", 100))


def page_timeout() -> int:
    return int(getattr(settings, "ORIGINALS_PAGE_TIMEOUT", 60))


def memory_mb() -> int:
    return int(getattr(settings, "ORIGINALS_MEMORY_MB", 2048))


def max_pixels() -> int:
    return int(getattr(settings, "ORIGINALS_MAX_PIXELS", 60_000_000))


def _clip(text: str) -> str:
    return text.replace("\x00", "")[:MAX_PAGE_CHARS]


def _too_many_pages(count: int) -> ExtractError:
    return ExtractError(f"Tệp có {count} trang, vượt giới hạn {max_pages()} trang mỗi tệp nên không được đọc.")


def read(path: str, content_type: str, on_page: OnPage | None = None) -> Extracted:
    """The text of the file at ``path`` (a local copy), by its checked content type."""
    on_page = on_page or (lambda done, total: None)
    if content_type == PDF:
        return _read_pdf(path, on_page)
    if content_type in (JPEG, PNG):
        _check_image(path)
        on_page(0, 1)
        return _ocr(path, 1, on_page, image=True)
    if content_type == DOCX:
        return Extracted([_clip(_docx_text(path))], DOCUMENT)
    if content_type == ODT:
        return Extracted([_clip(_odt_text(path))], DOCUMENT)
    raise ExtractError("Loại tệp này không đọc được nội dung.")


def _read_pdf(path: str, on_page: OnPage) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("Tệp PDF có mật khẩu nên không đọc được nội dung.")
        count = len(reader.pages)
        if count > max_pages():
            raise _too_many_pages(count)
        if count == 0:
            raise ExtractError("Tệp PDF không có trang nào.")
        texts = []
        for number, page in enumerate(reader.pages, start=1):
            texts.append(_clip(page.extract_text() or ""))
            on_page(number, count)
    except ExtractError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise ExtractError(f"Tệp PDF bị hỏng hoặc không đúng định dạng ({type(exc).__name__}).") from exc
    if all(len("".join(t.split())) >= MIN_PAGE_CHARS for t in texts):
        return Extracted(texts, TEXT_LAYER)
    on_page(0, count)
    result = _ocr(path, count, on_page, image=False)
    # Pages OCRmyPDF skipped because they had text keep the text read above.
    result.pages = [ocr_text if ocr_text.strip() else texts[i] for i, ocr_text in enumerate(result.pages)]
    result.pages += texts[len(result.pages) :]
    return result


def _check_image(path: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ExtractError("Tệp ảnh bị hỏng hoặc không đúng định dạng.") from exc
    if width * height > max_pixels():
        raise ExtractError(
            f"Ảnh quá lớn ({width}×{height} điểm ảnh), vượt giới hạn {max_pixels() // 1_000_000} triệu điểm ảnh."
        )


def _limit_memory() -> None:  # runs in the child before exec
    limit = memory_mb() * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


OCR_EXIT_REASONS = {
    2: "Tệp không phải PDF hay ảnh hợp lệ.",
    4: "Tệp bị hỏng, không nhận dạng được chữ.",
    8: "Tệp PDF có mật khẩu nên không đọc được nội dung.",
}


def _ocr(path: str, pages: int, on_page: OnPage, *, image: bool) -> Extracted:
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        out, sidecar = Path(tmp) / "out.pdf", Path(tmp) / "out.txt"
        command = ["ocrmypdf", "-l", "vie", "--jobs", "1", "--optimize", "0", "--output-type", "pdfa", "-v", "1"]
        command += ["--tesseract-timeout", str(page_timeout()), "--sidecar", str(sidecar)]
        command += ["--image-dpi", "300"] if image else ["--skip-text"]
        command += [path, str(out)]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": tmp}
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            env=env,
            preexec_fn=_limit_memory,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(page_timeout() * pages + 60, kill)
        timer.start()
        tail: deque[str] = deque(maxlen=5)
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                tail.append(line.strip())
                match = GRAFTED.match(line)
                if match:
                    on_page(min(int(match.group(1)), pages), pages)
            code = proc.wait()
        finally:
            timer.cancel()
        if timed_out.is_set():
            raise ExtractError(f"Nhận dạng chữ quá thời gian cho phép ({page_timeout()} giây mỗi trang).")
        if code != 0:
            if code in OCR_EXIT_REASONS:
                raise ExtractError(OCR_EXIT_REASONS[code])
            if code < 0 or "MemoryError" in " ".join(tail):
                raise ExtractError("Nhận dạng chữ bị dừng (vượt giới hạn bộ nhớ hoặc bị ngắt).")
            raise ExtractError(f"Nhận dạng chữ không thành công (mã lỗi {code}).")
        texts = sidecar.read_text(encoding="utf-8", errors="replace").split("\f")
        texts = [_clip("" if t.strip().startswith("[OCR skipped on page") else t) for t in texts][:pages]
        return Extracted(texts, OCR, out.read_bytes())


def _docx_text(path: str) -> str:
    import docx

    try:
        document = docx.Document(path)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise ExtractError("Tệp DOCX bị hỏng hoặc không đúng định dạng.") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


ODT_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _odt_text(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo("content.xml").file_size > ODT_MAX_XML:
                raise ExtractError("Tệp ODT quá lớn để đọc nội dung.")
            with archive.open("content.xml") as content:
                root = ElementTree.parse(content).getroot()
    except ExtractError:
        raise
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError) as exc:
        raise ExtractError("Tệp ODT bị hỏng hoặc không đúng định dạng.") from exc
    lines = []
    for element in root.iter():
        if element.tag in (f"{ODT_TEXT}p", f"{ODT_TEXT}h"):
            lines.append("".join(element.itertext()))
    return "\n".join(lines)
