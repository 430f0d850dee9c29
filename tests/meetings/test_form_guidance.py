"""The meeting and regulation forms guide: the host unit preselected, a meeting in the past saved as
held (so a review moves the regulation's dates), a hint when no official is recorded, one summary
banner when only a row is wrong, and buttons on the regulation page that open the forms filled."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.forms import MSG_NO_PEOPLE
from meetings.models import Meeting, MeetingState
from regulations.models import Regulation
from tests.meetings.test_views import _post_data
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


def test_host_unit_is_preselected(world, client_for) -> None:
    form = client_for(world.ks_staff).get(reverse("meetings:create")).context["form"]
    assert form["host_agency"].value() == world.vks_ks.pk


def test_a_meeting_in_the_past_is_saved_as_held_and_moves_the_review_dates(world, client_for) -> None:
    regulation = RegulationFactory(host_agency=world.vks_ks, signed_on=datetime.date(2021, 1, 10))
    data = _post_data(world, kind="interim_review", regulations=[regulation.pk])
    response = client_for(world.ks_staff).post(reverse("meetings:create"), data)
    assert response.status_code == 302
    assert Meeting.objects.get().state == MeetingState.HELD
    assert Regulation.objects.get(pk=regulation.pk).last_review_on == datetime.date(2024, 3, 5)


def test_a_future_meeting_is_planned_and_the_choice_can_be_forced(world, client_for) -> None:
    client = client_for(world.ks_staff)
    future = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert (
        client.post(
            reverse("meetings:create"), _post_data(world, starts_at=f"{future} 08:00", ends_at="", title="Họp sắp tới")
        ).status_code
        == 302
    )
    old = _post_data(world, state="planned", title="Họp cũ")
    assert client.post(reverse("meetings:create"), old).status_code == 302
    assert Meeting.objects.get(title="Họp sắp tới").state == MeetingState.PLANNED
    assert Meeting.objects.get(title="Họp cũ").state == MeetingState.PLANNED


def test_the_form_says_holding_a_review_moves_the_regulation_dates(world, client_for) -> None:
    html = client_for(world.ks_staff).get(reverse("meetings:create")).content.decode()
    assert "cập nhật ngày sơ kết gần nhất và hạn sơ kết tiếp theo" in html


def test_hint_when_the_unit_has_no_recorded_official(world, client_for) -> None:
    assert str(MSG_NO_PEOPLE) not in client_for(world.ks_staff).get(reverse("meetings:create")).content.decode()
    world.person_ks.delete()
    html = client_for(world.ks_staff).get(reverse("meetings:create")).content.decode()
    assert str(MSG_NO_PEOPLE) in html


def test_one_banner_names_the_invalid_row(world, client_for) -> None:
    data = _post_data(world, **{"attendees-0-full_name": "", "attendees-0-position": "Phó Viện trưởng"})
    response = client_for(world.ks_staff).post(reverse("meetings:create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert html.count('class="form-alert"') == 1
    assert "Thành phần tham dự</a>: dòng 1 có lỗi" in html


def test_regulation_page_opens_review_and_amendment_forms_filled(world, client_for) -> None:
    regulation = RegulationFactory(host_agency=world.vks_ks)
    client = client_for(world.ks_staff)
    html = client.get(reverse("regulations:detail", args=[regulation.pk])).content.decode()
    assert "Ghi nhận sơ kết" in html and "Ghi nhận văn bản sửa đổi, bổ sung" in html
    form = client.get(reverse("meetings:create"), {"regulation": regulation.pk, "kind": "interim_review"}).context[
        "form"
    ]
    assert form["kind"].value() == "interim_review"
    assert [str(v) for v in form["regulations"].value()] == [str(regulation.pk)]
    editor = client.get(reverse("regulations:create"), {"sua_doi": regulation.pk}).context["editor"]
    assert editor.relations.forms[0]["kind"].value() == "amends"
    assert editor.relations.forms[0]["target"].value() in (regulation, regulation.pk)
    assert (
        "Ghi nhận sơ kết"
        not in client_for(world.ks_leader).get(reverse("regulations:detail", args=[regulation.pk])).content.decode()
    )


def test_calendar_says_when_a_month_is_empty_and_jumps_to_a_month(world, client_for) -> None:
    from tests.meetings.factories import MeetingFactory, aware

    MeetingFactory(host_agency=world.vks_ks, title="Họp tháng ba", starts_at=aware(2024, 3, 5, 9))
    client = client_for(world.ks_staff)
    html = client.get(reverse("meetings:calendar"), {"view": "month", "date": "2024-04-10"}).content.decode()
    assert "Không có hội nghị, cuộc họp nào trong tháng 4/2024." in html
    html = client.get(reverse("meetings:calendar"), {"view": "month", "month": "3", "year": "2024"}).content.decode()
    assert "Họp tháng ba" in html and "Không có hội nghị" not in html
    assert '<option value="2024" selected>' in html and '<option value="3" selected>' in html
    for bad in ({"month": "13", "year": "2024"}, {"month": "x", "year": "99999999999"}):
        assert client.get(reverse("meetings:calendar"), bad).status_code == 200
