"""Issue 18.1 for imports: a dead worker (a stale heartbeat) fails the import within minutes, "Hủy"
ends it at once with or without a worker (a live one rolls back), "Chạy lại" checks the same file again."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from imports import services
from imports.models import ImportJob, ImportStatus
from portal import jobs as portal_jobs
from regulations import bulk as regulation_bulk
from regulations.models import Regulation
from tests.imports.files import regulation_row, xlsx

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def ready(world, client_for):
    """An import of five regulations, checked and waiting for its confirmation."""
    client = client_for(world.ks_staff)
    data = xlsx([regulation_row(n) for n in range(1, 6)])
    response = client.post(reverse("imports:regulations"), {"file": SimpleUploadedFile("so.xlsx", data)})
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == ImportStatus.READY
    return client, job


def stuck(job: ImportJob, beat_ago: datetime.timedelta) -> ImportJob:
    """The worker took the confirmed import and was killed ``beat_ago`` ago (its transaction rolled back)."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, heartbeat_at=timezone.now() - beat_ago)
    cache.delete(portal_jobs._cache_key(ImportJob, job.pk))
    return job


def test_a_dead_worker_fails_the_import_and_run_again_checks_the_same_file(ready) -> None:
    client, job = ready
    stuck(job, beat_ago=6 * MINUTE)
    assert portal_jobs.sweep() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "đã dừng đột ngột" in job.message
    page = client.get(job.get_absolute_url()).content.decode()
    assert "đã dừng đột ngột" in page and "Chạy lại" in page
    assert client.get(reverse("imports:status", args=[job.pk])).json()["can_rerun"]

    response = client.post(reverse("imports:rerun", args=[job.pk]))
    new = ImportJob.objects.latest("pk")
    assert response.status_code == 302 and new.pk != job.pk and new.status == ImportStatus.READY
    assert new.counts["created"] == 5 and Regulation.objects.count() == 0  # confirmed again by the user


def test_a_live_import_inside_its_transaction_is_not_failed(ready) -> None:
    """Its row's heartbeat is old (writes wait for the commit) but the cache copy is fresh."""
    _, job = ready
    stuck(job, beat_ago=10 * MINUTE)
    portal_jobs.beat(ImportJob, job.pk, "status", (ImportStatus.IMPORTING,), db=False)
    assert portal_jobs.sweep() == 0
    assert portal_jobs.sweep(now=timezone.now() + 6 * MINUTE) == 1  # and it, too, once it stops beating


def test_cancel_ends_a_stuck_import_at_once_without_a_worker(ready) -> None:
    client, job = ready
    stuck(job, beat_ago=MINUTE)
    response = client.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and "Đã hủy" in response.content.decode()
    assert services.run_apply(job.pk).status == ImportStatus.CANCELLED  # a late worker does nothing
    assert Regulation.objects.count() == 0
    assert client.post(reverse("imports:cancel", args=[job.pk])).status_code == 302  # said, not a 500


def test_a_live_worker_that_sees_the_cancellation_rolls_the_import_back(ready, monkeypatch) -> None:
    _, job = ready
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    monkeypatch.setattr(regulation_bulk, "CHUNK", 1)  # new regulations are written a chunk at a time
    real = regulation_bulk._create_chunk
    calls = []

    def cancel_after_two(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the user presses "Hủy" while the second chunk is written
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CANCELLED)
        return real(*args, **kwargs)

    monkeypatch.setattr(regulation_bulk, "_create_chunk", cancel_after_two)
    result = services.run_apply(job.pk)
    # Stopped at the next progress step, and nothing of it saved. (Here the cancellation shares the test's
    # transaction and rolls back with the import; the web process's "Hủy" is committed on its own.)
    assert len(calls) == 2 and Regulation.objects.count() == 0 and result.status != ImportStatus.DONE


def test_only_the_uploader_cancels_or_runs_again(ready, world, client_for) -> None:
    _, job = ready
    leader = client_for(world.ks_leader)  # sees the import, did not upload it
    assert leader.post(reverse("imports:cancel", args=[job.pk])).status_code in (403, 404)
    assert client_for(world.hg_staff).post(reverse("imports:rerun", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_the_bar_of_a_confirmed_import_has_two_halves(ready) -> None:
    """The rows are checked again inside the import's transaction (the first half), then written."""
    _, job = ready
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    job.refresh_from_db()
    assert job.total_rows == 5
    seen = []
    for phase, done in ((services.RECHECK, 2), (services.RECHECK, 5), (services.WRITE, 2), (services.WRITE, 5)):
        services.set_progress(job.pk, done, 5, phase)
        state = services.status(job)
        seen.append((state["percent"], state["done"], state["unit"]))
    assert seen == [
        (20, 2, "dòng đã kiểm tra lại"),
        (50, 5, "dòng đã kiểm tra lại"),
        (70, 2, "dòng đã ghi"),
        (100, 5, "dòng đã ghi"),
    ]
