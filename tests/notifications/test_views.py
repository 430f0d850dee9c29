"""The bell, the notifications page, mark as read, preferences, the status page."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role
from notifications import scan
from notifications.context_processors import notifications as bell_context
from notifications.models import Notification, ScanRun
from tests.factories import UserFactory
from tests.notifications.factories import vn
from tests.regulations.factories import RegulationFactory


def notify(user, n: int = 1, read: bool = False) -> list[Notification]:
    return [
        Notification.objects.create(
            user=user,
            title=f"Quá hạn sơ kết {i}: 0{i}/2022/QCPH",
            body="Đề nghị sơ kết.",
            url="/",
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    ]


def test_bell_count_is_one_query_and_only_for_signed_in_users(world, django_assert_num_queries):
    notify(world.ks_staff, 3)
    notify(world.ks_staff, 2, read=True)
    notify(world.ks_clerk, 4)
    request = RequestFactory().get("/")
    request.user = world.ks_staff
    with django_assert_num_queries(1):
        assert bell_context(request) == {"NOTIFICATIONS_UNREAD": 3}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert bell_context(request) == {}


def test_bell_in_header(world, client_for):
    notify(world.ks_staff, 2)
    html = client_for(world.ks_staff).get("/thong-bao/").content.decode()
    assert 'class="notif-count">2<' in html and 'href="/thong-bao/"' in html


def test_list_is_scoped_to_the_user_and_paginated(world, client_for, django_assert_max_num_queries):
    notify(world.ks_staff, 25)
    notify(world.ks_clerk, 1)[0].title = "x"
    Notification.objects.filter(user=world.ks_clerk).update(title="Thông báo của người khác")
    client = client_for(world.ks_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/thong-bao/")
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.count == 25 and len(page.object_list) == 20
    assert "Thông báo của người khác" not in response.content.decode()
    with django_assert_max_num_queries(8):
        assert len(client.get("/thong-bao/?page=2").context["page_obj"].object_list) == 5
    assert client.get("/thong-bao/?page=abc").status_code == 200


def test_unread_filter(world, client_for):
    notify(world.ks_staff, 2)
    notify(world.ks_staff, 3, read=True)
    response = client_for(world.ks_staff).get("/thong-bao/?chua_doc=1")
    assert response.context["page_obj"].paginator.count == 2


def test_mark_one_read_only_own(world, client_for):
    mine = notify(world.ks_staff)[0]
    theirs = notify(world.ks_clerk)[0]
    client = client_for(world.ks_staff)
    assert client.get(f"/thong-bao/{mine.pk}/da-doc/").status_code == 405
    assert client.post(f"/thong-bao/{theirs.pk}/da-doc/").status_code == 404
    assert client.post("/thong-bao/999999/da-doc/").status_code == 404
    assert client.post(f"/thong-bao/{10**30}/da-doc/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/thong-bao/{mine.pk}/da-doc/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_open_marks_read_and_follows_the_link(world, client_for):
    note = Notification.objects.create(user=world.ks_staff, title="Nhiệm vụ quá hạn", url="/co-quan/")
    response = client_for(world.ks_staff).post(f"/thong-bao/{note.pk}/da-doc/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/co-quan/"
    note.refresh_from_db()
    assert note.is_read


def test_mark_all_read_only_own(world, client_for):
    notify(world.ks_staff, 3)
    notify(world.ks_clerk, 2)
    response = client_for(world.ks_staff).post("/thong-bao/da-doc-tat-ca/", follow=True)
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert Notification.objects.filter(user=world.ks_staff, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=world.ks_clerk, read_at__isnull=True).count() == 2


def test_preferences_page(world, client_for):
    client = client_for(world.ks_staff)
    response = client.get("/thong-bao/cai-dat/")
    assert response.status_code == 200 and "Nhận thư điện tử nhắc việc" in response.content.decode()
    response = client.post("/thong-bao/cai-dat/", {}, follow=True)
    assert "Đã lưu cài đặt thông báo." in response.content.decode()
    world.ks_staff.refresh_from_db()
    assert world.ks_staff.email_notifications is False
    client.post("/thong-bao/cai-dat/", {"email_notifications": "on"})
    world.ks_staff.refresh_from_db()
    assert world.ks_staff.email_notifications is True
    world.ks_clerk.refresh_from_db()
    assert world.ks_clerk.email_notifications is True


def test_pages_need_login(client):
    for url in ("/thong-bao/", "/thong-bao/cai-dat/", "/thong-bao/trang-thai/"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("who", ["ks_staff", "ks_leader", "ks_clerk", "supreme_leader"])
def test_status_page_forbidden_to_non_admins(world, client_for, who):
    assert client_for(world.users[who]).get("/thong-bao/trang-thai/").status_code == 403


def test_status_page_shows_last_scan_and_counts(world, client_for, enqueued):
    RegulationFactory(host_agency=world.vks_ks, due=datetime.date(2024, 3, 20))
    scan.scan_reminders(vn(2024, 3, 13, 7))
    for who in ("ks_admin", "supreme_admin"):
        response = client_for(world.users[who]).get("/thong-bao/trang-thai/")
        assert response.status_code == 200
        assert response.context["last_run"] == ScanRun.objects.get()
        assert response.context["pending"] == 1 and response.context["failed"] == 0
    superuser = UserFactory(username="root", role=Role.STAFF, is_superuser=True, is_staff=True)
    assert client_for(superuser).get("/thong-bao/trang-thai/").status_code == 200
