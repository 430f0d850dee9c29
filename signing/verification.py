"""Checking the signatures of a PDF with pyHanko against the configured trust roots: the Government
CA's root in production, the demo CA in the demo (``TrustRoot`` rows and ``SIGNING_TRUST_ROOTS`` files).
Nothing is fetched from the network (no OCSP/CRL on this portal's network)."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing.models import TrustRoot

logger = logging.getLogger(__name__)

OK, WARN, BAD = "ok", "warn", "bad"


@dataclass
class SignatureReport:
    """One signature of a PDF, as the verification page and the badge show it."""

    field: str
    signer: str = ""
    unit: str = ""
    issuer: str = ""
    signed_at: str = ""  # ISO 8601, +07:00
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False  # nothing was added after this signature
    timestamped: bool = False
    error: str = ""

    @property
    def verdict(self) -> str:
        if self.error or not self.intact or not self.valid:
            return BAD
        if not self.trusted or not self.whole_file:
            return WARN
        return OK

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        if not self.intact:
            return "Văn bản đã bị sửa đổi sau khi ký: nội dung không còn khớp với chữ ký."
        if not self.valid:
            return "Chữ ký không hợp lệ."
        parts = ["Nguyên vẹn, chữ ký hợp lệ"]
        parts.append(
            "chứng thư được cấp bởi tổ chức tin cậy"
            if self.trusted
            else "chứng thư KHÔNG dẫn tới chứng thư gốc tin cậy nào đã cấu hình"
        )
        if not self.whole_file:
            parts.append("tệp có thêm nội dung sau lần ký này")
        return "; ".join(parts) + "."

    @property
    def signed_at_display(self) -> str:
        if not self.signed_at:
            return ""
        moment = datetime.datetime.fromisoformat(self.signed_at)
        return f"{moment:%H:%M:%S} ngày {moment:%d/%m/%Y} ({self.signed_at})"


@dataclass
class PdfReport:
    readable: bool = True
    error: str = ""
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if not self.readable:
            return BAD
        if not self.signatures:
            return ""
        verdicts = {s.verdict for s in self.signatures}
        return BAD if BAD in verdicts else WARN if WARN in verdicts else OK

    def as_json(self) -> dict:
        return {"readable": self.readable, "error": self.error, "signatures": [asdict(s) for s in self.signatures]}

    @classmethod
    def from_json(cls, data: dict) -> PdfReport:
        return cls(
            readable=data.get("readable", True),
            error=data.get("error", ""),
            signatures=[SignatureReport(**s) for s in data.get("signatures", [])],
        )


def trust_roots() -> list[asn1_x509.Certificate]:
    roots = [asn1_x509.Certificate.load(bytes(der)) for der in TrustRoot.objects.values_list("certificate", flat=True)]
    for path in settings.SIGNING_TRUST_ROOTS:
        data = Path(path).read_bytes()
        if b"-----BEGIN" in data:
            from asn1crypto import pem

            _type, _headers, data = pem.unarmor(data)
        roots.append(asn1_x509.Certificate.load(data))
    return roots


def roots_digest() -> str:
    """Changes whenever the set of trust roots does (a stored check is then redone)."""
    prints = sorted(TrustRoot.objects.values_list("fingerprint", flat=True)) + list(settings.SIGNING_TRUST_ROOTS)
    return hashlib.sha256("|".join(prints).encode()).hexdigest()


def _name_part(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return value[-1] if isinstance(value, list) else str(value or "")


def _iso(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def verify_pdf(data: bytes) -> PdfReport:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # any malformed upload: reported, never a 500
        return PdfReport(readable=False, error="Tệp không phải PDF đọc được, hoặc đã bị hỏng.")
    roots = trust_roots()
    report = PdfReport()
    for embedded in signatures:
        item = SignatureReport(field=embedded.field_name or "")
        try:
            certificate = embedded.signer_cert
            item.signer = _name_part(certificate.subject, "common_name")
            item.unit = _name_part(certificate.subject, "organization_name") or item.signer
            item.issuer = _name_part(certificate.issuer, "common_name")
            item.signed_at = _iso(embedded.self_reported_timestamp)
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            status = validate_pdf_signature(embedded, signer_validation_context=context)
            item.intact = bool(status.intact)
            item.valid = bool(status.valid)
            item.trusted = bool(status.trusted)
            item.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            item.timestamped = status.timestamp_validity is not None
            if status.timestamp_validity is not None:
                item.signed_at = _iso(status.timestamp_validity.timestamp)
        except Exception as exc:
            logger.info("signature %s could not be checked: %s", item.field, exc)
            item.error = "Không kiểm tra được chữ ký: tệp đã bị sửa đổi hoặc chữ ký bị hỏng."
        report.signatures.append(item)
    return report
