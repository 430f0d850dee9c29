"""The OpenAPI schema says what the API answers: the fields that can be null are nullable, every
status code a client can get is documented with its JSON body (issue 18, finding 10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from api.throttling import TokenRateThrottle
from tests.factories import AgencyFactory, AgencySuccessionFactory
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def schema(world) -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node or ("allOf" in node and len(node["allOf"]) == 1):
        ref = node["$ref"] if "$ref" in node else node["allOf"][0]["$ref"]
        node = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return node


# (component, property, URL of a response where it is null): the four nulls the testers found.
NULLABLE = [
    ("Agency", "parent", lambda w: f"/api/v1/agencies/{w.vks_tc.pk}/"),
    ("Agency", "current_carrier", lambda w: f"/api/v1/agencies/{w.vks_kh.pk}/"),
    ("Regulation", "amendment_of", lambda w: "/api/v1/regulations/"),
    ("Directive", "assigned_agency", lambda w: "/api/v1/directives/"),
]


@pytest.mark.parametrize(("component", "prop", "url"), NULLABLE, ids=[f"{c}.{p}" for c, p, _ in NULLABLE])
def test_fields_that_come_back_null_are_nullable_in_the_schema(world, schema, component, prop, url) -> None:
    RegulationFactory(host_agency=world.vks_kh, partners=[world.ta_kh])
    DirectiveFactory(meeting=MeetingFactory(host_agency=world.vks_kh))  # assigned to no unit
    body = token_client(world.supreme_admin).get(url(world)).json()
    row = body["results"][0] if "results" in body else body
    assert row[prop] is None
    declared = schema["components"]["schemas"][component]["properties"][prop]
    assert declared.get("nullable") is True, declared


def test_nullable_objects_still_come_back_whole(world) -> None:
    successor = AgencyFactory(code="VKS-KV7", locality=world.khanh_son)
    world.vks_ks.active_to = datetime.date(2025, 6, 30)
    world.vks_ks.save()
    AgencySuccessionFactory(predecessor=world.vks_ks, successor=successor)
    DirectiveFactory(meeting=MeetingFactory(host_agency=world.vks_ks), assigned_agency=world.vks_ks)
    client = token_client(world.ks_leader)
    agency = client.get(f"/api/v1/agencies/{world.vks_ks.pk}/").json()
    assert agency["parent"]["code"] == "VKS-KH" and agency["current_carrier"]["code"] == "VKS-KV7"
    assert client.get("/api/v1/directives/").json()["results"][0]["assigned_agency"]["code"] == "VKS-KS"


def documented(schema: dict, path: str) -> set[str]:
    return set(schema["paths"][path]["get"]["responses"])


def test_every_status_code_the_api_gives_is_documented(world, schema, monkeypatch) -> None:
    cache.clear()
    leader, staff = token_client(world.kh_leader), token_client(world.ks_staff)
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    cases = [
        # (client, URL, operation in the schema, status)
        (leader, "/api/v1/regulations/?page=0&page_size=0", "/api/v1/regulations/", 400),
        (leader, "/api/v1/meetings/?page=0&page_size=0", "/api/v1/meetings/", 400),
        (leader, "/api/v1/directives/?page=0&page_size=0", "/api/v1/directives/", 400),
        (leader, "/api/v1/agencies/?page=0&page_size=0", "/api/v1/agencies/", 400),
        (leader, "/api/v1/regulations/?status=khong-co", "/api/v1/regulations/", 400),
        (leader, "/api/v1/meetings/?held=khong", "/api/v1/meetings/", 400),
        (leader, "/api/v1/regulations/?cursor=khong-phai-con-tro", "/api/v1/regulations/", 400),
        (leader, "/api/v1/regulations/?page=99", "/api/v1/regulations/", 404),
        (leader, "/api/v1/agencies/?page=99", "/api/v1/agencies/", 404),
        (leader, "/api/v1/regulations/999999/", "/api/v1/regulations/{id}/", 404),
        (leader, "/api/v1/meetings/999999/", "/api/v1/meetings/{id}/", 404),
        (leader, "/api/v1/directives/999999/", "/api/v1/directives/{id}/", 404),
        (leader, "/api/v1/agencies/999999/", "/api/v1/agencies/{id}/", 404),
        (token_client(world.hg_staff), f"/api/v1/regulations/{regulation.pk}/", "/api/v1/regulations/{id}/", 404),
        (leader, "/api/v1/dashboard/?period=quarter&quarter=9", "/api/v1/dashboard/", 400),
        (leader, f"/api/v1/dashboard/?agency={world.vks_hg.pk}", "/api/v1/dashboard/", 404),
        (staff, f"/api/v1/dashboard/?agency={world.vks_kh.pk}", "/api/v1/dashboard/", 403),
        (Client(), "/api/v1/regulations/", "/api/v1/regulations/", 401),
        (Client(), "/api/v1/dashboard/", "/api/v1/dashboard/", 401),
        (Client(HTTP_AUTHORIZATION="Token sai"), "/api/v1/agencies/1/", "/api/v1/agencies/{id}/", 401),
    ]
    for client, url, operation, status in cases:
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert response["Content-Type"] == "application/json", url
        assert {"detail", "code"} <= set(response.json()), url
        assert str(status) in documented(schema, operation), (url, documented(schema, operation))
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "1/min"})
    throttled = token_client(world.hg_leader)
    throttled.get("/api/v1/meetings/")
    response = throttled.get("/api/v1/meetings/")
    assert response.status_code == 429 and "429" in documented(schema, "/api/v1/meetings/")
    assert response["Retry-After"]


def test_every_operation_documents_its_errors_with_the_error_body(schema) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"} and "errors" in error["properties"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"200", "401", "429", "503"} | ({"400", "404"} if "{id}" not in path else {"404"})
            assert expected <= codes, (method, path, codes)
            for code in codes - {"200"}:
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (path, code)


def test_the_two_paginations_are_documented(schema) -> None:
    operation = schema["paths"]["/api/v1/regulations/"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert params["cursor"]["schema"] == {"type": "string"} and "next" in params["cursor"]["description"]
    page = resolve(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(page["properties"]) == {"count", "count_capped", "next", "previous", "results"}
    assert set(page["required"]) == {"next", "previous", "results"}  # no count in cursor mode
    # Parameters typed as the filters read them.
    assert params["agency"]["schema"]["type"] == "integer" and params["signed_from"]["schema"]["minimum"] == 1945
    held = {p["name"]: p for p in schema["paths"]["/api/v1/meetings/"]["get"]["parameters"]}["held"]
    assert held["schema"] == {"type": "boolean"}
