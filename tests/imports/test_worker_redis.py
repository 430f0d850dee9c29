"""A 5,000-row import through a real Celery worker on Redis, followed on the status URL the progress
bar polls, up to 100 %. Skipped without REDIS_URL (CI sets it); locally e.g.

    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/pytest tests/imports/test_worker_redis.py
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from imports.models import ImportJob, ImportStatus
from meetings.models import Meeting
from portal.celery import app as celery_app
from tests.factories import build_world
from tests.imports.files import meeting_row, xlsx

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]
ROWS = 5000


@pytest.fixture
def worker() -> Iterator[str]:
    queue = f"test-imports-{uuid.uuid4().hex[:12]}"
    celery_app.loader.import_default_modules()
    with override_settings(IMPORTS_QUEUE=queue, IMPORTS_ASYNC_ROWS=500):
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING", shutdown_timeout=30
        ):
            yield queue
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(queue)


def follow(client, job: ImportJob, timeout: float) -> list[dict]:
    """Poll the status URL like static/js/job-progress.js until the job stops running."""
    url = reverse("imports:status", args=[job.pk])
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(url).json()
        seen.append(state)
        if state["finished"]:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"still running after {timeout} s: {seen[-1]}")


def test_five_thousand_rows_through_the_worker_reach_100_percent(worker, client) -> None:
    world = build_world()
    client.force_login(world.ks_staff)
    rows = [
        meeting_row(
            n,
            title=f"Họp liên ngành số {n}",
            starts_at=f"{1 + n % 28:02d}/{1 + n // 28 % 12:02d}/{2010 + n // 336} {8 + n % 9:02d}:00",
            ends_at="",
        )
        for n in range(ROWS)
    ]
    data = xlsx(meetings=rows)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("imports:meetings"), {"file": SimpleUploadedFile("5000-cuoc-hop.xlsx", data)})
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.total_rows == ROWS
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and "job-progress.js" in page

    checked = follow(client, job, timeout=300)
    assert checked[-1]["state"] == ImportStatus.READY, checked[-1]
    assert checked[-1]["counts"]["created"] == ROWS and checked[-1]["percent"] == 100

    started = time.monotonic()
    client.post(reverse("imports:confirm", args=[job.pk]))
    states = follow(client, job, timeout=1800)
    elapsed = time.monotonic() - started
    final = states[-1]
    print(
        f"\n{ROWS} rows imported by the worker in {elapsed:.0f} s; {len(states)} polls; "
        f"percentages seen: {sorted({s['percent'] for s in states})[:8]}…"
    )
    assert final["state"] == ImportStatus.DONE and final["percent"] == 100 and final["done"] == ROWS
    assert any(0 < s["percent"] < 100 for s in states), "the bar never moved between 0 and 100"
    percents = [s["percent"] for s in states]
    assert percents == sorted(percents), "the bar went back"  # the check again, then the writes
    assert any(s.get("unit") == "dòng đã kiểm tra lại" and 0 < s["done"] for s in states)
    assert Meeting.objects.count() == ROWS
