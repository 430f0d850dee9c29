"""Pages of digital signatures: the settings page of the supreme admin (keys per unit, trust roots),
the verification page (upload a PDF) and the page a document's verification code opens."""

from __future__ import annotations

import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import access, params
from portal.http import AuthenticatedHttpRequest
from signing import images, selectors, services
from signing.forms import SigningKeyForm, TrustRootForm, VerifyForm
from signing.models import SigningKey, TrustRoot
from signing.verification import verify_pdf


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else ""


def _upload_name(request: AuthenticatedHttpRequest) -> str:
    return getattr(request.FILES.get("pdf"), "name", "") or ""


@login_required
def config(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ký số: the units that sign, where their keys are, and the trust roots."""
    access.require_supreme_admin(request.user)
    rows = [
        {"key": key, "seal": _data_uri(bytes(key.seal_image)), "signature": _data_uri(bytes(key.signature_image))}
        for key in selectors.keys()
    ]
    return render(
        request,
        "signing/config.html",
        {"rows": rows, "roots": selectors.roots(), "root_form": TrustRootForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a unit's key (``?khoa=`` absent) or change one (``?khoa=<id>``)."""
    access.require_supreme_admin(request.user)
    key_id = params.int_param(request.GET.get("khoa"))
    key = get_object_or_404(SigningKey.objects.select_related("agency"), pk=key_id) if key_id else None
    form = SigningKeyForm(request.POST or None, request.FILES or None, instance=key)
    agency = form.cleaned_data.get("agency") if form.is_bound and form.is_valid() else None
    agency = agency or (key.agency if key is not None else None)
    if request.method == "POST" and form.is_valid() and agency is not None:
        data = dict(form.cleaned_data)
        data["seal_image"] = data.pop("seal_upload") or (
            b"" if key and key.seal_image else images.seal_png(agency.name, agency.place_name)
        )
        data["signature_image"] = data.pop("signature_upload") or (
            b"" if key and key.signature_image else images.signature_png(agency.code)
        )
        services.save_key(user=request.user, agency=agency, data=data, key=key)
        messages.success(request, _("Đã lưu khóa ký số của %(unit)s.") % {"unit": agency.name})
        return redirect("signing:config")
    return render(
        request,
        "signing/key_form.html",
        {
            "form": form,
            "key": key,
            "seal": _data_uri(bytes(key.seal_image)) if key else "",
            "signature": _data_uri(bytes(key.signature_image)) if key else "",
        },
    )


@login_required
@require_POST
def root_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_supreme_admin(request.user)
    form = TrustRootForm(request.POST, request.FILES)
    if form.is_valid():
        root = services.add_trust_root(form.cleaned_data["certificate"], form.cleaned_data["name"])
        messages.success(request, _("Đã thêm chứng thư gốc tin cậy: %(name)s.") % {"name": root.name})
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("Chưa thêm được chứng thư gốc: %(e)s") % {"e": " ".join(errors)})
    return redirect("signing:config")


@login_required
@require_POST
def root_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_supreme_admin(request.user)
    root = TrustRoot.objects.filter(pk=params.int_param(request.POST.get("id")) or 0).first()
    if root is not None:
        root.delete()
        messages.success(request, _("Đã bỏ chứng thư gốc: %(name)s.") % {"name": root.name})
    return redirect("signing:config")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Any signed-in user: upload a PDF and read its signatures; or type a verification code."""
    code = request.GET.get("ma", "").strip()
    if code:
        return redirect("signing:code", code=services.normalise_code(code)[:16] or "0")
    form = VerifyForm(request.POST or None, request.FILES or None)
    report = None
    filename = ""
    if request.method == "POST" and form.is_valid():
        report = verify_pdf(form.cleaned_data["pdf"])
        filename = _upload_name(request)
    return render(request, "signing/verify.html", {"form": form, "report": report, "filename": filename})


@login_required
@require_http_methods(["GET", "POST"])
def code(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """What a verification code (or its QR code) opens: the document's record, the check of the
    stored signed PDF, and a comparison with a file the user received."""
    document = selectors.document_by_code(request.user, code)
    stored = b""
    if document.pdf:
        with document.pdf.open("rb") as handle:
            stored = handle.read()
    report = verify_pdf(stored) if stored else None
    form = VerifyForm(request.POST or None, request.FILES or None)
    received = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["pdf"]
        same = bool(stored) and hashlib.sha256(data).digest() == hashlib.sha256(stored).digest()
        received = {"same": same, "report": None if same else verify_pdf(data), "name": _upload_name(request)}
    return render(
        request,
        "signing/code.html",
        {
            "doc": document,
            "code": document.verification,
            "report": report,
            "sha256": hashlib.sha256(stored).hexdigest() if stored else "",
            "form": form,
            "received": received,
            "pdf_url": reverse("meetings:document_pdf", args=[document.pk]),
        },
    )
