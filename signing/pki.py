"""Certificates for the demo and the tests: a root CA and one certificate per unit, made with
``cryptography``. Production keys come from the Government CA (Ban Cơ yếu Chính phủ), never from here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_CA_NAME = "CA thử nghiệm - Cổng quy chế phối hợp"


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def fit(text: str, limit: int = 64) -> str:
    """X.509 caps these names at 64 (UTF-8 bytes as ``cryptography`` counts them)."""
    return text.encode()[:limit].decode(errors="ignore").strip()


def _name(common_name: str, organisation: str, province: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if province:
        parts.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    parts += [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit(organisation)),
        x509.NameAttribute(NameOID.COMMON_NAME, fit(common_name)),
    ]
    return x509.Name(parts)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def make_ca(name: str = DEMO_CA_NAME, *, years: int = 20) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = _name(name, "Cổng quy chế phối hợp ngành Kiểm sát")
    start = _now() - datetime.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def issue_unit_certificate(
    ca: Issued,
    unit_name: str,
    *,
    province: str = "",
    valid_from: datetime.datetime | None = None,
    valid_to: datetime.datetime | None = None,
    timestamping: bool = False,
) -> Issued:
    """A signing certificate for a unit: its name is the subject's CN and O."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = valid_from or _now() - datetime.timedelta(days=1)
    end = valid_to or start + datetime.timedelta(days=365 * 5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(unit_name, unit_name, province))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.TIME_STAMPING] if timestamping else [ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=timestamping,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, certificate)


def pkcs12_bytes(issued: Issued, ca: Issued, passphrase: str, friendly_name: str = "portal") -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        issued.key,
        issued.certificate,
        [ca.certificate],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    """PKCS#8, unencrypted: what ``softhsm2-util --import`` reads."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_issued(certificate_pem: bytes, key_pem_bytes: bytes) -> Issued:
    key = serialization.load_pem_private_key(key_pem_bytes, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return Issued(key, x509.load_pem_x509_certificate(certificate_pem))
