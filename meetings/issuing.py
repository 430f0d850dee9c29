"""Who issues a document, on which day, into which register: one rule for every kind of document.

A document is issued by the unit carrying the meeting host's work on its issue date: the host
while it is active, else the unit it passed its work to (merged into, replaced by) and active on
that day. A correction letter or replacement of an old document follows the same rule from the
original's issuer. The meeting and the original keep their historical names: only the new
document's header, symbol and register change. The register is that unit's register of the
document type for the issue year; a past year's register is closed to new numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, AgencyKind, AgencySuccession, Person
from meetings.models import AttendeeRole, DocumentType, NumberSequence, OfficialDocument
from portal.search import normalize


def issuer_on(agency: Agency, day: datetime.date) -> Agency:
    """The unit that issues for ``agency`` on ``day``: itself while active, else the first successor
    active on that day along the succession links in force by then (most recent link first)."""
    if agency.is_active_on(day):
        return agency
    seen, queue = {agency.pk}, [agency.pk]
    while queue:
        current = queue.pop(0)
        links = (
            AgencySuccession.objects.filter(predecessor_id=current, effective_on__lte=day)
            .select_related("successor", "successor__parent", "successor__locality")
            .order_by("-effective_on", "successor__name")
        )
        for link in links:
            successor = link.successor
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if successor.is_active_on(day):
                return successor
            queue.append(successor.pk)
    return agency  # dissolved with no successor recorded: its own name is the only one known


# Decree 30, Article 13: the signer's authority written before the head's title ("TL. VIỆN TRƯỞNG").
AUTHORITIES: list[tuple[str, str]] = [
    ("", "Người đứng đầu ký (không ghi quyền hạn)"),
    ("TM.", "TM. (thay mặt tập thể)"),
    ("KT.", "KT. (cấp phó ký thay người đứng đầu)"),
    ("TL.", "TL. (thừa lệnh người đứng đầu)"),
    ("TUQ.", "TUQ. (thừa ủy quyền)"),
]
AUTHORITY_CODES = tuple(code for code, _label in AUTHORITIES if code)


def split_capacity(capacity: str) -> tuple[str, str]:
    """ "TL. VIỆN TRƯỞNG" → ("TL.", "VIỆN TRƯỞNG"); a line without a known authority is all title."""
    text = " ".join(capacity.split())
    for code in sorted(AUTHORITY_CODES, key=len, reverse=True):
        if text.upper().startswith(code):
            return code, text[len(code) :].strip()
    return "", text


def head_title(agency: Agency) -> str:
    """The title of the head of a unit, as the signature block prints it."""
    if agency.kind == AgencyKind.PROCURACY:
        return "VIỆN TRƯỞNG"
    if agency.kind == AgencyKind.COURT:
        return "CHÁNH ÁN"
    return "THỦ TRƯỞNG"


def head_of(agency: Agency, day: datetime.date) -> str:
    """The name of the unit's head on ``day`` (a person whose position is the head's title), or ""."""
    title = normalize(head_title(agency))
    for person in Person.objects.filter(agency=agency).order_by("-active_from", "pk"):
        active = (person.active_from is None or person.active_from <= day) and (
            person.active_to is None or person.active_to >= day
        )
        if active and normalize(person.position).startswith(title):
            return person.full_name
    return ""


def apply_signing_defaults(document: OfficialDocument) -> None:
    """A notice, letter or replacement is signed by the issuing unit's head (no authority line) until
    the clerk chooses TM./KT./TL./TUQ. and the signer; minutes keep THƯ KÝ / CHỦ TRÌ."""
    if document.doc_type == DocumentType.MINUTES:
        return
    agency = document.issuing_agency
    document.signer_capacity = ""
    document.signer_title = head_title(agency)
    document.signer_name = head_of(agency, document.issued_on)
    document.cosigner_title = document.cosigner_name = ""


def default_recipients(document: OfficialDocument) -> tuple[str, str]:
    """(để báo cáo, để thực hiện): the unit above the issuer; the units that attended (the issuer and
    its predecessor excepted), one per line."""
    agency = document.issuing_agency
    report = agency.parent.name if agency.parent is not None else ""
    meeting = document.meeting
    skip = {agency.pk, meeting.host_agency_id}
    names: list[str] = []
    for attendee in meeting.attendees.select_related("agency").order_by("order", "pk"):
        unit = attendee.agency
        if unit is not None and unit.pk not in skip and attendee.role != AttendeeRole.SECRETARY:
            if unit.name not in names:
                names.append(unit.name)
    for co_host in meeting.co_hosts.all():
        if co_host.pk not in skip and co_host.name not in names:
            names.append(co_host.name)
    return report, "\n".join(names)


def governing_name(agency: Agency) -> str:
    return agency.parent.name.upper() if agency.parent is not None else ""


def origin_agency(document: OfficialDocument) -> Agency:
    """The unit whose work the document continues: the original's issuer for a correction or
    replacement, the meeting's host otherwise."""
    if document.corrects is not None:
        return document.corrects.issuing_agency
    return document.meeting.host_agency


def apply_issuer(document: OfficialDocument) -> bool:
    """Put the issuer on ``document.issued_on`` in its header (agency, governing and issuing names,
    place). Names a clerk typed are kept while the issuer stays the same; returns whether it changed."""
    issuer = issuer_on(origin_agency(document), document.issued_on)
    if document.issuing_agency_id == issuer.pk and document.issuing_name:
        return False
    document.issuing_agency = issuer
    document.governing_name = governing_name(issuer)
    document.issuing_name = issuer.name.upper()
    document.place_name = issuer.place_name or issuer.locality.name
    return True


def meeting_day(document: OfficialDocument) -> datetime.date:
    return timezone.localtime(document.meeting.starts_at).date()


def _vn(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def check_issue_date(
    document: OfficialDocument, *, today: datetime.date | None = None, historical: bool = False
) -> None:
    """Refuse, with the reason, a date before the meeting, in the future, or in a closed (past) year's
    register. ``historical``: the system recording documents issued back then (demo, imports)."""
    day = document.issued_on
    held = meeting_day(document)
    if day < held:
        raise ValidationError(
            f"Ngày ban hành {_vn(day)} trước ngày họp {_vn(held)}: văn bản không được ghi ngày trước cuộc họp của nó."
        )
    original = document.corrects
    if original is not None and day < original.issued_on:
        raise ValidationError(
            f"Ngày ban hành {_vn(day)} trước ngày của văn bản được đính chính, thay thế ({_vn(original.issued_on)})."
        )
    if historical:
        return
    today = today or timezone.localdate()
    if day.year < today.year:
        raise ValidationError(
            f"Sổ đăng ký văn bản năm {day.year} đã khóa: không cấp số mới vào sổ của năm đã qua. "
            f"Văn bản ban hành hôm nay phải ghi ngày ban hành là ngày ký ({_vn(today)}) và lấy số trong sổ năm "
            f"{today.year}."
        )
    if day > today:
        raise ValidationError(
            f"Ngày ban hành {_vn(day)} chưa đến: văn bản ghi ngày ký, ban hành, không ghi ngày sau hôm nay."
        )


def issue_date_problem(document: OfficialDocument) -> str:
    """Why a person could not issue the document today with its date ("" when they can)."""
    try:
        check_issue_date(document)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


@dataclass
class Register:
    """The register a document takes: its issuer, type and year, and the number it would get now."""

    agency: Agency
    doc_type: str
    year: int
    next_number: str

    @property
    def label(self) -> str:
        from meetings.models import DocumentType

        return f"Sổ {DocumentType(self.doc_type).label.lower()} năm {self.year} của {self.agency.name}"


def register_of(document: OfficialDocument) -> Register:
    """The register ``document`` would take if issued now (shown before issuing; nothing reserved)."""
    issuer = issuer_on(origin_agency(document), document.issued_on)
    year = document.issued_on.year
    last = (
        NumberSequence.objects.filter(agency=issuer, doc_type=document.doc_type, year=year)
        .values_list("last_serial", flat=True)
        .first()
        or 0
    )
    symbol = issuer.document_symbol or issuer.code
    symbol = symbol if document.is_correction_letter else f"{document.doc_type}-{symbol}"
    return Register(issuer, document.doc_type, year, f"{last + 1:02d}/{symbol}")
