"""Signing at issue (PAdES with pyHanko), through a PKCS#12 file and a SoftHSM2 token (PKCS#11);
failures leave the document unissued with its register's number unused."""

from __future__ import annotations

import datetime
import io

import pypdfium2
import pytest
from pyhanko.sign.validation.status import SignatureCoverageLevel

from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.models import DocumentStatus, NumberSequence
from signing import pki, services
from signing.models import SigningKey, VerificationCode
from signing.verification import verify_pdf
from tests.signing.conftest import make_pkcs12_key
from tests.signing.helpers import notice_draft, pyhanko_status, stored_pdf

pytestmark = pytest.mark.django_db


def _page_text(data: bytes, index: int) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[index].get_textpage().get_text_range()
    finally:
        document.close()


def test_issued_notice_is_signed_pades_and_validates_with_pyhanko(world, pkcs12_key) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=world.ks_clerk)
    data = stored_pdf(document)
    status = pyhanko_status(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == world.vks_ks.name
    assert status.signing_cert.subject.native["organization_name"] == world.vks_ks.name
    assert b"/ETSI.CAdES.detached" in data  # PAdES baseline, not the legacy adbe.pkcs7 profile
    assert status.timestamp_validity is None  # B-B: no timestamp server configured
    # The verification code and the QR code's link are printed on the first page.
    code = VerificationCode.objects.get(document=document)
    first_page = _page_text(data, 0)
    assert f"Mã xác thực: {code.display}" in first_page
    assert f"/ky-so/xac-thuc/{code.code}/" in first_page
    report = verify_pdf(data)
    assert [(s.verdict, s.unit) for s in report.signatures] == [("ok", world.vks_ks.name)]
    assert report.signatures[0].signed_at.endswith("+07:00")


def test_signature_sits_in_the_signature_block_of_the_last_page(world, pkcs12_key) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    data = stored_pdf(document)
    pdf = pypdfium2.PdfDocument(data)
    try:
        last = len(pdf) - 1
        page = pdf[last]
        text = page.get_textpage()
        searcher = text.search("Nguyễn Đức Thắng", match_case=True)
        hits = []
        while (hit := searcher.get_next()) is not None:
            hits.append(hit)
        start, _count = hits[-1]  # the printed name under the signature (the opening names the chair too)
        name_left, _b, _r, name_top = text.get_charbox(start)
    finally:
        pdf.close()
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    x1, y1, x2, y2 = (float(v) for v in signature.sig_field["/Rect"])
    assert y1 >= name_top  # above the printed name, never over it
    assert x1 < name_left < x2  # over the name's column
    assert signature.sig_field["/P"].get_object() == reader.root["/Pages"]["/Kids"][last].get_object()


def test_one_changed_byte_is_reported_as_modified(world, pkcs12_key) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    data = bytearray(stored_pdf(document))
    # A byte inside the page content (a compressed stream, so the file still parses).
    offset = data.index(b"stream\n", 2000) + 100
    data[offset] ^= 0x01
    assert not pyhanko_status(bytes(data)).intact
    (signature,) = verify_pdf(bytes(data)).signatures
    assert signature.verdict == "bad" and not signature.intact
    assert "đã bị sửa đổi sau khi ký" in signature.summary


def _next_number(document) -> str:
    return meeting_selectors.next_serial(document)


def test_wrong_pin_leaves_the_document_unissued_and_the_number_unused(world, pkcs12_key, monkeypatch) -> None:
    document = notice_draft(world.vks_ks)
    before = _next_number(document)
    monkeypatch.setenv("PORTAL_TEST_PIN", "000000")
    with pytest.raises(services.SigningError) as raised:
        meeting_services.finalise_document(document, user=world.ks_clerk)
    assert "Sai mật khẩu (mã PIN)" in raised.value.messages[0]
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and document.serial is None and not document.pdf
    assert _next_number(document) == before
    assert not NumberSequence.objects.filter(agency=world.vks_ks, last_serial__gt=0).exists()
    assert not VerificationCode.objects.filter(document=document).exists()
    # With the right PIN the same document takes that very number.
    monkeypatch.setenv("PORTAL_TEST_PIN", "123456")
    issued = meeting_services.finalise_document(document, user=world.ks_clerk)
    assert issued.number_display == before


def test_wrong_pin_through_the_issue_page_says_why_in_vietnamese(world, pkcs12_key, client_for, monkeypatch) -> None:
    document = notice_draft(world.vks_ks)
    monkeypatch.setenv("PORTAL_TEST_PIN", "000000")
    client = client_for(world.ks_clerk)
    response = client.post(f"/hoi-nghi/van-ban/{document.pk}/ban-hanh/", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Chưa ban hành: không ký số được văn bản. Sai mật khẩu (mã PIN)" in text
    assert "Đã ban hành" not in text
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


def test_expired_certificate_is_refused(world, trust_test_ca, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_TEST_PIN", "123456")
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    make_pkcs12_key(world.vks_ks, trust_test_ca, tmp_path, valid_from=start, valid_to=start.replace(year=2021))
    document = notice_draft(world.vks_ks)
    with pytest.raises(services.SigningError) as raised:
        meeting_services.finalise_document(document, user=None)
    assert "Chứng thư số của đơn vị đã hết hạn từ ngày" in raised.value.messages[0]
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and document.serial is None


def test_missing_pin_variable_and_missing_key_file_are_refused(world, pkcs12_key, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_TEST_PIN")
    with pytest.raises(services.SigningError, match="PORTAL_TEST_PIN"):
        meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    monkeypatch.setenv("PORTAL_TEST_PIN", "123456")
    SigningKey.objects.filter(pk=pkcs12_key.pk).update(pkcs12_path="/khong/co/tep.p12")
    with pytest.raises(services.SigningError, match="Không tìm thấy tệp khóa"):
        meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)


def test_pin_from_a_secret_file(world, pkcs12_key, tmp_path) -> None:
    secret = tmp_path / "pin"
    secret.write_text("123456\n")
    SigningKey.objects.filter(pk=pkcs12_key.pk).update(pin_env="", pin_file=str(secret))
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    assert pyhanko_status(stored_pdf(document)).intact


def test_softhsm_token_signs_through_pkcs11(world, token_key) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    status = pyhanko_status(stored_pdf(document))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa"


def test_softhsm_wrong_pin_and_absent_token_leave_the_document_unissued(world, token_key, monkeypatch) -> None:
    document = notice_draft(world.vks_ks)
    before = _next_number(document)
    monkeypatch.setenv("PORTAL_TEST_PIN", "999999")
    with pytest.raises(services.SigningError, match="Sai mã PIN của token"):
        meeting_services.finalise_document(document, user=None)
    monkeypatch.setenv("PORTAL_TEST_PIN", "123456")
    SigningKey.objects.filter(pk=token_key.pk).update(token_label="token-da-rut")
    with pytest.raises(services.SigningError, match="Không tìm thấy token ký số"):
        meeting_services.finalise_document(document, user=None)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and _next_number(document) == before


def test_drafts_are_never_signed(world, pkcs12_key, client_for) -> None:
    document = notice_draft(world.vks_ks)
    response = client_for(world.ks_clerk).get(f"/hoi-nghi/van-ban/{document.pk}/pdf/")
    assert response.status_code == 200
    data = response.content
    assert verify_pdf(data).signatures == []
    assert "Mã xác thực" not in _page_text(data, 0)


def test_a_unit_without_a_key_issues_unsigned_pdfs_with_their_code(world) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    data = stored_pdf(document)
    assert verify_pdf(data).signatures == []
    text = _page_text(data, 0)
    assert "Mã xác thực:" in text and "Bản điện tử không có chữ ký số." in text


def test_a_document_issued_before_its_pdf_is_signed_when_first_downloaded(world, pkcs12_key, client_for) -> None:
    """Issued without rendering (the demo, or a render that failed): the first download renders and
    signs through the same function."""
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None, render=False)
    assert not document.pdf
    response = client_for(world.ks_staff).get(f"/hoi-nghi/van-ban/{document.pk}/pdf/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert pyhanko_status(data).intact


def test_b_t_when_a_timestamp_server_is_configured(world, pkcs12_key, monkeypatch) -> None:
    """PAdES B-T: a timestamp token over the signature. A local TSA stands in for the server."""
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa_ca = pki.make_ca("TSA kiểm thử")
    tsa = pki.issue_unit_certificate(tsa_ca, "Máy chủ dấu thời gian kiểm thử", timestamping=True)
    stamper = DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(tsa.certificate),
        tsa_key=translate_pyca_cryptography_key_to_asn1(tsa.key),
        certs_to_embed=None,
    )
    monkeypatch.setattr(services, "_timestamper", lambda: stamper)
    services.add_trust_root(pki.pem(tsa_ca.certificate))
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None)
    status = pyhanko_status(stored_pdf(document))
    assert status.intact and status.timestamp_validity is not None and status.timestamp_validity.intact
    assert verify_pdf(stored_pdf(document)).signatures[0].timestamped


def test_a_signing_failure_on_first_download_is_said_and_nothing_is_stored(
    world, pkcs12_key, client_for, monkeypatch
) -> None:
    document = meeting_services.finalise_document(notice_draft(world.vks_ks), user=None, render=False)
    monkeypatch.setenv("PORTAL_TEST_PIN", "000000")
    client = client_for(world.ks_staff)
    response = client.get(f"/hoi-nghi/van-ban/{document.pk}/pdf/", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Không ký số được văn bản. Sai mật khẩu (mã PIN)" in text and "Chưa ban hành" not in text
    document.refresh_from_db()
    assert not document.pdf
