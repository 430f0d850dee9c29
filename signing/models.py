"""Digital signatures (ký số): a unit's signing key, the trust roots signatures are checked against,
the verification code printed on each issued document, and the signature check of uploaded originals.

A key's PIN is never stored: the key names an environment variable or a secret file that holds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class KeyKind(models.TextChoices):
    PKCS12 = "pkcs12", _("Tệp khóa PKCS#12 (.p12, .pfx)")
    PKCS11 = "pkcs11", _("USB token, HSM (PKCS#11)")


class SigningKey(models.Model):
    """The key a unit signs its issued documents with, and the images of its digital signature."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="signing_key", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại khóa"), max_length=10, choices=KeyKind.choices, default=KeyKind.PKCS12)
    pkcs12_path = models.CharField(_("đường dẫn tệp PKCS#12"), max_length=500, blank=True)
    pkcs11_module = models.CharField(
        _("thư viện PKCS#11"),
        max_length=500,
        blank=True,
        help_text=_("Để trống: dùng thư viện mặc định của hệ thống (SIGNING_PKCS11_MODULE)."),
    )
    token_label = models.CharField(_("nhãn token"), max_length=100, blank=True)
    key_label = models.CharField(_("nhãn khóa trên token"), max_length=100, blank=True)
    pin_env = models.CharField(
        _("biến môi trường chứa mã PIN"),
        max_length=100,
        blank=True,
        help_text=_("Tên biến môi trường của máy chủ chứa mã PIN (hoặc mật khẩu tệp khóa), ví dụ SIGNING_PIN_VKSKS."),
    )
    pin_file = models.CharField(
        _("tệp bí mật chứa mã PIN"),
        max_length=500,
        blank=True,
        help_text=_("Đường dẫn trên máy chủ tới tệp chỉ chứa mã PIN, ví dụ /run/secrets/pin_vksks."),
    )
    seal_image = models.BinaryField(_("hình con dấu (PNG)"), blank=True, default=b"", editable=True)
    signature_image = models.BinaryField(_("hình chữ ký (PNG)"), blank=True, default=b"", editable=True)
    active = models.BooleanField(_("đang dùng để ký"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("khóa ký số của đơn vị")
        verbose_name_plural = _("khóa ký số của đơn vị")
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_kind_display()})"

    @property
    def location(self) -> str:
        """Where the key is, as an admin reads it."""
        if self.kind == KeyKind.PKCS12:
            return self.pkcs12_path
        return f"token “{self.token_label}”, khóa “{self.key_label}”"


class TrustRoot(models.Model):
    """A root certificate that signatures are checked against (the Government CA's root in
    production, the demo CA in the demo)."""

    name = models.CharField(_("tên"), max_length=200)
    certificate = models.BinaryField(_("chứng thư (DER)"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=500)
    not_after = models.DateTimeField(_("hết hạn"))
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VerificationCode(models.Model):
    """The short code (and QR code) printed on an issued document; it opens the document's
    verification in the portal."""

    document = models.OneToOneField(
        "meetings.OfficialDocument", on_delete=models.CASCADE, related_name="verification", verbose_name=_("văn bản")
    )
    code = models.CharField(_("mã xác thực"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("mã xác thực văn bản")
        verbose_name_plural = _("mã xác thực văn bản")

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """ "7KQ2-M9XD": easier to read out and type than eight letters in a row."""
        return f"{self.code[:4]}-{self.code[4:]}"


class OriginalSignatureCheck(models.Model):
    """The signatures found in an uploaded original (a PDF), checked once per file content and set
    of trust roots; the regulation page shows it as a badge."""

    original = models.OneToOneField(
        "regulations.Original", on_delete=models.CASCADE, related_name="signature_check", verbose_name=_("tệp gốc")
    )
    sha256 = models.CharField(max_length=64)
    roots_digest = models.CharField(max_length=64)
    report = models.JSONField(_("kết quả"), default=dict)
    checked_at = models.DateTimeField(_("kiểm tra lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký của tệp gốc")
        verbose_name_plural = _("kết quả kiểm tra chữ ký của tệp gốc")

    def __str__(self) -> str:
        return f"{self.original} ({self.checked_at:%d/%m/%Y})"
