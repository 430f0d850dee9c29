"""The 2025 map in the party pickers (issue #20, point 5): a unit picks any active agency of its own
province and of the levels above, and the successors of its former partners first; a dissolved
agency only for records dated before its dissolution. Form, import and API alike."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from agencies.models import Agency
from agencies.selectors import partner_choices
from imports.models import ImportJob
from regulations.models import PartyRole, Regulation
from tests.agencies.demo_map import load_demo_agencies, user_of
from tests.imports.files import regulation_row, xlsx
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db
SEPT_2025 = datetime.date(2025, 9, 15)


def agency(code: str) -> Agency:
    return Agency.objects.select_related("locality", "current_carrier").get(code=code)


@pytest.fixture
def kv7():
    """The demo map, VKSND khu vực 7 - Khánh Hòa's staff, and a regulation its predecessor (VKSND
    huyện Khánh Sơn) signed with the district police office, closed on 1 March 2025."""
    load_demo_agencies()
    RegulationFactory(
        host_agency=agency("VKS-KS"),
        partners=[agency("CSDT-KS")],
        number="01/2020/QCPH",
        signed_on=datetime.date(2020, 1, 6),
    )
    return user_of("VKS-KV7-KH")


def form_data(partner: Agency, signed_on: str = "15/09/2025", number: str = "01/2025/QCPH-VKSKV7") -> dict:
    host = agency("VKS-KV7-KH")
    return {
        "number": number,
        "title": "Quy chế phối hợp giải quyết tố giác, tin báo về tội phạm",
        "type": "coordination_rule",
        "signed_on": signed_on,
        "in_force_from": signed_on,
        "review_interval_months": "12",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-agency": host.pk,
        "parties-0-role": PartyRole.HOST,
        "parties-1-agency": partner.pk,
        "parties-1-role": PartyRole.PARTY,
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
        "originals-TOTAL_FORMS": "0",
        "originals-INITIAL_FORMS": "0",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
    }


def test_the_rule_province_levels_above_and_former_partners_successors_first(kv7) -> None:
    choices = list(partner_choices(agency("VKS-KV7-KH"), on=SEPT_2025).values_list("code", flat=True))
    assert choices[0] == "CSDT-KH"  # carries the work of CSDT-KS, a former partner: first
    assert {"CSDT-KH", "TA-KV7-KH", "THADS-KV7-KH", "TA-KH", "THADS-KH", "VKSTC", "TATC"} <= set(choices)
    assert "CSDT-KS" not in choices and "TA-KS" not in choices  # dissolved before 15/09/2025
    other_provinces = set(
        Agency.objects.exclude(locality__path__startswith=agency("VKS-KH").locality.path)
        .exclude(locality__parent=None)
        .values_list("code", flat=True)
    )
    assert other_provinces and not other_provinces & set(choices)
    before = set(partner_choices(agency("VKS-KV7-KH"), on=datetime.date(2024, 5, 1)).values_list("code", flat=True))
    assert "CSDT-KS" in before


def test_the_form_saves_the_provincial_police_as_partner_of_a_regional_procuracy(kv7, client_for) -> None:
    client = client_for(kv7)
    response = client.post(reverse("regulations:create"), form_data(agency("CSDT-KH")))
    assert response.status_code == 302, response.context["editor"].parties.errors
    saved = Regulation.objects.get(number="01/2025/QCPH-VKSKV7")
    assert set(saved.parties.values_list("agency__code", flat=True)) == {"VKS-KV7-KH", "CSDT-KH"}


def test_the_form_refuses_a_dissolved_partner_after_its_dissolution_naming_the_successor(kv7, client_for) -> None:
    client = client_for(kv7)
    response = client.post(reverse("regulations:create"), form_data(agency("CSDT-KS")))
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã giải thể từ ngày 01/03/2025" in page
    assert "Hãy chọn đơn vị kế thừa: “Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa”" in page
    response = client.post(reverse("regulations:create"), form_data(agency("TA-HG")))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()  # another province's court is no choice
    assert not Regulation.objects.filter(parties__agency__code="TA-HG").exists()
    # Before its dissolution the district office may still be named.
    response = client.post(
        reverse("regulations:create"), form_data(agency("CSDT-KS"), signed_on="10/01/2025", number="02/2025")
    )
    assert response.status_code == 302


def test_the_picker_offers_the_partners_of_the_records_date(kv7, client_for) -> None:
    client = client_for(kv7)
    url = reverse("agencies:autocomplete")
    texts = [
        r["text"] for r in client.get(url, {"doi_tac": "1", "q": "Công an", "ngay": "15/09/2025"}).json()["results"]
    ]
    assert texts[0] == "Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa"
    assert not any("huyện Khánh Sơn" in t for t in texts)
    texts = [r["text"] for r in client.get(url, {"doi_tac": "1", "q": "CA huyện Khánh Sơn"}).json()["results"]]
    assert texts == [
        "Cơ quan Cảnh sát điều tra Công an huyện Khánh Sơn (đã giải thể → nay là "
        "Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa)"
    ]
    page = client.get(reverse("regulations:create")).content.decode()
    assert 'data-autocomplete-date="signed_on"' in page and "doi_tac=1" in page


def test_the_import_takes_the_provincial_police_as_partner(kv7, client_for) -> None:
    client = client_for(kv7)
    rows = [
        regulation_row(1, host="VKS-KV7-KH", partner="CQCSĐT Công an tỉnh Khánh Hòa", signed_on="15/09/2025"),
        regulation_row(2, host="VKS-KV7-KH", partner="CQCSĐT Công an huyện Khánh Sơn", signed_on="15/09/2025"),
        regulation_row(3, host="VKS-KV7-KH", partner="TAND tỉnh Hà Giang", signed_on="15/09/2025"),
    ]
    response = client.post(reverse("imports:regulations"), {"file": SimpleUploadedFile("a.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.counts["created"] == 1 and job.counts["errors"] == 2
    messages = {e["row"]: e["message"] for e in job.errors}
    assert "Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa" in messages[3]  # the successor named
    assert "không cùng tỉnh" in messages[4] or "Không tìm thấy" in messages[4]


def test_the_api_lists_the_same_partners(kv7, client_for) -> None:
    client = client_for(kv7)
    rows = client.get("/api/v1/agencies/", {"doi_tac": "true", "ngay": "2025-09-15", "page_size": 200}).json()
    codes = [row["code"] for row in rows["results"]]
    assert codes == list(partner_choices(agency("VKS-KV7-KH"), on=SEPT_2025).values_list("code", flat=True))
    bad = client.get("/api/v1/agencies/", {"doi_tac": "true", "ngay": "31/02/2025"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.content.decode()


def test_a_regional_unit_imports_every_example_of_the_guide(client_for) -> None:
    from tests.imports.test_guide_examples import import_guide_examples

    load_demo_agencies()
    job, names = import_guide_examples(client_for(user_of("VKS-KV7-KH", Role.STAFF)))
    assert job.errors == []
    assert job.counts["created"] == 2 + len(names)


def test_the_service_refuses_a_partner_outside_the_map_whoever_writes(kv7) -> None:
    from django.core.exceptions import ValidationError

    from regulations import services

    admin = user_of("VKSTC", Role.ADMIN)  # may write for any unit, still bound by the map
    day = datetime.date(2024, 5, 1)  # Hà Giang's court still existed
    data = {"number": "03/2024", "title": "Quy chế", "type": "coordination_rule", "signed_on": day}
    data["in_force_from"] = day
    parties = [
        {"agency": agency("VKS-KV7-KH"), "role": PartyRole.HOST},
        {"agency": agency("TA-HG"), "role": PartyRole.PARTY},
    ]
    with pytest.raises(ValidationError) as error:
        services.create_regulation(admin, data, parties)
    assert "không cùng tỉnh" in str(error.value.message_dict["parties"])


def test_the_party_picker_costs_a_fixed_number_of_queries(kv7, client_for, django_assert_max_num_queries) -> None:
    client = client_for(kv7)
    url = reverse("agencies:autocomplete")
    client.get(url, {"doi_tac": "1"})  # the session is read once
    with django_assert_max_num_queries(12):
        rows = client.get(url, {"doi_tac": "1", "q": "khanh hoa", "ngay": "15/09/2025"}).json()["results"]
    assert len(rows) >= 6
