"""A request id (X-Request-ID) on every response and log line, carried into the Celery tasks the
request queues (django-guid), and JSON log lines in production (python-json-logger)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django_guid import get_guid, set_guid
from django_guid.log_filters import CorrelationId

from imports.models import ImportJob, ImportStatus
from portal.celery import app as celery_app
from tests.factories import build_world
from tests.imports.files import regulation_row, xlsx


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_a_proxys_uuid_is_kept(client):
    made = client.get("/dang-nhap/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/dang-nhap/")["X-Request-ID"] != made
    given = str(uuid.uuid4())
    assert client.get("/dang-nhap/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Anything else from outside (a forged line for the logs) is replaced, never echoed.
    forged = client.get("/dang-nhap/", HTTP_X_REQUEST_ID="abc\n{fake}")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_json_log_lines_carry_the_request_id_and_the_node():
    config = dict(settings.LOGGING["formatters"]["json"])
    formatter_class = config.pop("()")
    module, name = formatter_class.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(**config)
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    handler.addFilter(CorrelationId(correlation_id_field="request_id"))
    set_guid("0123456789abcdef0123456789abcdef")
    record = logging.LogRecord("portal.test", logging.WARNING, __file__, 1, "Đã lưu %s", ("quy chế",), None)
    handler.filter(record)
    line = json.loads(handler.format(record))
    assert line["request_id"] == "0123456789abcdef0123456789abcdef"
    assert line["message"] == "Đã lưu quy chế" and line["level"] == "WARNING" and line["logger"] == "portal.test"
    assert line["node"] == settings.NODE_NAME and line["time"]


def test_production_logs_json_by_default():
    code = "from django.conf import settings as s; print(s.LOG_FORMAT, s.LOGGING['handlers']['console']['formatter'])"
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["json", "json"]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_the_request_id_follows_the_request_into_the_task_it_queues(client):
    """An upload queues the check of a big file; the worker runs it under the upload's request id."""
    queue = f"test-guid-{uuid.uuid4().hex[:12]}"
    seen: list[str | None] = []

    def record(task=None, **kwargs) -> None:
        if task is not None and task.name == "imports.tasks.check_import_task":
            seen.append(get_guid())

    world = build_world()
    client.force_login(world.ks_staff)
    celery_app.loader.import_default_modules()
    task_prerun.connect(record, weak=False)
    try:
        with override_settings(IMPORTS_QUEUE=queue, IMPORTS_ASYNC_ROWS=1):
            with start_worker(
                celery_app,
                pool="solo",
                perform_ping_check=False,
                queues=[queue],
                loglevel="WARNING",
                shutdown_timeout=30,
            ):
                request_id = str(uuid.uuid4())
                response = client.post(
                    reverse("imports:regulations"),
                    {"file": SimpleUploadedFile("a.xlsx", xlsx([regulation_row(n) for n in range(1, 4)]))},
                    HTTP_X_REQUEST_ID=request_id,
                )
                assert response.status_code == 302 and response["X-Request-ID"] == request_id
                job = ImportJob.objects.get()
                for _ in range(120):
                    job.refresh_from_db()
                    if job.status != ImportStatus.CHECKING:
                        break
                    time.sleep(0.25)
    finally:
        task_prerun.disconnect(record)
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)
    assert job.status == ImportStatus.READY
    assert seen == [request_id]
