"""Security 9: the Content-Security-Policy allows no inline styles, and no page needs them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.access_matrix import iter_routes

pytestmark = pytest.mark.django_db
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_style_src_has_no_unsafe_inline(world, client_for):
    response = client_for(world.ks_staff).get(reverse("regulations:list"))
    policy = directives(response)
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])


def test_no_page_carries_inline_styles(world):
    client = Client()
    client.force_login(world.supreme_admin)
    checked = 0
    for route in iter_routes():
        if route.params or route.name in {"logout"} or route.name.startswith("admin:"):
            continue
        response = client.get(reverse(route.name))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert not INLINE_STYLE.search(response.content.decode()), route.name
    assert checked >= 10
    login = Client().get(reverse("login")).content.decode()
    assert not INLINE_STYLE.search(login)
