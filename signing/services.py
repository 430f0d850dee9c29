"""Signing issued documents (PAdES with pyHanko) and the writes of the signing app.

``sign_issued_pdf(document, pdf_bytes)`` is the one call the issue path makes: it prints the
verification code and QR code on the document and, when the issuing unit has a key, signs it:
PAdES B-B, or B-T when ``SIGNING_TIMESTAMP_URL`` names a timestamp server. Any failure raises
``SigningError`` (a ValidationError with a Vietnamese message) before anything is stored, so the
issue transaction rolls back and no number is consumed."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import Signer

from agencies.models import Agency
from signing import appearance
from signing.models import KeyKind, SigningKey, TrustRoot, VerificationCode

if TYPE_CHECKING:
    from accounts.models import User
    from meetings.models import OfficialDocument

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKySoCoQuan"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out and typed without doubt
CODE_LENGTH = 8


class SigningError(ValidationError):
    """The document could not be signed; the message says why, in Vietnamese, for the clerk."""


def _fail(reason: str) -> SigningError:
    return SigningError(f"Không ký số được văn bản. {reason}", params={"reason": reason})


def not_issued(error: SigningError) -> SigningError:
    """The same failure, as the clerk reads it when issuing: the document stays a draft."""
    reason = (error.params or {}).get("reason", "") if hasattr(error, "params") else ""
    return SigningError(f"Chưa ban hành: không ký số được văn bản. {reason}".rstrip(), params={"reason": reason})


# --- keys -------------------------------------------------------------------------------------


def key_for(agency_id: int | None) -> SigningKey | None:
    if agency_id is None:
        return None
    return SigningKey.objects.filter(agency_id=agency_id, active=True).first()


def signs_for(agency_id: int | None) -> bool:
    """Whether documents issued by this unit are signed (it has an active key)."""
    return agency_id is not None and SigningKey.objects.filter(agency_id=agency_id, active=True).exists()


def read_pin(key: SigningKey) -> str:
    """The PIN (or PKCS#12 passphrase) from the environment variable or the secret file the key names."""
    if key.pin_env:
        value = os.environ.get(key.pin_env)
        if value is None:
            raise _fail(f"Biến môi trường {key.pin_env} chứa mã PIN chưa được đặt trên máy chủ.")
        return value
    if key.pin_file:
        try:
            return Path(key.pin_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise _fail(f"Không đọc được tệp chứa mã PIN ({key.pin_file}).") from exc
    raise _fail("Khóa ký số chưa được cấu hình mã PIN (biến môi trường hoặc tệp bí mật).")


def _pkcs11_exceptions() -> tuple[type[BaseException], ...]:
    import pkcs11.exceptions as p11

    return (p11.PKCS11Error,)


def _pkcs11_message(exc: BaseException) -> str:
    import pkcs11.exceptions as p11

    if isinstance(exc, p11.PinIncorrect | p11.PinInvalid | p11.PinLenRange):
        return "Sai mã PIN của token."
    if isinstance(exc, p11.PinLocked):
        return "Token đã bị khóa do nhập sai mã PIN nhiều lần."
    # pyHanko reports a token it did not find as a bare PKCS11Error "No token matching ...".
    if isinstance(exc, p11.TokenNotPresent | p11.DeviceRemoved | p11.NoSuchToken) or "No token" in str(exc):
        return "Không tìm thấy token ký số (token chưa được cắm vào máy chủ?)."
    return f"Lỗi của token ký số: {type(exc).__name__}."


class _Pkcs12Signer(signers.SimpleSigner):
    """pyHanko's SimpleSigner, keeping the parsed private key: pyHanko parses (and so validates)
    the RSA key again on every signature, which costs more than the rest of signing."""

    def __init__(self, pyca_key: PrivateKeyTypes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pyca_key = pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism["algorithm"].native == "sha256_rsa" and isinstance(self._pyca_key, rsa.RSAPrivateKey):
            return self._pyca_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=32)
def _load_pkcs12(path: str, mtime_ns: int, size: int, pin_digest: str, pin: str) -> _Pkcs12Signer:
    """A PKCS#12 file read once per process and per version of the file (``mtime_ns``, ``size``)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    data = Path(path).read_bytes()
    try:
        private_key, certificate, others = pkcs12.load_key_and_certificates(data, pin.encode() if pin else None)
    except ValueError as exc:
        raise _fail("Sai mật khẩu (mã PIN) của tệp khóa, hoặc tệp khóa bị hỏng.") from exc
    if private_key is None or certificate is None:
        raise _fail("Tệp khóa không có khóa bí mật hoặc chứng thư số.")
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in others])
    return _Pkcs12Signer(
        private_key,
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        cert_registry=store,
    )


def _pkcs12_signer(path: str, pin: str) -> _Pkcs12Signer:
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise _fail(f"Không tìm thấy tệp khóa {path}.") from exc
    # The PIN is part of the cache key (as a digest, and itself only so the loader can use it).
    return _load_pkcs12(path, stat.st_mtime_ns, stat.st_size, hashlib.sha256(pin.encode()).hexdigest(), pin)


@contextmanager
def open_signer(key: SigningKey) -> Iterator[Signer]:
    """The unit's signer, from its PKCS#12 file or its PKCS#11 token; closes the token session after."""
    pin = read_pin(key)
    if key.kind == KeyKind.PKCS12:
        yield _pkcs12_signer(key.pkcs12_path, pin)
        return
    from pyhanko.sign import pkcs11 as hanko_pkcs11

    module = key.pkcs11_module or settings.SIGNING_PKCS11_MODULE
    try:
        session = hanko_pkcs11.open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=key.token_label), user_pin=pin
        )
    except hanko_pkcs11.PKCS11Error as exc:
        raise _fail(_pkcs11_message(exc)) from exc
    except OSError as exc:
        raise _fail(f"Không nạp được thư viện PKCS#11 {module}.") from exc
    except PyHankoSigningError as exc:
        raise _fail("Không tìm thấy token ký số (token chưa được cắm vào máy chủ?).") from exc
    try:
        signer = hanko_pkcs11.PKCS11Signer(session, key_label=key.key_label, cert_label=key.key_label)
        try:
            signer.signing_cert  # noqa: B018 - loads the certificate and key from the token now
        except hanko_pkcs11.PKCS11Error as exc:
            raise _fail(_pkcs11_message(exc)) from exc
        except PyHankoSigningError as exc:
            raise _fail(f"Không thấy khóa “{key.key_label}” và chứng thư của nó trên token.") from exc
        yield signer
    finally:
        session.close()


def check_certificate(certificate: asn1_x509.Certificate, now: datetime.datetime | None = None) -> None:
    """Refuse an expired (or not yet valid) certificate: a signature made with it would not verify."""
    now = now or timezone.now()
    validity = certificate["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if now > not_after:
        raise _fail(f"Chứng thư số của đơn vị đã hết hạn từ ngày {timezone.localtime(not_after):%d/%m/%Y}.")
    if now < not_before:
        raise _fail(f"Chứng thư số của đơn vị chỉ có hiệu lực từ ngày {timezone.localtime(not_before):%d/%m/%Y}.")


def _timestamper() -> timestamps.TimeStamper | None:
    url = settings.SIGNING_TIMESTAMP_URL
    return timestamps.HTTPTimeStamper(url, timeout=10) if url else None


# --- verification codes -----------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_for(document: OfficialDocument) -> VerificationCode:
    existing = VerificationCode.objects.filter(document=document).first()
    if existing is not None:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(document=document, code=new_code())
        except IntegrityError:
            existing = VerificationCode.objects.filter(document=document).first()
            if existing is not None:
                return existing
    raise _fail("Không tạo được mã xác thực.")


def verification_url(code: VerificationCode) -> str:
    return str(settings.PORTAL_BASE_URL).rstrip("/") + reverse("signing:code", args=[code.code])


# --- signing ----------------------------------------------------------------------------------


def sign_issued_pdf(document: OfficialDocument, pdf_bytes: bytes) -> bytes:
    """The stored PDF of an issued document: its verification code and QR code printed in the
    margin and, when the issuing unit has a key, signed (Decree 30 appearance, PAdES). Drafts are
    never passed here."""
    code = code_for(document)
    key = key_for(document.issuing_agency_id)
    agency: Agency = document.issuing_agency
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:  # a render that is not a PDF is a fault of ours, said plainly
        raise _fail("Tệp PDF của văn bản không đọc được.") from exc
    appearance.add_verification_footer(
        writer, code=code.display, url=verification_url(code), signed_by=agency.name if key else ""
    )
    out = io.BytesIO()
    if key is None:
        appearance.reproducible(writer, pdf_bytes)
        writer.write(out)
        return out.getvalue()
    if not key.seal_image or not key.signature_image:
        raise _fail("Đơn vị chưa có hình con dấu hoặc hình chữ ký số.")
    style, box_width = appearance.signature_style(agency.name, bytes(key.seal_image), bytes(key.signature_image))
    place = appearance.find_signing_place(pdf_bytes, document.signer_name, document.signer_title, box_width)
    with open_signer(key) as signer:
        certificate = signer.signing_cert
        if certificate is None:
            raise _fail("Tệp khóa không có chứng thư số.")
        check_certificate(certificate)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            name=agency.name,
            reason=f"Ban hành {document.get_doc_type_display().lower()} số {document.number_display}",
            location=document.place_name or "",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer,
            timestamper=_timestamper(),
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=place.page, box=place.box),  # type: ignore[arg-type]
        )
        try:
            # A fixed reservation: estimating it would sign twice (twice on a slow token).
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=32768 if _timestamper() else 16384)
        except _pkcs11_exceptions() as exc:
            raise _fail(_pkcs11_message(exc)) from exc
        except PyHankoSigningError as exc:
            logger.warning("signing document %s failed: %s", document.pk, exc)
            raise _fail(f"Lỗi khi ký: {exc}") from exc
        except OSError as exc:  # the timestamp server did not answer
            raise _fail("Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian.") from exc
    return out.getvalue()


# --- configuration by the supreme admin ---------------------------------------------------------


def save_key(*, user: User | None, agency: Agency, data: dict, key: SigningKey | None = None) -> SigningKey:
    key = key or SigningKey(agency=agency)
    for name in ("kind", "pkcs12_path", "pkcs11_module", "token_label", "key_label", "pin_env", "pin_file", "active"):
        if name in data:
            setattr(key, name, data[name])
    for name in ("seal_image", "signature_image"):
        if data.get(name):
            setattr(key, name, data[name])
    key.agency = agency
    key.updated_by = user if user is not None and user.is_authenticated else None
    key.save()
    return key


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def load_certificate(data: bytes) -> x509.Certificate:
    """A PEM or DER certificate, or ValueError with a Vietnamese message."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValueError("Tệp không phải chứng thư số X.509 (PEM hoặc DER).") from exc


def add_trust_root(data: bytes, name: str = "") -> TrustRoot:
    from cryptography.hazmat.primitives.serialization import Encoding

    certificate = load_certificate(data)
    der = certificate.public_bytes(Encoding.DER)
    subject = certificate.subject.rfc4514_string()
    root, _created = TrustRoot.objects.update_or_create(
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        defaults={
            "name": name or _common_name(certificate) or subject,
            "certificate": der,
            "subject": subject[:500],
            "not_after": certificate.not_valid_after_utc,
        },
    )
    return root


def _common_name(certificate: x509.Certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""
