"""Forms of the signing pages: a unit's key (supreme admin), a trust root, a PDF to verify."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from portal.forms import SafeModelChoiceField
from portal.widgets import FastSelect, agency_autocomplete
from signing import images
from signing.models import KeyKind, SigningKey

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def _read_png(upload: UploadedFile | None, label: str) -> bytes:
    if not upload:
        return b""
    if upload.size and upload.size > MAX_IMAGE_BYTES:
        raise forms.ValidationError(f"{label} lớn quá 2 MB.")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    try:
        images.check_png(data)
    except ValueError as exc:
        raise forms.ValidationError(f"{label}: {exc}") from exc
    return data


class SigningKeyForm(forms.ModelForm):
    agency = SafeModelChoiceField(label=_("Đơn vị"), queryset=Agency.objects.all(), widget=agency_autocomplete())
    seal_upload = forms.FileField(
        label=_("Hình con dấu (PNG nền trong suốt, màu đỏ)"),
        required=False,
        help_text=_("Để trống để giữ hình đang dùng; đơn vị chưa có hình thì dùng hình mẫu tạo tự động."),
    )
    signature_upload = forms.FileField(
        label=_("Hình chữ ký của người ký (PNG nền trong suốt, màu xanh)"),
        required=False,
        help_text=_("Để trống để giữ hình đang dùng; đơn vị chưa có hình thì dùng hình mẫu tạo tự động."),
    )

    class Meta:
        model = SigningKey
        fields = ["agency", "kind", "pkcs12_path", "pkcs11_module", "token_label", "key_label", "pin_env", "pin_file"]
        fields += ["active"]
        widgets = {"kind": FastSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pkcs11_module"].widget.attrs["placeholder"] = settings.SIGNING_PKCS11_MODULE
        if self.instance.pk:
            self.fields["agency"].disabled = True

    def clean_pin_env(self) -> str:
        value = self.cleaned_data["pin_env"].strip()
        if value and not ENV_NAME.match(value):
            raise forms.ValidationError(_("Tên biến môi trường chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới."))
        return value

    def clean_agency(self) -> Agency:
        agency = self.cleaned_data["agency"]
        taken = SigningKey.objects.filter(agency=agency).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Đơn vị này đã có khóa ký số; hãy sửa khóa đó."))
        return agency

    def clean_seal_upload(self) -> bytes:
        return _read_png(self.cleaned_data.get("seal_upload"), "Hình con dấu")

    def clean_signature_upload(self) -> bytes:
        return _read_png(self.cleaned_data.get("signature_upload"), "Hình chữ ký")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == KeyKind.PKCS12 and not data.get("pkcs12_path"):
            self.add_error("pkcs12_path", _("Hãy nhập đường dẫn tệp PKCS#12 trên máy chủ."))
        if kind == KeyKind.PKCS11:
            for name in ("token_label", "key_label"):
                if not data.get(name):
                    self.add_error(name, _("Hãy nhập nhãn token và nhãn khóa."))
        if not data.get("pin_env") and not data.get("pin_file"):
            self.add_error(
                "pin_env",
                _("Hãy cho biết mã PIN nằm ở đâu: tên biến môi trường hoặc đường dẫn tệp bí mật (không nhập mã PIN)."),
            )
        return data


class TrustRootForm(forms.Form):
    name = forms.CharField(label=_("Tên gọi"), max_length=200, required=False)
    certificate = forms.FileField(label=_("Tệp chứng thư gốc (.cer, .crt, .pem)"))

    def clean_certificate(self) -> bytes:
        upload = self.cleaned_data["certificate"]
        if upload.size and upload.size > 64 * 1024:
            raise forms.ValidationError(_("Tệp chứng thư lớn bất thường (quá 64 KB)."))
        data = upload.read(64 * 1024 + 1)
        from signing.services import load_certificate

        try:
            load_certificate(data)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=_("Tệp PDF cần kiểm tra"))

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size and upload.size > limit:
            raise forms.ValidationError(_("Tệp lớn quá giới hạn cho phép."))
        data = upload.read(limit + 1)
        if not data.lstrip()[:5] == b"%PDF-":
            raise forms.ValidationError(_("Tệp không phải PDF. Hãy chọn tệp văn bản điện tử dạng PDF."))
        return data
