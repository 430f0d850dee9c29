"""Browser journey: staff delete a planned meeting after confirming it."""

import pytest

from meetings.models import Meeting
from tests.meetings.factories import MeetingFactory


@pytest.mark.browser
def test_staff_delete_a_meeting_after_confirming(page, world, login, check_page):
    meeting = MeetingFactory(host_agency=world.vks_ks, title="Họp liên ngành dự kiến tháng 12")
    login(page, world.ks_staff)
    page.goto(f"/hoi-nghi/{meeting.pk}/")
    page.get_by_role("link", name="Xóa cuộc họp").click()
    page.wait_for_url(f"**/hoi-nghi/{meeting.pk}/xoa/")
    assert page.get_by_role("heading", name="Xóa cuộc họp?").is_visible()
    check_page(page, "meetings-confirm-delete")
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    page.get_by_role("button", name="Xóa cuộc họp").click()
    page.wait_for_url("**/hoi-nghi/")
    assert page.get_by_text("Đã xóa hội nghị, cuộc họp.").is_visible()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
