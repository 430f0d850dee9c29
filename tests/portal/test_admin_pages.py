"""Admin pages belong to the portal: in the menu for admins, and the Django admin in Vietnamese,
third-party apps included."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Skip to main content",
    "Toggle theme",
    "Access attempts",
    "Access attempt",
    "Access failures",
    "Access logs",
    "AXES",
    ">Axes<",
    "Sessions",
    "Toggle navigation",
    "Start typing to filter",
]


def menu_labels(html: str) -> list[str]:
    nav = html[html.index('id="main-nav"') : html.index("</nav>", html.index('id="main-nav"'))]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_admins_reach_status_audit_log_and_django_admin_from_the_menu(world, client_for) -> None:
    world.supreme_admin.is_staff = True
    world.supreme_admin.save(update_fields=["is_staff"])
    labels = menu_labels(client_for(world.supreme_admin).get(reverse("home")).content.decode())
    assert {"Nhật ký", "Trạng thái nhắc việc", "Trang quản trị"} <= set(labels)


def test_a_units_admin_with_staff_status_stays_out_of_the_unscoped_django_admin(world, client_for) -> None:
    """The Django admin's lists are national: a unit's admin, even with staff status and every
    permission, is sent to its login page and gets the scoped portal pages instead."""
    from django.contrib.auth.models import Permission

    world.ks_admin.is_staff = True
    world.ks_admin.save(update_fields=["is_staff"])
    world.ks_admin.user_permissions.set(Permission.objects.all())
    client = client_for(world.ks_admin)
    labels = menu_labels(client.get(reverse("home")).content.decode())
    assert {"Nhật ký", "Trạng thái nhắc việc"} <= set(labels) and "Trang quản trị" not in labels
    for url_name in ("admin:index", "admin:notifications_reminder_changelist", "admin:accounts_user_changelist"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url_name


def test_other_roles_do_not_see_admin_entries(world, client_for) -> None:
    for user in (world.ks_staff, world.ks_leader, world.ks_clerk):
        labels = menu_labels(client_for(user).get(reverse("home")).content.decode())
        assert not {"Nhật ký", "Trạng thái nhắc việc", "Trang quản trị"} & set(labels)


def test_an_admin_without_staff_status_does_not_get_the_django_admin_link(world, client_for) -> None:
    labels = menu_labels(client_for(world.ks_admin).get(reverse("home")).content.decode())
    assert "Trang quản trị" not in labels and "Nhật ký" in labels


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
        "admin:axes_accesslog_changelist",
    ],
)
def test_django_admin_speaks_vietnamese(world, client_for, url_name) -> None:
    world.supreme_admin.is_staff = world.supreme_admin.is_superuser = True
    world.supreme_admin.save()
    html = client_for(world.supreme_admin).get(reverse(url_name)).content.decode()
    found = [text for text in ENGLISH if text in html]
    assert not found, f"{url_name} still shows {found}"
    assert "Bỏ qua, đến nội dung chính" in html


def test_admin_labels_of_django_axes_are_vietnamese(world, client_for) -> None:
    world.supreme_admin.is_staff = world.supreme_admin.is_superuser = True
    world.supreme_admin.save()
    html = client_for(world.supreme_admin).get(reverse("admin:index")).content.decode()
    assert "Khóa đăng nhập sai (django-axes)" in html
    assert "Các lần đăng nhập sai" in html or "các lần đăng nhập sai" in html.lower()
