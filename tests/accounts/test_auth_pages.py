"""Login, logout and password change work and speak Vietnamese."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body


def test_login_with_wrong_password_says_so_in_vietnamese(world, client):
    response = client.post(reverse("login"), {"username": world.ks_staff.username, "password": "sai-mat-khau"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đăng nhập không thành công" in body
    assert "mật khẩu chính xác" in body


def test_login_and_logout(world, client):
    response = client.post(reverse("login"), {"username": world.ks_staff.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Xin chào" in home and "Viện kiểm sát nhân dân huyện Khánh Sơn" in home
    assert "Đăng xuất" in home
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(world, client_for):
    assert client_for(world.ks_staff).get(reverse("logout")).status_code == 405


def test_password_change(world, client):
    user = world.ks_staff
    client.force_login(user)
    body = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in body and "Mật khẩu cũ" in body
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Khanh-Son-2026!x", "new_password2": "Khanh-Son-2026!x"},
    )
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "Đã đổi mật khẩu" in done
    user.refresh_from_db()
    assert user.check_password("Khanh-Son-2026!x")


def test_password_change_rejects_short_password_in_vietnamese(world, client_for):
    response = client_for(world.ks_staff).post(
        reverse("password_change"), {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn" in response.content.decode()


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
