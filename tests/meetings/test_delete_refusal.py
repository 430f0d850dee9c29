"""'Xóa cuộc họp' is offered only where deletion is allowed; where it is refused (issued documents)
the page says why, and the confirmation page is never shown (issue #20, point 7)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, OfficialDocument
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def minutes(meeting: Meeting) -> OfficialDocument:
    return OfficialDocument.objects.create(
        meeting=meeting,
        doc_type="BB",
        issuing_agency=meeting.host_agency,
        issuing_name="VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KHÁNH SƠN",
        subject="Biên bản họp liên ngành",
        place_name="Khánh Sơn",
        issued_on=datetime.date(2024, 3, 1),
    )


def test_a_meeting_with_issued_minutes_offers_no_delete_and_says_why(world, client_for) -> None:
    meeting = MeetingFactory(host_agency=world.vks_ks, title="Họp liên ngành tháng 3")
    draft = minutes(meeting)
    client = client_for(world.ks_staff)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Xóa cuộc họp" in page and "delete-refused" not in page  # a draft does not stop it

    issued = services.finalise_document(draft, user=None, render=False)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Xóa cuộc họp" not in page
    assert "Không xóa được cuộc họp này vì đã có văn bản ban hành" in page
    assert f"Biên bản số {issued.number_display}" in page

    response = client.get(reverse("meetings:delete", args=[meeting.pk]), follow=True)
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    assert "Xóa cuộc họp?" not in response.content.decode()
    assert "Không xóa được cuộc họp này" in response.content.decode()
    response = client.post(reverse("meetings:delete", args=[meeting.pk]))
    assert response.status_code == 302 and Meeting.objects.filter(pk=meeting.pk).exists()


def test_who_cannot_edit_sees_neither_the_button_nor_the_reason(world, client_for) -> None:
    meeting = MeetingFactory(host_agency=world.vks_ks)
    services.finalise_document(minutes(meeting), user=None, render=False)
    page = client_for(world.kh_leader).get(meeting.get_absolute_url()).content.decode()
    assert "Xóa cuộc họp" not in page and "Không xóa được" not in page


def test_the_readme_says_what_make_run_does_with_debug() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    local = (Path(__file__).resolve().parents[2] / "portal" / "settings" / "local.py").read_text("utf-8")
    assert 'DEBUG = env.bool("DEBUG", default=False)' in local
    assert "(`true` under `make run`)" not in readme
    assert "`false`, also under `make run`" in readme
