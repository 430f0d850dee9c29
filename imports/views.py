"""The import wizard: template, upload, preview with errors, confirm, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from imports import services, template
from imports.forms import UploadForm
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


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    errors = job.errors[:MAX_ERRORS_SHOWN]
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
        },
    )


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
