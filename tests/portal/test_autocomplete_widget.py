"""Long agency choices render only what is chosen; the rest comes from the scoped autocomplete."""

import re

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def agency_select(html: str, name: str = "agency") -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


@pytest.mark.parametrize("route", ["regulations:list", "meetings:list", "meetings:directives"])
def test_agency_filter_ships_no_list_of_agencies(world, client_for, route, django_assert_max_num_queries) -> None:
    for i in range(60):
        AgencyFactory(code=f"X{i}", name=f"Viện kiểm sát nhân dân khu vực {i}", locality=world.khanh_hoa)
    client = client_for(world.supreme_admin)
    select = agency_select(client.get(reverse(route)).content.decode())
    assert select.count("<option") == 1 and 'data-autocomplete-url="/co-quan/goi-y/"' in select
    with django_assert_max_num_queries(25):
        html = client.get(reverse(route), {"agency": world.vks_ks.pk}).content.decode()
    select = agency_select(html)
    assert select.count("<option") == 2
    assert f'<option value="{world.vks_ks.pk}" selected>{world.vks_ks.name}</option>' in select


def test_a_chosen_agency_out_of_scope_is_not_rendered(world, client_for) -> None:
    html = client_for(world.hg_staff).get(reverse("regulations:list"), {"agency": world.vks_ks.pk}).content.decode()
    assert world.vks_ks.name not in agency_select(html)


def test_meeting_form_co_hosts_render_only_the_chosen(world, client_for) -> None:
    html = client_for(world.ks_staff).get(reverse("meetings:create")).content.decode()
    assert agency_select(html, "co_hosts").count("<option") == 0
