"""The PDF of a minutes (biên bản) or notice (thông báo), through portal.pdf."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from meetings.models import AttendeeRole, DocumentType, Meeting, OfficialDocument
from portal import pdf

TEMPLATES = {DocumentType.MINUTES: "pdf/minutes.html", DocumentType.NOTICE: "pdf/notice.html"}


@dataclass
class AttendeeLine:
    role: str
    label: str

    def get_role_display(self) -> str:
        return AttendeeRole(self.role).label


def _attendee_label(attendee) -> str:
    parts = [attendee.full_name]
    if attendee.position:
        parts.append(attendee.position)
    elif attendee.agency_id and attendee.full_name:
        parts.append(attendee.agency.name)
    if not attendee.full_name and attendee.agency_id:
        return f"{attendee.position or 'Đại diện'} {attendee.agency.name}"
    return ", ".join(p for p in parts if p)


def _time(value) -> str:
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút"


def document_context(document: OfficialDocument, *, draft: bool) -> dict:
    meeting: Meeting = (
        Meeting.objects.select_related("host_agency")
        .prefetch_related("attendees__agency", "agenda_items", "remote_sites", "regulations",
                          "directives__assigned_agency")
        .get(pk=document.meeting_id)
    )
    lines = [AttendeeLine(a.role, _attendee_label(a)) for a in meeting.attendees.all()]
    directives = list(meeting.directives.all())
    for d in directives:
        names = [d.assigned_agency.name if d.assigned_agency else "", d.assignee_text]
        d.assignee_label = ", ".join(p for p in names if p)
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    return {
        "doc": document,
        "meeting": meeting,
        "draft": draft,
        "place_date": pdf.place_and_date(document.place_name, document.issued_on),
        "meeting_time": f"{_time(starts)}, {pdf.vn_date(starts.date())}",
        "closing_time": _time(ends) if ends else "…",
        "chairs": [a for a in lines if a.role in (AttendeeRole.CHAIR, AttendeeRole.CO_CHAIR)],
        "secretaries": [a for a in lines if a.role == AttendeeRole.SECRETARY],
        "attendees": [a for a in lines if a.role == AttendeeRole.ATTENDEE],
        "remote_sites": list(meeting.remote_sites.all()),
        "agenda_items": list(meeting.agenda_items.all()),
        "regulations": list(meeting.regulations.all()),
        "directives": directives,
        "recipients_report": document.lines("recipients_report"),
        "recipients_act": document.lines("recipients_act"),
    }


def render_document(document: OfficialDocument, *, draft: bool) -> bytes:
    return pdf.render_pdf(TEMPLATES[document.doc_type], document_context(document, draft=draft))
