from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access, params, pdf, storage
from portal.http import AuthenticatedHttpRequest
from portal.pagination import CappedPaginator
from regulations import exports, jobs, rules, selectors, services
from regulations.filters import WALK_FROM, RegulationFilter
from regulations.forms import MSG_CHOOSE_FILES_AGAIN, RegulationEditor
from regulations.models import Original, RegisterJob, RegisterJobState, RelationKind

PAGE_SIZE = 25


def _filtered(request: AuthenticatedHttpRequest, walk: bool = False) -> RegulationFilter:
    today = selectors.today()
    return RegulationFilter(
        request.GET or None,
        queryset=selectors.listing(request.user, today),
        user=request.user,
        today=today,
        request=request,
        walk=walk,
    )


@login_required
def regulation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    paginator = CappedPaginator(filterset.qs, PAGE_SIZE)
    searched = filterset.is_valid() and filterset.form.cleaned_data.get("q")
    if searched and paginator.count >= WALK_FROM:
        # Counted through the id set; a page of so many matches is found walking the register's order.
        paginator.object_list = _filtered(request, walk=True).qs
    page = paginator.get_page(request.GET.get("page"))
    if searched:
        selectors.attach_text_hits(list(page.object_list), filterset.form.cleaned_data["q"])
    return render(
        request,
        "regulations/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "today": selectors.today(),
            "can_create": access.writable_agencies(request.user).exists(),
            "query": request.GET.urlencode(),
        },
    )


def _back_to_list(request: HttpRequest, params: QueryDict, error: exports.InvalidFilters) -> HttpResponse:
    messages.error(request, str(error))
    query = params.urlencode()
    return redirect(reverse("regulations:list") + (f"?{query}" if query else ""))


@login_required
def export_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        return exports.xlsx_response(exports.build(request.user, request.GET))
    except exports.InvalidFilters as error:
        return _back_to_list(request, request.GET, error)


@login_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        return exports.csv_response(exports.build(request.user, request.GET))
    except exports.InvalidFilters as error:
        return _back_to_list(request, request.GET, error)


@login_required
def register_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Small scopes print at once; larger ones are offered as a background job (``regulations.jobs``)."""
    try:
        export = exports.build(request.user, request.GET)
    except exports.InvalidFilters as error:
        return _back_to_list(request, request.GET, error)
    if export.count > pdf.DIRECT_MAX_ROWS:
        return render(
            request,
            "regulations/register_job_start.html",
            {
                "export": export,
                "query": request.GET.urlencode(),
                "direct_max": pdf.DIRECT_MAX_ROWS,
                "job_max": pdf.JOB_MAX_ROWS,
            },
        )
    response = HttpResponse(exports.to_pdf(export), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="so-theo-doi-quy-che-phoi-hop.pdf"'
    return response


@login_required
@require_POST
def register_job_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = QueryDict(request.POST.get("query", "")[:2000])
    try:
        job = jobs.start(request.user, params)
    except exports.InvalidFilters as error:
        return _back_to_list(request, params, error)
    except pdf.PdfRenderError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('regulations:list')}?{params.urlencode()}")
    return redirect("regulations:register_job", pk=job.pk)


@login_required
def register_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.own_or_404(request.user, RegisterJob.objects.all(), pk=pk)
    return render(request, "regulations/register_job.html", {"job": job, "status": jobs.status(job)})


@login_required
def register_job_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    job = access.own_or_404(request.user, RegisterJob.objects.all(), pk=pk)
    return JsonResponse(jobs.status(job))


@login_required
@require_POST
def register_job_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.own_or_404(request.user, RegisterJob.objects.all(), pk=pk)
    jobs.cancel(job)
    messages.info(request, _("Đã hủy việc tạo sổ theo dõi."))
    return redirect("regulations:register_job", pk=job.pk)


@login_required
@require_POST
def register_job_rerun(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.own_or_404(request.user, RegisterJob.objects.filter(state__in=jobs.RERUNNABLE), pk=pk)
    try:
        new = jobs.rerun(job)
    except exports.InvalidFilters as error:
        return _back_to_list(request, QueryDict(job.query), error)
    except pdf.PdfRenderError as exc:
        messages.error(request, str(exc))
        return redirect("regulations:register_job", pk=job.pk)
    return redirect("regulations:register_job", pk=new.pk)


@login_required
def register_job_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    job = access.own_or_404(request.user, RegisterJob.objects.filter(state=RegisterJobState.DONE), pk=pk)
    if not job.file:
        raise Http404
    return storage.download_response(
        job.file,
        content_type="application/pdf",
        filename=f"so-theo-doi-quy-che-phoi-hop-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.pdf",
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    regulation = selectors.detail(request.user, pk)
    today = selectors.today()
    reviews = list(selectors.review_meetings(request.user, regulation))
    can_edit = access.can_write(request.user, regulation.locality_id)
    texts_pending = selectors.attach_text_panels(regulation, can_edit)
    return render(
        request,
        "regulations/detail.html",
        {
            "regulation": regulation,
            "today": today,
            "status": rules.status_on(regulation, today),
            "review_state": rules.review_state_on(regulation, today),
            "timeline": selectors.timeline(request.user, regulation, reviews),
            "reviews": reviews,
            "amendments": selectors.amendments(request.user, regulation),
            "amended_regulation": selectors.amended_regulation(request.user, regulation),
            "changes": selectors.history(regulation),
            "can_edit": can_edit,
            "texts_pending": texts_pending,
            "can_record_meeting": access.can_write(request.user, regulation.locality_id, access.MEETING_ROLES),
        },
    )


def _render_form(request: HttpRequest, editor: RegulationEditor, regulation=None) -> HttpResponse:
    # One banner: the form's own alert says the files must be chosen again (no second message).
    return render(
        request,
        "regulations/form.html",
        {
            "editor": editor,
            "regulation": regulation,
            "files_lost_message": MSG_CHOOSE_FILES_AGAIN,
        },
    )


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_role(request.user, access.EDIT_ROLES)
    if not access.writable_agencies(request.user).exists():
        raise PermissionDenied(_("Bạn không có quyền ghi nhận quy chế."))
    relation_initial = []
    # "?thay_the=<pk>": the regulation page's button opens the form with the replacement filled.
    target = params.int_param(request.GET.get("thay_the"))
    if request.method == "GET" and target is not None:
        old = selectors.visible(request.user).filter(pk=target).first()
        if old is not None:
            relation_initial = [{"kind": RelationKind.SUPERSEDES, "target": old}]
    # "?sua_doi=<pk>": recording an amendment of that regulation (its parties copied, no review cycle).
    amends = None
    if (amended_pk := params.int_param(request.GET.get("sua_doi"))) is not None:
        amends = selectors.visible(request.user).filter(pk=amended_pk).first()
    if request.method == "POST":
        editor = RegulationEditor(request.user, data=request.POST, files=request.FILES, amends=amends)
        if editor.is_valid():
            try:
                regulation = services.create_regulation(request.user, **editor.service_args())
            except ValidationError as exc:
                editor.add_service_errors(exc)
            else:
                saved = _("Đã lưu văn bản sửa đổi, bổ sung %(number)s.") if amends else _("Đã lưu quy chế %(number)s.")
                messages.success(request, saved % {"number": regulation.number})
                return redirect(regulation)
    else:
        editor = RegulationEditor(request.user, relation_initial=relation_initial, amends=amends)
    return _render_form(request, editor)


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def download_original(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    original = access.get_or_404(
        request.user, Original.objects.select_related("regulation"), "regulation__locality", pk=pk
    )
    return storage.download_response(original.file, filename=original.original_name, content_type=original.content_type)
