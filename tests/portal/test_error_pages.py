"""Reliability 3: with the database gone, the user still gets a Vietnamese page (issue 18.4: the 503
"thử lại sau ít phút" page, tests/portal/test_database_outage.py)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize("signed_in", [True, False])
def test_error_page_renders_without_a_database(world, signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(world.ks_staff)
    with connection.execute_wrapper(database_down):
        # Signed in: the session lookup fails; anonymous: the feed's token lookup does.
        url = reverse("regulations:list") if signed_in else reverse("meetings:feed", args=["a" * 43])
        response = client.get(url)
    assert response.status_code == 503
    body = response.content.decode()
    assert "thử lại sau ít phút" in body and 'lang="vi"' in body


def test_favicon_is_the_logo(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
