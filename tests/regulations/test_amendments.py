"""Amending documents belong to the regulation they amend: the rules in Python and SQL on the same cases,
and the list filters, exports and dashboard figures agreeing with them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from meetings.models import MeetingKind, MeetingState
from regulations import rules, services
from regulations.models import Regulation, RegulationStatus, RelationKind, ReviewState
from tests.meetings.factories import MeetingFactory, aware
from tests.regulations.factories import RegulationFactory

D = datetime.date
LIST = reverse("regulations:list")
DAYS = [D(2025, 10, 1), D(2026, 3, 1), D(2026, 6, 1), D(2026, 10, 1), D(2027, 2, 1), D(2028, 1, 1)]


def reg(world, number: str, signed_on: datetime.date, **kwargs) -> Regulation:
    return RegulationFactory(
        host_agency=world.vks_ks, partners=[world.ta_ks], number=number, signed_on=signed_on, **kwargs
    )


def link(world, source: Regulation, target: Regulation, kind: str, on: datetime.date) -> None:
    services.add_relation(world.ks_staff, source, target, kind, on)


@pytest.fixture
def cases(world) -> dict[str, Regulation]:
    """02 amended by 03 (then 03 by 05, an amendment of an amendment); 03's text later superseded by 06;
    10 superseded by 11; 20 repealed by 21; 30 untouched."""
    r = {
        "amended": reg(world, "02/QCPH-VKS-TA", D(2025, 9, 15)),
        "amendment": reg(world, "03/QCPH-VKS-TA", D(2026, 3, 1)),
        "amendment2": reg(world, "05/QCPH-VKS-TA", D(2026, 9, 1)),
        "replaces_amendment": reg(world, "06/QCPH-VKS-TA", D(2026, 12, 1)),
        "superseded": reg(world, "10/QCPH", D(2023, 1, 10)),
        "superseding": reg(world, "11/QCPH", D(2026, 2, 1)),
        "repealed": reg(world, "20/QCPH", D(2023, 1, 10)),
        "repealing": reg(world, "21/QCPH", D(2026, 2, 1), type="other"),
        "plain": reg(world, "30/QCPH", D(2024, 1, 10)),
    }
    link(world, r["amendment"], r["amended"], RelationKind.AMENDS, D(2026, 3, 1))
    link(world, r["amendment2"], r["amendment"], RelationKind.AMENDS, D(2026, 9, 1))
    link(world, r["replaces_amendment"], r["amendment"], RelationKind.SUPERSEDES, D(2026, 12, 1))
    link(world, r["superseding"], r["superseded"], RelationKind.SUPERSEDES, D(2026, 2, 1))
    link(world, r["repealing"], r["repealed"], RelationKind.REPEALS, D(2026, 2, 1))
    return {k: Regulation.objects.get(pk=v.pk) for k, v in r.items()}


@pytest.mark.django_db
def test_amendments_point_at_the_root_and_have_no_cycle(cases):
    root = cases["amended"]
    assert cases["amendment"].amendment_of_id == root.pk
    assert cases["amendment2"].amendment_of_id == root.pk  # an amendment of an amendment
    assert root.amendment_of_id is None and cases["replaces_amendment"].amendment_of_id is None
    assert cases["amendment"].next_review_due is None and cases["amendment2"].next_review_due is None
    assert root.amended_on == D(2026, 9, 1)
    assert root.next_review_due == D(2026, 9, 15)
    assert cases["replaces_amendment"].next_review_due == D(2027, 12, 1)  # its own cycle
    assert cases["superseding"].next_review_due == D(2027, 2, 1)
    assert cases["superseded"].next_review_due is None and cases["repealed"].next_review_due is None


@pytest.mark.django_db
def test_python_and_sql_forms_agree_on_every_case(cases):
    rows = list(Regulation.objects.all())
    for day in DAYS:
        for status in RegulationStatus.values:
            in_sql = set(Regulation.objects.filter(rules.status_q(status, day)).values_list("pk", flat=True))
            in_python = {r.pk for r in rows if rules.matches_status(r, status, day)}
            assert in_sql == in_python, (status, day)
        for state in ReviewState.values:
            in_sql = set(Regulation.objects.filter(rules.review_state_q(state, day)).values_list("pk", flat=True))
            in_python = {r.pk for r in rows if rules.review_state_on(r, day) == state}
            assert in_sql == in_python, (state, day)
        live = set(Regulation.objects.filter(rules.live_q(day)).values_list("pk", flat=True))
        assert live == {r.pk for r in rows if rules.is_in_force(r, day)}, day
    counted = set(Regulation.objects.filter(rules.counted_q()).values_list("pk", flat=True))
    assert counted == {r.pk for r in rows if rules.is_counted(r)}
    assert counted == set(Regulation.objects.counted().values_list("pk", flat=True))


@pytest.mark.django_db
def test_in_force_on_each_case(cases):
    day = D(2027, 2, 1)
    in_force = {r.number for r in Regulation.objects.filter(rules.status_q(RegulationStatus.IN_FORCE, day))}
    assert in_force == {"02/QCPH-VKS-TA", "06/QCPH-VKS-TA", "11/QCPH", "21/QCPH", "30/QCPH"}
    amended = {r.number for r in Regulation.objects.filter(rules.status_q(RegulationStatus.AMENDED, day))}
    assert amended == {"02/QCPH-VKS-TA"}
    assert rules.status_on(cases["amended"], day) == RegulationStatus.AMENDED
    assert rules.review_state_on(cases["amended"], day) == ReviewState.OVERDUE  # due 15/09/2026
    for name in ("amendment", "amendment2"):
        assert rules.review_state_on(cases[name], day) == ReviewState.NONE
        assert not rules.matches_status(cases[name], RegulationStatus.IN_FORCE, day)
    overdue = set(
        Regulation.objects.filter(rules.review_state_q(ReviewState.OVERDUE, day)).values_list("number", flat=True)
    )
    assert overdue == {"02/QCPH-VKS-TA", "30/QCPH"}


@pytest.mark.django_db
def test_review_of_an_amendment_moves_the_amended_regulation(world, cases):
    meeting = MeetingFactory(
        host_agency=world.vks_ks,
        kind=MeetingKind.INTERIM_REVIEW,
        state=MeetingState.HELD,
        starts_at=aware(2026, 10, 5),
        reviewed=[cases["amendment"]],
    )
    services.refresh_derived_dates([r.pk for r in meeting.regulations.all()])
    root = Regulation.objects.get(pk=cases["amended"].pk)
    assert root.last_review_on == D(2026, 10, 5) and root.next_review_due == D(2027, 10, 5)
    assert Regulation.objects.get(pk=cases["amendment"].pk).next_review_due is None


@pytest.mark.django_db
def test_removing_the_amends_relation_gives_back_a_cycle(world, cases):
    amendment2 = cases["amendment2"]
    services.update_regulation(
        world.ks_staff,
        amendment2,
        {},
        [{"agency": world.vks_ks, "role": "host"}, {"agency": world.ta_ks, "role": "party"}],
        relations=[],
    )
    amendment2.refresh_from_db()
    assert amendment2.amendment_of_id is None and amendment2.next_review_due == D(2027, 9, 1)
    assert Regulation.objects.get(pk=cases["amended"].pk).amended_on == D(2026, 3, 1)
    assert Regulation.objects.get(pk=cases["amendment"].pk).amendment_of_id == cases["amended"].pk


@pytest.mark.django_db
def test_list_filters_exports_and_dashboard_agree(world, client_for, cases, monkeypatch):
    from dashboards import selectors as dashboard
    from regulations import selectors

    day = D(2027, 2, 1)
    monkeypatch.setattr(selectors, "today", lambda: day)
    client = client_for(world.kh_leader)

    def listed(**params) -> set[str]:
        response = client.get(LIST, {**params, "sort": "number"})
        return {r.number for r in response.context["page_obj"].paginator.object_list}

    def exported(**params) -> set[str]:
        response = client.get(reverse("regulations:export_csv"), params)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
        return {row[1] for row in rows[header_at + 1 :] if row}

    in_force = {"02/QCPH-VKS-TA", "06/QCPH-VKS-TA", "11/QCPH", "21/QCPH", "30/QCPH"}
    assert listed(status="in_force") == exported(status="in_force") == in_force
    assert listed(status="amended") == exported(status="amended") == {"02/QCPH-VKS-TA"}
    assert listed(review_state="overdue") == exported(review_state="overdue") == {"02/QCPH-VKS-TA", "30/QCPH"}
    assert listed(status="superseded") == {"10/QCPH"}  # 03 is superseded too, but no regulation of its own
    assert listed(status="repealed") == {"20/QCPH"}
    everything = listed()
    assert "03/QCPH-VKS-TA" not in everything and "05/QCPH-VKS-TA" not in everything
    assert listed(q="05/QCPH-VKS-TA") == {"02/QCPH-VKS-TA"}  # found through what it amends

    period = dashboard.Period("year", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), day.year)
    totals = dashboard.build(world.kh_leader, world.vks_kh.pk, period, day).totals
    assert totals["in_force"] == len(in_force)
    assert totals["amended"] == 1
    assert totals["overdue"] == 2


@pytest.mark.django_db
def test_pages_link_the_amended_regulation_and_its_amendments(world, client_for, cases, django_assert_max_num_queries):
    client = client_for(world.ks_staff)
    root = client.get(cases["amended"].get_absolute_url()).content.decode()
    section = root[root.index('id="amendments-h"') :]
    assert section.index("03/QCPH-VKS-TA") < section.index("05/QCPH-VKS-TA")  # in the order they took effect
    assert "01/03/2026" in section and "01/09/2026" in section
    page = client.get(cases["amendment2"].get_absolute_url()).content.decode()
    assert 'id="amends-note"' in page and cases["amended"].get_absolute_url() in page
    assert "Hạn sơ kết tiếp theo" not in page
    with django_assert_max_num_queries(20):
        listing = client.get(LIST).content.decode()
    assert "sửa đổi, bổ sung bởi" in listing and ">03/QCPH-VKS-TA</a> (01/03/2026)" in listing


@pytest.mark.django_db
def test_record_an_amendment_through_the_form(world, client_for):
    from tests.regulations.test_views import form_data

    root = reg(world, "02/QCPH-VKS-TA", D(2025, 9, 15))
    client = client_for(world.ks_staff)
    form = client.get(reverse("regulations:create"), {"sua_doi": root.pk}).context["editor"].relations.forms[0]
    assert form.initial == {"kind": RelationKind.AMENDS, "target": root}
    data = form_data(
        world,
        number="03/QCPH-VKS-TA",
        signed_on="2026-03-01",
        in_force_from="2026-03-01",
        review_interval_months="1",
        **{"relations-0-kind": "amends", "relations-0-target": root.pk, "relations-0-effective_on": ""},
    )  # left empty: takes 01/03/2026
    assert client.post(reverse("regulations:create"), data).status_code == 302
    amendment = Regulation.objects.get(number="03/QCPH-VKS-TA")
    assert amendment.amendment_of_id == root.pk and amendment.next_review_due is None
    root.refresh_from_db()
    assert root.amended_on == D(2026, 3, 1) and root.next_review_due == D(2026, 9, 15)


@pytest.mark.django_db
def test_an_amendment_is_never_reviewed_on_its_own(world, client_for, cases):
    """The amending document's page offers no "Ghi nhận sơ kết"; a link that names it opens the review
    of the regulation it amends; a review meeting that picks it is refused with the reason."""
    import datetime as dt

    from django.utils import timezone

    from meetings.forms import MeetingForm

    client = client_for(world.ks_staff)
    amendment, root = cases["amendment"], cases["amended"]
    assert "Ghi nhận sơ kết" not in client.get(amendment.get_absolute_url()).content.decode()
    assert "Ghi nhận sơ kết" in client.get(root.get_absolute_url()).content.decode()
    form = client.get(reverse("meetings:create") + f"?regulation={amendment.pk}&kind=interim_review").context["form"]
    assert form.initial["regulations"] == [root.pk]
    starts = timezone.make_aware(dt.datetime(2026, 9, 10, 8, 0))
    data = {
        "kind": "interim_review",
        "title": "Sơ kết văn bản sửa đổi",
        "starts_at": starts.strftime("%d/%m/%Y %H:%M"),
        "host_agency": world.vks_ks.pk,
        "regulations": [amendment.pk],
        "state": "held",
    }
    form = MeetingForm(data, user=world.ks_staff)
    assert not form.is_valid()
    assert any("03/QCPH-VKS-TA là văn bản sửa đổi, bổ sung của 02/QCPH-VKS-TA" in e for e in form.errors["regulations"])
    data["regulations"] = [root.pk]
    assert "regulations" not in MeetingForm(data, user=world.ks_staff).errors
