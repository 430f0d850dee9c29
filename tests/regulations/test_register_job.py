"""The register PDF of a large scope through a Celery job: start, progress, notification, download,
scoping, cancellation, time limit."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notifications.models import Notification
from portal import pdf
from regulations import jobs
from regulations.models import RegisterJob, RegisterJobState
from tests.regulations.factories import RegulationFactory


@pytest.fixture
def many(world, monkeypatch):
    """Seven regulations in Khánh Sơn; the direct PDF takes at most 3 rows, a job chunk holds 2.
    The queued task runs at once, through Celery's own task machinery, instead of going to a broker."""
    from regulations.tasks import render_register

    monkeypatch.setattr(pdf, "DIRECT_MAX_ROWS", 3)
    monkeypatch.setattr(jobs, "CHUNK_ROWS", 2)
    monkeypatch.setattr(jobs, "_enqueue", lambda job_id: render_register.apply(args=[job_id]).get())
    return [
        RegulationFactory(
            host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n:02d}/QC-KS", field_codes=["criminal"]
        )
        for n in range(1, 8)
    ]


def start(client, params: str = "", capture=None):
    response = client.get(reverse("regulations:register_pdf") + (f"?{params}" if params else ""))
    assert response.status_code == 200 and "Tạo sổ theo dõi (PDF)" in response.content.decode()
    with capture(execute=True):
        response = client.post(reverse("regulations:register_job_start"), {"query": params})
    assert response.status_code == 302
    return RegisterJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


@pytest.mark.django_db
def test_large_scope_goes_through_a_job_with_progress_notification_and_file(
    world, client_for, many, django_capture_on_commit_callbacks
):
    client = client_for(world.ks_staff)
    job = start(client, "status=in_force", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == RegisterJobState.DONE and job.rows_done == job.rows_total == 7
    assert "Trạng thái: Đang có hiệu lực — 7 văn bản" in job.filter_line

    page = client.get(reverse("regulations:register_job", args=[job.pk])).content.decode()
    assert 'data-job-status="' in page and "<progress" in page and "js/job-progress.js" in page
    assert "<script>" not in page  # no inline script: the static file polls
    status = client.get(reverse("regulations:register_job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["finished"] and status["download_url"]

    response = client.get(status["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from django.utils import timezone

    local = timezone.localtime(job.created_at)  # the file is named in Vietnam's time, as its pages are dated
    assert f"so-theo-doi-quy-che-phoi-hop-{local:%Y%m%d-%H%M}.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "SỔ THEO DÕI QUY CHẾ PHỐI HỢP" in text and "07/QC-KS" in text and "01/QC-KS" in text
    assert "Trạng thái: Đang có hiệu lực — 7 văn bản" in text

    note = Notification.objects.get(user=world.ks_staff)
    assert note.url == reverse("regulations:register_job", args=[job.pk]) and "sẵn sàng" in note.title


@pytest.mark.django_db
def test_progress_is_recorded_chunk_by_chunk(world, many, monkeypatch):
    export_rows = []
    original = jobs.RegisterJob.objects.filter

    job = RegisterJob.objects.create(user=world.ks_staff, rows_total=7)

    def spy(context):
        export_rows.append(original(pk=job.pk).values_list("rows_done", flat=True).get())

    real_render = pdf.render_chunked

    def render(*args, on_chunk=None, **kwargs):
        def both(context):
            on_chunk(context)
            spy(context)

        return real_render(*args, on_chunk=both, **kwargs)

    monkeypatch.setattr(pdf, "render_chunked", render)
    assert jobs.run(job.pk) == "done"
    assert export_rows == [2, 4, 6, 7]


@pytest.mark.django_db
def test_small_scope_still_downloads_directly(world, client_for, many):
    response = client_for(world.ks_staff).get(reverse("regulations:register_pdf"), {"q": "01/QC-KS"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_job_and_file_are_personal(world, client_for, many, django_capture_on_commit_callbacks):
    job = start(client_for(world.ks_staff), capture=django_capture_on_commit_callbacks)
    for user in (world.hg_staff, world.ks_leader, world.kh_leader):
        other = client_for(user)
        for name in ("register_job", "register_job_status", "register_job_file"):
            assert other.get(reverse(f"regulations:{name}", args=[job.pk])).status_code == 404, (user, name)
        assert other.post(reverse("regulations:register_job_cancel", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_cancel_before_and_during_the_render(world, client_for, many, monkeypatch):
    client = client_for(world.ks_staff)
    queued = RegisterJob.objects.create(user=world.ks_staff, rows_total=7)
    client.post(reverse("regulations:register_job_cancel", args=[queued.pk]))
    queued.refresh_from_db()
    assert queued.state == RegisterJobState.CANCELLED
    assert jobs.run(queued.pk) == "skipped"

    running = RegisterJob.objects.create(user=world.ks_staff, rows_total=7)
    real_chunks = jobs._chunks

    def chunks_then_cancel(export):
        for n, context in enumerate(real_chunks(export)):
            if n == 1:  # the user presses "Hủy" while the second chunk is laid out
                jobs.cancel(running)  # the state is "cancelled" at once; the worker stops at its next chunk
            yield context

    monkeypatch.setattr(jobs, "_chunks", chunks_then_cancel)
    assert jobs.run(running.pk) == "cancelled"
    running.refresh_from_db()
    assert running.state == RegisterJobState.CANCELLED and running.rows_done == 2 and not running.file


@pytest.mark.django_db
def test_time_limit_fails_the_job_with_a_message_and_a_notification(
    world, many, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf, "JOB_TIMEOUT_SECONDS", 0.001)
    job = RegisterJob.objects.create(user=world.ks_staff, rows_total=7)
    with django_capture_on_commit_callbacks(execute=True):  # the bell item follows the job.finished event
        assert jobs.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == RegisterJobState.FAILED and "quá thời gian cho phép" in job.message
    assert Notification.objects.filter(user=world.ks_staff, title__startswith="Không tạo được").exists()


@pytest.mark.django_db
def test_scope_too_large_even_for_a_job_says_so_before_starting(world, client_for, many, monkeypatch):
    monkeypatch.setattr(pdf, "JOB_MAX_ROWS", 5)
    client = client_for(world.ks_staff)
    page = client.get(reverse("regulations:register_pdf")).content.decode()
    assert "vượt giới hạn 5 văn bản" in page and "Xuất Excel/CSV" in page
    response = client.post(reverse("regulations:register_job_start"), {"query": ""}, follow=True)
    assert "vượt giới hạn" in response.content.decode()
    assert not RegisterJob.objects.exists()


@pytest.mark.django_db
def test_old_finished_jobs_and_files_are_forgotten(world, many):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    old = RegisterJob.objects.create(user=world.ks_staff, state=RegisterJobState.DONE)
    old.file.save("old.pdf", ContentFile(b"%PDF-1.4"), save=True)
    RegisterJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = RegisterJob.objects.create(user=world.ks_staff, state=RegisterJobState.DONE)
    storage, name = old.file.storage, old.file.name
    assert jobs.forget_old(world.ks_staff) == 1
    assert not storage.exists(name)
    assert list(RegisterJob.objects.values_list("pk", flat=True)) == [recent.pk]
