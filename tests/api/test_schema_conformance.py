"""Schemathesis against the API's own OpenAPI schema (``/api/v1/schema/``), in-process through the
WSGI application, as a province leader whose scope holds records of every kind (a dissolved unit
and its successor, regulations with relations, meetings with and without an end, directives with
and without a unit). Every response must be documented (status, content type, body), schema-valid
requests must not be refused without a reason, invalid ones must be refused.

Bounded and reproducible: a fixed seed, derandomized generation, ``API_FUZZ_EXAMPLES`` examples per
operation (25 by default; a deeper local run: ``API_FUZZ_EXAMPLES=150``)."""

from __future__ import annotations

import os
from base64 import b64encode
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from api.throttling import TokenRateThrottle
from meetings import selectors as meeting_selectors
from portal import access
from regulations import selectors as regulation_selectors
from regulations.models import Field
from tests.api.records import build_records

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
DETAIL_IDS = {
    "/api/v1/agencies/{id}/": "agencies",
    "/api/v1/regulations/{id}/": "regulations",
    "/api/v1/meetings/{id}/": "meetings",
    "/api/v1/directives/{id}/": "directives",
}
# (operation, status, whether the body had rows or fields) of every response, checked at teardown.
SEEN: Counter[tuple[str, int, bool]] = Counter()


def conformance_config(auth: dict[str, str], values: dict[str, list]) -> schemathesis.Config:
    """Ids (and cursors) the user can read are drawn most of the time, so responses have content;
    random ids alone would all be 404."""
    return schemathesis.Config.from_dict(
        {
            "seed": 20260424,
            "headers": auth,
            "generation": {"max-examples": EXAMPLES, "deterministic": True},
            "dictionaries": {name: {"values": pool} for name, pool in values.items()},
            "parameters": {
                "query.agency": {"dictionary": "agencies", "probability": 0.7},
                "query.field": {"dictionary": "fields", "probability": 0.7},
                "query.regulation": {"dictionary": "regulations", "probability": 0.7},
                "query.cursor": {"dictionary": "cursors", "probability": 0.5},
            },
            "operations": [
                {"include-path": path, "parameters": {"path.id": {"dictionary": name, "probability": 0.8}}}
                for path, name in DETAIL_IDS.items()
            ],
            "checks": {
                # Values the schema cannot rule out are refused with 400 and the reason: an agency or field id
                # outside the user's scope, a reversed date range, a custom period without its dates.
                "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "429"]},
            },
        }
    )


def in_test_transaction(environ: dict, start_response: Callable) -> list[bytes]:
    """The portal's WSGI application on the test's database connection. Django closes a connection in
    a transaction at the start and end of a request; its test client turns that off, and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return [body]


@pytest.fixture
def api_schema(world, settings, monkeypatch) -> Iterator[schemathesis.BaseSchema]:
    cache.clear()
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    build_records(world)
    user = world.kh_leader
    token, _ = Token.objects.get_or_create(user=user)
    auth = {"Authorization": f"Token {token.key}"}
    ids = {
        "agencies": list(access.agencies(user).values_list("pk", flat=True)),
        "regulations": list(regulation_selectors.visible(user).values_list("pk", flat=True)),
        "meetings": list(meeting_selectors.meeting_list(user).values_list("pk", flat=True)),
        "directives": list(meeting_selectors.directives_for(user).values_list("pk", flat=True)),
        "fields": list(Field.objects.values_list("pk", flat=True)),
    }
    # Cursors as the API writes them in its "next" links: the first page, and after a known id.
    ids["cursors"] = ["", *(b64encode(f"p={pk}".encode()).decode() for pk in ids["regulations"][:2])]
    SEEN.clear()
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", in_test_transaction, headers=auth, config=conformance_config(auth, ids)
    )
    with_content = {op for (op, status, content), n in SEEN.items() if status == 200 and content}
    assert with_content >= {
        "GET /api/v1/agencies/",
        "GET /api/v1/regulations/",
        "GET /api/v1/meetings/",
        "GET /api/v1/directives/",
        "GET /api/v1/dashboard/",
        *(f"GET {path}" for path in DETAIL_IDS),
    }, SEEN


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_the_api_matches_its_schema(case) -> None:
    response = case.call_and_validate()
    content = False
    if response.status_code == 200:
        body = response.json()
        content = bool(body.get("results")) if "results" in body else bool(body.get("id") or body.get("totals"))
        assert "VKSHG" not in response.text  # the sibling province's regulation
    SEEN[(f"{case.method} {case.operation.path}", response.status_code, content)] += 1
