"""PDF rendering of Django templates with WeasyPrint, safely.

Any app can print an official document::

    from portal import pdf
    data = pdf.render_pdf("pdf/minutes.html", {"doc": doc, ...})

Safety:
* the templates are Django templates with autoescape, so user text cannot inject markup;
* ``PortalURLFetcher`` lets WeasyPrint load only ``data:`` URLs and the portal's own static
  files (resolved on disk through the staticfiles finders); no network, no ``file://``, no redirects;
* a render time limit: ``PdfRenderError`` (with a Vietnamese message for the user) when it is exceeded.

Fonts: the templates ask for Tinos (metric-compatible with Times New Roman, full Vietnamese
coverage; Debian fonts-croscore) through fontconfig, falling back to Liberation Serif. WeasyPrint
subsets and embeds them.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import posixpath
import signal
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO; keep server logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

DEFAULT_TIMEOUT_SECONDS = 20.0
# Relative URLs in the templates resolve against this base; the fetcher maps it to static files.
BASE_URL = "https://portal.invalid/"


class PdfRenderError(Exception):
    """The PDF could not be made; ``str(error)`` is a message for the user (Vietnamese)."""


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
        relative = posixpath.normpath(path[len(static_url):])
        if relative.startswith(("..", "/")) or "\x00" in relative:
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        if isinstance(found, list):
            found = found[0] if found else None
        return found


def _write_pdf(html: str, fetcher: PortalURLFetcher) -> bytes:
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: catch it by name
        raise PdfRenderError("Không tạo được tệp PDF: văn bản dẫn tới tài nguyên không được phép.") from exc


class _Timeout(BaseException):
    """A BaseException so that WeasyPrint's own ``except Exception`` blocks do not swallow it."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def html_to_pdf(html: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bytes:
    """Render an HTML string (already escaped) to PDF bytes within ``timeout`` seconds."""
    fetcher = PortalURLFetcher()
    message = "Tạo tệp PDF quá thời gian cho phép ({:.0f} giây). Vui lòng rút gọn nội dung hoặc thử lại sau."
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        # In the main thread (gunicorn sync workers, management commands) an alarm interrupts the render.
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return _write_pdf(html, fetcher)
        except _Timeout:
            raise PdfRenderError(message.format(timeout)) from None
        except PdfRenderError:
            raise
        except Exception as exc:
            logger.exception("PDF rendering failed")
            raise PdfRenderError("Không tạo được tệp PDF do lỗi khi dàn trang. Vui lòng thử lại.") from exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    # Elsewhere (threaded servers) a worker thread renders; past the limit its result is dropped.
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["pdf"] = _write_pdf(html, fetcher)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=work, name="pdf-render", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise PdfRenderError(message.format(timeout))
    if "error" in result:
        error = result["error"]
        if isinstance(error, PdfRenderError):
            raise error
        logger.exception("PDF rendering failed", exc_info=error)
        raise PdfRenderError("Không tạo được tệp PDF do lỗi khi dàn trang. Vui lòng thử lại.") from error
    return result["pdf"]


def render_pdf(template_name: str, context: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bytes:
    """Render a Django template (autoescaped) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), timeout=timeout)


def vn_date(day: datetime.date) -> str:
    """"ngày 05 tháng 01 năm 2024": Decree 30 pads days below 10 and the months 1 and 2 with a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: datetime.date) -> str:
    return f"{place}, {vn_date(day)}" if place else vn_date(day).capitalize()
