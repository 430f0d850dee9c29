"""The bulk path (``regulations.bulk``) leaves what a per-row save leaves, in a few queries a chunk."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from agencies.models import Agency
from dashboards import tallies
from portal import events
from regulations import bulk, services
from regulations.models import Field, PartyRole, Regulation
from tests.dashboards.helpers import raw_rows, stored_rows
from tests.factories import AgencyFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def row(world, n: int, **data) -> bulk.NewRegulation:
    values = {
        "number": f" {n:02d}/QCPH-VKSKS ",
        "title": f"Quy chế phối hợp số {n} trong thi hành án dân sự",
        "type": "coordination_rule",
        "signed_on": D(2021, 3, 1),
        "in_force_from": D(2021, 3, 1),
        "expires_on": None,
        "review_interval_months": 6,
        "summary": "Phối hợp kiểm sát",
        "notes": "",
    }
    values.update(data)
    return bulk.NewRegulation(
        data=values,
        host=world.vks_ks,
        partners=[world.ta_ks],
        fields=list(Field.objects.filter(code="civil_enforcement")),
    )


def test_a_bulk_regulation_reads_as_one_saved_through_the_form(world) -> None:
    (made,) = bulk.create_regulations(world.ks_staff, [row(world, 1)], reason="Nhập từ tệp so-quy-che.xlsx")
    by_form = services.create_regulation(
        world.ks_staff,
        {**row(world, 2).data, "fields": Field.objects.filter(code="civil_enforcement")},
        [{"agency": world.vks_ks, "role": PartyRole.HOST}, {"agency": world.ta_ks, "role": PartyRole.PARTY}],
    )
    made.refresh_from_db()
    assert made.number == "01/QCPH-VKSKS"  # trimmed as the form trims it
    assert made.locality == world.khanh_son and made.host_agency == world.vks_ks and made.created_by == world.ks_staff
    assert made.next_review_due == by_form.next_review_due == D(2021, 9, 1)
    assert made.search_text == services.build_search_text(made)
    assert made.search_text.replace("01", "02").replace("so 1 ", "so 2 ") == by_form.search_text
    assert [(p.agency, p.role, p.order) for p in made.parties.order_by("order")] == [
        (world.vks_ks, PartyRole.HOST, 0),
        (world.ta_ks, PartyRole.PARTY, 1),
    ]
    assert list(made.fields.values_list("code", flat=True)) == ["civil_enforcement"]


def test_history_says_who_created_it_from_which_file_with_its_fields(world) -> None:
    (made,) = bulk.create_regulations(world.ks_staff, [row(world, 1)], reason="Nhập từ tệp so-quy-che.xlsx")
    (version,) = made.history.all()
    assert version.history_type == "+" and version.history_user == world.ks_staff
    assert version.history_change_reason == "Nhập từ tệp so-quy-che.xlsx"
    assert [f.field.code for f in version.fields.all()] == ["civil_enforcement"]
    party_history = apps.get_model("regulations", "HistoricalRegulationParty").objects.filter(regulation_id=made.pk)
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in party_history} == {
        ("+", world.ks_staff.pk, "Nhập từ tệp so-quy-che.xlsx")
    }
    assert party_history.count() == 2


def test_one_announcement_and_the_figures_follow(world, django_capture_on_commit_callbacks) -> None:
    police = Agency.objects.get(
        pk=AgencyFactory(code="CSDT-KS2", locality=world.khanh_son, kind="police_investigation").pk
    )
    rows = [row(world, n) for n in range(1, 4)] + [
        bulk.NewRegulation(data=row(world, 9).data, host=world.vks_ks, partners=[police, world.ta_ks])
    ]
    day = datetime.date.today()
    tallies.rebuild(day)
    published = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        real = events.publish
        with pytest.MonkeyPatch.context() as patch:

            def publish(name: str, **data) -> None:
                published.append(name)
                real(name, **data)

            patch.setattr(events, "publish", publish)
            made = bulk.create_regulations(world.ks_staff, rows)
    assert len(made) == 4 and Regulation.objects.count() == 4
    assert published == [events.REGULATION_CHANGED]  # once for the set, not per row
    assert stored_rows() == raw_rows(day)  # the dashboard's counts equal a recount
    assert list(Regulation.objects.get(pk=made[3].pk).parties.order_by("order").values_list("agency", flat=True)) == [
        world.vks_ks.pk,
        police.pk,
        world.ta_ks.pk,
    ]


def test_queries_do_not_grow_with_the_rows_of_a_chunk(world, django_assert_max_num_queries) -> None:
    few, many = [row(world, n) for n in range(1, 4)], [row(world, n) for n in range(10, 90)]
    # Six inserts and the announcement; SQLite splits a long insert to stay under its limit of variables.
    bound = 8 if connection.vendor == "postgresql" else 16
    with django_assert_max_num_queries(bound):
        bulk.create_regulations(world.ks_staff, few)
    with django_assert_max_num_queries(bound):
        bulk.create_regulations(world.ks_staff, many)
    assert Regulation.objects.count() == 83


def test_only_editors_write(world) -> None:
    with pytest.raises(PermissionDenied):
        bulk.create_regulations(world.ks_leader, [row(world, 1)])
    assert not Regulation.objects.exists()
