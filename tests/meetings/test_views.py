"""Pages of meetings: scoping, list filters and query count, form with inline rows, directives, calendar, feeds."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Directive, Meeting, MeetingKind
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware

pytestmark = pytest.mark.django_db


def test_other_agency_gets_404_on_meeting_pdfs_and_ics(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    client = client_for(world.hg_staff)
    for url in [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:edit", args=[meeting.pk]),
        reverse("meetings:document_print", args=[meeting.pk, "BB"]),
        reverse("meetings:document_print", args=[meeting.pk, "TB"]),
        reverse("meetings:ics", args=[meeting.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    own = client_for(world.ks_staff)
    assert own.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    response = own.get(reverse("meetings:document_print", args=[meeting.pk, "BB"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    cal = Calendar.from_ical(own.get(reverse("meetings:ics", args=[meeting.pk])).content)
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == meeting.title and event.get("UID") and event.get("DTSTAMP")
    assert event.decoded("DTSTART") == meeting.starts_at


def test_list_filters_and_bounded_queries(world, client_for, django_assert_max_num_queries):
    for i in range(30):
        MeetingFactory(host_agency=world.vks_ks, kind=MeetingKind.INTERAGENCY, starts_at=aware(2023, 1, 1 + i % 28))
    MeetingFactory(host_agency=world.vks_hg, title="Lễ ký kết Hà Giang", kind=MeetingKind.SIGNING)
    client = client_for(world.kh_leader)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("meetings:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30  # Hà Giang is out of scope
    admin = client_for(world.supreme_admin)
    response = admin.get(reverse("meetings:list"), {"q": "le ky ket ha giang"})
    assert [m.title for m in response.context["page_obj"]] == ["Lễ ký kết Hà Giang"]
    response = admin.get(reverse("meetings:list"), {"agency": world.vks_kh.pk})
    assert response.context["page_obj"].paginator.count == 30  # sub-units by locality
    response = admin.get(reverse("meetings:list"), {"date_from": "2023-01-01", "date_to": "2023-01-01"})
    assert response.context["page_obj"].paginator.count == 2
    assert admin.get(reverse("meetings:list"), {"date_from": "bad"}).status_code == 200


def _post_data(world, **extra):
    data = {
        "kind": "interagency",
        "title": "Họp liên ngành về án ma túy",
        "starts_at": "2024-03-05T08:00",
        "ends_at": "2024-03-05T10:00",
        "place": "Phòng họp",
        "host_agency": world.vks_ks.pk,
        "attendees-TOTAL_FORMS": "2",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-full_name": "Trần Văn Nam",
        "attendees-0-role": "chair",
        "attendees-1-person": world.person_ks.pk,
        "attendees-1-role": "secretary",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-0-title": "Báo cáo vụ án",
        "remote_sites-TOTAL_FORMS": "0",
        "remote_sites-INITIAL_FORMS": "0",
        "directives-TOTAL_FORMS": "1",
        "directives-INITIAL_FORMS": "0",
        "directives-0-number": "1",
        "directives-0-text": "Bổ sung chứng cứ",
        "directives-0-deadline": "2024-04-01",
    }
    data.update(extra)
    return data


def test_create_with_inline_rows_and_errors_keep_input(world, client_for):
    client = client_for(world.ks_staff)
    response = client.post(
        reverse("meetings:create"), _post_data(world, **{"ends_at": "2024-03-04T08:00", "directives-0-text": ""})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in content
    assert "Trần Văn Nam" in content and "Báo cáo vụ án" in content
    response = client.post(reverse("meetings:create"), _post_data(world))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 2 and meeting.directives.get().deadline == datetime.date(2024, 4, 1)
    assert client_for(world.ks_leader).get(reverse("meetings:create")).status_code == 403
    assert client_for(world.hg_staff).post(reverse("meetings:edit", args=[meeting.pk]), {}).status_code == 404


def test_directives_page_scope_filters_and_mark_done(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    late = DirectiveFactory(meeting=meeting, number=1, deadline=datetime.date(2020, 1, 1))
    DirectiveFactory(meeting=meeting, number=2, deadline=datetime.date(2099, 1, 1))
    assigned_elsewhere = DirectiveFactory(
        meeting=MeetingFactory(host_agency=world.vks_tc),
        number=1,
        assigned_agency=world.vks_ks,
        locality=world.khanh_son,
    )
    client = client_for(world.ks_staff)
    response = client.get(reverse("meetings:directives"))
    assert {d.pk for d in response.context["page_obj"]} >= {late.pk, assigned_elsewhere.pk}
    response = client.get(reverse("meetings:directives"), {"state": "overdue"})
    assert [d.pk for d in response.context["page_obj"]] == [late.pk]
    assert (
        client_for(world.hg_staff)
        .post(reverse("meetings:directive_done", args=[late.pk]), {"completion_note": "x"})
        .status_code
        == 404
    )
    response = client.post(reverse("meetings:directive_done", args=[late.pk]), {"completion_note": "Đã xong"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.state == "done" and late.completion_note == "Đã xong"
    leader_target = DirectiveFactory(meeting=meeting, number=3)
    assert (
        client_for(world.kh_leader)
        .post(reverse("meetings:directive_done", args=[leader_target.pk]), {"completion_note": "Lãnh đạo xác nhận"})
        .status_code
        == 302
    )
    assert Directive.objects.get(pk=leader_target.pk).state == "done"


def test_directives_page_bounded_queries(world, client_for, django_assert_max_num_queries):
    for i in range(40):
        DirectiveFactory(
            meeting=MeetingFactory(host_agency=world.vks_ks),
            number=1,
            assigned_agency=world.ta_ks,
            deadline=datetime.date(2024, 1, 1 + i % 28),
        )
    client = client_for(world.ks_staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("meetings:directives"), {"state": "overdue"})
    assert response.context["page_obj"].paginator.count == 40


def test_calendar_month_and_week(world, client_for):
    MeetingFactory(host_agency=world.vks_ks, title="Họp tháng ba", starts_at=aware(2024, 3, 5, 9))
    client = client_for(world.ks_staff)
    for view in ("month", "week"):
        response = client.get(reverse("meetings:calendar"), {"view": view, "date": "2024-03-05"})
        assert "Họp tháng ba" in response.content.decode()
    assert client.get(reverse("meetings:calendar"), {"view": "x", "date": "nope"}).status_code == 200


def test_feed_token_scope_and_revocation(world, client_for):
    MeetingFactory(host_agency=world.vks_ks, title="Họp Khánh Sơn", starts_at=aware(2026, 12, 1))
    MeetingFactory(host_agency=world.vks_hg, title="Họp Hà Giang", starts_at=aware(2026, 12, 1))
    user = world.ks_staff
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(reverse("meetings:feed", args=[user.feed_token]))
    assert response.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Họp Khánh Sơn"]
    old = user.feed_token
    assert client_for(user).post(reverse("meetings:feed_settings")).status_code == 302
    user.refresh_from_db()
    assert user.feed_token != old
    assert anonymous.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert anonymous.get(reverse("meetings:feed", args=["unknown"])).status_code == 404


@pytest.mark.django_db
def test_delete_asks_for_confirmation_first(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, title="Họp liên ngành về vụ án tham ô")
    client = client_for(world.ks_staff)
    page = client.get(reverse("meetings:delete", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Xóa cuộc họp?" in page.content.decode() and Meeting.objects.filter(pk=meeting.pk).exists()
    response = client.post(reverse("meetings:delete", args=[meeting.pk]))
    assert response.status_code == 302 and not Meeting.objects.filter(pk=meeting.pk).exists()
    other = MeetingFactory(host_agency=world.vks_ks)
    assert client_for(world.ks_leader).get(reverse("meetings:delete", args=[other.pk])).status_code == 403
