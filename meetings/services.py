"""Writes of meetings, directives and official documents. Every write keeps ``locality``,
``search_text`` and the linked regulations' review dates in step."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from meetings import issuing
from meetings.models import (
    IN_FORCE,
    AgendaItem,
    Attendee,
    AttendeeRole,
    Directive,
    DirectiveState,
    DocumentStatus,
    DocumentType,
    Meeting,
    MeetingKind,
    MeetingState,
    NumberSequence,
    OfficialDocument,
    RemoteSite,
)
from meetings.signals import announce_directives
from portal import access, events
from portal.search import normalize
from regulations.services import refresh_derived_dates
from signing import services as signing_services


class DocumentLocked(PermissionDenied):
    """A finalised document cannot be edited; make a correction instead."""


@dataclass
class MeetingRows:
    """The inline rows of a meeting form, as lists of field dicts (already cleaned)."""

    attendees: list[dict[str, Any]] = field(default_factory=list)
    agenda_items: list[dict[str, Any]] = field(default_factory=list)
    remote_sites: list[dict[str, Any]] = field(default_factory=list)
    directives: list[dict[str, Any]] = field(default_factory=list)


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    MeetingState.PLANNED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: {MeetingState.PLANNED, MeetingState.CANCELLED, MeetingState.MINUTES_FINALISED},
    MeetingState.CANCELLED: {MeetingState.PLANNED},
    MeetingState.MINUTES_FINALISED: set(),
}


def _refresh_regulations(ids: Iterable[int]) -> None:
    ids = {i for i in ids if i}
    if not ids:
        return
    refresh_derived_dates(ids)


def _search_text(meeting: Meeting) -> str:
    parts = [
        meeting.title,
        meeting.place,
        meeting.host_agency.name,
        meeting.host_agency.short_name,
        meeting.get_kind_display(),
        meeting.agenda_note,
        meeting.conclusions[:2000],
    ]
    parts += [a.full_name or "" for a in meeting.attendees.all()]
    parts += [r.number for r in meeting.regulations.all()]
    return normalize(" ".join(p for p in parts if p))


def _directive_locality_id(directive: Directive, meeting: Meeting) -> int:
    if directive.assigned_agency_id:
        return Agency.objects.values_list("locality_id", flat=True).get(pk=directive.assigned_agency_id)
    return meeting.locality_id


def _replace_rows(meeting: Meeting, rows: MeetingRows) -> None:
    meeting.attendees.all().delete()
    meeting.agenda_items.all().delete()
    meeting.remote_sites.all().delete()
    for order, row in enumerate(rows.attendees):
        person = row.get("person")
        Attendee.objects.create(
            meeting=meeting,
            order=order,
            person=person,
            role=row.get("role") or AttendeeRole.ATTENDEE,
            full_name=row.get("full_name") or (person.full_name if person else ""),
            position=row.get("position") or (person.position if person else ""),
            agency=row.get("agency") or (person.agency if person else None),
        )
    for order, row in enumerate(rows.agenda_items):
        AgendaItem.objects.create(meeting=meeting, order=order, title=row["title"], presenter=row.get("presenter", ""))
    for order, row in enumerate(rows.remote_sites):
        RemoteSite.objects.create(meeting=meeting, order=order, name=row["name"], agency=row.get("agency"))
    # Directives keep their identity (and done state) when the same number is saved again.
    existing = {d.number: d for d in meeting.directives.all()}
    kept: set[int] = set()
    for row in rows.directives:
        number = row["number"]
        directive = existing.get(number) or Directive(meeting=meeting, number=number)
        for name in ("text", "assigned_agency", "assignee_text", "deadline"):
            setattr(directive, name, row.get(name) if name != "assignee_text" else row.get(name) or "")
        directive.locality_id = _directive_locality_id(directive, meeting)
        directive.save()
        kept.add(number)
    meeting.directives.exclude(number__in=kept).delete()


@transaction.atomic
def save_meeting(
    *,
    user: User | None,
    data: dict[str, Any],
    rows: MeetingRows | None = None,
    meeting: Meeting | None = None,
) -> Meeting:
    """Create (``meeting`` None) or update a meeting with its inline rows.

    ``data`` holds the model fields plus ``regulations`` and ``co_hosts`` (iterables)."""
    old_regulations: set[int] = set()
    if meeting is None:
        meeting = Meeting(created_by=user if user and user.is_authenticated else None)
    else:
        old_regulations = set(meeting.regulations.values_list("pk", flat=True))
    data = dict(data)
    regulations = data.pop("regulations", None)
    co_hosts = data.pop("co_hosts", None)
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.locality_id = meeting.host_agency.locality_id
    meeting.save()
    if regulations is not None:
        meeting.regulations.set(regulations)
    if co_hosts is not None:
        meeting.co_hosts.set(co_hosts)
    if rows is not None:
        _replace_rows(meeting, rows)
    # Directives with no assigned agency follow the meeting's locality.
    moved = meeting.directives.filter(assigned_agency__isnull=True).exclude(locality_id=meeting.locality_id)
    moved_rows = list(moved.values_list("pk", "locality_id"))
    if moved_rows:
        moved.update(locality_id=meeting.locality_id)
        announce_directives([pk for pk, _loc in moved_rows], {loc for _pk, loc in moved_rows} | {meeting.locality_id})
    Meeting.objects.filter(pk=meeting.pk).update(search_text=_search_text(meeting))
    new_regulations = set(meeting.regulations.values_list("pk", flat=True))
    _refresh_regulations(old_regulations | new_regulations)
    # Figures and reminders of the meeting, its directives and the regulations it reviews follow the
    # save: the changes announced above are delivered once this transaction commits.
    return meeting


# States a person may choose; "minutes finalised" is reached only by issuing the minutes.
MANUAL_STATES = frozenset({MeetingState.PLANNED, MeetingState.HELD, MeetingState.CANCELLED})


def allowed_transitions(meeting: Meeting) -> list[MeetingState]:
    """The states a person may move the meeting to from here (what the meeting page offers)."""
    if meeting.documents.exclude(status=DocumentStatus.DRAFT).exists():
        return []
    return [MeetingState(s) for s in ALLOWED_TRANSITIONS[meeting.state] if s in MANUAL_STATES]


@transaction.atomic
def set_state(meeting: Meeting, state: str, *, user: User | None = None) -> Meeting:
    """Move a meeting to ``state`` by hand. ``user`` None is the system (demo, tests); a person must
    be allowed to write meetings of its locality (PermissionDenied otherwise). Nothing changes on refusal."""
    if user is not None and not access.can_write(user, meeting.locality_id, access.MEETING_ROLES):
        raise PermissionDenied("Bạn không có quyền chuyển trạng thái cuộc họp này.")
    meeting.state = Meeting.objects.select_for_update().values_list("state", flat=True).get(pk=meeting.pk)
    if state not in MeetingState.values:
        raise ValidationError("Trạng thái không hợp lệ.")
    if state == MeetingState.MINUTES_FINALISED:
        raise ValidationError("Trạng thái “Đã hoàn thành biên bản” chỉ có được khi ban hành biên bản của cuộc họp.")
    if meeting.documents.exclude(status=DocumentStatus.DRAFT).exists():
        raise ValidationError("Cuộc họp đã có văn bản ban hành; không thể chuyển trạng thái.")
    if state not in ALLOWED_TRANSITIONS.get(meeting.state, set()):
        raise ValidationError(
            f"Không thể chuyển từ trạng thái “{meeting.get_state_display()}” sang “{MeetingState(state).label}”."
        )
    meeting.state = state
    meeting.save(update_fields=["state", "updated_at"])
    _refresh_regulations(meeting.regulations.values_list("pk", flat=True))
    return meeting


def deletion_refusal(meeting: Meeting, documents: Iterable[OfficialDocument] | None = None) -> str | None:
    """Why this meeting cannot be deleted (``None`` if it can): one rule for the page, which then
    offers no "Xóa cuộc họp" and says why, and for the delete itself. ``documents``: the meeting's
    documents if already read."""
    rows = list(meeting.documents.all() if documents is None else documents)
    issued = [d for d in rows if d.status != DocumentStatus.DRAFT]
    if not issued:
        return None
    names = ", ".join(f"{d.get_doc_type_display()} số {d.number_display}" for d in issued[:3])
    return (
        f"Không xóa được cuộc họp này vì đã có văn bản ban hành ({names}{', …' if len(issued) > 3 else ''}). "
        "Văn bản đã ban hành không được sửa hay xóa (Nghị định 30/2020/NĐ-CP, Điều 18 khoản 3); "
        "sai sót được sửa bằng công văn đính chính hoặc văn bản thay thế."
    )


@transaction.atomic
def delete_meeting(meeting: Meeting) -> None:
    if refusal := deletion_refusal(meeting):
        raise ValidationError(refusal)
    ids = list(meeting.regulations.values_list("pk", flat=True))
    meeting.documents.all().delete()
    meeting.delete()
    _refresh_regulations(ids)


def mark_directive_done(directive: Directive, *, note: str, on: datetime.date | None = None) -> Directive:
    directive.state = DirectiveState.DONE
    directive.completed_on = on or timezone.localdate()
    directive.completion_note = note
    directive.save(update_fields=["state", "completed_on", "completion_note"])
    return directive


def reopen_directive(directive: Directive) -> Directive:
    directive.state = DirectiveState.OPEN
    directive.completed_on = None
    directive.save(update_fields=["state", "completed_on"])
    return directive


# --- Official documents -------------------------------------------------------------------

DOCUMENT_FIELDS = (
    "governing_name",
    "issuing_name",
    "subject",
    "place_name",
    "issued_on",
    "opening",
    "body",
    "signer_capacity",
    "signer_title",
    "signer_name",
    "cosigner_title",
    "cosigner_name",
    "recipients_report",
    "recipients_act",
    "recipients_other",
    "recipients_filed",
)


class CorrectionKind:
    LETTER = "letter"
    REPLACEMENT = "replacement"


def _person_with_role(meeting: Meeting, role: str) -> str:
    for attendee in meeting.attendees.all():
        if attendee.role == role:
            return attendee.full_name
    return ""


def _short_date(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day.month < 3 else f"{day.day:02d}/{day.month}/{day.year}"


def default_opening(meeting: Meeting) -> str:
    """ "Ngày 01/7/2021, <agency> tổ chức <meeting>. Chủ trì: ..." as seed 004 opens."""
    day = timezone.localtime(meeting.starts_at).date()
    title = meeting.title[:1].lower() + meeting.title[1:]
    text = f"Ngày {_short_date(day)}, {meeting.host_agency.name} tổ chức {title}"
    if meeting.place:
        text += f" tại {meeting.place}"
    chairs = [a for a in meeting.attendees.all() if a.role == AttendeeRole.CHAIR]
    if chairs:
        chair = chairs[0]
        # "Đồng chí <name>, <position>": the name first, as notices write it.
        who = ", ".join(p for p in (chair.full_name, chair.position) if p)
        text += f". Đồng chí {who} chủ trì Hội nghị" if who else ""
    return text + ". Sau khi nghe các ý kiến phát biểu, chủ trì Hội nghị kết luận như sau:"


def default_document(meeting: Meeting, doc_type: str) -> OfficialDocument:
    """An unsaved document with the fields a clerk would start from: dated today (or the meeting's
    day if it is still to come), headed by the unit issuing for the host on that day."""
    day = max(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
    doc = OfficialDocument(meeting=meeting, doc_type=doc_type, issued_on=day)
    issuing.apply_issuer(doc)
    if doc_type == DocumentType.MINUTES:
        doc.subject = meeting.title
        doc.signer_title = "CHỦ TRÌ"
        doc.signer_name = _person_with_role(meeting, AttendeeRole.CHAIR)
        doc.cosigner_title = "THƯ KÝ"
        doc.cosigner_name = _person_with_role(meeting, AttendeeRole.SECRETARY)
        doc.recipients_filed = "VT, hồ sơ."
    else:
        doc.subject = f"Kết luận của chủ trì tại {meeting.title[:1].lower()}{meeting.title[1:]}"
        doc.opening = default_opening(meeting)
        doc.body = meeting.conclusions
        issuing.apply_signing_defaults(doc)
        doc.recipients_report, doc.recipients_act = issuing.default_recipients(doc)
        doc.recipients_filed = "VT."
    return doc


def current_draft(meeting: Meeting, doc_type: str) -> OfficialDocument | None:
    return meeting.documents.filter(doc_type=doc_type, status=DocumentStatus.DRAFT).order_by("-id").first()


def latest_finalised(meeting: Meeting, doc_type: str) -> OfficialDocument | None:
    """The issued document of that type in force (not replaced)."""
    return meeting.documents.filter(doc_type=doc_type, status__in=IN_FORCE).order_by("-finalised_at", "-id").first()


def record_digest(meeting: Meeting) -> str:
    """A digest of what documents print from the meeting record (not of the documents' own fields)."""
    parts: list[str] = [
        meeting.title,
        meeting.starts_at.isoformat(),
        meeting.ends_at.isoformat() if meeting.ends_at else "",
        meeting.place,
        meeting.discussion,
        meeting.conclusions,
        str(meeting.host_agency_id),
    ]
    parts += [f"{a.role}|{a.full_name}|{a.position}|{a.agency_id}" for a in meeting.attendees.all()]
    parts += [f"{i.title}|{i.presenter}" for i in meeting.agenda_items.all()]
    parts += [f"{s.name}|{s.agency_id}" for s in meeting.remote_sites.all()]
    parts += [
        f"{d.number}|{d.text}|{d.assigned_agency_id}|{d.assignee_text}|{d.deadline}" for d in meeting.directives.all()
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@transaction.atomic
def save_document_draft(
    *,
    user: User | None,
    meeting: Meeting,
    doc_type: str,
    data: dict[str, Any],
    document: OfficialDocument | None = None,
) -> OfficialDocument:
    if document is None:
        document = current_draft(meeting, doc_type)
        if document is None and latest_finalised(meeting, doc_type) is not None:
            raise DocumentLocked("Văn bản đã ban hành; muốn sửa hãy đính chính hoặc thay thế bằng văn bản mới.")
    if document is None:
        document = default_document(meeting, doc_type)
        document.created_by = user if user and user.is_authenticated else None
    elif document.is_locked:
        raise DocumentLocked("Văn bản đã ban hành, không thể sửa. Hãy đính chính hoặc thay thế bằng văn bản mới.")
    for name in DOCUMENT_FIELDS:
        if name in data:
            setattr(document, name, data[name])
    if "issuing_agency" in data:
        document.issuing_agency = data["issuing_agency"]
    if issuing.apply_issuer(document) and document.pk is not None:
        issuing.apply_signing_defaults(document)  # another unit issues on the new date: its head signs
    document.save()
    return document


def issue_number(agency: Agency, doc_type: str, year: int) -> int:
    """The next serial of a register; must run inside a transaction. Never gives the same serial twice."""
    NumberSequence.objects.get_or_create(agency=agency, doc_type=doc_type, year=year)
    sequence = NumberSequence.objects.select_for_update().get(agency=agency, doc_type=doc_type, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial


def _require_clerk(user: User | None, document: OfficialDocument) -> None:
    """Numbers are issued by clerks and admins of the meeting's unit; ``user`` None is the system."""
    if user is not None and not access.can_write(user, document.meeting.locality_id, access.CLERK_ROLES):
        raise PermissionDenied("Chỉ văn thư hoặc quản trị của đơn vị mới được ban hành, đính chính văn bản.")


def finalise_document(
    document: OfficialDocument, *, user: User | None, render: bool = True, historical: bool | None = None
) -> OfficialDocument:
    """Give the document a new number of its register, lock it, store its PDF. A correction letter
    marks the document it corrects as corrected; a replacing document marks it replaced.

    The issuer and register follow the issue date (``meetings.issuing``). ``historical`` (default:
    ``user`` is None, the system recording documents as they were issued: demo, imports) lets the
    date lie in a past year; a person issues into the current year's register only."""
    _require_clerk(user, document)
    if historical is None:
        historical = user is None
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.is_locked:
            raise DocumentLocked("Văn bản này đã được ban hành.")
        issuing.check_issue_date(document, historical=historical)
        issuing.apply_issuer(document)
        if document.is_correction_letter and any(mark in document.body for mark in CORRECTION_PLACEHOLDERS):
            raise ValidationError(MSG_PLACEHOLDERS_LEFT)
        if document.corrects_id:
            previous = OfficialDocument.objects.select_for_update().get(pk=document.corrects_id)
            if previous.status not in IN_FORCE:
                raise ValidationError("Văn bản được đính chính đã bị thay thế; không ban hành được.")
            new_status = DocumentStatus.CORRECTED if document.is_correction_letter else DocumentStatus.REPLACED
            OfficialDocument.objects.filter(pk=previous.pk).update(status=new_status)
        document.year = document.issued_on.year
        document.serial = issue_number(document.issuing_agency, document.doc_type, document.year)
        document.status = DocumentStatus.FINALISED
        document.finalised_by = user if user and user.is_authenticated else None
        document.finalised_at = timezone.now()
        meeting = document.meeting
        document.source_digest = record_digest(meeting)
        document.save()
        if document.doc_type == DocumentType.MINUTES and meeting.state != MeetingState.MINUTES_FINALISED:
            meeting.state = MeetingState.MINUTES_FINALISED
            meeting.save(update_fields=["state", "updated_at"])
            _refresh_regulations(meeting.regulations.values_list("pk", flat=True))
        if render and signing_services.signs_for(document.issuing_agency_id):
            # Signed before commit: a signing failure leaves the document unissued, its number unused.
            _store_signed_pdf(document)
        events.publish(events.DOCUMENT_ISSUED, documents=[document.pk], meetings=[meeting.pk])
    if render:
        store_pdf(document)
    return document


def store_pdf(document: OfficialDocument) -> OfficialDocument:
    """Render and keep the PDF of a finalised document (once: the stored file is the record)."""
    from meetings.documents import render_document

    if document.pdf:
        return document
    data = signing_services.sign_issued_pdf(document, render_document(document, draft=False))
    document.pdf.save(f"{document.doc_type}-{document.serial}.pdf", ContentFile(data), save=False)
    # Two first downloads at once both render; only the first to record its file keeps it, the
    # other deletes its copy and serves the winner's (no orphan files in MEDIA_ROOT).
    if not OfficialDocument.objects.filter(pk=document.pk, pdf="").update(pdf=document.pdf.name):
        document.pdf.storage.delete(document.pdf.name or "")
        document.pdf.name = OfficialDocument.objects.values_list("pdf", flat=True).get(pk=document.pk)
    return document


def forget_missing_pdf(document: OfficialDocument) -> None:
    """The stored PDF of an issued document is gone (lost by a disk fault): drop its name, so the next
    download renders it again from the record (``store_pdf``)."""
    if document.pdf and not document.pdf.storage.exists(document.pdf.name or ""):
        OfficialDocument.objects.filter(pk=document.pk, pdf=document.pdf.name).update(pdf="")
        document.pdf.name = None


def _store_signed_pdf(document: OfficialDocument) -> None:
    from portal.pdf import PdfRenderError

    try:
        store_pdf(document)
    except PdfRenderError as exc:
        raise signing_services.SigningError(f"Chưa ban hành: không tạo được tệp PDF để ký số. {exc}") from exc
    except signing_services.SigningError as exc:
        raise signing_services.not_issued(exc) from exc


# The blanks of a new correction letter's text; a letter still holding one is not issued.
CORRECTION_PLACEHOLDERS = ("Tại …, dòng …", "“…”")
MSG_PLACEHOLDERS_LEFT = (
    "Nội dung công văn đính chính còn chỗ trống của mẫu (“Tại …, dòng …”, “…”). Hãy điền vị trí, "
    "nội dung đã in và nội dung đính chính (hoặc xóa các dòng mẫu không dùng) rồi ban hành."
)


def _correction_letter_body(document: OfficialDocument) -> str:
    subject = " ".join(document.subject.split())
    subject = subject[:1].lower() + subject[1:]
    return (
        f"Ngày {_short_date(document.issued_on)}, {document.issuing_agency.name} ban hành "
        f"{document.get_doc_type_display().lower()} số {document.number_display} về {subject}. "
        "Do sơ suất trong khâu trình bày văn bản, nay xin đính chính như sau:\n"
        "Tại …, dòng …, đã in: “…”.\n"
        "Nay đính chính lại là: “…”.\n"
        f"Các nội dung khác của {document.get_doc_type_display().lower()} số {document.number_with_date} "
        "giữ nguyên. Xin thông báo để các cơ quan, đơn vị biết và thực hiện"
    )


@transaction.atomic
def start_correction(
    document: OfficialDocument, *, user: User | None, kind: str = CorrectionKind.LETTER
) -> OfficialDocument:
    """A draft correcting an issued document: a correction letter (error of form) or a replacing
    document of the same type (error of substance). The issued document itself is never changed."""
    _require_clerk(user, document)
    if kind not in (CorrectionKind.LETTER, CorrectionKind.REPLACEMENT):
        raise ValidationError("Hãy chọn cách đính chính: công văn đính chính hoặc văn bản thay thế.")
    if document.status not in IN_FORCE or document.is_correction_letter and kind == CorrectionKind.REPLACEMENT:
        raise ValidationError("Chỉ đính chính được văn bản đã ban hành đang có hiệu lực.")
    doc_type = DocumentType.CORRECTION if kind == CorrectionKind.LETTER else document.doc_type
    existing = document.corrections.filter(status=DocumentStatus.DRAFT, doc_type=doc_type).first()
    if existing is not None:
        return existing
    if kind == CorrectionKind.REPLACEMENT and current_draft(document.meeting, doc_type) is not None:
        raise ValidationError("Cuộc họp đang có một dự thảo cùng loại; hãy ban hành hoặc sửa dự thảo đó trước.")
    copy = OfficialDocument(
        meeting=document.meeting,
        doc_type=doc_type,
        issuing_agency=document.issuing_agency,
        corrects=document,
        created_by=user if user and user.is_authenticated else None,
    )
    for name in DOCUMENT_FIELDS:
        setattr(copy, name, getattr(document, name))
    copy.issued_on = max(timezone.localdate(), document.issued_on)
    if issuing.apply_issuer(copy) or copy.signer_title.strip().upper() in ("", "CHỦ TRÌ"):
        # Signed for the unit issuing it now, not by the meeting's chair as such.
        issuing.apply_signing_defaults(copy)
    if kind == CorrectionKind.LETTER:
        copy.subject = f"V/v đính chính {document.get_doc_type_display().lower()} số {document.number_with_date}"
        copy.opening = ""
        copy.body = _correction_letter_body(document)
        copy.cosigner_title = copy.cosigner_name = ""
        # Sent where the document went: the unit above (of the unit issuing it now) "để báo cáo", the
        # units that were to act on it "để thực hiện".
        report, act = issuing.default_recipients(copy)
        if copy.issuing_agency_id != document.issuing_agency_id or not document.recipients_report.strip():
            copy.recipients_report = report
        if not document.recipients_act.strip():
            copy.recipients_act = act
        copy.recipients_filed = "VT."
    copy.save()
    return copy


def meeting_kind_is_review(kind: str) -> bool:
    return kind in (MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW)
