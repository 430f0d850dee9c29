"""Issue #18, point 8: one's own password needs the current one (also on the admin's account pages and in
the Django admin); an admin locks or resets only accounts of lower roles or of units below, never another
admin of its own unit; each lock, unlock or reset e-mails the account's owner."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from notifications.models import Notification
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"}


def edit_data(account, **change) -> dict:
    data = {
        "full_name": account.full_name,
        "email": account.email,
        "agency": account.agency_id,
        "role": account.role,
        "email_notifications": "on",
    }
    if account.is_active:
        data["is_active"] = "on"
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def test_own_password_on_the_account_page_needs_the_current_one(world, client_for, django_capture_on_commit_callbacks):
    admin = world.ks_admin
    client = client_for(admin)
    url = reverse("accounts:password", args=[admin.pk])
    assert 'name="current_password"' in client.get(url).content.decode()
    for current in ({}, {"current_password": "sai-mat-khau"}):
        response = client.post(url, {**NEW, **current})
        assert response.status_code == 200
        assert "current_password" in response.context["form"].errors
        admin.refresh_from_db()
        assert admin.check_password(TEST_PASSWORD)
    assert "Mật khẩu hiện tại không đúng" in client.post(url, {**NEW, "current_password": "sai"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**NEW, "current_password": TEST_PASSWORD})
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(NEW["password1"])
    assert client.get(reverse("accounts:list")).status_code == 200  # still signed in
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_another_admin_of_the_same_unit_is_neither_locked_nor_reset(world, client_for):
    peer = UserFactory(username="ks.admin2", agency=world.vks_ks, role=Role.ADMIN)
    client = client_for(world.ks_admin)
    response = client.post(reverse("accounts:edit", args=[peer.pk]), edit_data(peer, is_active=None))
    assert response.status_code == 200
    assert "chỉ quản trị đơn vị cấp trên" in response.content.decode()
    response = client.post(reverse("accounts:password", args=[peer.pk]), NEW)
    assert response.status_code == 200 and "chỉ quản trị đơn vị cấp trên" in response.content.decode()
    peer.refresh_from_db()
    assert peer.is_active and peer.check_password(TEST_PASSWORD)
    # nor another supreme admin by the supreme admin
    other_supreme = UserFactory(username="supreme.admin2", agency=world.vks_tc, role=Role.ADMIN)
    response = client_for(world.supreme_admin).post(reverse("accounts:password", args=[other_supreme.pk]), NEW)
    assert response.status_code == 200
    assert not mail.outbox


def test_admins_of_units_below_and_lower_roles_are_managed_and_told(
    world, client_for, django_capture_on_commit_callbacks
):
    kh_admin = UserFactory(username="kh.admin", agency=world.vks_kh, role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(kh_admin).post(
            reverse("accounts:edit", args=[world.ks_admin.pk]), edit_data(world.ks_admin, is_active=None)
        )
    assert response.status_code == 302
    world.ks_admin.refresh_from_db()
    assert not world.ks_admin.is_active
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(kh_admin).post(reverse("accounts:password", args=[world.ks_staff.pk]), NEW)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.ks_admin.email], [world.ks_staff.email]]
    assert "khóa tài khoản" in mail.outbox[0].body and "Kính gửi" in mail.outbox[0].body
    assert "đặt lại mật khẩu" in mail.outbox[1].body
    assert Notification.objects.filter(user=world.ks_staff, title__contains="đặt lại mật khẩu").exists()


def test_the_django_admin_sends_one_to_the_page_that_asks_for_the_current_password(world, client_for):
    admin = world.supreme_admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client = client_for(admin)
    response = client.get(reverse("admin:auth_user_password_change", args=[admin.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    peer = UserFactory(username="supreme.admin2", agency=world.vks_tc, role=Role.ADMIN)
    response = client.post(reverse("admin:auth_user_password_change", args=[peer.pk]), NEW)
    assert response.status_code == 403
    peer.refresh_from_db()
    assert peer.check_password(TEST_PASSWORD)


def test_changing_ones_own_password_on_the_usual_page_tells_the_owner(
    world, client_for, django_capture_on_commit_callbacks
):
    user = world.ks_staff
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(
            reverse("password_change"),
            {"old_password": TEST_PASSWORD, "new_password1": NEW["password1"], "new_password2": NEW["password1"]},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]] and "đổi mật khẩu" in mail.outbox[0].body
