"""A provincial leader opens the dashboard, changes the period, picks a sub-unit, and follows
"Quá hạn sơ kết" to the regulation register, which shows the same number."""

import re

import pytest
from playwright.sync_api import expect

from tests.dashboards.factories import build_dashboard_world

pytestmark = pytest.mark.browser


def figure(page, key: str) -> int:
    text = page.locator(f'[data-figure="{key}"] .stat-value').inner_text()
    return int(re.sub(r"\D", "", text))


def test_leader_dashboard_drill_down_to_overdue(page, db, login, check_page):
    dw = build_dashboard_world()
    w = dw.world
    login(page, w.kh_leader)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Viện kiểm sát nhân dân tỉnh Khánh Hòa")
    check_page(page, "dashboard-province")

    # change the period: last year, then a custom range
    last_year = dw.today.year - 1
    page.get_by_label("Năm", exact=True).select_option(str(last_year))
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.locator(".lead")).to_contain_text(f"Năm {last_year}")
    interagency_last_year = figure(page, "interagency")
    assert interagency_last_year == 8  # two for each of Khánh Hòa, KV1, Khánh Sơn and KV2; none of Hà Giang
    page.get_by_label("Kỳ báo cáo", exact=True).select_option("custom")
    page.get_by_label("Từ ngày").fill(f"01/01/{dw.today.year - 3}")
    page.get_by_label("Đến ngày").fill(f"31/12/{last_year}")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.locator(".lead")).to_contain_text(f"Từ 01/01/{dw.today.year - 3}")
    assert figure(page, "interagency") == 16
    check_page(page, "dashboard-province-custom-period")

    overdue = figure(page, "overdue")
    assert overdue > 0
    page.locator('[data-figure="overdue"]').click()
    expect(page).to_have_url(re.compile(r"/quy-che/\?.*review_state=overdue"))
    expect(page.get_by_text(re.compile(rf"^{overdue} văn bản$"))).to_be_visible()


def test_staff_dashboard_is_own_unit_read_only(page, db, login, check_page):
    dw = build_dashboard_world()
    login(page, dw.world.kv1_staff)
    page.goto("/tong-quan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Khu vực 1 - Khánh Hòa")
    expect(page.get_by_label("Đơn vị (kể cả cấp dưới)")).to_have_count(0)
    check_page(page, "dashboard-regional-staff")
    response = page.goto(f"/tong-quan/?agency={dw.world.vks_hg.pk}")
    assert response.status == 403
