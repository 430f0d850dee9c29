"""Pages of signing: verification (any signed-in user), the verification code page (scoped like its
document), the supreme admin's settings page, the badge of signed originals, the Word copy's footer,
and the demo keys command."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from meetings import services as meeting_services
from regulations.models import Original, OriginalKind
from signing.models import SigningKey, TrustRoot, VerificationCode
from tests.regulations.factories import RegulationFactory
from tests.signing.helpers import notice_draft, stored_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world, pkcs12_key):
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    return document, stored_pdf(document)


def _upload(data: bytes, name: str = "van-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_verification_page_reports_intact_and_modified_files(world, signed, client_for) -> None:
    _document, data = signed
    client = client_for(world.hg_staff)  # any signed-in user, of any unit
    page = client.get("/ky-so/kiem-tra/")
    assert page.status_code == 200 and "Tệp PDF cần kiểm tra" in page.content.decode()
    text = client.post("/ky-so/kiem-tra/", {"pdf": _upload(data)}).content.decode()
    assert "Hợp lệ" in text and "Nguyên vẹn, chữ ký hợp lệ" in text
    assert world.vks_ks.name in text and "+07:00" in text and "dẫn tới chứng thư gốc tin cậy" in text
    broken = bytearray(data)
    broken[broken.index(b"stream\n", 2000) + 100] ^= 1
    text = client.post("/ky-so/kiem-tra/", {"pdf": _upload(bytes(broken))}).content.decode()
    assert "Không hợp lệ" in text and "Văn bản đã bị sửa đổi sau khi ký" in text


def test_verification_page_refuses_what_is_not_a_pdf(world, client_for) -> None:
    client = client_for(world.ks_staff)
    response = client.post("/ky-so/kiem-tra/", {"pdf": _upload(b"PK\x03\x04 not a pdf", "a.docx")})
    assert response.status_code == 200
    assert "Tệp không phải PDF" in response.content.decode()
    response = client.post("/ky-so/kiem-tra/", {"pdf": _upload(b"%PDF-1.7\n garbage")})
    assert response.status_code == 200 and "không phải PDF đọc được" in response.content.decode()
    unsigned = client.post("/ky-so/kiem-tra/", {})
    assert unsigned.status_code == 200 and "This field" not in unsigned.content.decode()


def test_code_page_opens_the_document_in_scope_only(world, signed, client_for) -> None:
    document, data = signed
    code = VerificationCode.objects.get(document=document)
    url = f"/ky-so/xac-thuc/{code.code}/"
    owner = client_for(world.ks_staff)
    text = owner.get(url).content.decode()
    assert document.number_display in text and "Nguyên vẹn, chữ ký hợp lệ" in text
    assert hashlib.sha256(data).hexdigest() in text
    # The code typed with a dash and in lower case finds it too.
    assert owner.get(f"/ky-so/kiem-tra/?ma={code.display.lower()}")["Location"] == url
    same = owner.post(url, {"pdf": _upload(data)}).content.decode()
    assert "trùng khớp hoàn toàn với bản lưu" in same
    other = owner.post(url, {"pdf": _upload(data + b"\n%extra\n")}).content.decode()
    assert "không phải bản lưu trên Cổng" in other
    assert client_for(world.hg_staff).get(url).status_code == 404
    assert owner.get("/ky-so/xac-thuc/KHONGCO1/").status_code == 404


def test_settings_page_is_the_supreme_admins_and_stores_no_pin(world, client_for) -> None:
    assert client_for(world.ks_admin).get("/ky-so/cau-hinh/").status_code == 403
    admin = client_for(world.supreme_admin)
    assert admin.get("/ky-so/cau-hinh/").status_code == 200
    bad = admin.post("/ky-so/cau-hinh/khoa/", {"agency": world.vks_hg.pk, "kind": "pkcs12", "pin_env": "1 sai"})
    text = bad.content.decode()
    assert bad.status_code == 200 and "Hãy nhập đường dẫn tệp PKCS#12" in text and "Tên biến môi trường" in text
    response = admin.post(
        "/ky-so/cau-hinh/khoa/",
        {"agency": world.vks_hg.pk, "kind": "pkcs12", "pkcs12_path": "/srv/keys/hg.p12", "pin_env": "PIN_VKSHG"},
    )
    assert response.status_code == 302
    key = SigningKey.objects.get(agency=world.vks_hg)
    assert key.pin_env == "PIN_VKSHG" and key.seal_image and key.signature_image  # generated images
    assert not any(f.name in ("pin", "password") for f in SigningKey._meta.fields)
    page = admin.get("/ky-so/cau-hinh/").content.decode()
    assert world.vks_hg.name in page and "PIN_VKSHG" in page and "data:image/png;base64," in page


def test_trust_roots_are_added_and_removed_on_the_settings_page(world, client_for, test_ca) -> None:
    from signing import pki

    admin = client_for(world.supreme_admin)
    cert = SimpleUploadedFile("goc.pem", pki.pem(test_ca.certificate))
    admin.post("/ky-so/cau-hinh/chung-thu-goc/them/", {"name": "Gốc kiểm thử", "certificate": cert})
    root = TrustRoot.objects.get()
    assert root.name == "Gốc kiểm thử"
    junk = SimpleUploadedFile("goc.pem", b"not a certificate")
    page = admin.post("/ky-so/cau-hinh/chung-thu-goc/them/", {"certificate": junk}, follow=True).content.decode()
    assert "không phải chứng thư số X.509" in page
    admin.post("/ky-so/cau-hinh/chung-thu-goc/bo/", {"id": root.pk})
    assert not TrustRoot.objects.exists()


def test_signed_original_shows_a_badge_on_the_regulation_page(world, signed, client_for) -> None:
    _document, data = signed
    regulation = RegulationFactory(host_agency=world.vks_ks)
    for name, content in (("ban-ky.pdf", data), ("ban-scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")):
        original = Original(
            regulation=regulation,
            kind=OriginalKind.SIGNED_SCAN,
            original_name=name,
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        original.file.save(name, ContentFile(content), save=True)
    client = client_for(world.ks_staff)
    text = client.get(f"/quy-che/{regulation.pk}/").content.decode()
    assert text.count("Có chữ ký số hợp lệ") == 1 and world.vks_ks.name in text
    # Checked once: the second view reads the stored result.
    from signing.models import OriginalSignatureCheck

    assert OriginalSignatureCheck.objects.count() == 2
    assert client.get(f"/quy-che/{regulation.pk}/").content.decode().count("Có chữ ký số hợp lệ") == 1


def test_word_copy_of_an_issued_document_says_it_is_unsigned(world, signed, client_for) -> None:
    document, _data = signed
    response = client_for(world.ks_staff).get(f"/hoi-nghi/van-ban/{document.pk}/word/")
    data = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    footer = " ".join(p.text for p in Document(io.BytesIO(data)).sections[0].footer.paragraphs)
    code = VerificationCode.objects.get(document=document)
    assert "không có chữ ký số" in footer and code.display in footer and world.vks_ks.name in footer


def test_demo_keys_command_configures_every_procuracy_and_refuses_production(world, settings, tmp_path) -> None:
    call_command("create_demo_signing_keys", dir=str(tmp_path), stdout=io.StringIO())
    keys = SigningKey.objects.select_related("agency")
    assert {k.agency.code for k in keys} >= {world.vks_ks.code, world.vks_hg.code, world.vks_tc.code}
    assert all((tmp_path / f"{k.agency.code}.p12").exists() and k.pin_file for k in keys)
    assert TrustRoot.objects.count() == 1
    call_command("create_demo_signing_keys", dir=str(tmp_path), stdout=io.StringIO())  # again: nothing twice
    assert TrustRoot.objects.count() == 1
    settings.SETTINGS_MODULE = "portal.settings.production"
    with pytest.raises(CommandError, match="production"):
        call_command("create_demo_signing_keys", dir=str(tmp_path / "x"))
