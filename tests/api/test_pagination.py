"""API lists: counts capped as on the pages, cursor pagination for clients that read everything,
a bounded number of queries whatever the page, and the scope kept on every page (issue 25)."""

from __future__ import annotations

from base64 import b64encode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

import portal.pagination
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.portal.access_matrix import iter_routes
from tests.portal.test_access_matrix import OBJECT_URLS, build_fixture
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db

LISTS = ["api:agency-list", "api:regulation-list", "api:meeting-list", "api:directive-list"]
# Queries of a list page, any size, any depth: token and user, scope, count (page numbers only), rows, prefetches.
MAX_QUERIES = {"api:agency-list": 9, "api:regulation-list": 11, "api:meeting-list": 9, "api:directive-list": 7}


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def walk(client: Client, url: str) -> tuple[list[int], int]:
    """Every id reached by following ``next`` from ``url``, and the number of pages."""
    ids, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        pages += 1
        url = body["next"]
    return ids, pages


@pytest.fixture
def many(world):
    cache.clear()
    return [
        RegulationFactory(host_agency=world.vks_ks, number=f"{n:02d}/QCPH-VKSKS", partners=[world.ta_ks])
        for n in range(12)
    ]


def test_page_numbers_count_exactly_below_the_cap_and_stop_counting_above(world, many, monkeypatch) -> None:
    client = token_client(world.ks_staff)
    body = client.get("/api/v1/regulations/", {"page_size": 5}).json()
    assert body["count"] == 12 and body["count_capped"] is False and len(body["results"]) == 5
    monkeypatch.setattr(portal.pagination, "DEFAULT_CAP", 7)
    body = client.get("/api/v1/regulations/", {"page_size": 5, "page": 2}).json()
    assert body["count"] == 7 and body["count_capped"] is True  # "more than 7"
    assert body["next"] and body["previous"] and len(body["results"]) == 5
    last = client.get("/api/v1/regulations/", {"page_size": 5, "page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None  # known without counting everything
    assert client.get("/api/v1/regulations/", {"page_size": 5, "page": 4}).status_code == 404


def test_bad_page_parameters_are_vietnamese_400s(world, many) -> None:
    client = token_client(world.ks_staff)
    for params, name in (
        ({"page": 0, "page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": -3}, "page_size"),
        ({"page": 1, "cursor": ""}, "cursor"),
        ({"cursor": "khong-phai-con-tro"}, "cursor"),
        ({"cursor": b64encode(b"p=abc").decode()}, "cursor"),
        ({"cursor": b64encode(f"p={2**64}".encode()).decode()}, "cursor"),
    ):
        response = client.get("/api/v1/regulations/", params)
        assert response.status_code == 400, params
        body = response.json()
        assert body["detail"] == "Tham số không hợp lệ." and list(body["errors"]) == [name], params
    assert len(client.get("/api/v1/regulations/", {"page_size": 10_000}).json()["results"]) == 12  # capped at 500
    assert client.get("/api/v1/regulations/", {"page": "", "page_size": ""}).status_code == 200  # empty = default


def test_a_cursor_walk_reads_every_row_once_in_id_order(world, many) -> None:
    client = token_client(world.ks_staff)
    ids, pages = walk(client, "/api/v1/regulations/?cursor=&page_size=5&sort=number")
    assert ids == sorted(r.pk for r in many) and pages == 3  # the list's "sort" does not apply to a walk
    first = client.get("/api/v1/regulations/", {"cursor": "", "page_size": 5}).json()
    assert "count" not in first and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [r["id"] for r in client.get(second["previous"]).json()["results"]] == ids[:5]
    # Filters stay in the links.
    filtered = client.get("/api/v1/regulations/", {"cursor": "", "page_size": 2, "q": "01/qcph"}).json()
    assert [r["number"] for r in filtered["results"]] == ["01/QCPH-VKSKS"] and filtered["next"] is None


def test_a_walk_sees_rows_added_behind_it(world, many) -> None:
    client = token_client(world.ks_staff)
    first = client.get("/api/v1/regulations/", {"cursor": "", "page_size": 10}).json()
    late = RegulationFactory(host_agency=world.vks_ks, number="99/QCPH-VKSKS", partners=[world.ta_ks])
    rest, _ = walk(client, first["next"])
    assert late.pk in rest and not {r["id"] for r in first["results"]} & set(rest)


def test_queries_per_page_are_bounded_and_the_same_deep_as_first(world, django_assert_max_num_queries) -> None:
    cache.clear()
    for n in range(30):
        regulation = RegulationFactory(host_agency=world.vks_ks, number=f"{n}/QCPH", partners=[world.ta_ks])
        MeetingFactory(host_agency=world.vks_ks, reviewed=[regulation])
        DirectiveFactory(meeting=MeetingFactory(host_agency=world.vks_ks), assigned_agency=world.vks_ks)
    client = token_client(world.kh_leader)
    for name in LISTS:
        url = reverse(name)
        counts = []
        first_pages = [{"page_size": 3}, {"page_size": 30}, {"page_size": 3, "page": 2}, {"cursor": "", "page_size": 3}]
        for params in first_pages:
            with django_assert_max_num_queries(MAX_QUERIES[name]) as captured:
                assert client.get(url, params).status_code == 200, (name, params)
            counts.append(len(captured))
        # The deepest page a few "next" links in.
        deep, hops = client.get(url, {"cursor": "", "page_size": 3}).json()["next"], 0
        while hops < 3 and (following := client.get(deep).json()["next"]):
            deep, hops = following, hops + 1
        assert parse_qs(urlsplit(deep).query)["cursor"][0]
        with django_assert_max_num_queries(MAX_QUERIES[name]) as captured:
            assert client.get(deep).status_code == 200
        assert len(captured) == counts[3], name  # a deep cursor page costs what the first does
        assert counts[0] == counts[1], name  # 3 rows or 30: the same queries
        assert counts[3] == counts[0] - 1, name  # a cursor page runs no count


def test_another_units_user_reaches_nothing_through_either_pagination(world) -> None:
    """Every API route of the access matrix, as the sibling unit's user, with page numbers and cursors:
    object routes answer 404, lists walked to their end show none of the owning unit's records."""
    fixture = build_fixture(world)
    cache.clear()
    secrets = [world.vks_ks.name, world.ta_ks.name, fixture["regulation"].number, fixture["meeting"].title]
    own = {
        "api:agency-list": {world.vks_ks.pk, world.ta_ks.pk},
        "api:regulation-list": {fixture["regulation"].pk},
        "api:meeting-list": {fixture["meeting"].pk},
        "api:directive-list": {fixture["directive"].pk},
    }
    sibling, owner = token_client(world.hg_staff), token_client(world.ks_staff)
    routes = [r for r in iter_routes() if r.name.startswith("api:") and r.name not in {"api:docs", "api:schema"}]
    assert {r.name for r in routes} >= {*LISTS, "api:dashboard", "api:regulation-detail"}
    for route in routes:
        if route.params:
            url = reverse(route.name, kwargs=OBJECT_URLS[route.name](fixture))
            for params in ({}, {"cursor": ""}, {"page": 1}, {"page_size": 500}):
                assert sibling.get(url, params).status_code == 404, (route.name, params)
                assert owner.get(url, params).status_code == 200, (route.name, params)
            continue
        if route.name not in LISTS:
            continue
        url = reverse(route.name)
        # The owner's cursor, taken to the sibling: it only says where to start, never what to show.
        owner_first = owner.get(url, {"cursor": "", "page_size": 1}).json()
        start = [f"{url}?cursor=&page_size=1", f"{url}?page=1&page_size=1"]
        if owner_first["next"]:
            start.append(owner_first["next"])
        for first in start:
            response = sibling.get(first)
            text = response.content.decode()
            assert not [s for s in secrets if s in text], (route.name, first)
            ids, _ = walk(sibling, first)
            assert not own[route.name] & set(ids), (route.name, first)
            for row_id in ids:
                page = sibling.get(f"{url}{row_id}/").content.decode()
                assert not [s for s in secrets if s in page], (route.name, row_id)
