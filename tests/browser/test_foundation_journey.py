"""A member of staff logs in, browses the agency tree, opens an agency, changes nothing, logs out.
Every page passes axe-core (no serious/critical violations) and the Nu HTML Checker."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_staff_journey_through_agencies(page, world, login, check_page):
    page.goto("/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    check_page(page, "foundation-login")

    login(page, world.ks_staff)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    check_page(page, "foundation-home")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Cơ quan, đơn vị").click()
    expect(page.get_by_role("heading", name="Cơ quan, đơn vị", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Viện kiểm sát nhân dân huyện Khánh Sơn")).to_be_visible()
    expect(page.get_by_text("tỉnh Hà Giang")).to_have_count(0)
    check_page(page, "foundation-agency-tree")

    page.get_by_role("link", name="Viện kiểm sát nhân dân huyện Khánh Sơn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Viện kiểm sát nhân dân huyện Khánh Sơn")
    expect(page.get_by_role("cell", name="Bùi Văn Đức")).to_be_visible()
    check_page(page, "foundation-agency-detail")

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()


def test_leader_searches_without_accents(page, world, login, check_page):
    login(page, world.kh_leader)
    page.goto("/co-quan/")
    page.get_by_label("Tìm cơ quan").fill("khanh son")
    page.get_by_role("search").get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Viện kiểm sát nhân dân huyện Khánh Sơn")).to_be_visible()
    check_page(page, "foundation-agency-search")


def test_out_of_scope_agency_is_a_vietnamese_404(page, world, login, check_page):
    login(page, world.ks_staff)
    response = page.goto(f"/co-quan/{world.vks_hg.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang hoặc dữ liệu")
    check_page(page, "foundation-404")


def test_password_change_page(page, world, login, check_page):
    login(page, world.hg_staff)
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.locator("#id_old_password").fill("test-VKS-2026")
    page.locator("#id_new_password1").fill("abc")
    page.locator("#id_new_password2").fill("abc")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.get_by_text("Mật khẩu quá ngắn")).to_be_visible()
    check_page(page, "foundation-password-change-errors")
