"""Writes of meetings, directives and official documents. Every write keeps ``locality``,
``search_text`` and the linked regulations' review dates in step."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency
from meetings.models import (
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
from portal.search import normalize


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
    from regulations.services import refresh_derived_dates

    refresh_derived_dates(ids)


def _search_text(meeting: Meeting) -> str:
    parts = [meeting.title, meeting.place, meeting.host_agency.name, meeting.host_agency.short_name,
             meeting.get_kind_display(), meeting.agenda_note, meeting.conclusions[:2000]]
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
            meeting=meeting, order=order, person=person, role=row.get("role") or AttendeeRole.ATTENDEE,
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
    meeting.directives.filter(assigned_agency__isnull=True).exclude(locality_id=meeting.locality_id).update(
        locality_id=meeting.locality_id
    )
    Meeting.objects.filter(pk=meeting.pk).update(search_text=_search_text(meeting))
    new_regulations = set(meeting.regulations.values_list("pk", flat=True))
    _refresh_regulations(old_regulations | new_regulations)
    return meeting


@transaction.atomic
def set_state(meeting: Meeting, state: str) -> Meeting:
    if state not in MeetingState.values:
        raise ValidationError("Trạng thái không hợp lệ.")
    if state not in ALLOWED_TRANSITIONS.get(meeting.state, set()):
        raise ValidationError(
            f"Không thể chuyển từ trạng thái “{meeting.get_state_display()}” sang “{MeetingState(state).label}”."
        )
    meeting.state = state
    meeting.save(update_fields=["state", "updated_at"])
    _refresh_regulations(meeting.regulations.values_list("pk", flat=True))
    return meeting


@transaction.atomic
def delete_meeting(meeting: Meeting) -> None:
    if meeting.documents.exclude(status=DocumentStatus.DRAFT).exists():
        raise ValidationError("Không thể xóa cuộc họp đã có văn bản ban hành.")
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
    "governing_name", "issuing_name", "subject", "place_name", "issued_on", "body", "signer_capacity",
    "signer_title", "signer_name", "cosigner_title", "cosigner_name", "recipients_report", "recipients_act",
    "recipients_filed",
)


def _governing_name(agency: Agency) -> str:
    parent = agency.parent
    return parent.name.upper() if parent is not None else ""


def _person_with_role(meeting: Meeting, role: str) -> str:
    for attendee in meeting.attendees.all():
        if attendee.role == role:
            return attendee.full_name
    return ""


def default_document(meeting: Meeting, doc_type: str) -> OfficialDocument:
    """An unsaved document with the fields a clerk would start from."""
    agency = meeting.host_agency
    day = timezone.localtime(meeting.starts_at).date()
    doc = OfficialDocument(
        meeting=meeting, doc_type=doc_type, issuing_agency=agency, governing_name=_governing_name(agency),
        issuing_name=agency.name.upper(), place_name=agency.place_name or agency.locality.name, issued_on=day,
    )
    if doc_type == DocumentType.MINUTES:
        doc.subject = meeting.title
        doc.signer_title = "CHỦ TRÌ"
        doc.signer_name = _person_with_role(meeting, AttendeeRole.CHAIR)
        doc.cosigner_title = "THƯ KÝ"
        doc.cosigner_name = _person_with_role(meeting, AttendeeRole.SECRETARY)
        doc.recipients_filed = ""
    else:
        doc.subject = f"Kết luận của chủ trì tại {meeting.title[:1].lower()}{meeting.title[1:]}"
        doc.body = meeting.conclusions
        doc.signer_name = _person_with_role(meeting, AttendeeRole.CHAIR)
        doc.signer_title = "CHỦ TRÌ"
        doc.recipients_filed = "Lưu: VT."
    return doc


def current_draft(meeting: Meeting, doc_type: str) -> OfficialDocument | None:
    return meeting.documents.filter(doc_type=doc_type, status=DocumentStatus.DRAFT).order_by("-version").first()


def latest_finalised(meeting: Meeting, doc_type: str) -> OfficialDocument | None:
    return (
        meeting.documents.filter(doc_type=doc_type, status=DocumentStatus.FINALISED).order_by("-version").first()
    )


@transaction.atomic
def save_document_draft(
    *, user: User | None, meeting: Meeting, doc_type: str, data: dict[str, Any],
    document: OfficialDocument | None = None,
) -> OfficialDocument:
    if document is None:
        document = current_draft(meeting, doc_type)
        if document is None and latest_finalised(meeting, doc_type) is not None:
            raise DocumentLocked("Văn bản đã ban hành; muốn sửa hãy tạo bản đính chính.")
    if document is None:
        document = default_document(meeting, doc_type)
        document.created_by = user if user and user.is_authenticated else None
    elif document.is_locked:
        raise DocumentLocked("Văn bản đã ban hành, không thể sửa. Hãy tạo bản đính chính.")
    for name in DOCUMENT_FIELDS:
        if name in data:
            setattr(document, name, data[name])
    if "issuing_agency" in data:
        document.issuing_agency = data["issuing_agency"]
    document.save()
    return document


def issue_number(agency: Agency, doc_type: str, year: int) -> int:
    """The next serial of a register; must run inside a transaction. Never gives the same serial twice."""
    NumberSequence.objects.get_or_create(agency=agency, doc_type=doc_type, year=year)
    sequence = NumberSequence.objects.select_for_update().get(agency=agency, doc_type=doc_type, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial


def finalise_document(document: OfficialDocument, *, user: User | None, render: bool = True) -> OfficialDocument:
    """Give the document its number (or its corrected version's number), lock it, store its PDF."""
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.is_locked:
            raise DocumentLocked("Văn bản này đã được ban hành.")
        if document.corrects_id:
            previous = document.corrects
            document.year, document.serial = previous.year, previous.serial
            OfficialDocument.objects.filter(pk=previous.pk).update(status=DocumentStatus.SUPERSEDED)
        else:
            document.year = document.issued_on.year
            document.serial = issue_number(document.issuing_agency, document.doc_type, document.year)
        document.status = DocumentStatus.FINALISED
        document.finalised_by = user if user and user.is_authenticated else None
        document.finalised_at = timezone.now()
        document.save()
        meeting = document.meeting
        if document.doc_type == DocumentType.MINUTES and meeting.state != MeetingState.MINUTES_FINALISED:
            meeting.state = MeetingState.MINUTES_FINALISED
            meeting.save(update_fields=["state", "updated_at"])
            _refresh_regulations(meeting.regulations.values_list("pk", flat=True))
    if render:
        store_pdf(document)
    return document


def store_pdf(document: OfficialDocument) -> OfficialDocument:
    """Render and keep the PDF of a finalised version (once: the stored file is the record)."""
    from meetings.documents import render_document

    if document.pdf:
        return document
    data = render_document(document, draft=False)
    document.pdf.save(f"{document.doc_type}-v{document.version}.pdf", ContentFile(data), save=False)
    OfficialDocument.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return document


@transaction.atomic
def start_correction(document: OfficialDocument, *, user: User | None) -> OfficialDocument:
    """A new draft copying a finalised version; on finalising it keeps the number, version + 1."""
    if document.status != DocumentStatus.FINALISED:
        raise ValidationError("Chỉ đính chính được văn bản đang có hiệu lực đã ban hành.")
    existing = document.corrections.filter(status=DocumentStatus.DRAFT).first()
    if existing is not None:
        return existing
    copy = OfficialDocument(
        meeting=document.meeting, doc_type=document.doc_type, issuing_agency=document.issuing_agency,
        version=document.version + 1, corrects=document, created_by=user if user and user.is_authenticated else None,
    )
    for name in DOCUMENT_FIELDS:
        setattr(copy, name, getattr(document, name))
    copy.save()
    return copy


def meeting_kind_is_review(kind: str) -> bool:
    return kind in (MeetingKind.INTERIM_REVIEW, MeetingKind.FINAL_REVIEW)
