"""Agencies by any usual name: codes, full names, no diacritics, the usual abbreviations; a dissolved
agency named for a later record points at its successor. One lookup (agencies.lookup) serves the
import and the pickers' search."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from agencies.lookup import AgencyIndex, AgencyNotFound, canonical
from agencies.models import Agency
from tests.agencies.demo_map import load_demo_agencies, user_of

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2025, 9, 15)


@pytest.fixture
def index() -> AgencyIndex:
    load_demo_agencies()
    rows = Agency.objects.values_list("pk", "code", "name", "short_name", "active_to", "current_carrier_id")
    return AgencyIndex(rows)


def code_of(pk: int) -> str:
    return Agency.objects.get(pk=pk).code


def test_abbreviations_read_as_the_words_they_stand_for() -> None:
    assert canonical("VKSND KV07 - Khánh Hòa") == "vien kiem sat nhan dan khu vuc 7 khanh hoa"
    assert canonical("CQCSĐT CA tỉnh Khánh Hòa") == "co quan canh sat dieu tra cong an tinh khanh hoa"
    assert canonical("THADS") == "thi hanh an dan su"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("TA-KV7-KH", "TA-KV7-KH"),
        ("ta-kv7-kh", "TA-KV7-KH"),
        ("Tòa án nhân dân khu vực 7 - Khánh Hòa", "TA-KV7-KH"),
        ("Toa an nhan dan khu vuc 7 Khanh Hoa", "TA-KV7-KH"),
        ("TAND khu vực 7 - Khánh Hòa", "TA-KV7-KH"),
        ("TAND KV7 Khánh Hòa", "TA-KV7-KH"),
        ("VKSND khu vực 7 - Khánh Hòa", "VKS-KV7-KH"),
        ("Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa", "CSDT-KH"),
        ("CQCSĐT Công an tỉnh Khánh Hòa", "CSDT-KH"),
        ("CQCSDT CA tinh Khanh Hoa", "CSDT-KH"),
        ("THADS khu vực 7 - Khánh Hòa", "THADS-KV7-KH"),
        ("THADS tỉnh Khánh Hòa", "THADS-KH"),
        ("CA huyện Khánh Sơn", "CSDT-KS"),
    ],
)
def test_any_usual_name_finds_the_agency(index, typed, code) -> None:
    assert code_of(index.resolve(typed)) == code


def test_a_name_shared_by_several_agencies_asks_for_the_code(index) -> None:
    with pytest.raises(AgencyNotFound, match="nhiều cơ quan") as error:
        index.resolve("khu vực 7")
    assert "Tòa án nhân dân khu vực 7 - Khánh Hòa" in str(error.value)


def test_a_dissolved_agency_for_a_later_record_names_its_successor(index) -> None:
    district_police = "CQCSĐT Công an huyện Khánh Sơn"
    assert code_of(index.resolve(district_police, on=datetime.date(2024, 5, 1))) == "CSDT-KS"
    with pytest.raises(AgencyNotFound) as error:
        index.resolve(district_police, on=AFTER_2025)
    message = str(error.value)
    assert "đã giải thể từ ngày 01/03/2025" in message
    assert "Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa" in message
    with pytest.raises(AgencyNotFound) as error:
        index.resolve("Toa an nhan dan huyen Khanh Sonn", on=AFTER_2025)
    assert "Có phải: Tòa án nhân dân khu vực 7 - Khánh Hòa" in str(error.value)
    assert "huyện Khánh Sơn" not in str(error.value).split("Có phải")[1]


def test_the_pickers_search_understands_the_abbreviations(client_for) -> None:
    load_demo_agencies()
    client = client_for(user_of("VKSTC", Role.ADMIN))
    for typed, expected in [
        ("CQCSĐT CA tỉnh Khánh Hòa", "Cơ quan Cảnh sát điều tra Công an tỉnh Khánh Hòa"),
        ("TAND KV7", "Tòa án nhân dân khu vực 7 - Khánh Hòa"),
        ("vksnd khu vuc 7", "Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa"),
    ]:
        found = client.get(reverse("agencies:autocomplete"), {"q": typed}).json()["results"]
        assert [row["text"] for row in found] == [expected], typed
    page = client.get(reverse("agencies:search"), {"q": "THADS KV7"}).content.decode()
    assert "Phòng Thi hành án dân sự khu vực 7 - Khánh Hòa" in page
