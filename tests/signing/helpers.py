from __future__ import annotations

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from meetings import services as meeting_services
from meetings.models import MeetingState, OfficialDocument
from signing.verification import trust_roots
from tests.meetings.factories import AttendeeFactory, MeetingFactory, aware


def notice_draft(agency, *, signer: str = "Nguyễn Đức Thắng") -> OfficialDocument:
    meeting = MeetingFactory(
        host_agency=agency,
        state=MeetingState.HELD,
        title="Họp liên ngành về tin báo tội phạm",
        starts_at=aware(2024, 3, 1, 8),
    )
    AttendeeFactory(meeting=meeting, full_name=signer, position="Viện trưởng", role="chair")
    return meeting_services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={"body": "Các đơn vị đã phối hợp chặt chẽ.", "signer_name": signer},
    )


def stored_pdf(document: OfficialDocument) -> bytes:
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        return handle.read()


def pyhanko_status(data: bytes) -> PdfSignatureStatus:
    """The one signature of ``data``, validated by pyHanko itself against the configured roots."""
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    return validate_pdf_signature(signature, signer_validation_context=context)
