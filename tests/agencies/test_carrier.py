"""A dissolved unit is named with the unit that carries its work now, everywhere, in a bounded number
of queries; unit pickers list active units first and mark the dissolved ones."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from agencies.models import AgencyKind, AgencyLevel
from agencies.selectors import display_with_carrier
from meetings.models import MeetingKind, MeetingState
from tests.factories import AgencyFactory, AgencySuccessionFactory
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware
from tests.regulations.factories import RegulationFactory

D = datetime.date
CARRIER = "→ nay là"


def table(page: str) -> str:
    """The page after its filter form (whose unit picker names the carrier too)."""
    return page[page.index("<table") :]


@pytest.fixture
def region7(world):
    """VKSND huyện Khánh Sơn dissolved on 30/06/2025, replaced by VKSND khu vực 7 - Khánh Hòa."""
    world.vks_ks.active_to = D(2025, 6, 30)
    world.vks_ks.save()
    region = AgencyFactory(
        code="VKS-KV7-KH",
        name="Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa",
        short_name="VKSND khu vực 7 - Khánh Hòa",
        kind=AgencyKind.PROCURACY,
        level=AgencyLevel.REGIONAL,
        locality=world.khanh_son,
        parent=world.vks_kh,
        active_from=D(2025, 7, 1),
    )
    AgencySuccessionFactory(predecessor=world.vks_ks, successor=region)
    world.vks_ks.refresh_from_db()
    return region


@pytest.mark.django_db
def test_display_with_carrier(world, region7):
    assert display_with_carrier(world.vks_ks) == (
        "VKSND huyện Khánh Sơn (đã giải thể → nay là VKSND khu vực 7 - Khánh Hòa)"
    )
    assert display_with_carrier(world.vks_ks, short=False) == (
        "Viện kiểm sát nhân dân huyện Khánh Sơn (đã giải thể → nay là Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa)"
    )
    assert display_with_carrier(world.vks_kh) == "VKSND tỉnh Khánh Hòa"
    world.ta_ks.active_to = D(2025, 6, 30)
    assert display_with_carrier(world.ta_ks) == "TAND huyện Khánh Sơn (đã giải thể)"
    assert display_with_carrier(None) == ""


def _regulations(world, n: int) -> list:
    return [
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], signed_on=D(2022, 1, 10)) for _ in range(n)
    ]


@pytest.mark.django_db
def test_regulation_list_and_page_name_the_carrier(world, region7, client_for, django_assert_max_num_queries):
    regs = _regulations(world, 2)
    client = client_for(world.kh_leader)
    client.get(reverse("regulations:list"))  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        page = client.get(reverse("regulations:list")).content.decode()
    assert table(page).count(CARRIER) == 2 and "VKSND khu vực 7 - Khánh Hòa" in page
    _regulations(world, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("regulations:list")).content.decode()
    assert table(page).count(CARRIER) == 8
    detail = client.get(regs[0].get_absolute_url()).content.decode()
    assert detail.count(CARRIER) == 2  # host fact and the parties table
    assert reverse("agencies:detail", args=[region7.pk]) in detail


@pytest.mark.django_db
def test_meeting_pages_and_directives_name_the_carrier(world, region7, client_for, django_assert_max_num_queries):
    meetings = [
        MeetingFactory(
            host_agency=world.vks_ks,
            kind=MeetingKind.INTERAGENCY,
            state=MeetingState.HELD,
            starts_at=aware(2024, 3, day),
        )
        for day in (1, 2, 3)
    ]
    for m in meetings:
        DirectiveFactory(meeting=m, assigned_agency=world.vks_ks)
    client = client_for(world.kh_leader)
    client.get(reverse("meetings:list"))
    with django_assert_max_num_queries(14) as few:
        page = client.get(reverse("meetings:list")).content.decode()
    assert table(page).count(CARRIER) == 3
    MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2024, 4, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert table(client.get(reverse("meetings:list")).content.decode()).count(CARRIER) == 4
    detail = client.get(meetings[0].get_absolute_url()).content.decode()
    assert detail.count(CARRIER) >= 2  # host and the directive's unit
    with django_assert_max_num_queries(20):
        directives = client.get(reverse("meetings:directives")).content.decode()
    assert table(directives).count(CARRIER) == 3


@pytest.mark.django_db
def test_agency_tree_names_the_carrier(world, region7, client_for):
    page = client_for(world.kh_leader).get(reverse("agencies:tree")).content.decode()
    assert CARRIER in page and "VKSND khu vực 7 - Khánh Hòa" in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["regulations:list", "meetings:list", "meetings:directives"])
def test_unit_pickers_list_active_units_first_and_mark_dissolved(world, region7, client_for, url):
    response = client_for(world.kh_leader).get(reverse(url))
    labels = [label for value, label in response.context["filter"].form.fields["agency"].choices if value != ""]
    dissolved = [i for i, label in enumerate(labels) if "đã giải thể" in label]
    assert dissolved and min(dissolved) > max(i for i in range(len(labels)) if i not in dissolved)
    assert (
        "Viện kiểm sát nhân dân huyện Khánh Sơn (đã giải thể → nay là Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa)"
    ) in labels
