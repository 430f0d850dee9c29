"""Records denied requests and every file the portal hands out (exports, PDFs, originals, feeds),
so no view has to remember to."""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from audit.models import AuditAction
from audit.services import record

EXPORT_TYPES = ("spreadsheetml", "text/csv", "text/calendar")
# Out-of-scope ids answer 404 like missing ones; repeated hits by one user within the window are
# written to the audit trail (at the 3rd hit, then every 10th), not every single one.
PROBE_WINDOW = 3600
PROBE_FIRST = 3
PROBE_EVERY = 10


def note_probe(request: HttpRequest, what: str) -> None:
    key = f"audit:probe:{request.user.pk}"
    cache.add(key, 0, PROBE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PROBE_WINDOW)
        count = 1
    if count == PROBE_FIRST or (count > PROBE_FIRST and count % PROBE_EVERY == 0):
        record(
            request,
            AuditAction.PROBE,
            detail=f"{count} lần truy cập dữ liệu ngoài phạm vi trong 1 giờ; lần này: {what}",
        )


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        if response.status_code == 404:
            what = getattr(getattr(request, "user", None), "_portal_out_of_scope", None)
            if what:
                note_probe(request, what)
        elif getattr(response, "portal_download", False):  # a file handed out by a signed redirect
            record(request, AuditAction.DOWNLOAD)
        elif response.status_code == 403:
            record(request, AuditAction.DENIED, detail=f"{request.method} 403")
        elif response.status_code == 200:
            content_type = response.get("Content-Type", "")
            if "application/pdf" in content_type:
                record(request, AuditAction.PDF)
            elif any(kind in content_type for kind in EXPORT_TYPES):
                record(request, AuditAction.EXPORT, detail=content_type[:100])
            elif "attachment" in response.get("Content-Disposition", ""):
                record(request, AuditAction.DOWNLOAD)
        return response
