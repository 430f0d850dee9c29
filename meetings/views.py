"""Views of meetings: list, create/edit, detail, state, documents and PDFs, directives, calendar, feeds."""

from __future__ import annotations

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as account_services
from accounts.models import User
from meetings import ical, selectors, services
from meetings.documents import render_document
from meetings.filters import DirectiveFilter, MeetingFilter
from meetings.forms import FORMSETS, DirectiveDoneForm, DocumentForm, MeetingForm, build_formsets, rows_from
from meetings.issuing import issue_date_problem, register_of
from meetings.models import DocumentStatus, DocumentType, Meeting, MeetingKind, OfficialDocument
from portal import access, params, storage
from portal.http import AuthenticatedHttpRequest
from portal.pagination import CappedPaginator
from portal.pdf import PdfRenderError
from regulations.models import Regulation
from signing.services import SigningError

PAGE_SIZE = 25


FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_list(request.user), user=request.user)
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = access.writable_agencies(request.user, access.MEETING_ROLES).exists()
    return render(request, "meetings/list.html", {"filter": filterset, "page_obj": page, "can_create": can_create})


def _formset_sections(formsets: dict) -> list[dict]:
    sections = []
    for name, (_cls, label) in FORMSETS.items():
        formset = formsets[name]
        # Row numbers (from 1) with an error, for the one summary banner above the form.
        bad_rows = [i + 1 for i, f in enumerate(formset.forms) if f.is_bound and f.errors] if formset.is_bound else []
        sections.append({"name": name, "label": label, "formset": formset, "bad_rows": bad_rows})
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk) if pk else None
    if meeting is not None:
        access.require_write(request.user, meeting.locality_id, access.MEETING_ROLES)
    elif not access.writable_agencies(request.user, access.MEETING_ROLES).exists():
        raise PermissionDenied(_("Bạn không có quyền ghi nhận hội nghị, cuộc họp."))
    data = request.POST if request.method == "POST" else None
    initial: dict[str, object] = {}
    regulation_id = params.int_param(request.GET.get("regulation")) if meeting is None else None
    if regulation_id:
        # A review of an amending document is a review of the regulation it amends.
        root = Regulation.objects.filter(pk=regulation_id).values_list("amendment_of_id", flat=True).first()
        initial["regulations"] = [root or regulation_id]
    if meeting is None and request.GET.get("kind") in MeetingKind.values:
        initial["kind"] = request.GET["kind"]
    form = MeetingForm(data, instance=meeting, user=request.user, initial=initial)
    formsets = build_formsets(request.user, data, meeting)
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        fields = form.meeting_fields()
        saved = services.save_meeting(user=request.user, data=fields, rows=rows_from(formsets), meeting=meeting)
        messages.success(request, _("Đã lưu hội nghị, cuộc họp."))
        if meeting is not None and selectors.issued_documents(saved).exists():
            messages.warning(
                request, _("Các văn bản đã ban hành không thay đổi theo; nếu cần, hãy đính chính hoặc thay thế chúng.")
            )
        return redirect(saved)
    issued = list(selectors.issued_documents(meeting)) if meeting is not None else []
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "meeting": meeting,
            "sections": _formset_sections(formsets),
            "has_errors": request.method == "POST",
            "issued_documents": issued,
        },
    )


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    context = selectors.detail_page(request.user, meeting)
    return render(
        request,
        "meetings/detail.html",
        {**context, "transitions": services.allowed_transitions(meeting), "today": timezone.localdate()},
    )


@login_required
@require_POST
def meeting_state(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    try:
        services.set_state(meeting, request.POST.get("state", ""), user=request.user)
    except (ValidationError, ValueError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else _("Trạng thái không hợp lệ."))
    else:
        messages.success(request, _("Đã cập nhật trạng thái: %(state)s.") % {"state": meeting.get_state_display()})
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    meeting = selectors.meeting_detail(request.user, pk)
    access.require_write(request.user, meeting.locality_id, access.MEETING_ROLES)
    if request.method == "GET":
        if refusal := services.deletion_refusal(meeting):
            messages.error(request, refusal)  # asked only when it can be done
            return redirect(meeting)
        return render(request, "meetings/confirm_delete.html", {"meeting": meeting})
    try:
        services.delete_meeting(meeting)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(meeting)
    messages.success(request, _("Đã xóa hội nghị, cuộc họp."))
    return redirect("meetings:list")


# --- Documents ------------------------------------------------------------------------------


def _doc_type(value: str) -> str:
    if value not in DocumentType.values:
        raise Http404
    return value


def _document(request: AuthenticatedHttpRequest, doc_pk: int) -> OfficialDocument:
    qs = OfficialDocument.objects.select_related("meeting", "issuing_agency", "corrects")
    return access.get_or_404(request.user, qs, "meeting__locality", pk=doc_pk)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _render_or_message(request: HttpRequest, document: OfficialDocument, *, draft: bool):
    try:
        return render_document(document, draft=draft)
    except PdfRenderError as exc:
        messages.error(request, str(exc))
        return None


def _document_form_page(
    request: AuthenticatedHttpRequest, meeting: Meeting, instance: OfficialDocument, draft: OfficialDocument | None
) -> HttpResponse:
    form = DocumentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.DOCUMENT_FIELDS if name in form.cleaned_data}
        try:
            services.save_document_draft(
                user=request.user, meeting=meeting, doc_type=instance.doc_type, data=data, document=draft
            )
        except services.DocumentLocked as exc:
            messages.error(request, str(exc))
            return redirect(meeting)
        messages.success(request, _("Đã lưu dự thảo văn bản."))
        return redirect(meeting)
    return render(
        request,
        "meetings/document_form.html",
        {
            "form": form,
            "meeting": meeting,
            "doc": instance,
            "doc_type_label": instance.get_doc_type_display(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: AuthenticatedHttpRequest, pk: int, doc_type: str) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    doc_type = _doc_type(doc_type)
    if doc_type == DocumentType.CORRECTION:
        raise Http404  # a correction letter starts from the document it corrects
    access.require_write(request.user, meeting.locality_id, access.MEETING_ROLES)
    draft = services.current_draft(meeting, doc_type)
    if draft is None and services.latest_finalised(meeting, doc_type) is not None:
        messages.error(request, _("Văn bản đã ban hành nên không sửa được. Hãy đính chính hoặc thay thế."))
        return redirect(meeting)
    return _document_form_page(request, meeting, draft or services.default_document(meeting, doc_type), draft)


@login_required
@require_http_methods(["GET", "POST"])
def document_update(request: AuthenticatedHttpRequest, doc_pk: int) -> HttpResponse:
    """Edit one draft (a correction letter or a replacing document) by its id."""
    document = _document(request, doc_pk)
    meeting = document.meeting
    access.require_write(request.user, meeting.locality_id, access.MEETING_ROLES)
    if document.is_locked:
        messages.error(request, _("Văn bản đã ban hành nên không sửa được. Hãy đính chính hoặc thay thế."))
        return redirect(meeting)
    return _document_form_page(request, meeting, document, document)


@login_required
def document_print(request: AuthenticatedHttpRequest, pk: int, doc_type: str) -> HttpResponseBase:
    """ "In biên bản" / "In thông báo": the stored PDF once finalised, a "DỰ THẢO" preview before."""
    meeting = selectors.meeting_detail(request.user, pk)
    doc_type = _doc_type(doc_type)
    finalised = services.latest_finalised(meeting, doc_type)
    if finalised is not None and services.current_draft(meeting, doc_type) is None:
        return document_pdf(request, finalised.pk)
    document = services.current_draft(meeting, doc_type) or services.default_document(meeting, doc_type)
    data = _render_or_message(request, document, draft=True)
    if data is None:
        return redirect(meeting)
    return _pdf_response(data, f"du-thao-{doc_type}-{meeting.pk}.pdf")


@login_required
def document_pdf(request: AuthenticatedHttpRequest, doc_pk: int) -> HttpResponseBase:
    document = _document(request, doc_pk)
    if document.status == DocumentStatus.DRAFT:
        data = _render_or_message(request, document, draft=True)
        if data is None:
            return redirect(document.meeting)
        return _pdf_response(data, f"du-thao-{document.doc_type}-{document.pk}.pdf")
    filename = f"{document.doc_type}-{document.serial:02d}-{document.year}.pdf"
    for _attempt in range(2):
        if not document.pdf:
            # Never stored (the disk was full when it was issued): rendered now from the same record.
            try:
                services.store_pdf(document)
            except PdfRenderError as exc:
                messages.error(request, str(exc))
                return redirect(document.meeting)
            except storage.StorageUnavailable as exc:
                messages.error(
                    request, _("Chưa tạo được tệp PDF của văn bản đã ban hành. %(e)s") % {"e": exc.messages[0]}
                )
                return redirect(document.meeting)
            except SigningError as exc:  # rendered again on download: signed again, or not stored at all
                messages.error(request, exc.messages[0])
                return redirect(document.meeting)
        try:
            return storage.download_response(
                document.pdf, content_type="application/pdf", filename=filename, as_attachment=False
            )
        except FileNotFoundError:  # a record pointing at nothing: forget the name and render it again
            services.forget_missing_pdf(document)
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def document_finalise(request: AuthenticatedHttpRequest, doc_pk: int) -> HttpResponse:
    """GET: the confirmation (document, register, the number is permanent); POST: issue it."""
    document = _document(request, doc_pk)
    access.require_write(request.user, document.meeting.locality_id, access.CLERK_ROLES)
    if document.is_locked:
        messages.error(request, _("Văn bản này đã được ban hành."))
        return redirect(document.meeting)
    if request.method == "GET":
        return render(
            request,
            "meetings/confirm_finalise.html",
            {
                "doc": document,
                "meeting": document.meeting,
                "register": register_of(document),
                "date_problem": issue_date_problem(document),
            },
        )
    try:
        services.finalise_document(document, user=request.user)
    except storage.StorageUnavailable as exc:
        document.refresh_from_db()
        if document.is_locked:  # issued; only its PDF is missing and will be made on the first download
            messages.warning(
                request,
                _("Đã ban hành văn bản số %(n)s, nhưng chưa lưu được tệp PDF: %(e)s Tệp sẽ được tạo lại khi tải về.")
                % {"n": document.number_display, "e": exc.messages[0]},
            )
        else:
            messages.error(request, _("Chưa ban hành: %(e)s") % {"e": exc.messages[0]})
    except (services.DocumentLocked, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    except PdfRenderError as exc:
        messages.warning(request, _("Đã ban hành văn bản, nhưng chưa tạo được tệp PDF: %(e)s") % {"e": exc})
    else:
        document.refresh_from_db()
        messages.success(request, _("Đã ban hành văn bản số %(n)s.") % {"n": document.number_display})
    return redirect(document.meeting)


@login_required
@require_http_methods(["GET", "POST"])
def document_correct(request: AuthenticatedHttpRequest, doc_pk: int) -> HttpResponse:
    """GET: explains the two Decree 30 ways and asks which; POST: starts the chosen draft."""
    document = _document(request, doc_pk)
    access.require_write(request.user, document.meeting.locality_id, access.CLERK_ROLES)
    kind = request.POST.get("kind", "")
    if request.method == "POST":
        try:
            draft = services.start_correction(document, user=request.user, kind=kind)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            if draft.is_correction_letter:
                messages.success(request, _("Đã tạo dự thảo công văn đính chính; công văn sẽ có số mới khi ban hành."))
            else:
                messages.success(request, _("Đã tạo dự thảo văn bản thay thế; văn bản sẽ có số mới khi ban hành."))
            return redirect("meetings:document_update", doc_pk=draft.pk)
    return render(
        request,
        "meetings/confirm_correct.html",
        {
            "doc": document,
            "meeting": document.meeting,
            "kind": kind,
            "can_replace": not document.is_correction_letter,
            "kinds": services.CorrectionKind,
        },
    )


@login_required
def document_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sổ đăng ký văn bản: issued documents by register, with their corrections and replacements."""
    qs = selectors.register(request.user)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for doc in page.object_list:
        doc.corrected_by = [c for c in doc.corrections.all() if c.status != DocumentStatus.DRAFT]
    return render(request, "meetings/register.html", {"page_obj": page})


@login_required
def document_docx(request: AuthenticatedHttpRequest, doc_pk: int) -> HttpResponse:
    """The Word copy of a document: its number once issued, "DỰ THẢO" before."""
    from meetings.word import document_docx as build

    document = _document(request, doc_pk)
    response = HttpResponse(build(document), content_type=DOCX_TYPE)
    name = (
        f"{document.doc_type}-{document.serial:02d}-{document.year}.docx"
        if document.serial
        else f"du-thao-{document.doc_type}-{document.pk}.docx"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- Directives -----------------------------------------------------------------------------


@login_required
def directive_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = DirectiveFilter(
        request.GET or None,
        queryset=selectors.directives_for(request.user).order_by("state", "deadline", "meeting__starts_at", "number"),
        user=request.user,
    )
    qs = filterset.qs if filterset.is_bound else filterset.queryset
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for directive in page.object_list:
        directive.can_mark = access.can_mark_directive(request.user, directive)
    return render(
        request,
        "meetings/directives.html",
        {
            "filter": filterset,
            "page_obj": page,
            "today": timezone.localdate(),
            "done_form": DirectiveDoneForm(),
        },
    )


@login_required
@require_POST
def directive_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    directive = get_object_or_404(selectors.directives_for(request.user), pk=pk)
    if not access.can_mark_directive(request.user, directive):
        raise PermissionDenied(_("Bạn không có quyền cập nhật nhiệm vụ này."))
    form = DirectiveDoneForm(request.POST)
    if form.is_valid():
        services.mark_directive_done(directive, note=form.cleaned_data["completion_note"])
        messages.success(request, _("Đã ghi nhận hoàn thành nhiệm vụ %(n)s.") % {"n": directive.number})
    else:
        messages.error(request, _("Vui lòng nhập kết quả thực hiện trước khi đánh dấu hoàn thành."))
    target = request.POST.get("next", "")
    if target.startswith("/hoi-nghi/") and "//" not in target:
        return redirect(target)
    return redirect("meetings:directives")


# --- Calendar and feeds ---------------------------------------------------------------------

CALENDAR_YEARS = range(1946, 2200)  # keeps a month or week and its neighbours inside date's range


def _parse_date(value: str | None) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()
    return day if day.year in CALENDAR_YEARS else timezone.localdate()


@login_required
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    view = request.GET.get("view") or "month"
    view = view if view in ("month", "week") else "month"
    day = _parse_date(request.GET.get("date"))
    # "Go to month/year": the jump form sends month and year instead of a date.
    month, year = request.GET.get("month", ""), request.GET.get("year", "")
    if (
        month.isascii()
        and month.isdigit()
        and len(month) < 3
        and year.isascii()
        and year.isdigit()
        and len(year) < 5
        and 1 <= int(month) <= 12
        and int(year) in CALENDAR_YEARS
    ):
        day = datetime.date(int(year), int(month), 1)
    grid = selectors.calendar(request.user, view, day)
    return render(
        request,
        "meetings/calendar.html",
        {
            "view": view,
            "day": day,
            **grid,
            "today": timezone.localdate(),
            "weekdays": [
                _("Thứ Hai"),
                _("Thứ Ba"),
                _("Thứ Tư"),
                _("Thứ Năm"),
                _("Thứ Sáu"),
                _("Thứ Bảy"),
                _("Chủ nhật"),
            ],
            "month_of": day.month,
            "months": range(1, 13),
            "years": range(min(timezone.localdate().year, day.year) - 15, max(timezone.localdate().year, day.year) + 3),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        account_services.renew_feed_token(request.user)
        messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được."))
        return redirect("meetings:feed_settings")
    feed_url = request.build_absolute_uri(reverse("meetings:feed", args=[request.user.feed_token]))
    return render(request, "meetings/feed.html", {"feed_url": feed_url})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's personal iCalendar feed; the secret token is the credential (no session)."""
    if not FEED_TOKEN.fullmatch(token):  # NUL, overlong or foreign characters: no database lookup
        raise Http404
    user = User.objects.filter(feed_token=token, is_active=True).select_related("agency__locality").first()
    if user is None:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=400)
    meetings = selectors.meetings_for(user).filter(starts_at__gte=since).select_related("host_agency")
    data = ical.calendar_bytes(meetings.order_by("starts_at")[:2000], _("Hội nghị, cuộc họp"))
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    response = HttpResponse(ical.calendar_bytes([meeting], meeting.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hoi-nghi-{meeting.pk}.ics"'
    return response
