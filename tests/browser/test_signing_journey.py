"""Browser journey of signed documents: a clerk issues a notice (signed at issue with the unit's
PKCS#12 key), downloads its PDF, and checks it on the verification page; the printed verification
code opens the document's verification. At desktop and phone size."""

from __future__ import annotations

import subprocess

import pytest

from meetings.models import OfficialDocument
from signing.models import VerificationCode
from tests.browser.conftest import ARTIFACTS
from tests.signing.conftest import pkcs12_key, test_ca, trust_test_ca  # noqa: F401 - fixtures
from tests.signing.helpers import notice_draft

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_issue_download_and_verify_a_signed_notice(page, world, login, check_page, pkcs12_key, size) -> None:  # noqa: F811
    if size == "phone":
        page.set_viewport_size(PHONE)
    draft = notice_draft(world.vks_ks)
    login(page, world.ks_clerk)
    page.goto(f"/hoi-nghi/{draft.meeting_id}/")
    with page.expect_navigation():
        page.click("a:has-text('Ban hành, cấp số')")
    with page.expect_navigation():
        page.click("text=Xác nhận ban hành, cấp số")
    notice = OfficialDocument.objects.get(pk=draft.pk)
    assert f"Đã ban hành văn bản số {notice.number_display}" in page.content()

    # Download it as the user would (the "Tải PDF" link of the issued notice).
    href = page.locator("a:has-text('Tải PDF')").first.get_attribute("href")
    download = page.request.get(href)
    assert download.status == 200
    pdf = download.body()
    pdf_path = ARTIFACTS / "screenshots" / f"signing-notice-{size}.pdf"
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.write_bytes(pdf)
    # Both pages as PNG, to look at the seal, signature and the verification code in the margin.
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf_path), str(pdf_path.with_suffix(""))], check=True)

    page.click("nav >> text=Kiểm tra chữ ký số") if size == "desktop" else page.goto("/ky-so/kiem-tra/")
    page.set_input_files("#id_pdf", files=[{"name": "thong-bao.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Kiểm tra')")
    content = page.content()
    assert "Hợp lệ" in content and "Nguyên vẹn, chữ ký hợp lệ" in content
    assert world.vks_ks.name in content and "+07:00" in content
    check_page(page, f"signing-verify-{size}")

    # The code printed on the document opens its verification in the portal.
    code = VerificationCode.objects.get(document=notice)
    page.goto("/ky-so/kiem-tra/")
    page.fill("#f-ma", code.display)
    with page.expect_navigation():
        page.click("text=Tra mã")
    assert notice.number_display in page.content() and "Bản lưu trên Cổng" in page.content()
    check_page(page, f"signing-code-{size}")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_supreme_admin_gives_a_unit_a_signing_key(page, world, login, check_page, size) -> None:
    from tests.browser.conftest import choose

    if size == "phone":
        page.set_viewport_size(PHONE)
    login(page, world.supreme_admin)
    page.goto("/ky-so/cau-hinh/")
    assert "Chưa đơn vị nào có khóa ký số" in page.content()
    check_page(page, f"signing-config-empty-{size}")
    with page.expect_navigation():
        page.click("text=Thêm khóa ký số của đơn vị")
    choose(page, "id_agency", world.vks_hg.name)
    page.fill("#id_pkcs12_path", "/srv/portal/keys/VKS-HG.p12")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Lưu')")
    # No PIN location yet: refused with a Vietnamese message, what was typed is kept.
    assert "Hãy cho biết mã PIN nằm ở đâu" in page.content()
    assert page.input_value("#id_pkcs12_path") == "/srv/portal/keys/VKS-HG.p12"
    check_page(page, f"signing-key-form-errors-{size}")
    page.fill("#id_pin_env", "SIGNING_PIN_VKSHG")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Lưu')")
    content = page.content()
    assert f"Đã lưu khóa ký số của {world.vks_hg.name}" in content and "SIGNING_PIN_VKSHG" in content
    check_page(page, f"signing-config-{size}")
