"""Reads of the signing app: keys for the settings page, the document behind a verification code
(scoped like the document itself), and the signature check of an uploaded original."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from portal import access
from signing.models import OriginalSignatureCheck, SigningKey, TrustRoot, VerificationCode
from signing.services import normalise_code
from signing.verification import PdfReport, roots_digest, verify_pdf

if TYPE_CHECKING:
    from accounts.models import User
    from meetings.models import OfficialDocument
    from regulations.models import Original


def keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.select_related("agency", "updated_by").order_by("agency__name")


def roots() -> QuerySet[TrustRoot]:
    return TrustRoot.objects.order_by("name")


def document_by_code(user: User, code: str) -> OfficialDocument:
    """The issued document of a verification code, or 404 (also for another agency's user). Read
    through the code's own row: signing is below meetings and does not import it."""
    qs = VerificationCode.objects.select_related("document__meeting", "document__issuing_agency")
    found = access.get_or_404(user, qs, "document__meeting__locality", code=normalise_code(code)[:16])
    return found.document


def original_report(original: Original) -> PdfReport | None:
    """The signatures of an uploaded PDF original, checked once per file and set of trust roots;
    None for other files. ``original.signature_check`` is best prefetched (select_related)."""
    if original.content_type != "application/pdf":
        return None
    digest = roots_digest()
    try:
        check = original.signature_check
    except OriginalSignatureCheck.DoesNotExist:
        check = None
    if check is not None and check.sha256 == original.sha256 and check.roots_digest == digest:
        return PdfReport.from_json(check.report)
    try:
        with original.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    report = verify_pdf(data)
    OriginalSignatureCheck.objects.update_or_create(
        original=original, defaults={"sha256": original.sha256, "roots_digest": digest, "report": report.as_json()}
    )
    return report
