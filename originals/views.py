from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from originals import selectors, services
from originals.models import OriginalText
from portal import access, storage
from portal.http import AuthenticatedHttpRequest


def _text(request: AuthenticatedHttpRequest, pk: int) -> OriginalText:
    queryset = OriginalText.objects.select_related("regulation", "original")
    return access.get_or_404(request.user, queryset, "regulation__locality", pk=pk)


@login_required
def status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(selectors.status(_text(request, pk)))


@login_required
@require_POST
def reread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    text = _text(request, pk)
    services.reread(request.user, text)
    messages.success(request, f"Đã yêu cầu đọc lại nội dung tệp “{text.original.original_name}”.")
    return redirect(text.regulation.get_absolute_url() + f"#original-{text.original_id}")


@login_required
def searchable_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    text = _text(request, pk)
    if not text.searchable_pdf:
        raise Http404
    name = f"{text.original.original_name.rsplit('.', 1)[0]}-tim-kiem-duoc.pdf"
    return storage.download_response(text.searchable_pdf, filename=name, content_type="application/pdf")
