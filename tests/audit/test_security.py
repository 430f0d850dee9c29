"""Accounts hardening and the audit log: throttling, hashing, headers, recorded events."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from portal.settings import base as base_settings


def test_argon2_is_the_password_hasher_outside_tests() -> None:
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_security_headers_on_every_page(world, client_for) -> None:
    response = client_for(world.ks_staff).get(reverse("agencies:tree"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_is_throttled_with_a_vietnamese_message(world, settings, password) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": world.ks_staff.username, "password": "sai-mat-khau"})
    response = client.post(url, {"username": world.ks_staff.username, "password": password})
    assert response.status_code == 429
    assert "tạm thời bị khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked out.
    other = client.post(url, {"username": world.hg_staff.username, "password": password})
    assert other.status_code == 302


@pytest.mark.django_db
def test_logins_logouts_failures_and_denials_are_audited(world, password) -> None:
    client = Client()
    client.post(reverse("login"), {"username": world.ks_staff.username, "password": "sai"})
    client.post(reverse("login"), {"username": world.ks_staff.username, "password": password})
    client.get(reverse("audit:list"))  # staff may not read the audit log: 403
    client.post(reverse("logout"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "username"))
    assert actions == [
        (AuditAction.LOGIN_FAILED, world.ks_staff.username),
        (AuditAction.LOGIN, world.ks_staff.username),
        (AuditAction.DENIED, world.ks_staff.username),
        (AuditAction.LOGOUT, world.ks_staff.username),
    ]
    assert AuditEvent.objects.filter(ip_address="127.0.0.1").count() == 4


@pytest.mark.django_db
def test_audit_log_is_shown_to_admins_within_their_scope(world, client_for) -> None:
    Client().post(reverse("login"), {"username": world.hg_staff.username, "password": "sai"})
    AuditEvent.objects.create(user=world.hg_staff, username=world.hg_staff.username, action=AuditAction.LOGIN)
    AuditEvent.objects.create(user=world.ks_staff, username=world.ks_staff.username, action=AuditAction.LOGIN)
    supreme = client_for(world.supreme_admin).get(reverse("audit:list"))
    assert supreme.status_code == 200
    assert world.hg_staff.username in supreme.content.decode()
    local = client_for(world.ks_admin).get(reverse("audit:list"))
    assert local.status_code == 200
    body = local.content.decode()
    assert world.ks_staff.username in body and world.hg_staff.username not in body
    assert client_for(world.ks_leader).get(reverse("audit:list")).status_code == 403
