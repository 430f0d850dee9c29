"""Issue 18.4: while the database does not answer, pages say so in Vietnamese with 503 and Retry-After,
the API answers its JSON error, and a form that was posted comes back with what was typed."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEXT = "Hệ thống tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít phút"


def database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def connection_closed(execute, sql, params, many, context):
    raise InterfaceError("connection already closed")


def test_a_page_answers_503_in_vietnamese_with_retry_after(world, client_for, settings) -> None:
    settings.DATABASE_RETRY_AFTER = 45
    client = client_for(world.ks_staff)
    with connection.execute_wrapper(database_down):
        response = client.get(reverse("regulations:list"))
    assert response.status_code == 503 and response["Retry-After"] == "45"
    body = response.content.decode()
    assert TEXT in body and 'lang="vi"' in body and "Đã xảy ra lỗi hệ thống" not in body
    with connection.execute_wrapper(connection_closed):
        assert client.get(reverse("meetings:list")).status_code == 503


def test_the_page_needs_no_database_at_all(world, client_for) -> None:
    client = client_for(world.ks_staff)
    queries = []

    def count_then_fail(execute, sql, params, many, context):
        queries.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(count_then_fail):
        response = client.get(reverse("dashboard:index"))
    # Only the view's first query was tried (the session); rendering the 503 page read nothing.
    assert response.status_code == 503 and len(queries) == 1


def test_an_error_outside_a_view_is_a_503_too(rf) -> None:
    """One raised in a middleware (not seen by process_exception) reaches handler500, which answers the same."""
    from portal import views

    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = views.server_error(rf.get("/tong-quan/"))
    assert response.status_code == 503 and TEXT in response.content.decode() and response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert views.server_error(rf.get("/")).status_code == 500


def test_the_api_answers_its_json_error(world) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.hg_leader)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    with connection.execute_wrapper(database_down):
        response = client.get("/api/v1/regulations/")
    assert response.status_code == 503 and response["Retry-After"]
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": TEXT + ".", "code": "database_unavailable"}


def test_a_posted_form_comes_back_with_what_was_typed_and_posts_again(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ks_staff)
    url = reverse("regulations:create")
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    typed = {
        "csrfmiddlewaretoken": token,
        "title": "Quy chế phối hợp <giải quyết> tin báo tội phạm",
        "number": "09/QC-VKS-CA",
        "summary": "Dòng một\nDòng hai “có ngoặc”",
        "fields": ["3", "5"],
    }
    with connection.execute_wrapper(database_down):
        response = client.post(url, typed)
    assert response.status_code == 503 and response["Retry-After"]
    body = response.content.decode()
    assert TEXT in body and "Gửi lại" in body
    assert f'action="{url}"' in body
    assert 'value="Quy chế phối hợp &lt;giải quyết&gt; tin báo tội phạm"' in body  # escaped, not markup
    assert ">Dòng một\nDòng hai “có ngoặc”</textarea>" in body.replace("&ldquo;", "“").replace("&rdquo;", "“")
    assert body.count('type="hidden" name="fields"') == 2  # choices travel along, hidden

    # Once the database answers, "Gửi lại" posts the same values with a valid CSRF token.
    form = dict(re.findall(r'name="(title|number|csrfmiddlewaretoken)" value="([^"]*)"', body))
    again = client.post(url, {**typed, **{k: unescape(v) for k, v in form.items()}})
    assert again.status_code != 403
    assert "09/QC-VKS-CA" in again.content.decode() or again.status_code == 302


def test_passwords_are_never_echoed(world) -> None:
    client = Client()
    with connection.execute_wrapper(database_down):
        response = client.post(reverse("login"), {"username": "ks.canbo", "password": "Mật-khẩu-bí-mật-1"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "Mật-khẩu-bí-mật-1" not in body and "nhập lại mật khẩu" in body and 'value="ks.canbo"' in body
