"""Lists that can hold the whole country count at most ``cap`` rows and page on past it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal import pagination
from portal.formats import group_thousands
from portal.pagination import CappedPaginator
from regulations.models import Regulation
from tests.regulations.factories import RegulationFactory


@pytest.fixture
def seven(world):
    for n in range(7):
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n + 1:02d}/QCPH")
    return Regulation.objects.order_by("number")


@pytest.mark.django_db
def test_below_the_cap_the_count_and_the_pages_are_exact(seven):
    paginator = CappedPaginator(seven, 3, cap=10)
    assert paginator.count == 7 and not paginator.capped and paginator.num_pages == 3
    last = paginator.get_page(99)
    assert last.number == 3 and [r.number for r in last.object_list] == ["07/QCPH"] and not last.has_next()


@pytest.mark.django_db
def test_past_the_cap_pages_go_on_until_the_last_row(seven, django_assert_max_num_queries):
    paginator = CappedPaginator(seven, 3, cap=4)
    assert paginator.capped and paginator.count == 5
    with django_assert_max_num_queries(2):  # the capped count and one page of rows
        first = paginator.get_page(1)
        assert [r.number for r in first.object_list] == ["01/QCPH", "02/QCPH", "03/QCPH"]
    third = paginator.get_page(3)  # beyond the counted rows: still served
    assert [r.number for r in third.object_list] == ["07/QCPH"]
    assert first.has_next() and paginator.get_page(2).has_next() and not third.has_next()
    assert paginator.get_page(50).number == 1 and paginator.get_page("x").number == 1


@pytest.mark.django_db
def test_the_capped_count_reads_no_more_than_the_cap(seven, django_assert_num_queries):
    with django_assert_num_queries(1) as ctx:
        assert CappedPaginator(seven, 3, cap=4).count == 5
    assert "LIMIT 5" in ctx.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_the_register_says_more_than_and_pages_without_a_total(seven, world, client_for, monkeypatch):
    monkeypatch.setattr(pagination, "DEFAULT_CAP", 4)
    monkeypatch.setattr("regulations.views.PAGE_SIZE", 3)
    client = client_for(world.ks_staff)
    page = client.get(reverse("regulations:list")).content.decode()
    assert "Hơn 4 văn bản" in page and "Trang 1" in page and "Trang 1/" not in page
    last = client.get(reverse("regulations:list") + "?page=3").content.decode()
    assert last.count('<tr><td><a href="/quy-che/') == 1  # the seventh row
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_exact_counts_are_written_with_a_thousands_dot():
    assert group_thousands(37105) == "37.105" and group_thousands(7) == "7"


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [4, 100])
def test_bad_and_too_high_page_numbers_say_which_page_is_shown(seven, cap):
    paginator = CappedPaginator(seven, 3, cap=cap)
    for bad in ("abc", "-1", "0", "²", "1e3"):
        page = paginator.get_page(bad)
        assert page.number == 1 and page.notice == "Số trang không hợp lệ; đang hiển thị trang 1."
    huge = paginator.get_page("9" * 30)  # once a 500: bigint out of range in the OFFSET
    last = 1 if paginator.capped else 3
    assert huge.number == last and huge.notice.startswith("Trang 999999999999 không có dữ liệu")
    assert paginator.get_page("50").notice.endswith("trang 1." if paginator.capped else "trang cuối (3).")
    assert paginator.get_page(None).notice == paginator.get_page("2").notice == ""


@pytest.mark.django_db
def test_the_lists_show_the_notice_and_never_fail_on_a_huge_page(world, client_for, seven):
    client = client_for(world.ks_staff)
    for url in ("regulations:list", "meetings:list", "meetings:directives", "meetings:register", "accounts:list"):
        response = client.get(reverse(url) + "?page=" + "9" * 25)
        assert response.status_code in (200, 403), url
    page = client.get(reverse("regulations:list") + "?page=99999999999999999999").content.decode()
    assert "Trang 999999999999 không có dữ liệu; đang hiển thị trang 1." in page


@pytest.mark.django_db
def test_deep_pages_read_their_ids_first_and_keep_the_order(seven, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(pagination, "DEFERRED_FROM", 3)
    expected = list(seven.values_list("number", flat=True))
    paginator = CappedPaginator(seven.prefetch_related("parties"), 3, cap=4)
    assert paginator.capped
    shown = []
    for number in (1, 2, 3):
        with django_assert_num_queries(2 if number == 1 else 3):  # rows and parties; deep: the ids first
            page = paginator.page(number)
            shown += [(r.number, len(r.parties.all())) for r in page.object_list]
    assert [number for number, _ in shown] == expected and {parties for _, parties in shown} == {2}
    assert not paginator.page(3).has_next() and paginator.page(2).has_next()
