from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import access
from regulations import exports, rules, selectors, services
from regulations.filters import RegulationFilter
from regulations.forms import MSG_CHOOSE_FILES_AGAIN, RegulationEditor
from regulations.models import Original, RelationKind

PAGE_SIZE = 25
EXPORT_LIMIT = 5000


def _filtered(request: HttpRequest) -> RegulationFilter:
    today = selectors.today()
    return RegulationFilter(request.GET or None, queryset=selectors.listing(request.user, today),
                            user=request.user, today=today, request=request)


@login_required
def regulation_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "regulations/list.html", {
        "filter": filterset,
        "page_obj": page,
        "today": selectors.today(),
        "can_create": access.writable_agencies(request.user).exists(),
        "query": request.GET.urlencode(),
    })


def _export_rows(request: HttpRequest) -> list:
    return list(_filtered(request).qs[:EXPORT_LIMIT])


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.to_xlsx(_export_rows(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="quy-che-phoi-hop.xlsx"'
    return response


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.to_csv(_export_rows(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quy-che-phoi-hop.csv"'
    return response


@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    rows = _export_rows(request)
    today = selectors.today()
    pdf = exports.to_pdf(rows, {"today": today, "user": request.user})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="so-theo-doi-quy-che-phoi-hop.pdf"'
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = selectors.detail(request.user, pk)
    today = selectors.today()
    reviews = list(selectors.review_meetings(request.user, regulation))
    return render(request, "regulations/detail.html", {
        "regulation": regulation,
        "today": today,
        "status": rules.status_on(regulation, today),
        "review_state": rules.review_state_on(regulation, today),
        "timeline": selectors.timeline(request.user, regulation, reviews),
        "reviews": reviews,
        "changes": selectors.history(regulation),
        "can_edit": access.can_write(request.user, regulation.locality_id),
    })


def _render_form(request: HttpRequest, editor: RegulationEditor, regulation=None) -> HttpResponse:
    if editor.has_errors and editor.files_lost:
        messages.warning(request, MSG_CHOOSE_FILES_AGAIN)
    return render(request, "regulations/form.html", {"editor": editor, "regulation": regulation})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    access.require_role(request.user, access.EDIT_ROLES)
    if not access.writable_agencies(request.user).exists():
        raise PermissionDenied(_("Bạn không có quyền ghi nhận quy chế."))
    relation_initial = []
    replaces = request.GET.get("thay_the", "")
    if request.method == "GET" and replaces.isdigit():
        old = selectors.visible(request.user).filter(pk=replaces).first()
        if old is not None:
            relation_initial = [{"kind": RelationKind.SUPERSEDES, "target": old}]
    if request.method == "POST":
        editor = RegulationEditor(request.user, data=request.POST, files=request.FILES)
        if editor.is_valid():
            try:
                regulation = services.create_regulation(request.user, **editor.service_args())
            except ValidationError as exc:
                editor.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu quy chế %(number)s.") % {"number": regulation.number})
                return redirect(regulation)
    else:
        editor = RegulationEditor(request.user, relation_initial=relation_initial)
    return _render_form(request, editor)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = selectors.detail(request.user, pk)
    access.require_write(request.user, regulation.locality_id)
    if request.method == "POST":
        editor = RegulationEditor(request.user, instance=regulation, data=request.POST, files=request.FILES)
        if editor.is_valid():
            try:
                regulation = services.update_regulation(request.user, regulation, **editor.service_args())
            except ValidationError as exc:
                editor.add_service_errors(exc)
            else:
                messages.success(request, _("Đã cập nhật quy chế %(number)s.") % {"number": regulation.number})
                return redirect(regulation)
    else:
        editor = RegulationEditor(request.user, instance=regulation)
    return _render_form(request, editor, regulation)


@login_required
def download_original(request: HttpRequest, pk: int) -> FileResponse:
    original = access.get_or_404(request.user, Original.objects.select_related("regulation"),
                                 "regulation__locality", pk=pk)
    response = FileResponse(original.file.open("rb"), as_attachment=True, filename=original.original_name,
                            content_type=original.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
