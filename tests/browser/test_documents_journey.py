"""Browser journey of a clerk (văn thư) through Decree 30 corrections: issue a notice (after the
confirmation), correct it by a correction letter, replace it by a new notice; the meeting page and
the register show the chain, and the first number is never given again."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from meetings.models import DocumentStatus, MeetingState, OfficialDocument
from tests.meetings.factories import AttendeeFactory, DirectiveFactory, MeetingFactory, aware

pytestmark = pytest.mark.browser


def _issue(page, check_page, name: str) -> None:
    with page.expect_navigation():
        page.click("a:has-text('Ban hành, cấp số')")
    assert "Số văn bản là vĩnh viễn" in page.content()
    check_page(page, name)
    with page.expect_navigation():
        page.click("text=Xác nhận ban hành, cấp số")


def test_clerk_issues_corrects_and_replaces_a_notice(page, world, login, check_page):
    today = timezone.localdate()
    meeting = MeetingFactory(
        host_agency=world.vks_ks,
        state=MeetingState.HELD,
        title="Họp liên ngành về tin báo tội phạm",
        starts_at=aware(today.year, 1, 2, 8),
    )
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Đức Thắng", position="Viện trưởng", role="chair")
    DirectiveFactory(
        meeting=meeting,
        number=1,
        text="Rà soát toàn bộ tin báo tồn đọng.",
        assigned_agency=world.vks_ks,
        deadline=datetime.date(today.year, 2, 5),
    )
    login(page, world.ks_clerk)
    page.goto(f"/hoi-nghi/{meeting.pk}/")
    page.click("text=Soạn thông báo kết luận")
    assert "Đoạn mở đầu" in page.content()
    page.fill("#id_body", "Các đơn vị đã phối hợp chặt chẽ.")
    page.fill("#id_recipients_filed", "VT, HS.")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    _issue(page, check_page, "documents-confirm-finalise")
    notice = OfficialDocument.objects.get(meeting=meeting, doc_type="TB")
    first_number = notice.number_display
    assert first_number == "01/TB-VKSKS" and first_number in page.content()

    # Error of form: a correction letter.
    with page.expect_navigation():
        page.click(f"a:has-text('Đính chính {first_number}')")
    check_page(page, "documents-confirm-correct")
    assert OfficialDocument.objects.filter(corrects=notice).count() == 0  # nothing made before confirming
    page.check("input[name=kind][value=letter]")
    with page.expect_navigation():
        page.click("text=Tạo dự thảo đính chính")
    assert "lần 2" not in page.content()
    check_page(page, "documents-correction-form")
    page.fill("#id_body", f"Thông báo số {first_number} in sai ngày họp.\nNay đính chính lại là ngày 02/01.")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    _issue(page, check_page, "documents-confirm-finalise-letter")
    letter = OfficialDocument.objects.get(doc_type="CV", corrects=notice)
    assert letter.number_display == "01/VKSKS"

    # Error of substance: a replacing notice with a new number.
    with page.expect_navigation():
        page.click(f"a:has-text('Đính chính {first_number}')")
    page.check("input[name=kind][value=replacement]")
    with page.expect_navigation():
        page.click("text=Tạo dự thảo đính chính")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    _issue(page, check_page, "documents-confirm-finalise-replacement")
    replacement = OfficialDocument.objects.get(doc_type="TB", corrects=notice)
    assert replacement.number_display == "02/TB-VKSKS" != first_number
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.REPLACED and notice.number_display == first_number

    content = " ".join((page.text_content("main") or "").split())  # numbers sit in their no-wrap spans
    assert "Đã bị thay thế" in content
    assert f"Bị thay thế bởi thông báo {replacement.number_with_date}" in content
    assert f"Được đính chính bởi công văn {letter.number_with_date}" in content
    check_page(page, "documents-meeting-chain")
    old_pdf = page.request.get(f"/hoi-nghi/van-ban/{notice.pk}/pdf/")
    assert old_pdf.status == 200 and old_pdf.body().startswith(b"%PDF")

    page.click("text=Xem sổ đăng ký văn bản")
    content = page.content()
    for number in (first_number, letter.number_display, replacement.number_display):
        assert number in content
    assert content.count(f">{first_number}<") == 1  # the first number is on one document only
    check_page(page, "documents-register")
    assert (
        OfficialDocument.objects.filter(issuing_agency=world.vks_ks, doc_type="TB", year=today.year, serial=1).count()
        == 1
    )
