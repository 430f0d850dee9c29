"""Each 500 the outside test found (issue 12, security 7 and 8): a request that broke a page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from portal import text
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client(raise_request_exception=False)
    if user is not None:
        c.force_login(user)
    return c


def test_feed_with_nul_token_is_not_found(world):
    assert client().get("/hoi-nghi/lich/%00.ics").status_code == 404
    assert client().get("/hoi-nghi/lich/a%00b.ics").status_code == 404


def test_login_with_overlong_username_fails_cleanly(world, settings):
    settings.AXES_ENABLED = True
    response = client().post(reverse("login"), {"username": "u" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "tên đăng nhập" in response.content.decode().lower() or "không đúng" in response.content.decode()
    assert all(len(a.username or "") <= 255 for a in AccessAttempt.objects.all())


@pytest.mark.parametrize("value", ["²", "٣", "１２", "9" * 5000, "99999999999999999999", "-1", "\x00"])
def test_regulation_form_with_hostile_replaces_parameter(world, value):
    response = client(world.ks_staff).get(reverse("regulations:create"), {"thay_the": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["\x00", "a\x00b"])
def test_audit_log_username_filter_with_nul(world, value):
    response = client(world.supreme_admin).get(reverse("audit:list"), {"username": value})
    assert response.status_code == 200


@pytest.mark.parametrize("target", ["abc", "javascript:alert(1)", "//evil.example/", "https://evil.example/", "\x00"])
def test_mark_all_read_with_bad_next_goes_to_the_list(world, target):
    response = client(world.ks_staff).post(reverse("notifications:mark_all_read"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_keeps_a_local_next(world):
    response = client(world.ks_staff).post(reverse("notifications:mark_all_read"), {"next": "/quy-che/?page=2"})
    assert response["Location"] == "/quy-che/?page=2"


@pytest.mark.parametrize("title", ["Họp\r\nX-INJECTED:1", "Họp\rX-INJECTED:1", "Họp\nBEGIN:VEVENT"])
def test_meeting_ics_with_crlf_in_title(world, title):
    meeting = MeetingFactory(host_agency=world.vks_ks, title=title, place="Phòng\r\nX-PLACE:1")
    response = client(world.ks_staff).get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    lines = body.split("\r\n")
    assert not [line for line in lines if line.startswith(("X-INJECTED", "X-PLACE"))]
    assert lines.count("BEGIN:VEVENT") == 1
    cal = Calendar.from_ical(response.content)
    # A title is one line (portal.text): its line breaks were spaces before the calendar escaped anything.
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == [text.clean_line(title)]
