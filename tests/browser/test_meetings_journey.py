"""Browser journey of a clerk (văn thư): record a review meeting of a regulation, finalise its minutes,
download the PDF, and see the regulation's review dates move. Every page visited goes through check_page."""

from __future__ import annotations

import datetime

import pytest

from meetings.models import Meeting, MeetingState, OfficialDocument
from regulations.models import Regulation
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser


def test_clerk_records_review_and_finalises_minutes(page, world, login, check_page):
    regulation = RegulationFactory(
        host_agency=world.vks_ks,
        number="01/QCPH-VKSKS",
        title="Quy chế phối hợp trong giải quyết tin báo tội phạm",
        signed_on=datetime.date(2021, 1, 10),
    )
    regulation.refresh_from_db()
    due_before = regulation.next_review_due
    other = MeetingFactory(
        host_agency=world.vks_ks, title="Họp liên ngành về vụ án trộm cắp", starts_at=aware(2024, 3, 12, 14)
    )
    DirectiveFactory(meeting=other, number=1, text="Bổ sung chứng cứ", deadline=datetime.date(2024, 4, 1))

    login(page, world.ks_clerk)
    page.goto("/hoi-nghi/")
    check_page(page, "meetings-list")
    page.click("text=Ghi nhận cuộc họp")
    check_page(page, "meetings-create")
    page.select_option("#id_kind", "interim_review")
    page.fill("#id_title", "Sơ kết 3 năm thực hiện Quy chế phối hợp 01/QCPH-VKSKS")
    page.fill("#id_starts_at", "2024-03-05T08:00")
    page.fill("#id_ends_at", "2024-03-05T11:00")
    page.fill("#id_place", "Hội trường Viện kiểm sát nhân dân huyện Khánh Sơn")
    page.select_option("#id_host_agency", str(world.vks_ks.pk))
    page.select_option("#id_regulations", str(regulation.pk))
    page.select_option("#id_state", "planned")  # the review is marked held below, from the meeting page
    page.fill("#id_attendees-0-full_name", "Nguyễn Đức Thắng")
    page.select_option("#id_attendees-0-role", "chair")
    page.click("[data-formset-add=attendees]")
    page.fill("#id_attendees-1-full_name", "Phạm Thị Hương")
    page.select_option("#id_attendees-1-role", "secretary")
    page.fill("#id_directives-0-number", "1")
    page.fill("#id_directives-0-text", "Rà soát, đề xuất sửa đổi quy chế")
    page.fill("#id_directives-0-deadline", "2024-06-30")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    meeting = Meeting.objects.get(title__startswith="Sơ kết 3 năm")
    assert page.url.endswith(f"/hoi-nghi/{meeting.pk}/")
    assert meeting.attendees.count() == 2 and meeting.directives.count() == 1
    check_page(page, "meetings-detail-planned")
    page.goto(f"/hoi-nghi/{meeting.pk}/sua/")
    assert page.input_value("#id_attendees-1-full_name") == "Phạm Thị Hương"
    check_page(page, "meetings-edit")
    page.goto(f"/hoi-nghi/{meeting.pk}/")

    with page.expect_navigation():
        page.click("button[name=state][value=held]")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD

    page.click("text=Soạn biên bản")
    check_page(page, "meetings-document-form")
    page.fill("#id_body", "Hội nghị đánh giá kết quả 3 năm thực hiện quy chế.")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    with page.expect_navigation():
        page.click("text=Ban hành, cấp số")
    check_page(page, "meetings-confirm-finalise")
    with page.expect_navigation():
        page.click("text=Xác nhận ban hành, cấp số")
    check_page(page, "meetings-detail-finalised")
    assert page.locator("text=Soạn biên bản").count() == 0  # issued: only a correction changes it
    document = OfficialDocument.objects.get(meeting=meeting, doc_type="BB")
    assert document.number_display == "01/BB-VKSKS"
    assert "01/BB-VKSKS" in page.content()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.MINUTES_FINALISED

    response = page.request.get(f"/hoi-nghi/{meeting.pk}/van-ban/BB/in/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    regulation = Regulation.objects.get(pk=regulation.pk)
    assert regulation.last_review_on == datetime.date(2024, 3, 5)
    assert regulation.next_review_due != due_before and regulation.next_review_due > datetime.date(2024, 3, 5)
    page.goto(f"/quy-che/{regulation.pk}/")
    assert regulation.next_review_due.strftime("%d/%m/%Y") in page.content()

    page.goto("/hoi-nghi/nhiem-vu/")
    check_page(page, "meetings-directives")
    page.goto("/hoi-nghi/lich/?view=month&date=2024-03-05")
    assert "Sơ kết 3 năm" in page.content()
    check_page(page, "meetings-calendar-month")
    page.goto("/hoi-nghi/lich/?view=week&date=2024-03-12")
    check_page(page, "meetings-calendar-week")
    page.goto("/hoi-nghi/lich/dang-ky/")
    check_page(page, "meetings-feed")
    page.goto(f"/co-quan/{world.vks_ks.pk}/")
    assert "Sơ kết 3 năm" in page.content()
