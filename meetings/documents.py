"""What a minutes (biên bản), notice (thông báo) or correction letter (công văn đính chính) says,
as a list of blocks both the PDF (portal.pdf) and the Word copy (meetings.word) print."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from meetings.models import AttendeeRole, Directive, DocumentType, Meeting, OfficialDocument
from portal import pdf
from portal.search import normalize

TEMPLATES: dict[str, str] = {
    DocumentType.MINUTES: "pdf/minutes.html",
    DocumentType.NOTICE: "pdf/notice.html",
    DocumentType.CORRECTION: "pdf/correction.html",
}


@dataclass
class Block:
    """One printed paragraph: ``p`` (indented body text), ``h`` (section heading), ``li`` (dash item)."""

    kind: str
    text: str


@dataclass
class AttendeeLine:
    role: str
    label: str

    def get_role_display(self) -> str:
        return str(AttendeeRole(self.role).label)


def _attendee_label(attendee) -> str:
    """ "Nguyễn Thị Hằng, Chánh án Tòa án nhân dân khu vực 7": a position says of which agency,
    unless it already does."""
    parts = [attendee.full_name]
    if attendee.position:
        position = attendee.position
        if attendee.agency_id and not _names_agency(position, attendee.agency):
            position = f"{position} {attendee.agency.name}"
        parts.append(position)
    elif attendee.agency_id and attendee.full_name:
        parts.append(attendee.agency.name)
    if not attendee.full_name and attendee.agency_id:
        return f"{attendee.position or 'Đại diện'} {attendee.agency.name}"
    return ", ".join(p for p in parts if p)


def _names_agency(position: str, agency) -> bool:
    text = normalize(position)
    return any(name and normalize(name) in text for name in (agency.name, agency.short_name)) or any(
        word in text for word in ("vien kiem sat", "vksnd", "toa an", "tand", "cong an", "thi hanh an", "co quan")
    )


def _time(value) -> str:
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút"


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def assignee_label(directive: Directive) -> str:
    names = [directive.assigned_agency.name if directive.assigned_agency else "", directive.assignee_text]
    return ", ".join(p for p in names if p)


def _named_in(text: str, directive: Directive) -> bool:
    """Whether the directive's text already names its units ("Giao Vụ 15 …", "VKSND các địa phương …")."""
    names = [directive.assigned_agency.short_name, directive.assigned_agency.name] if directive.assigned_agency else []
    names += [part for part in re.split(r",|;| và ", directive.assignee_text)]
    flat = normalize(text)
    return any(normalize(name) and normalize(name) in flat for name in names)


def assignment_sentence(directive: Directive) -> str:
    """ "Giao Vụ 15 Viện kiểm sát nhân dân tối cao chủ trì thực hiện, hoàn thành trước ngày 31 tháng 12 năm 2021."

    Only what the text does not already say: no "Giao …" when the text names the units (or names none:
    the whole Ngành), no deadline sentence when there is no deadline."""
    label = assignee_label(directive)
    already = _named_in(directive.text, directive)
    deadline = f"hoàn thành trước {pdf.vn_date(directive.deadline)}" if directive.deadline else ""
    if label and not already:
        sentence = f"Giao {label} chủ trì thực hiện"
        return f"{sentence}, {deadline}." if deadline else f"{sentence}."
    if deadline:
        return f"Thời hạn: {deadline}."
    return ""


DASH = re.compile(r"^[-–•+]\s+")


def directive_blocks(directive: Directive, after: int = 0) -> list[Block]:
    """ "3. <text as typed> Giao <unit> chủ trì thực hiện, hoàn thành trước ngày ..."; one block per paragraph,
    lines typed "- …" as dash items. ``after``: how many numbered points come before (the conclusions'
    own), so numbering runs on."""
    lines = paragraphs(directive.text) or [""]
    lines[0] = f"{after + directive.number}. {lines[0]}"
    sentence = assignment_sentence(directive)
    if sentence:
        last = lines[-1].rstrip()
        lines[-1] = f"{last}{'' if last.endswith(('.', ';', ':')) else '.'} {sentence}"
    return [Block("li", DASH.sub("", line)) if DASH.match(line) else Block("p", line) for line in lines]


def _with_closing(blocks: list[Block]) -> list[Block]:
    """Decree 30 ends the body with "./." right after the last sentence."""
    if blocks:
        last = blocks[-1]
        last.text = last.text.rstrip().rstrip("./").rstrip() + "./."
    return blocks


NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s")


def notice_blocks(document: OfficialDocument, directives: list[Directive]) -> list[Block]:
    blocks = [Block("p", text) for text in paragraphs(document.opening)]
    body = paragraphs(document.body)
    blocks += [Block("p", text) for text in body]
    # Conclusions typed as "1. … 2. …" are followed by the directives as 3., 4., … (one list, not two).
    after = max((int(m.group(1)) for m in map(NUMBERED.match, body) if m), default=0)
    for directive in directives:
        blocks += directive_blocks(directive, after)
    return _with_closing(blocks)


def correction_blocks(document: OfficialDocument) -> list[Block]:
    return _with_closing([Block("p", text) for text in paragraphs(document.body)])


def minutes_blocks(document: OfficialDocument, meeting: Meeting, directives: list[Directive]) -> list[Block]:
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    lines = [AttendeeLine(a.role, _attendee_label(a)) for a in meeting.attendees.all()]
    blocks = [Block("p", f"Thời gian: {_time(starts)}, {pdf.vn_date(starts.date())}.")]
    if meeting.place:
        blocks.append(Block("p", f"Địa điểm: {meeting.place}."))
    regulations = list(meeting.regulations.all())
    if regulations:
        blocks.append(Block("p", "Văn bản liên quan:"))
        blocks += [Block("li", f"{r.number} — {r.title};") for r in regulations]
    blocks.append(Block("h", "I. THÀNH PHẦN THAM DỰ"))
    for a in lines:
        if a.role in (AttendeeRole.CHAIR, AttendeeRole.CO_CHAIR):
            blocks.append(Block("p", f"{a.get_role_display()}: {a.label}."))
    blocks += [Block("p", f"Thư ký: {a.label}.") for a in lines if a.role == AttendeeRole.SECRETARY]
    attendees = [a for a in lines if a.role == AttendeeRole.ATTENDEE]
    if attendees:
        blocks.append(Block("p", "Tham dự:"))
        blocks += [Block("li", f"{a.label};") for a in attendees]
    sites = list(meeting.remote_sites.all())
    if sites:
        blocks.append(Block("p", "Hội nghị được kết nối trực tuyến tới các điểm cầu:"))
        blocks += [Block("li", f"{s.name};") for s in sites]
    blocks.append(Block("h", "II. NỘI DUNG"))
    blocks += [Block("p", t) for t in paragraphs(document.opening) + paragraphs(document.body)]
    for number, item in enumerate(meeting.agenda_items.all(), start=1):
        presenter = f" ({item.presenter})" if item.presenter else ""
        blocks.append(Block("p", f"{number}. {item.title}{presenter}."))
    blocks += [Block("p", t) for t in paragraphs(meeting.discussion)]
    if meeting.conclusions or directives:
        blocks.append(Block("h", "III. KẾT LUẬN"))
    blocks += [Block("p", t) for t in paragraphs(meeting.conclusions)]
    for directive in directives:
        blocks += directive_blocks(directive)
    closing = _time(ends) if ends else "…"
    blocks.append(
        Block(
            "p",
            f"Biên bản được lập xong hồi {closing} cùng ngày, đã đọc lại cho những người tham dự "
            "cùng nghe và thống nhất ký tên./.",
        )
    )
    return blocks


def replaces_line(document: OfficialDocument) -> str:
    """The sentence a replacing document states under its title."""
    if not document.is_replacement or document.corrects is None:
        return ""
    return (
        f"({document.get_doc_type_display()} này thay thế {document.corrects.title_with_number[0].lower()}"
        f"{document.corrects.title_with_number[1:]})"
    )


def document_context(document: OfficialDocument, *, draft: bool) -> dict:
    meeting: Meeting = (
        Meeting.objects.select_related("host_agency")
        .prefetch_related(
            "attendees__agency", "agenda_items", "remote_sites", "regulations", "directives__assigned_agency"
        )
        .get(pk=document.meeting_id)
    )
    directives = list(meeting.directives.all())
    if document.doc_type == DocumentType.MINUTES:
        blocks = minutes_blocks(document, meeting, directives)
    elif document.doc_type == DocumentType.NOTICE:
        blocks = notice_blocks(document, directives)
    else:
        blocks = correction_blocks(document)
    return {
        "doc": document,
        "meeting": meeting,
        "draft": draft,
        "blocks": blocks,
        "replaces": replaces_line(document),
        "governing_lines": pdf.name_lines(document.governing_name),
        "issuing_lines": pdf.name_lines(document.issuing_name),
        "place_date": pdf.place_and_date(document.place_name, document.issued_on),
        "recipients_report": document.lines("recipients_report"),
        "recipients_act": document.lines("recipients_act"),
        "recipients_other": document.lines("recipients_other"),
        "filed_line": document.filed_line,
    }


def render_document(document: OfficialDocument, *, draft: bool) -> bytes:
    return pdf.render_pdf(TEMPLATES[document.doc_type], document_context(document, draft=draft))
