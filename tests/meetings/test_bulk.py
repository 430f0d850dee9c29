"""The bulk path (``meetings.bulk``) leaves what ``save_meeting`` leaves, in a few queries a chunk."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from meetings import bulk, services
from meetings.models import AttendeeRole, Meeting, MeetingKind, MeetingState
from regulations.models import Regulation
from regulations.services import refresh_derived_dates
from tests.meetings.factories import aware
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


def row(world, n: int, regulations=(), **data) -> bulk.NewMeeting:
    values = {
        "kind": MeetingKind.INTERIM_REVIEW,
        "title": f"Sơ kết quy chế phối hợp số {n}",
        "starts_at": aware(2024, 3, 1 + n % 27),
        "ends_at": None,
        "place": "Hội trường Viện kiểm sát",
        "conclusions": "Các bên thống nhất tiếp tục thực hiện quy chế.",
        "state": MeetingState.HELD,
    }
    values.update(data)
    return bulk.NewMeeting(
        data=values, host=world.vks_ks, regulation_ids=[r.pk for r in regulations], chair="Bùi Văn Đức"
    )


def test_a_bulk_meeting_reads_as_one_saved_through_the_form(world) -> None:
    regulation = RegulationFactory(host_agency=world.vks_ks, signed_on=datetime.date(2023, 1, 5))
    assert regulation.last_review_on is None
    (made,) = bulk.create_meetings(world.ks_staff, [row(world, 1, [regulation])], reason="Nhập từ tệp hoi-nghi.xlsx")
    made.refresh_from_db()
    assert made.locality == world.khanh_son and made.created_by == world.ks_staff
    assert made.search_text == services._search_text(made)
    assert list(made.regulations.values_list("pk", flat=True)) == [regulation.pk]
    assert [(a.full_name, a.role, a.agency) for a in made.attendees.all()] == [
        ("Bùi Văn Đức", AttendeeRole.CHAIR, world.vks_ks)
    ]
    regulation.refresh_from_db()
    assert regulation.last_review_on == datetime.date(2024, 3, 2)  # the review held moves its dates
    assert regulation.next_review_due == datetime.date(2025, 3, 2)


def test_history_says_who_created_it_from_which_file_with_its_regulations(world) -> None:
    regulation = RegulationFactory(host_agency=world.vks_ks)
    (made,) = bulk.create_meetings(world.ks_staff, [row(world, 1, [regulation])], reason="Nhập từ tệp hoi-nghi.xlsx")
    (version,) = made.history.all()
    assert version.history_type == "+" and version.history_user == world.ks_staff
    assert version.history_change_reason == "Nhập từ tệp hoi-nghi.xlsx"
    assert [link.regulation_id for link in version.regulations.all()] == [regulation.pk]


def test_queries_do_not_grow_with_the_rows(world, django_assert_max_num_queries) -> None:
    regulations = [RegulationFactory(host_agency=world.vks_ks) for _ in range(6)]
    few = [row(world, n, regulations[:1]) for n in range(1, 3)]
    many = [row(world, n, regulations[n % 6 : n % 6 + 2], title=f"Họp {n}") for n in range(10, 70)]
    # Five inserts, the regulations' numbers, their derived dates (fixed) and the announcements;
    # SQLite splits a long insert to stay under its limit of variables.
    bound = 16 if connection.vendor == "postgresql" else 24
    with django_assert_max_num_queries(bound):
        bulk.create_meetings(world.ks_staff, few)
    with django_assert_max_num_queries(bound):
        bulk.create_meetings(world.ks_staff, many)
    assert Meeting.objects.count() == 62


def test_derived_dates_of_many_regulations_in_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    regulations = [RegulationFactory(host_agency=world.vks_ks) for _ in range(30)]
    Regulation.objects.update(next_review_due=None)  # stale: the refresh must write them back
    with django_assert_max_num_queries(10):
        refresh_derived_dates([r.pk for r in regulations])
    assert not Regulation.objects.filter(next_review_due=None).exists()


def test_only_those_who_record_meetings_write(world) -> None:
    with pytest.raises(PermissionDenied):
        bulk.create_meetings(world.ks_leader, [row(world, 1)])
    assert not Meeting.objects.exists()
