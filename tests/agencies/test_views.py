import re

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, AgencySuccessionFactory, LocalityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def detail(agency) -> str:
    return reverse("agencies:detail", args=[agency.pk])


def test_district_staff_gets_404_on_other_province(world, client_for):
    client = client_for(world.ks_staff)
    response = client.get(detail(world.vks_hg))
    assert response.status_code == 404
    assert "Đặng Bình Giang" not in response.content.decode()


def test_district_staff_sees_own_agency_and_people(world, client_for):
    response = client_for(world.ks_staff).get(detail(world.vks_ks))
    assert response.status_code == 200
    assert "Bùi Văn Đức" in response.content.decode()


def test_district_staff_does_not_see_province_above(world, client_for):
    assert client_for(world.ks_staff).get(detail(world.vks_kh)).status_code == 404


def test_people_of_other_province_not_in_search_or_tree(world, client_for):
    client = client_for(world.ks_staff)
    tree = client.get(reverse("agencies:tree")).content.decode()
    assert "tỉnh Hà Giang" not in tree
    assert "huyện Khánh Sơn" in tree
    found = client.get(reverse("agencies:search"), {"q": "ha giang"}).content.decode()
    assert "Viện kiểm sát nhân dân tỉnh Hà Giang" not in found


def test_province_leader_sees_district_below(world, client_for):
    response = client_for(world.kh_leader).get(detail(world.vks_ks))
    assert response.status_code == 200
    assert "Bùi Văn Đức" in response.content.decode()


def test_province_leader_does_not_see_other_province(world, client_for):
    assert client_for(world.kh_leader).get(detail(world.vks_hg)).status_code == 404


def test_province_staff_does_not_see_district_below(world, client_for):
    assert client_for(world.kh_staff).get(detail(world.vks_ks)).status_code == 404


def test_supreme_admin_sees_everything(world, client_for):
    client = client_for(world.supreme_admin)
    for agency in (world.vks_hg, world.ta_ks, world.vks_kh):
        assert client.get(detail(agency)).status_code == 200


def test_unknown_id_is_404_in_vietnamese(world, client_for):
    response = client_for(world.supreme_admin).get("/co-quan/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang hoặc dữ liệu" in body
    assert 'lang="vi"' in body


def test_out_of_scope_looks_exactly_like_missing(world, client_for):
    client = client_for(world.ks_staff)
    hidden, missing = client.get(detail(world.vks_hg)), client.get("/co-quan/999999/")
    assert hidden.status_code == missing.status_code == 404

    def without_token(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert without_token(hidden) == without_token(missing)


@pytest.mark.parametrize("url", ["/co-quan/", "/co-quan/tim-kiem/?q=khanh", "/co-quan/1/", "/"])
def test_anonymous_is_sent_to_login(url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khanh son", "Viện kiểm sát nhân dân huyện Khánh Sơn"),
        ("KHÁNH SƠN", "Tòa án nhân dân huyện Khánh Sơn"),
        ("vks-ks", "Viện kiểm sát nhân dân huyện Khánh Sơn"),
    ],
)
def test_search_is_accent_insensitive(world, client_for, query, expected):
    response = client_for(world.supreme_admin).get(reverse("agencies:search"), {"q": query})
    assert expected in response.content.decode()


def test_search_folds_d_with_stroke(db):
    from agencies.models import Agency

    agency = AgencyFactory(name="Cơ quan Cảnh sát điều tra Công an huyện Đắk Đoa", code="CSDT-DD")
    assert list(Agency.objects.search("dak doa")) == [agency]
    assert list(Agency.objects.search("đắk")) == [agency]


def test_person_search_text_folds_dang(world):
    from agencies.models import Person
    from portal.search import matches_all_words

    assert list(Person.objects.filter(matches_all_words("search_text", "dang binh"))) == [world.person_hg]


def test_dissolved_agency_shows_its_successor(world, client_for):
    khu_vuc = LocalityFactory(name="Khu vực 7 - Khánh Hòa", parent=world.khanh_hoa)
    regional = AgencyFactory(
        code="VKS-KV7", name="Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa", locality=khu_vuc, level="regional"
    )
    old = AgencyFactory(
        code="VKS-OLD",
        name="Viện kiểm sát nhân dân huyện Cam Lâm",
        locality=world.khanh_hoa,
        level="district",
        active_to="2025-06-30",
    )
    AgencySuccessionFactory(predecessor=old, successor=regional)
    PersonFactory(full_name="Lê Văn Cũ", agency=old)
    response = client_for(world.kh_leader).get(detail(old))
    body = response.content.decode()
    assert response.status_code == 200
    assert "đã giải thể" in body
    assert "đơn vị đang kế thừa công việc" in body
    assert "Viện kiểm sát nhân dân khu vực 7 - Khánh Hòa" in body
    assert "01/07/2025" in body


def test_tree_filter_by_kind(world, client_for):
    body = client_for(world.supreme_admin).get(reverse("agencies:tree"), {"kind": "court"}).content.decode()
    assert "Tòa án nhân dân tỉnh Hà Giang" in body
    assert "Viện kiểm sát nhân dân tỉnh Hà Giang" not in body


def test_tree_query_count_is_bounded(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        agency = AgencyFactory(code=f"EXTRA-{n}", locality=world.khanh_hoa, parent=world.vks_kh)
        PersonFactory(agency=agency)
    client = client_for(world.supreme_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("agencies:tree"))
    assert response.status_code == 200
    assert "Viện kiểm sát nhân dân thử nghiệm" in response.content.decode()


def test_detail_query_count_is_bounded(world, client_for, django_assert_max_num_queries):
    for _ in range(20):
        PersonFactory(agency=world.vks_ks)
    client = client_for(world.kh_leader)
    with django_assert_max_num_queries(15):
        assert client.get(detail(world.vks_ks)).status_code == 200
