"""Hostile input never breaks a page: random and malicious query parameters on every list page and
random values posted to every form. Never a 500; nothing saved from invalid input."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.access_matrix import iter_routes

pytestmark = pytest.mark.django_db

VIETNAMESE = "Viện kiểm sát nhân dân huyện Khánh Sơn, Đặng Bình Giang"
HOSTILE = [
    "",
    "x" * 20_000,
    "\x00",
    "abc\x00def",
    "\x01\x02\x1b[31m",
    "' OR 1=1 --",
    "'; DROP TABLE regulations_regulation; --",
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "31/02/2024",
    "29/02/2023",
    "0000-00-00",
    "2024-13-45",
    "9999-12-31",
    "../../etc/passwd",
    unicodedata.normalize("NFC", VIETNAMESE),
    unicodedata.normalize("NFD", VIETNAMESE),
    "１２３",
    "🙂" * 50,
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200), st.integers().map(str))
# Parameter names the list pages read, plus junk ones.
PARAMS = [
    "q",
    "page",
    "sort",
    "agency",
    "kind",
    "type",
    "status",
    "state",
    "field",
    "partner_kind",
    "review_state",
    "signed_from",
    "signed_to",
    "date_from",
    "date_to",
    "deadline_from",
    "deadline_to",
    "regulation",
    "period",
    "year",
    "quarter",
    "view",
    "date",
    "action",
    "username",
    "held",
    "zzz",
]
SKIP_GET = {"logout"}


def list_routes() -> list[str]:
    return [r.name for r in iter_routes() if not r.params and r.name not in SKIP_GET]


@pytest.fixture
def staff_client(world) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(world.ks_staff)
    return client


@pytest.mark.parametrize("route", list_routes())
def test_list_pages_survive_hostile_query_parameters(route: str, world) -> None:
    client = Client(raise_request_exception=True)
    client.force_login(world.kh_leader)
    url = reverse(route)
    # Exports render whole documents; they share their filter form with the list page.
    examples = 5 if route.endswith(("pdf", "xlsx", "csv")) else 15

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.dictionaries(st.sampled_from(PARAMS), values, max_size=6))
    def check(params: dict[str, str]) -> None:
        response = client.get(url, params)
        assert response.status_code < 500, (route, params)

    check()


FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def form_routes() -> list[str]:
    return [r.name for r in iter_routes() if not r.params and r.name.endswith(("create", "preferences"))]


def portal_row_counts() -> dict[str, int]:
    labels = {"regulations", "meetings", "agencies", "notifications"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in labels}


@pytest.mark.parametrize("route", form_routes())
def test_forms_survive_hostile_values_and_save_nothing_invalid(route: str, world, staff_client) -> None:
    url = reverse(route)
    page = staff_client.get(url)
    if page.status_code == 403:
        pytest.skip("role may not open this form")
    names = sorted(set(FIELD_NAME.findall(page.content.decode())) - {"csrfmiddlewaretoken"})
    management = {n: page.content.decode() for n in names if n.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))}
    assert names, f"{route}: no form fields found"

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries({n: values for n in names if n not in management}))
    def check(data: dict[str, str]) -> None:
        data.update({n: "0" if n.endswith("INITIAL_FORMS") else "1" for n in management})
        before = portal_row_counts()
        response = staff_client.post(url, data)
        assert response.status_code < 500, (route, data)
        if response.status_code == 200:
            assert portal_row_counts() == before, f"{route}: rows saved from a form that showed errors"

    check()


# ---------------------------------------------------------------------------------------------------
# Classes of hostile input the outside test used (issue 12, security 8), each sent to every URL: as
# every query parameter a page reads, as every field of the page's form (POST), as the "next" target,
# and in place of every string path segment. Never a 500.

HOSTILE_CLASSES: dict[str, list[str]] = {
    "NUL": ["\x00", "12\x00"],
    "non-ASCII digits": ["²", "١٢٣"],
    "overlong": ["9" * 5000, "Đ" * 3000],
    "out-of-range numbers": ["32768", "9223372036854775808", "-9223372036854775809"],
    "bad next": ["abc", "//evil.example/", "/\\evil.example"],
}
CLASS_PARAMS = [*PARAMS, "next", "thay_the", "chua_doc", "page", "doc_type", "token", "pk"]
SKIP_CLASS_ROUTES = {"logout"}


def _class_values() -> list[tuple[str, str]]:
    return [(name, value) for name, values in HOSTILE_CLASSES.items() for value in values]


def test_every_url_and_form_survives_each_class_of_hostile_input(world, settings) -> None:
    from django.utils.http import urlencode

    from tests.portal.test_access_matrix import OBJECT_URLS, build_fixture

    settings.AXES_ENABLED = True  # the login form too, with its lock-out bookkeeping
    fixture = build_fixture(world)
    client = Client(raise_request_exception=False)
    client.force_login(world.ks_admin)
    anonymous = Client(raise_request_exception=False)
    failures: list[str] = []
    sent = {name: 0 for name in HOSTILE_CLASSES}
    urls = 0

    def check(name: str, method: str, url: str, response) -> None:
        sent[name] += 1
        if response.status_code >= 500:
            failures.append(f"{name}: {method} {url[:120]!r} -> {response.status_code}")

    for route in iter_routes():
        if route.name in SKIP_CLASS_ROUTES:
            continue
        maker = OBJECT_URLS.get(route.name)
        kwargs = (maker(fixture) if maker else None) if route.params else {}
        if route.params and kwargs is None:
            kwargs = {"token": world.ks_staff.feed_token}
        if kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs)
        urls += 1
        page = client.get(url)
        fields = (
            sorted(set(FIELD_NAME.findall(page.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"})
            if page.status_code == 200 and "html" in page.get("Content-Type", "")
            else []
        )
        str_params = [p for p in route.params if not isinstance(kwargs.get(p), int)]
        # Whole documents (PDF, workbooks) share their parsing with the list pages: one value per class.
        heavy = url.endswith((".pdf", ".xlsx", "/xuat-csv/", "/xuat-excel/", "/in/", "/pdf/"))
        for name, value in _class_values():
            if heavy and value != HOSTILE_CLASSES[name][0]:
                continue
            query = urlencode(dict.fromkeys(CLASS_PARAMS, value))
            check(name, "GET", f"{url}?{query}", client.get(f"{url}?{query}"))
            if route.name in PUBLIC_ROUTES:
                check(name, "GET anon", url, anonymous.get(f"{url}?{query}"))
            if fields or page.status_code == 405:
                data = dict.fromkeys(fields, value) | {"next": value}
                data.update({n: "1" for n in fields if n.endswith("TOTAL_FORMS")})
                data.update({n: "0" for n in fields if n.endswith("INITIAL_FORMS")})
                check(name, "POST", url, client.post(f"{url}?{query}", data))
            for param in str_params:
                bad = reverse(route.name, kwargs={**kwargs, param: "x"}).replace("/x", "/" + quote(value, safe=""), 1)
                check(name, "GET path", bad, anonymous.get(bad))
                check(name, "GET path", bad, client.get(bad))
    login = reverse("login")
    for name, value in _class_values():
        check(name, "POST login", login, anonymous.post(login, {"username": value, "password": value, "next": value}))
    total = sum(sent.values())
    print(f"\nHostile classes: {urls} URLs, {total} requests: " + ", ".join(f"{k} {v}" for k, v in sent.items()))
    assert urls >= 35 and all(count >= 60 for count in sent.values())
    assert not failures, "\n".join(failures[:40])


PUBLIC_ROUTES = {"login", "meetings:feed"}
