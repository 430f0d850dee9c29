"""The import wizard: template, upload, preview with errors, confirm, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from imports import services, template
from imports.forms import EncodingForm, MappingForm, UploadForm
from imports.models import ImportJob, ImportKind, ImportStatus
from portal import access
from portal.http import AuthenticatedHttpRequest

MAX_ERRORS_SHOWN = 500


def _job(request: AuthenticatedHttpRequest, pk: int) -> ImportJob:
    return access.get_or_404(request.user, ImportJob.objects.select_related("created_by"), pk=pk)


@login_required
def download_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(
        template.build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-quy-che-hoi-nghi.xlsx"'
    return response


def _upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    access.require_role(request.user, access.EDIT_ROLES)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.create_job(request.user, kind, upload.name, upload.read())
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect(job)
    recent = access.restrict(request.user, ImportJob.objects.filter(created_by=request.user))[:10]
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ImportKind(kind).label,
            "recent": recent,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_regulations(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _upload(request, ImportKind.REGULATIONS)


@login_required
@require_http_methods(["GET", "POST"])
def upload_meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _upload(request, ImportKind.MEETINGS)


def _mapping_form(request: AuthenticatedHttpRequest, job: ImportJob, data: dict | None = None) -> MappingForm | None:
    if not (job.layout.get("columns") or job.layout.get("sheets")) or job.created_by_id != request.user.pk:
        return None
    if job.status not in (ImportStatus.NEEDS_INPUT, ImportStatus.READY, ImportStatus.INVALID):
        return None
    agency = request.user.agency
    return MappingForm(job.layout, agency.short_name or agency.name if agency else "", data)


@login_required
def job_detail(
    request: AuthenticatedHttpRequest,
    pk: int,
    mapping_form: MappingForm | None = None,
    status: int = 200,
    encoding_form: EncodingForm | None = None,
) -> HttpResponse:
    job = _job(request, pk)
    errors = job.errors[:MAX_ERRORS_SHOWN]
    mapping_form = mapping_form or _mapping_form(request, job)
    question = job.layout.get("encoding_question") if job.status == ImportStatus.NEEDS_INPUT else None
    encoding_form = encoding_form or (
        EncodingForm(question) if question and job.created_by_id == request.user.pk else None
    )
    if encoding_form is not None:
        mapping_form = None  # the reading first; the columns are shown once the text is certain
    mapped = set(job.layout.get("mapping", {}).values())
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "state": services.status(job),
            "errors": errors,
            "errors_hidden": len(job.errors) - len(errors),
            "can_confirm": job.status == ImportStatus.READY and job.created_by_id == request.user.pk,
            "is_owner": job.created_by_id == request.user.pk,
            "nothing_to_do": job.status == ImportStatus.READY
            and not (job.counts.get("created") or job.counts.get("updated")),
            "preview_hidden": max(
                0, (job.counts.get("created") or 0) + (job.counts.get("updated") or 0) - len(job.preview)
            ),
            "form": UploadForm(),
            "upload_url": _upload_url(job.kind),
            "mapping_form": mapping_form,
            "encoding_form": encoding_form,
            "ignored": [c for c in job.layout.get("columns", []) if c["index"] not in mapped],
        },
        status=status,
    )


@login_required
@require_POST
def job_mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    question = job.layout.get("encoding_question")
    # The encoding form says which step it answers: with no reading chosen it posts no "encoding" at all.
    if request.POST.get("step") == "encoding" and question and job.created_by_id == request.user.pk:
        encoding_form = EncodingForm(question, request.POST)
        if not encoding_form.is_valid():
            return job_detail(request, pk, encoding_form=encoding_form, status=400)
        try:
            job = services.choose(request.user, job, encoding=encoding_form.cleaned_data["encoding"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(job)
    form = _mapping_form(request, job, request.POST)
    if form is None:
        messages.error(request, "Lần nhập này không còn chờ ghép cột.")
        return redirect(job)
    if not form.is_valid():
        return job_detail(request, pk, mapping_form=form, status=400)
    try:
        if "sheet" in form.cleaned_data:
            job = services.choose(request.user, job, sheet=form.cleaned_data["sheet"])
        else:
            job = services.choose(request.user, job, mapping=form.mapping())
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return job_detail(request, pk, mapping_form=form, status=400)
    return redirect(job)


def _upload_url(kind: str) -> str:
    from django.urls import reverse

    return reverse("imports:meetings" if kind == ImportKind.MEETINGS else "imports:regulations")


@login_required
def job_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(services.status(_job(request, pk)))


@login_required
@require_POST
def job_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        job = services.confirm(request.user, job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(job)
    if job.status == ImportStatus.DONE:
        c = job.counts
        messages.success(
            request,
            f"Đã nhập xong: tạo mới {c['created']}, cập nhật {c['updated']}, bỏ qua {c['skipped']} dòng không đổi.",
        )
    return redirect(job)


@login_required
@require_POST
def job_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.cancel(request.user, job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, "Đã hủy lần nhập; không dòng nào được lưu.")
    return redirect(job)


@login_required
@require_POST
def job_rerun(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        new = services.rerun(request.user, job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(job)
    return redirect(new)
