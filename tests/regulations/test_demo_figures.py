"""The demo data keeps the seeds' facts, and the Khánh Hòa dashboard shows the figures counted by hand
in README.md ("Demo figures for Khánh Hòa")."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from dashboards import selectors as dashboard
from meetings.models import Meeting, MeetingKind
from regulations import rules
from regulations.models import Regulation, RegulationStatus

D = datetime.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


@pytest.mark.django_db
def test_seed_facts(demo):
    old = Regulation.objects.get(number="01/2016/NQLT-BCSĐVKSTC-BCSĐTATC")
    new = Regulation.objects.get(number="01/2023/NQLT-BCSĐVKSTC-BCSĐTATC")
    assert rules.status_on(old, TODAY) == RegulationStatus.SUPERSEDED and old.superseded_on == D(2023, 5, 11)
    assert old.next_review_due is None and old.amendment_of_id is None
    # The 2023 resolution replaces (not amends) the 2016 one: a regulation with its own cycle.
    assert new.amendment_of_id is None and new.next_review_due is not None
    assert rules.matches_status(new, RegulationStatus.IN_FORCE, TODAY)
    ks = Meeting.objects.filter(host_agency__code="VKS-KS")
    assert ks.filter(kind=MeetingKind.INTERIM_REVIEW).count() == 7
    assert ks.filter(kind=MeetingKind.INTERAGENCY).count() == 10


@pytest.mark.django_db
def test_khanh_hoa_dashboard_matches_the_hand_count(demo):
    leader = User.objects.get(username="lanhdao.khanhhoa")
    period = dashboard.Period("custom", D(2022, 1, 1), D(2024, 12, 31))
    totals = dashboard.build(leader, None, period, TODAY).totals
    assert {
        k: totals[k]
        for k in (
            "interim",
            "final",
            "interagency",
            "signing",
            "in_force",
            "amended",
            "due_soon",
            "overdue",
            "directives_done",
            "directives_overdue",
        )
    } == {
        "interim": 7,
        "final": 0,
        "interagency": 10,
        "signing": 0,
        "in_force": 7,
        "amended": 0,
        "due_soon": 0,
        "overdue": 7,
        "directives_done": 4,
        "directives_overdue": 10,
    }
    year = dashboard.build(leader, None, dashboard.Period("year", D(2026, 1, 1), D(2026, 12, 31), 2026), TODAY)
    assert year.totals["interim"] == year.totals["interagency"] == 0
    by_year = {row["year"]: (row["reviews"], row["interagency"]) for row in year.trend}
    assert (by_year[2022], by_year[2023], by_year[2024]) == ((3, 4), (3, 4), (1, 2))
    assert sorted(item["value"] for item in year.by_field) == [1, 1, 1, 2, 2, 2]
