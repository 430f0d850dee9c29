"""Browser journey: a staff user with a pending reminder sees the bell, reads the notifications,
marks them read and turns e-mail reminders off; an admin looks at the status page."""

from __future__ import annotations

import datetime

import pytest

from meetings.models import MeetingState
from notifications import delivery, scan, services
from tests.meetings.factories import DirectiveFactory
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.browser


def test_staff_reads_reminders_and_turns_mail_off(page, world, login, check_page, monkeypatch):
    monkeypatch.setattr(delivery, "enqueue_email", lambda pk: None)
    monkeypatch.setattr(delivery, "enqueue_after_commit", lambda pk: None)
    today = datetime.date.today()
    RegulationFactory(
        host_agency=world.vks_ks,
        number="01/2023/QCPH-VKSKS-TAKS",
        title="Quy chế phối hợp trong giải quyết án hình sự",
        due=today - datetime.timedelta(days=10),
    )
    DirectiveFactory(
        meeting__host_agency=world.vks_ks,
        meeting__title="Họp liên ngành quý I",
        meeting__state=MeetingState.HELD,
        assigned_agency=world.vks_ks,
        deadline=today + datetime.timedelta(days=2),
    )
    scan.scan_reminders(vn(today.year, today.month, today.day, 7))

    login(page, world.ks_staff)
    bell = page.locator(".notif-bell")
    assert bell.locator(".notif-count").inner_text().startswith("2")
    check_page(page, "notifications-home-bell")

    bell.click()
    page.wait_for_url("**/thong-bao/")
    assert page.locator(".notif-item.unread").count() == 2
    assert page.get_by_text("Quá hạn sơ kết 10 ngày: 01/2023/QCPH-VKSKS-TAKS").is_visible()
    check_page(page, "notifications-list-unread")

    page.locator(".notif-item.unread").first.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_load_state("load")
    assert page.locator(".notif-item.unread").count() == 1
    assert page.locator(".notif-bell .notif-count").inner_text().startswith("1")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    page.wait_for_load_state("load")
    assert page.locator(".notif-item.unread").count() == 0 and page.locator(".notif-bell .notif-count").count() == 0
    check_page(page, "notifications-list-read")

    page.get_by_role("link", name="Cài đặt thông báo").click()
    page.wait_for_url("**/thong-bao/cai-dat/")
    checkbox = page.get_by_label("Nhận thư điện tử nhắc việc")
    assert checkbox.is_checked()
    checkbox.uncheck()
    page.get_by_role("button", name="Lưu cài đặt").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Đã lưu cài đặt thông báo.").is_visible()
    assert not page.get_by_label("Nhận thư điện tử nhắc việc").is_checked()
    check_page(page, "notifications-preferences")
    world.ks_staff.refresh_from_db()
    assert world.ks_staff.email_notifications is False


def test_admin_status_page(page, world, login, check_page, monkeypatch):
    monkeypatch.setattr(delivery, "enqueue_after_commit", lambda pk: None)
    monkeypatch.setattr(delivery, "enqueue_digest", lambda pk: None)
    monkeypatch.setattr(delivery, "enqueue_digest_batches", lambda ids: None)
    started: list[bool] = []
    monkeypatch.setattr(services, "enqueue_scan", lambda: started.append(True) or True)
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date.today())
    scan.scan_reminders()
    login(page, world.ks_admin)
    page.goto("/thong-bao/trang-thai/")
    assert page.get_by_role("heading", name="Trạng thái nhắc việc").is_visible()
    check_page(page, "notifications-status")
    page.get_by_role("button", name="Quét nhắc việc ngay").click()
    page.wait_for_url("**/thong-bao/trang-thai/")
    assert page.get_by_text("Đã đưa lượt quét nhắc việc vào hàng đợi").is_visible()
    assert started == [True]
    check_page(page, "notifications-status-scan-queued")
