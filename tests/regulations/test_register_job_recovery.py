"""Issue 18.1 for the register PDF job: a dead worker (a stale heartbeat) fails the job within minutes
with a Vietnamese reason and "Chạy lại"; "Hủy" ends it at once without a worker; a file that cannot be
written fails it with the storage problem named."""

from __future__ import annotations

import datetime
import errno

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from portal import jobs as portal_jobs
from portal import pdf
from portal.tasks import sweep_stale_jobs
from regulations import jobs
from regulations.models import RegisterJob, RegisterJobState
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def running_job(user, beat_ago: datetime.timedelta, **fields) -> RegisterJob:
    """A job a worker took and wrote progress for, ``beat_ago`` ago (then, say, was killed)."""
    values = {"state": RegisterJobState.RUNNING, "rows_done": 100, "rows_total": 1012, "query": "status=in_force"}
    job = RegisterJob.objects.create(user=user, **{**values, **fields})
    RegisterJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - beat_ago)
    return job


def test_a_dead_worker_fails_its_job_within_minutes_and_the_page_offers_to_run_it_again(
    world, client_for, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    settings.JOBS_HEARTBEAT_STALE_SECONDS = 300
    dead = running_job(world.ks_staff, beat_ago=6 * MINUTE)  # killed at "9% — 100/1012 dòng"
    alive = running_job(world.ks_staff, beat_ago=MINUTE)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stale_jobs() == 1  # the beat task
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == RegisterJobState.FAILED and dead.finished_at is not None
    assert "đã dừng đột ngột" in dead.message and "Chạy lại" in dead.message
    assert alive.state == RegisterJobState.RUNNING
    assert Notification.objects.filter(user=world.ks_staff, title__startswith="Không tạo được").exists()

    # Simulated time: five more minutes without a heartbeat and the other one is failed too.
    assert portal_jobs.sweep(now=timezone.now() + 5 * MINUTE) == 1
    alive.refresh_from_db()
    assert alive.state == RegisterJobState.FAILED

    client = client_for(world.ks_staff)
    status = client.get(reverse("regulations:register_job_status", args=[dead.pk])).json()
    assert status["finished"] and status["can_rerun"] and "đã dừng đột ngột" in status["message"]
    page = client.get(reverse("regulations:register_job", args=[dead.pk])).content.decode()
    assert "đã dừng đột ngột" in page and "Chạy lại" in page and "data-job-rerun hidden" not in page

    queued = []
    monkeypatch.setattr(jobs, "_enqueue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("regulations:register_job_rerun", args=[dead.pk]))
    new = RegisterJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("regulations:register_job", args=[new.pk])
    assert new.state == RegisterJobState.QUEUED and new.query == dead.query and queued == [new.pk]
    other = client_for(world.hg_staff)
    assert other.post(reverse("regulations:register_job_rerun", args=[dead.pk])).status_code == 404


def test_a_job_no_worker_ever_took_is_failed_after_the_queue_limit(world, settings) -> None:
    settings.JOBS_QUEUED_STALE_SECONDS = 1800
    job = RegisterJob.objects.create(user=world.ks_staff, rows_total=7)
    assert portal_jobs.sweep(now=timezone.now() + 20 * MINUTE) == 0
    assert portal_jobs.sweep(now=timezone.now() + 31 * MINUTE) == 1
    job.refresh_from_db()
    assert job.state == RegisterJobState.FAILED and "chưa nhận" in job.message


def test_cancel_ends_a_stuck_job_at_once_without_a_worker(world, client_for) -> None:
    stuck = running_job(world.ks_staff, beat_ago=2 * MINUTE)
    client = client_for(world.ks_staff)
    response = client.post(reverse("regulations:register_job_cancel", args=[stuck.pk]), follow=True)
    stuck.refresh_from_db()
    assert stuck.state == RegisterJobState.CANCELLED and stuck.finished_at is not None
    assert "Đã hủy" in response.content.decode() and "Chạy lại" in response.content.decode()
    # A worker that comes back later (a redelivered message) leaves it alone; so does the sweep.
    assert jobs.run(stuck.pk) == "skipped"
    assert portal_jobs.sweep(now=timezone.now() + 60 * MINUTE) == 0
    stuck.refresh_from_db()
    assert stuck.state == RegisterJobState.CANCELLED


@pytest.fixture
def fake_render(world, monkeypatch):
    """Six regulations, chunks of two, and a render that only walks the chunks (no Chromium)."""
    for n in range(1, 7):
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n:02d}/QC-KS")
    monkeypatch.setattr(jobs, "CHUNK_ROWS", 2)

    def render(template, chunks, *, on_chunk=None, **kwargs):
        for context in chunks:
            on_chunk(context)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf, "render_chunked", render)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "đã đầy"), (errno.EROFS, "chỉ đọc"), (errno.EACCES, "không có quyền ghi")],
)
def test_a_file_that_cannot_be_written_fails_the_job_with_the_reason(
    world, fake_render, monkeypatch, code, reason, django_capture_on_commit_callbacks
) -> None:
    storage = RegisterJob._meta.get_field("file").storage

    def refuse(name, content, max_length=None):
        raise OSError(code, "cannot write")

    monkeypatch.setattr(storage, "save", refuse)
    job = RegisterJob.objects.create(user=world.ks_staff, rows_total=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == RegisterJobState.FAILED and job.rows_done == job.rows_total >= 6 and not job.file
    assert reason in job.message and "bộ nhớ lưu trữ" in job.message
    assert Notification.objects.filter(user=world.ks_staff, body__contains="bộ nhớ lưu trữ").exists()


def test_a_live_worker_beats_as_it_writes_progress_and_stops_once_cancelled(world, fake_render, monkeypatch) -> None:
    job = RegisterJob.objects.create(user=world.ks_staff, rows_total=6)
    beats = []
    real_beat = portal_jobs.beat

    def spy(model, pk, *args, **kwargs):
        alive = real_beat(model, pk, *args, **kwargs)
        beats.append(RegisterJob.objects.get(pk=pk).heartbeat_at)
        if len(beats) == 2:
            jobs.cancel(job)  # "Hủy" while the worker is at it
        return alive

    monkeypatch.setattr(portal_jobs, "beat", spy)
    assert jobs.run(job.pk) == "cancelled"
    job.refresh_from_db()
    assert all(beats) and job.state == RegisterJobState.CANCELLED and not job.file
    assert len(beats) == 3  # the start, one chunk, and the chunk that saw the cancellation


def test_job_tasks_are_acknowledged_early_and_a_lost_message_returns_within_minutes() -> None:
    from django.conf import settings

    from imports.tasks import apply_import_task, check_import_task
    from notifications.delivery import RETRY_BACKOFF_MAX
    from regulations.tasks import render_register

    for task in (render_register, check_import_task, apply_import_task):
        assert task.acks_late is False, task.name
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.tasks.sweep_stale_jobs" in schedule
    if settings.REDIS_URL:
        timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert RETRY_BACKOFF_MAX < timeout <= 900
