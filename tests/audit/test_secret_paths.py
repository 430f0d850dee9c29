"""Security 5: calendar feed tokens never land in the audit trail or in the logs; logged ones are rotated."""

from __future__ import annotations

import importlib
import io
import logging

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from portal.redact import redact

pytestmark = pytest.mark.django_db


def test_feed_fetch_is_audited_without_its_token(world):
    token = world.kh_leader.feed_token
    response = Client().get(reverse("meetings:feed", args=[token]))
    assert response.status_code == 200
    events = list(AuditEvent.objects.all())
    assert events and all(token not in e.path for e in events)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, path__contains="/hoi-nghi/lich/").exists()


def test_audit_page_never_shows_a_token(world, client_for):
    token = world.kh_leader.feed_token
    Client().get(reverse("meetings:feed", args=[token]))
    body = client_for(world.supreme_admin).get(reverse("audit:list")).content.decode()
    assert "/hoi-nghi/lich/" in body and token not in body


def test_request_logs_never_show_a_token(world):
    """Through the handler the LOGGING setting configures (the console, which gunicorn collects)."""
    token = "A" * 43  # a well-formed token of nobody: django.request logs "Not Found: <path>"
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        Client().get(f"/hoi-nghi/lich/{token}.ics")
        logging.getLogger("django.request").warning("Not Found: %s", f"/hoi-nghi/lich/{token}.ics")
    finally:
        handler.setStream(old)
    assert "/hoi-nghi/lich/" in stream.getvalue() and token not in stream.getvalue()


def test_gunicorn_access_log_redacts_the_token():
    import datetime

    from gunicorn.config import Config

    from portal.gunicorn_logging import RedactingLogger

    token = "B" * 43
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/hoi-nghi/lich/{token}.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/hoi-nghi/lich/{token}.ics",
        "QUERY_STRING": "",
        "REMOTE_ADDR": "10.0.0.1",
    }

    class Resp:
        status = "200 OK"
        sent = 10
        headers = []

    atoms = RedactingLogger(Config()).atoms(Resp(), [], environ, datetime.timedelta(seconds=1))
    assert token not in atoms["r"] and token not in atoms["U"] and "/hoi-nghi/lich/" in atoms["r"]


def test_redact_leaves_other_paths_alone():
    assert redact("/hoi-nghi/lich/dang-ky/") == "/hoi-nghi/lich/dang-ky/"
    assert redact("/hoi-nghi/12/lich.ics") == "/hoi-nghi/12/lich.ics"
    assert redact(reverse("meetings:feed", args=["x" * 43])) == "/hoi-nghi/lich/[đã-ẩn].ics"


def test_migration_redacts_logged_tokens_and_rotates_them(world):
    leader = world.kh_leader
    old = leader.feed_token
    AuditEvent.objects.create(action=AuditAction.EXPORT, path=f"/hoi-nghi/lich/{old}.ics")
    untouched = world.ks_staff.feed_token
    migration = importlib.import_module("audit.migrations.0002_redact_logged_feed_tokens")
    migration.redact_and_rotate(apps, None)
    assert not AuditEvent.objects.filter(path__contains=old).exists()
    assert User.objects.get(pk=leader.pk).feed_token != old
    assert User.objects.get(pk=world.ks_staff.pk).feed_token == untouched
    assert Client().get(reverse("meetings:feed", args=[old])).status_code == 404
