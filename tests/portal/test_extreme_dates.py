"""Dates at the edges of what Python can hold are refused with a message, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

EDGES = ["0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999"]
LIST_PARAMS = [
    ("meetings:list", ["date_from", "date_to"]),
    ("meetings:directives", ["deadline_from", "deadline_to"]),
    ("meetings:calendar", ["date"]),
    ("dashboard:index", ["date_from", "date_to"]),
]


@pytest.mark.parametrize("value", EDGES)
@pytest.mark.parametrize(("route", "params"), LIST_PARAMS)
def test_list_pages_take_extreme_dates(world, route, params, value) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(world.kh_leader)
    query = {name: value for name in params} | ({"period": "custom"} if route.startswith("dashboard") else {})
    assert client.get(reverse(route), query).status_code in (200, 400)


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("route", ["meetings:create", "regulations:create"])
def test_forms_refuse_extreme_dates_with_a_message(world, route, value) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(world.ks_admin)
    data = {name: value for name in ("starts_at", "ends_at", "signed_on", "in_force_from", "expires_on")}
    response = client.post(reverse(route), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Năm phải trong khoảng 1900–2199." in body or "không hợp lệ" in body.lower()
