"""Meetings services: locality, search text, state transitions, regulation review dates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import Directive, MeetingKind, MeetingState
from tests.meetings.factories import aware


def _regulation(agency):
    from regulations.models import Regulation

    return Regulation.objects.create(
        number="01/QCPH-VKSKS",
        title="Quy chế phối hợp",
        host_agency=agency,
        locality=agency.locality,
        signed_on=datetime.date(2021, 1, 10),
        in_force_from=datetime.date(2021, 1, 10),
    )


@pytest.mark.django_db
def test_review_meeting_moves_regulation_review_dates(world):
    regulation = _regulation(world.vks_ks)
    data = {
        "kind": MeetingKind.INTERIM_REVIEW,
        "title": "Sơ kết 1 năm thực hiện quy chế",
        "starts_at": aware(2022, 6, 1),
        "host_agency": world.vks_ks,
        "regulations": [regulation],
    }
    rows = services.MeetingRows(
        attendees=[{"person": world.person_ks, "role": "chair"}, {"full_name": "Lê Thị Hoa", "role": "secretary"}],
        directives=[
            {"number": 1, "text": "Báo cáo kết quả", "assigned_agency": world.ta_ks},
            {"number": 2, "text": "Tổng hợp"},
        ],
    )
    meeting = services.save_meeting(user=world.ks_staff, data=data, rows=rows)
    assert meeting.locality == world.khanh_son
    assert "so ket" in meeting.__class__.objects.get(pk=meeting.pk).search_text
    assert [a.full_name for a in meeting.attendees.all()] == ["Bùi Văn Đức", "Lê Thị Hoa"]
    assert Directive.objects.get(meeting=meeting, number=1).locality == world.ta_ks.locality
    regulation.refresh_from_db()
    assert regulation.last_review_on is None  # planned meetings do not count
    services.set_state(meeting, MeetingState.HELD)
    regulation.refresh_from_db()
    assert regulation.last_review_on == datetime.date(2022, 6, 1)
    first_due = regulation.next_review_due
    services.save_meeting(user=None, data={"starts_at": aware(2023, 6, 1)}, meeting=meeting)
    regulation.refresh_from_db()
    assert regulation.last_review_on == datetime.date(2023, 6, 1) and regulation.next_review_due != first_due
    services.save_meeting(user=None, data={"regulations": []}, meeting=meeting)
    regulation.refresh_from_db()
    assert regulation.last_review_on is None
    with pytest.raises(ValidationError):
        services.set_state(meeting, "bogus")
    services.set_state(meeting, MeetingState.CANCELLED)
    with pytest.raises(ValidationError):
        services.set_state(meeting, MeetingState.HELD)


@pytest.mark.django_db
def test_delete_refreshes_regulation(world):
    regulation = _regulation(world.vks_ks)
    meeting = services.save_meeting(
        user=None,
        data={
            "kind": MeetingKind.INTERIM_REVIEW,
            "title": "Sơ kết",
            "starts_at": aware(2022, 6, 1),
            "host_agency": world.vks_ks,
            "regulations": [regulation],
            "state": MeetingState.HELD,
        },
    )
    regulation.refresh_from_db()
    assert regulation.last_review_on == datetime.date(2022, 6, 1)
    services.delete_meeting(meeting)
    regulation.refresh_from_db()
    assert regulation.last_review_on is None
