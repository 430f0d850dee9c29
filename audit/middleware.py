"""Records denied requests and every file the portal hands out (exports, PDFs, originals, feeds),
so no view has to remember to."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.models import AuditAction
from audit.services import record

EXPORT_TYPES = ("spreadsheetml", "text/csv", "text/calendar")


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        if response.status_code == 403:
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
