"""Security 9: a user name is also locked when the failures come from many addresses."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_name_is_locked_across_addresses(world, settings, password) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for i in range(3):  # a spread-out guessing attack: one failure from each of three addresses
        Client(REMOTE_ADDR=f"203.0.113.{i + 1}").post(url, {"username": world.ks_staff.username, "password": "sai"})
    response = Client(REMOTE_ADDR="198.51.100.7").post(url, {"username": world.ks_staff.username, "password": password})
    assert response.status_code == 429
    assert "tạm thời bị khóa đăng nhập" in response.content.decode()
    # Other users from those addresses still log in.
    assert (
        Client(REMOTE_ADDR="203.0.113.1")
        .post(url, {"username": world.hg_staff.username, "password": password})
        .status_code
        == 302
    )
