"""Security 9: users of a unit dissolved before today keep reading but can no longer write."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from tests.meetings.factories import MeetingFactory
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


def dissolve(agency, days_ago: int) -> None:
    Agency.objects.filter(pk=agency.pk).update(active_to=timezone.localdate() - datetime.timedelta(days=days_ago))


def test_users_of_a_dissolved_unit_are_read_only(world, client_for):
    regulation = RegulationFactory(host_agency=world.vks_ks)
    meeting = MeetingFactory(host_agency=world.vks_ks)
    dissolve(world.vks_ks, 1)
    staff = client_for(world.ks_staff)
    assert staff.get(reverse("regulations:list")).status_code == 200
    assert staff.get(reverse("regulations:detail", args=[regulation.pk])).status_code == 200
    assert staff.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    for url in (
        reverse("regulations:create"),
        reverse("regulations:edit", args=[regulation.pk]),
        reverse("meetings:create"),
        reverse("meetings:edit", args=[meeting.pk]),
    ):
        for response in (staff.get(url), staff.post(url, {"title": "x"})):
            assert response.status_code == 403, url
            assert "đã giải thể từ ngày" in response.content.decode(), url
    assert staff.post(reverse("meetings:delete", args=[meeting.pk])).status_code == 403
    clerk = client_for(world.ks_clerk)
    assert clerk.get(reverse("meetings:create")).status_code == 403


def test_unit_dissolved_today_or_later_still_writes(world, client_for):
    dissolve(world.vks_ks, 0)
    assert client_for(world.ks_staff).get(reverse("regulations:create")).status_code == 200
    dissolve(world.vks_ks, -30)
    assert client_for(world.ks_staff).get(reverse("meetings:create")).status_code == 200
