"""The read-only REST API: schema, token and session auth, scoping exactly as the pages, filters,
pagination, throttling, Vietnamese JSON errors, and dashboard figures equal to the page's."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from api.throttling import TokenRateThrottle
from meetings.models import MeetingKind
from tests.factories import AgencyFactory, AgencySuccessionFactory
from tests.meetings.factories import DirectiveFactory, MeetingFactory, aware
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db

LISTS = ["api:agency-list", "api:regulation-list", "api:meeting-list", "api:directive-list"]


def token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def records(world):
    cache.clear()
    ks = RegulationFactory(
        host_agency=world.vks_ks, number="01/QCPH-VKSKS", partners=[world.ta_ks], due=datetime.date(2024, 3, 1)
    )
    hg = RegulationFactory(host_agency=world.vks_hg, number="07/QCPH-VKSHG", partners=[world.ta_hg])
    ks_meeting = MeetingFactory(
        host_agency=world.vks_ks, title="Họp liên ngành Khánh Sơn", state="held", starts_at=aware(2024, 5, 2)
    )
    hg_meeting = MeetingFactory(host_agency=world.vks_hg, title="Họp liên ngành Hà Giang", state="held")
    ks_directive = DirectiveFactory(
        meeting=ks_meeting, assigned_agency=world.vks_ks, deadline=datetime.date(2024, 3, 1)
    )
    hg_directive = DirectiveFactory(meeting=hg_meeting, assigned_agency=world.vks_hg)
    return {
        "ks": {"regulation": ks, "meeting": ks_meeting, "directive": ks_directive, "agency": world.vks_ks},
        "hg": {"regulation": hg, "meeting": hg_meeting, "directive": hg_directive, "agency": world.vks_hg},
    }


def ids(client: Client, name: str, **params) -> set[int]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_schema_validates_and_has_vietnamese_labels(world) -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # drf-spectacular's own validation against the OpenAPI 3 specification
    regulation = schema["components"]["schemas"]["Regulation"]["properties"]
    assert regulation["number"]["title"] == "Số, ký hiệu"
    assert {"status", "review_state", "parties", "fields", "relations", "current_carrier"} <= set(regulation)
    agency = schema["components"]["schemas"]["Agency"]["properties"]
    assert {"successors", "predecessors", "current_carrier"} <= set(agency)
    paths = schema["paths"]
    assert {
        "/api/v1/regulations/",
        "/api/v1/meetings/",
        "/api/v1/directives/",
        "/api/v1/agencies/",
        "/api/v1/dashboard/",
    } <= set(paths)
    params = {p["name"] for p in paths["/api/v1/regulations/"]["get"]["parameters"]}
    assert {"q", "status", "review_state", "field", "agency", "page", "page_size"} <= params


def test_anonymous_gets_401_in_vietnamese(world) -> None:
    for name in LISTS + ["api:dashboard", "api:schema"]:
        response = Client().get(reverse(name))
        assert response.status_code == 401, name
        assert response.json()["detail"].startswith("Chưa xác thực")
    response = Client(HTTP_AUTHORIZATION="Token sai").get(reverse("api:regulation-list"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập không hợp lệ hoặc tài khoản đã bị khóa."


def test_sibling_token_gets_404_on_every_object_and_sees_nothing_in_lists(world, records) -> None:
    sibling = token_client(world.hg_staff)
    ks = records["ks"]
    for name, obj in (
        ("api:agency-detail", ks["agency"]),
        ("api:agency-detail", world.ta_ks),
        ("api:regulation-detail", ks["regulation"]),
        ("api:meeting-detail", ks["meeting"]),
        ("api:directive-detail", ks["directive"]),
    ):
        response = sibling.get(reverse(name, args=[obj.pk]))
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}
    secrets = [world.vks_ks.name, world.ta_ks.name, ks["regulation"].number, ks["meeting"].title]
    for name in LISTS:
        text = sibling.get(reverse(name), {"page_size": 500}).content.decode()
        assert not [s for s in secrets if s in text], name
    assert ids(sibling, "api:regulation-list") == {records["hg"]["regulation"].pk}
    # Asking the dashboard for the other unit: 404 like the page (staff: 403 for any other unit).
    assert sibling.get(reverse("api:dashboard"), {"agency": world.vks_ks.pk}).status_code in (403, 404)


def test_own_token_sees_its_unit_and_leader_token_sees_the_subtree(world, records) -> None:
    ks, hg = records["ks"], records["hg"]
    own = token_client(world.ks_staff)
    assert ids(own, "api:regulation-list") == {ks["regulation"].pk}
    assert own.get(reverse("api:regulation-detail", args=[ks["regulation"].pk])).status_code == 200
    leader = token_client(world.kh_leader)
    assert ks["regulation"].pk in ids(leader, "api:regulation-list")
    assert hg["regulation"].pk not in ids(leader, "api:regulation-list")
    assert ids(leader, "api:meeting-list") == {ks["meeting"].pk}
    assert ids(leader, "api:directive-list") == {ks["directive"].pk}
    assert {world.vks_kh.pk, world.vks_ks.pk, world.ta_ks.pk} <= ids(leader, "api:agency-list")
    assert world.vks_hg.pk not in ids(leader, "api:agency-list")
    supreme = token_client(world.supreme_leader)
    assert {ks["regulation"].pk, hg["regulation"].pk} <= ids(supreme, "api:regulation-list")


def test_session_auth_works_for_the_browser(world, records, client_for) -> None:
    assert ids(client_for(world.ks_staff), "api:meeting-list") == {records["ks"]["meeting"].pk}


def test_regulation_fields_and_current_carrier(world, records) -> None:
    successor = AgencyFactory(
        code="VKS-KV7", name="Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa", locality=world.khanh_son
    )
    world.vks_ks.active_to = datetime.date(2025, 6, 30)
    world.vks_ks.save()
    AgencySuccessionFactory(predecessor=world.vks_ks, successor=successor)
    client = token_client(world.ks_staff)
    data = client.get(reverse("api:regulation-detail", args=[records["ks"]["regulation"].pk])).json()
    assert data["number"] == "01/QCPH-VKSKS"
    assert data["host_agency"]["code"] == "VKS-KS"
    assert data["current_carrier"]["code"] == "VKS-KV7"
    assert data["review_state"] == "overdue" and data["review_state_label"] == "Quá hạn sơ kết"
    assert data["status"] == "in_force"
    assert {p["role"] for p in data["parties"]} == {"host", "party"}
    agency = client.get(reverse("api:agency-detail", args=[world.vks_ks.pk])).json()
    assert agency["current_carrier"]["code"] == "VKS-KV7"
    assert agency["successors"][0]["successor"]["code"] == "VKS-KV7"
    assert agency["successors"][0]["kind"] == "replaced_by"


def test_the_pages_filters_work_and_bad_values_are_vietnamese_400(world, records) -> None:
    client = token_client(world.kh_leader)
    ks = records["ks"]
    assert ids(client, "api:regulation-list", review_state="overdue") == {ks["regulation"].pk}
    assert ids(client, "api:regulation-list", review_state="not_due") == set()
    assert ids(client, "api:regulation-list", q="qcph vkss") == set()
    assert ids(client, "api:regulation-list", q="01/qcph") == {ks["regulation"].pk}
    assert ids(client, "api:meeting-list", kind=MeetingKind.INTERAGENCY, date_from="2024-05-01") == {ks["meeting"].pk}
    assert ids(client, "api:meeting-list", kind=MeetingKind.SIGNING) == set()
    assert ids(client, "api:directive-list", state="overdue") == {ks["directive"].pk}
    response = client.get(reverse("api:regulation-list"), {"status": "khong-co"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Tham số không hợp lệ." and "status" in body["errors"]
    response = client.get(reverse("api:regulation-list"), {"page": 99})
    assert response.status_code == 404 and response.json()["detail"] == "Không tìm thấy."
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404 and response.json()["detail"] == "Không có địa chỉ API này."
    response = client.post(reverse("api:regulation-list"), {}, content_type="application/json")
    assert response.status_code == 405 and "chỉ cho phép đọc" in response.json()["detail"]


def test_lists_are_paginated_with_a_bounded_number_of_queries(world, records, django_assert_max_num_queries) -> None:
    for n in range(30):
        RegulationFactory(host_agency=world.vks_ks, number=f"{n + 10}/QCPH-VKSKS", partners=[world.ta_ks])
    client = token_client(world.ks_staff)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("api:regulation-list"), {"page_size": 20}).json()
    assert body["count"] == 31 and len(body["results"]) == 20 and body["next"]


def test_dashboard_figures_equal_the_dashboard_page(world, records, client_for) -> None:
    MeetingFactory(
        host_agency=world.vks_ks,
        kind=MeetingKind.INTERIM_REVIEW,
        state="held",
        starts_at=aware(2024, 6, 2),
        reviewed=[records["ks"]["regulation"]],
    )
    params = {"agency": world.vks_kh.pk, "period": "year", "year": 2024}
    page = client_for(world.kh_leader).get(reverse("dashboard:index"), params)
    api = token_client(world.kh_leader).get(reverse("api:dashboard"), params).json()
    assert api["totals"] == page.context["dash"].totals
    assert api["totals"]["interagency"] == 1 and api["totals"]["interim"] == 1
    assert [r["figures"] for r in api["rows"]] == [r["figures"] for r in page.context["dash"].rows]
    assert api["agency"]["code"] == "VKS-KH" and api["period"]["label"] == "Năm 2024"
    bad = token_client(world.kh_leader).get(reverse("api:dashboard"), {"period": "quarter", "quarter": 9})
    assert bad.status_code == 400 and bad.json()["errors"]["quarter"] == ["Quý phải từ 1 đến 4."]


def test_throttling_per_token(world, records, monkeypatch) -> None:
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    first, second = token_client(world.ks_staff), token_client(world.kh_leader)
    for _ in range(3):
        assert first.get(reverse("api:meeting-list")).status_code == 200
    response = first.get(reverse("api:meeting-list"))
    assert response.status_code == 429 and response.json()["detail"].startswith("Quá nhiều yêu cầu; hãy thử lại sau")
    assert second.get(reverse("api:meeting-list")).status_code == 200  # another token has its own budget


def test_service_token_command(world) -> None:
    out = io.StringIO()
    call_command("create_service_token", "svc.baocao.kh", agency="VKS-KH", role="leader", stdout=out)
    key = out.getvalue().strip()
    token = Token.objects.get(key=key)
    assert token.user.agency == world.vks_kh and token.user.role == "leader" and not token.user.has_usable_password()
    out2 = io.StringIO()
    call_command("create_service_token", "svc.baocao.kh", agency="VKS-KH", stdout=out2)
    assert out2.getvalue().strip() == key
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:agency-list"))
    assert response.status_code == 200


def test_docs_are_served_by_the_portal(world, client_for) -> None:
    response = client_for(world.ks_staff).get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<script>" not in html  # the start-up script is a file too (CSP: no inline script)
    script = client_for(world.ks_staff).get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert Client().get(reverse("api:docs")).status_code == 302
