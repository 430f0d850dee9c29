"""PDF rendering of Django templates with WeasyPrint, safely.

Any app can print an official document::

    from portal import pdf
    data = pdf.render_pdf("pdf/minutes.html", {"doc": doc, ...})

Safety:
* the templates are Django templates with autoescape, so user text cannot inject markup;
* ``PortalURLFetcher`` lets WeasyPrint load only ``data:`` URLs and the portal's own static
  files (resolved on disk through the staticfiles finders); no network, no ``file://``, no redirects;
* a render time limit and a page limit (``check_rows`` refuses long listings before any work):
  ``PdfRenderError`` with a Vietnamese message for the user; ``PdfErrorMiddleware`` shows it instead of a 500.

Fonts: the templates ask for Tinos (metric-compatible with Times New Roman, full Vietnamese
coverage; Debian fonts-croscore) through fontconfig, falling back to Liberation Serif. WeasyPrint
subsets and embeds them.
"""

from __future__ import annotations

import datetime
import io
import logging
import mimetypes
import posixpath
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import pypdfium2
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from portal.formats import group_thousands

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO; keep server logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_PAGES = 200
# A listing printed within a request: the register of a district or a narrow filter (200 register
# rows are about 50 pages and 5.5 s of CPU). Larger ones go through a background job
# (regulations.jobs) with the limits below: a province's 1,623 rows are about 400 pages; the laid-out
# pages stay in memory until the file is written, so the row limit also bounds the worker's memory.
DIRECT_MAX_ROWS = 200
JOB_MAX_ROWS = 3000
JOB_MAX_PAGES = 1000
JOB_TIMEOUT_SECONDS = 540.0
T = TypeVar("T")
# Relative URLs in the templates resolve against this base; the fetcher maps it to static files.
BASE_URL = "https://portal.invalid/"


class PdfRenderError(Exception):
    """The PDF could not be made; ``str(error)`` is a message for the user (Vietnamese)."""

    status = 503


class RefusedURL(ValueError):
    """WeasyPrint logs this and renders without the resource."""


class PortalURLFetcher(URLFetcher):
    """Loads ``data:`` URLs and the portal's static files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(timeout=2, allowed_protocols=("data", "https", "http"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        static_file = self._static_path(url) if scheme in ("http", "https") else None
        if static_file is None:
            self.refused.append(url)
            raise RefusedURL(f"URL not allowed in PDF rendering: {url[:200]}")
        content_type = mimetypes.guess_type(static_file)[0] or "application/octet-stream"
        with open(static_file, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> str | None:
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if parts.netloc != base.netloc or parts.query:
            return None
        static_url = urlsplit(settings.STATIC_URL).path or "/static/"
        path = unquote(parts.path)
        if not path.startswith(static_url):
            return None
        relative = posixpath.normpath(path[len(static_url) :])
        if relative.startswith(("..", "/")) or "\x00" in relative:
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        if isinstance(found, list):
            found = found[0] if found else None
        return found


class PdfTooLarge(PdfRenderError):
    """More rows or pages than one PDF may hold."""

    status = 422


class PdfCancelled(PdfRenderError):
    """The user cancelled a long render (checked between chunks)."""


def check_rows(count: int, limit: int) -> None:
    """Refuse before any work when a listing has more rows than one PDF may hold."""
    if count > limit:
        raise PdfTooLarge(
            f"Bản in có {group_thousands(count)} dòng, vượt giới hạn {group_thousands(limit)} dòng của một tệp "
            "PDF. Vui lòng lọc bớt (theo đơn vị, lĩnh vực hoặc năm ký) hoặc dùng Xuất Excel/CSV để có toàn bộ "
            "danh sách."
        )


def _check_pages(pages: int, limit: int) -> None:
    if pages > limit:
        raise PdfTooLarge(
            f"Tệp PDF dài hơn {limit} trang, vượt giới hạn cho phép. Vui lòng lọc bớt nội dung "
            "hoặc dùng Xuất Excel/CSV."
        )


def _layout(
    html: str,
    fetcher: PortalURLFetcher,
    font_config: FontConfiguration | None = None,
    stylesheets: list[CSS] | None = None,
) -> Document:
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=stylesheets
        )
    except FatalURLFetchingError as exc:  # a BaseException: catch it by name
        raise PdfRenderError("Không tạo được tệp PDF: văn bản dẫn tới tài nguyên không được phép.") from exc


class _Timeout(BaseException):
    """A BaseException so that WeasyPrint's own ``except Exception`` blocks do not swallow it."""


class _Alarm:
    """SIGALRM handler that remembers it fired: an exception raised inside a garbage-collector
    callback or a library's ``except BaseException`` is lost, and the render would then finish
    past its limit as if nothing happened."""

    def __init__(self) -> None:
        self.fired = False

    def __call__(self, signum: int, frame: Any) -> None:
        self.fired = True
        raise _Timeout


TIMEOUT_MESSAGE = "Tạo tệp PDF quá thời gian cho phép ({:.0f} giây). Vui lòng rút gọn nội dung hoặc thử lại sau."
LAYOUT_MESSAGE = "Không tạo được tệp PDF do lỗi khi dàn trang. Vui lòng thử lại."


def guarded(work: Callable[[], T], timeout: float) -> T:
    """Run a render within ``timeout`` seconds; every failure becomes a ``PdfRenderError`` with a
    Vietnamese message, never a bare exception (a 500)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        # In the main thread (gunicorn sync workers, Celery prefork children, management commands)
        # an alarm interrupts the render.
        alarm = _Alarm()
        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            output = work()
            if alarm.fired:
                raise _Timeout
            return output
        except _Timeout:
            raise PdfRenderError(TIMEOUT_MESSAGE.format(timeout)) from None
        except PdfRenderError:
            raise
        except Exception as exc:
            logger.exception("PDF rendering failed")
            raise PdfRenderError(LAYOUT_MESSAGE) from exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    # Elsewhere (threaded servers) a worker thread renders; past the limit its result is dropped.
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["pdf"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=run, name="pdf-render", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise PdfRenderError(TIMEOUT_MESSAGE.format(timeout))
    if "error" in result:
        error = result["error"]
        if isinstance(error, PdfRenderError):
            raise error
        logger.exception("PDF rendering failed", exc_info=error)
        raise PdfRenderError(LAYOUT_MESSAGE) from error
    return result["pdf"]


def html_to_pdf(html: str, timeout: float | None = None, max_pages: int | None = None) -> bytes:
    """Render an HTML string (already escaped) to PDF bytes within ``timeout`` seconds and ``max_pages``
    (``DEFAULT_TIMEOUT_SECONDS`` and ``DEFAULT_MAX_PAGES`` when not given)."""
    fetcher = PortalURLFetcher()
    timeout = DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout
    max_pages = DEFAULT_MAX_PAGES if max_pages is None else max_pages

    def work() -> bytes:
        document = _layout(html, fetcher)
        _check_pages(len(document.pages), max_pages)
        return document.write_pdf()

    return guarded(work, timeout)


def render_pdf(
    template_name: str, context: dict[str, Any], timeout: float | None = None, *, max_pages: int | None = None
) -> bytes:
    """Render a Django template (autoescaped) to PDF bytes. Every PDF of the portal comes from here."""
    return html_to_pdf(render_to_string(template_name, context), timeout=timeout, max_pages=max_pages)


def render_chunked(
    template_name: str,
    contexts: Iterable[dict[str, Any]],
    *,
    timeout: float,
    max_pages: int,
    on_chunk: Callable[[dict[str, Any]], None] | None = None,
    stylesheet: str | None = None,
) -> bytes:
    """One PDF from a long listing laid out a chunk at a time (each context gets ``page_offset``, the
    pages before it, for its page numbers); ``on_chunk`` runs after each chunk (progress, and
    cancellation by raising ``PdfCancelled``). The whole render shares one time and page limit.

    ``stylesheet`` names a template of CSS that is rendered and parsed once for all chunks (each
    context then gets ``shared_stylesheet``, so the page template leaves out its own copy), and the
    chunks share one font configuration: fonts are opened and their shaping caches warmed once.

    Each chunk is written to PDF bytes as soon as it is laid out and its boxes are dropped, so memory
    holds one chunk's layout and the finished bytes, not every page's layout; the parts are joined by
    pdfium at the end."""
    fetcher = PortalURLFetcher()

    def work() -> bytes:
        font_config = FontConfiguration()
        stylesheets = (
            [CSS(string=render_to_string(stylesheet), base_url=BASE_URL, url_fetcher=fetcher, font_config=font_config)]
            if stylesheet
            else None
        )
        parts: list[bytes] = []
        pages = 0
        for context in contexts:
            html = render_to_string(
                template_name, {**context, "page_offset": pages, "shared_stylesheet": bool(stylesheets)}
            )
            document = _layout(html, fetcher, font_config, stylesheets)
            pages += len(document.pages)
            _check_pages(pages, max_pages)
            parts.append(document.write_pdf())
            del document
            if on_chunk:
                on_chunk(context)
        if not parts:
            raise PdfRenderError("Không có nội dung để in.")
        return join_pdfs(parts)

    return guarded(work, timeout)


def join_pdfs(parts: list[bytes]) -> bytes:
    """The pages of several PDFs, in order, as one file (the first part's metadata)."""
    if len(parts) == 1:
        return parts[0]
    joined = pypdfium2.PdfDocument(parts[0])
    try:
        for part in parts[1:]:
            source = pypdfium2.PdfDocument(part)
            try:
                joined.import_pages(source)
            finally:
                source.close()
        out = io.BytesIO()
        joined.save(out)
        return out.getvalue()
    finally:
        joined.close()


def vn_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 01 năm 2024": Decree 30 pads days below 10 and the months 1 and 2 with a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# Words that belong together in an agency name: a line never ends between them ("TỐI / CAO").
_BOUND_PAIRS = (
    "TỐI CAO",
    "CẤP CAO",
    "KHU VỰC",
    "NHÂN DÂN",
    "HÀ NỘI",
    "HỒ CHÍ MINH",
    "THÀNH PHỐ",
    "ĐIỀU TRA",
    "THI HÀNH",
    "DÂN SỰ",
    "CÔNG AN",
    "KIỂM SÁT",
    "TÒA ÁN",
    "BAN CÁN SỰ",
    "ĐẢNG ỦY",
    "CẢNH SÁT",
)
# Where the head of a name ends, so the place or level goes on its own line as Decree 30 headers do.
_HEADS = (
    "VIỆN KIỂM SÁT NHÂN DÂN",
    "TÒA ÁN NHÂN DÂN",
    "CƠ QUAN ĐIỀU TRA",
    "CƠ QUAN CẢNH SÁT ĐIỀU TRA",
    "BAN CÁN SỰ ĐẢNG",
    "CHI CỤC THI HÀNH ÁN DÂN SỰ",
    "CỤC THI HÀNH ÁN DÂN SỰ",
)


def name_lines(name: str, width: int = 24) -> list[str]:
    """An agency name for a document header, as lines that are printed without wrapping.

    A name breaks after its head ("VIỆN KIỂM SÁT NHÂN DÂN" / "TỐI CAO") and otherwise between words
    at about ``width`` characters, never inside a bound pair such as "TỐI CAO" or "KHU VỰC"."""
    text = " ".join(name.split())
    if not text:
        return []
    upper = text.upper()
    for head in _HEADS:
        if upper.startswith(head + " ") and len(text) > width:
            return [text[: len(head)], *name_lines(text[len(head) + 1 :], width)]
    bound = text
    for phrase in _BOUND_PAIRS:
        start = bound.upper().find(phrase)
        while start >= 0:
            end = start + len(phrase)
            bound = bound[:start] + bound[start:end].replace(" ", "\u00a0") + bound[end:]
            start = bound.upper().find(phrase, start + 1)
    tokens = bound.split(" ")
    lines: list[str] = []
    for token in tokens:
        if lines and len(lines[-1]) + 1 + len(token) <= width:
            lines[-1] = f"{lines[-1]} {token}"
        else:
            lines.append(token)
    return [line.replace("\u00a0", " ") for line in lines]


def place_and_date(place: str, day: datetime.date) -> str:
    return f"{place}, {vn_date(day)}" if place else vn_date(day).capitalize()


class PdfErrorMiddleware:
    """A ``PdfRenderError`` that reaches a view's caller becomes a page with its Vietnamese message
    (and a link back), never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PdfRenderError):
            return None
        referer = request.headers.get("Referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
        return render(request, "errors/pdf.html", {"message": str(exception), "back": back}, status=exception.status)
