"""Browser journey: a unit's administrator, on a phone, creates an account for a new clerk, corrects
a mistyped password, then locks another account; the new clerk logs in."""

import pytest

from accounts.models import Role, User

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_unit_admin_creates_and_locks_accounts_on_a_phone(page, world, login, check_page):
    page.set_viewport_size(PHONE)
    login(page, world.ks_admin)
    page.goto("/")
    page.get_by_role("link", name="Tài khoản").first.click()
    page.wait_for_url("**/tai-khoan/")
    assert page.get_by_text("4 tài khoản").is_visible()
    check_page(page, "accounts-list-phone")

    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("vanthu.moi")
    page.get_by_label("Họ và tên").fill("Cao Thị Thư")
    page.get_by_label("Vai trò").select_option(Role.CLERK)
    page.locator("#id_password1").fill("Van-thu-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Van-thu-2026?")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_text("Hai lần nhập mật khẩu không khớp nhau.").is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Cao Thị Thư"  # nothing typed is lost
    check_page(page, "accounts-create-error-phone")
    page.locator("#id_password1").fill("Van-thu-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Van-thu-2026!")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/tai-khoan/")
    assert page.get_by_text("Đã tạo tài khoản vanthu.moi.").is_visible()
    clerk = User.objects.get(username="vanthu.moi")
    assert clerk.agency == world.vks_ks and clerk.role == Role.CLERK

    page.get_by_role("link", name="ks.staff").click()
    page.get_by_label("Đang hoạt động (bỏ chọn để khóa tài khoản)").uncheck()
    check_page(page, "accounts-edit-phone")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/tai-khoan/")
    world.ks_staff.refresh_from_db()
    assert not world.ks_staff.is_active
    assert page.get_by_text("Đã khóa").first.is_visible()

    page.context.clear_cookies()
    login(page, clerk, password="Van-thu-2026!")
    page.goto("/")
    assert page.get_by_text("Cao Thị Thư").first.is_visible()
