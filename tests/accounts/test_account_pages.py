"""A unit's administrator manages the unit's accounts in the portal: list, create, change, lock and
reset a password, within the unit's scope only; bad input is a Vietnamese error that keeps what was
typed; every change is in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "kiemsat.moi",
    "full_name": "Phan Văn Mới",
    "email": "moi@vks.test",
    "role": Role.CLERK,
    "password1": "Vks-KhanhSon-2026",
    "password2": "Vks-KhanhSon-2026",
}


def test_the_unit_admin_lists_only_the_units_accounts(world, client_for, django_assert_max_num_queries) -> None:
    client = client_for(world.ks_admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("accounts:list")).content.decode()
    for name in ("ks.staff", "ks.clerk", "ks.leader", "ks.admin"):
        assert name in page
    for name in ("hg.staff", "kh.leader", "supreme.admin"):
        assert name not in page
    assert "4 tài khoản" in page
    assert "ks.clerk" in client.get(reverse("accounts:list") + "?q=Mai").content.decode()
    assert "ks.staff" not in client.get(reverse("accounts:list") + "?q=Mai").content.decode()


def test_other_roles_get_403_and_other_units_accounts_are_404(world, client_for) -> None:
    for user in (world.ks_staff, world.ks_clerk, world.ks_leader):
        assert client_for(user).get(reverse("accounts:list")).status_code == 403
    client = client_for(world.ks_admin)
    for other in (world.hg_staff, world.kh_leader, world.supreme_admin):
        assert client.get(reverse("accounts:edit", args=[other.pk])).status_code == 404
        assert (
            client.post(
                reverse("accounts:password", args=[other.pk]), {"password1": "Xx-12345678", "password2": "Xx-12345678"}
            ).status_code
            == 404
        )
    assert client.get(reverse("accounts:edit", args=[99999999999999999])).status_code == 404


def test_create_an_account_in_the_unit(world, client_for) -> None:
    client = client_for(world.ks_admin)
    form = client.get(reverse("accounts:create")).content.decode()
    assert f'<option value="{world.vks_ks.pk}" selected>' in form
    assert world.vks_hg.name not in form and world.ta_ks.name not in form  # other units, partner agencies
    response = client.post(reverse("accounts:create"), {**GOOD, "agency": world.vks_ks.pk})
    assert response.status_code == 302
    account = User.objects.get(username="kiemsat.moi")
    assert (account.agency, account.role, account.is_staff, account.is_superuser) == (
        world.vks_ks,
        Role.CLERK,
        False,
        False,
    )
    assert authenticate(username="kiemsat.moi", password=GOOD["password1"]) == account
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT)
    assert event.user == world.ks_admin and "Tạo tài khoản kiemsat.moi" in event.detail


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "ks.staff"}, "username", "Tên đăng nhập này đã có người dùng"),
        ({"password2": "khac-hoan-toan-2026"}, "password2", "Hai lần nhập mật khẩu không khớp nhau"),
        ({"password1": "1234567890", "password2": "1234567890"}, "password1", "hoàn toàn là số"),
        ({"password1": "Kiemsat.moi1", "password2": "Kiemsat.moi1"}, "password1", "giống"),
        ({"full_name": ""}, "full_name", "Trường này là bắt buộc"),
        ({"email": "khong-phai-thu"}, "email", "Địa chỉ thư điện tử không hợp lệ"),
    ],
)
def test_bad_input_is_a_vietnamese_error_and_keeps_what_was_typed(world, client_for, change, field, message) -> None:
    response = client_for(world.ks_admin).post(
        reverse("accounts:create"), {**GOOD, "agency": world.vks_ks.pk, **change}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    page = response.content.decode()
    assert "Chưa lưu được" in page and 'value="Phan Văn Mới"' in page or change.get("full_name") == ""
    assert not User.objects.filter(username="kiemsat.moi").exists()


def test_a_unit_outside_the_scope_is_refused_not_saved(world, client_for) -> None:
    response = client_for(world.ks_admin).post(reverse("accounts:create"), {**GOOD, "agency": world.vks_hg.pk})
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    response = client_for(world.ks_admin).post(reverse("accounts:create"), {**GOOD, "agency": "9" * 30})
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert not User.objects.filter(username="kiemsat.moi").exists()


def test_change_role_lock_and_reset_password(world, client_for) -> None:
    client = client_for(world.ks_admin)
    account = world.ks_staff
    response = client.post(
        reverse("accounts:edit", args=[account.pk]),
        {
            "full_name": account.full_name,
            "email": "hanh@vks.test",
            "agency": world.vks_ks.pk,
            "role": Role.CLERK,
            "email_notifications": "on",
        },
    )  # is_active left out: lock the account
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.role == Role.CLERK and not account.is_active and account.email == "hanh@vks.test"
    assert client_for(world.ks_admin).get(reverse("accounts:list")).content.decode().count("Đã khóa") == 1
    response = client.post(
        reverse("accounts:password", args=[account.pk]),
        {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Mat-khau-moi-2026")
    details = list(AuditEvent.objects.filter(action=AuditAction.ACCOUNT).values_list("detail", flat=True))
    assert any("Sửa tài khoản ks.staff" in d and "đã khóa" in d for d in details)
    assert any("Đặt lại mật khẩu tài khoản ks.staff" in d for d in details)


def test_an_admin_cannot_lock_or_demote_themselves(world, client_for) -> None:
    client = client_for(world.ks_admin)
    response = client.post(
        reverse("accounts:edit", args=[world.ks_admin.pk]),
        {"full_name": "Lê Quang Vinh", "email": "", "agency": world.vks_hg.pk, "role": Role.STAFF},
    )
    world.ks_admin.refresh_from_db()
    # The fields are disabled: what was posted for them is ignored, the rest is saved.
    assert response.status_code == 302
    assert (world.ks_admin.role, world.ks_admin.agency, world.ks_admin.is_active) == (Role.ADMIN, world.vks_ks, True)


def test_a_province_admin_manages_the_province_and_the_units_below(world, client_for) -> None:
    from tests.factories import UserFactory

    kh_admin = UserFactory(username="kh.admin", agency=world.vks_kh, role=Role.ADMIN)
    client = client_for(kh_admin)
    page = client.get(reverse("accounts:list")).content.decode()
    assert "kh.leader" in page and "ks.staff" in page and "hg.staff" not in page and "supreme.admin" not in page
    form = client.get(reverse("accounts:create")).content.decode()
    assert world.vks_ks.name in form and world.vks_hg.name not in form
    assert client.get(reverse("accounts:edit", args=[world.ks_staff.pk])).status_code == 200
    assert client.get(reverse("accounts:edit", args=[world.hg_staff.pk])).status_code == 404
    # The district's admin does not manage the province above it.
    assert client_for(world.ks_admin).get(reverse("accounts:edit", args=[kh_admin.pk])).status_code == 404


def test_the_supreme_admin_sees_every_unit(world, client_for) -> None:
    page = client_for(world.supreme_admin).get(reverse("accounts:list")).content.decode()
    assert "hg.staff" in page and "ks.admin" in page and "11 tài khoản" in page


def test_every_error_of_the_form_shows_at_once_in_vietnamese(world, client_for) -> None:
    response = client_for(world.ks_admin).post(
        reverse("accounts:create"),
        {
            **GOOD,
            "agency": world.vks_ks.pk,
            "username": "vanthu moi",
            "email": "ngocanh@",
            "password1": "abc",
            "password2": "xyz",
        },
    )
    errors = response.context["form"].errors
    assert "Tên đăng nhập không hợp lệ" in errors["username"][0] and "dấu cách" in errors["username"][0]
    assert errors["email"] == ["Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@vks.gov.vn)."]
    assert errors["password2"] == ["Hai lần nhập mật khẩu không khớp nhau."]


def test_django_messages_read_as_vietnamese(world, client_for) -> None:
    page = client_for(world.ks_staff).get(reverse("regulations:list") + "?q=%00&signed_from=99999&field=abc")
    text = page.content.decode()
    assert "Không được chứa ký tự rỗng (NUL)." in text and "Null characters" not in text
    assert "Giá trị phải nhỏ hơn hoặc bằng 2100." in text


def test_a_locked_account_is_told_it_is_locked(world, client) -> None:
    from tests.factories import TEST_PASSWORD

    world.ks_staff.is_active = False
    world.ks_staff.save(update_fields=["is_active"])
    page = client.post(reverse("login"), {"username": "ks.staff", "password": TEST_PASSWORD}).content.decode()
    assert "Tài khoản này đã bị khóa" in page
    wrong = client.post(reverse("login"), {"username": "ks.staff", "password": "sai-mat-khau-1"}).content.decode()
    assert "Tài khoản này đã bị khóa" not in wrong  # without the password nothing is revealed
