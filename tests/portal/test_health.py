"""/healthz, /readyz and /metrics (portal/health.py, portal/metrics.py)."""

from __future__ import annotations

import datetime
import re
import socket
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from notifications.models import Reminder, ReminderKind, ReminderStatus
from regulations.models import RegisterJob, RegisterJobState


def dead_port() -> int:
    """A port of 127.0.0.1 nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(client: Client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json" and response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def failing(body: dict) -> list[str]:
    return sorted(name for name, check in body["checks"].items() if not check["ok"])


@pytest.mark.django_db
def test_healthz_answers_without_io_host_check_or_https_redirect(client, settings, django_assert_num_queries):
    settings.ALLOWED_HOSTS = ["quychephoihop.example.vn"]
    settings.SECURE_SSL_REDIRECT = True
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.post("/healthz").status_code == 405
    # Every other page still gets both checks.
    assert client.get("/dang-nhap/", HTTP_HOST="10.0.0.5:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_reports_every_check(client):
    status, body = ready(client)
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "storage"}
    assert all(check["ok"] and "ms" in check for check in body["checks"].values())


@pytest.mark.django_db(transaction=True)
def test_readyz_turns_503_while_the_database_is_unreachable_and_back(client):
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        if connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
            pytest.skip("an in-memory SQLite database cannot be made unreachable")
        connection.settings_dict["NAME"] = f"/nonexistent-{uuid.uuid4().hex}/db.sqlite3"
    else:
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", str(dead_port())
    connection.close()
    try:
        status, body = ready(client)
        assert status == 503 and body["status"] == "fail" and failing(body) == ["database"]
        assert body["checks"]["database"]["error"].startswith("OperationalError")
    finally:
        connection.settings_dict.update(saved)
        connection.close()
    status, body = ready(client)
    assert status == 200 and failing(body) == []


@pytest.mark.django_db
def test_readyz_turns_503_while_redis_is_unreachable_and_back(client, settings):
    real = settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port()}/0"
    status, body = ready(client)
    assert status == 503 and failing(body) == ["redis"]
    assert "ConnectionError" in body["checks"]["redis"]["error"]
    settings.REDIS_URL = real
    status, body = ready(client)
    assert status == 200 and failing(body) == []


@pytest.mark.django_db
def test_readyz_turns_503_while_the_bucket_is_unreachable_and_back(client, settings, s3_media):
    status, body = ready(client)
    assert status == 200 and body["checks"]["storage"]["detail"] == f"s3 bucket {s3_media.bucket}"
    working = settings.STORAGES
    backend = {
        "BACKEND": "portal.storage.MediaS3Storage",
        "OPTIONS": {"endpoint_url": f"http://127.0.0.1:{dead_port()}"},
    }
    settings.STORAGES = {**working, "default": backend}
    status, body = ready(client)
    assert status == 503 and failing(body) == ["storage"]
    assert body["checks"]["storage"]["ms"] < 5000  # a short timeout and no retries, not botocore's defaults
    settings.STORAGES = working
    status, body = ready(client)
    assert status == 200 and failing(body) == []


# ---------------------------------------------------------------------------------------------- /metrics


def test_metrics_are_closed_without_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = ["10.1.2.0/24"]
    assert client.get("/metrics").status_code == 403  # 127.0.0.1: not in the list
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.3.7").status_code == 403
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403  # no token: no way in by token


@pytest.mark.django_db
def test_metrics_by_allowed_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.2.0/24", "not-an-address"]
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.9")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")


def sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return None


@pytest.mark.django_db
def test_metrics_cover_views_queries_queues_jobs_and_reminders(world, client, client_for, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.NOTIFICATIONS_QUEUE = queue = f"test-metrics-{uuid.uuid4().hex[:8]}"
    if settings.REDIS_URL:
        import redis

        broker = redis.Redis.from_url(settings.REDIS_URL)
        broker.lpush(queue, "m1", "m2")
    long_ago = timezone.now() - datetime.timedelta(days=1)
    stuck = RegisterJob.objects.create(user=world.ks_staff, state=RegisterJobState.RUNNING)
    RegisterJob.objects.filter(pk=stuck.pk).update(created_at=long_ago)
    RegisterJob.objects.create(user=world.ks_staff, state=RegisterJobState.RUNNING)
    RegisterJob.objects.create(user=world.ks_staff, state=RegisterJobState.QUEUED)
    for n, status in enumerate([ReminderStatus.SENT, ReminderStatus.SENT, ReminderStatus.FAILED]):
        Reminder.objects.create(
            kind=ReminderKind.REVIEW,
            subject_id=n,
            stage="d30",
            due_on=datetime.date(2026, 1, 1),
            recipient=world.ks_staff,
            status=status,
        )
    client_for(world.ks_staff).get("/quy-che/")

    try:
        text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    finally:
        if settings.REDIS_URL:
            broker.delete(queue)
    view = "regulations:list"
    assert sample(text, "django_http_requests_total_by_view_transport_method_total", view=view, method="GET") >= 1
    assert sample(text, "django_http_requests_latency_seconds_by_view_method_count", view=view, method="GET") >= 1
    assert sample(text, "django_db_execute_total", vendor=connection.vendor) > 0
    assert sample(text, "django_db_query_duration_seconds_count", vendor=connection.vendor) > 0
    assert sample(text, "portal_jobs_running", kind="register_pdf") == 2
    assert sample(text, "portal_jobs_queued", kind="register_pdf") == 1
    assert sample(text, "portal_jobs_stuck", kind="register_pdf") == 1
    assert sample(text, "portal_jobs_running", kind="import") == 0
    assert sample(text, "portal_reminders_sent_total", kind="review") == 2
    assert sample(text, "portal_reminders_unsent", status="failed") == 1
    assert sample(text, "portal_metrics_source_up", source="jobs") == 1
    if settings.REDIS_URL:
        assert sample(text, "portal_celery_queue_length", queue=queue) == 2
        assert sample(text, "portal_celery_queue_length", queue="celery") is not None
        assert sample(text, "portal_metrics_source_up", source="redis") == 1


@pytest.mark.django_db
def test_a_source_that_cannot_be_read_is_reported_not_a_500(client, settings):
    settings.METRICS_TOKEN = "t"
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port()}/0"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t")
    assert response.status_code == 200
    text = response.content.decode()
    assert sample(text, "portal_metrics_source_up", source="redis") == 0
    assert sample(text, "portal_metrics_source_up", source="jobs") == 1
