"""The register PDF of a large scope, made by a Celery job.

``start`` checks the size and queues ``regulations.tasks.render_register``; ``run`` lays the
register out a chunk of rows at a time through ``portal.pdf.render_chunked`` (one time and page
limit for the whole render), records the rows done after each chunk (the progress page polls
``status``), stops when the user cancels, stores the file and leaves an in-app notification
with a link. A job and its file belong to the user who started it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from portal import events, pdf
from portal import jobs as portal_jobs
from portal.jobs import progress
from regulations import exports
from regulations.models import ACTIVE_STATES, RegisterJob, RegisterJobState

logger = logging.getLogger(__name__)

CHUNK_ROWS = 100  # a progress step every few seconds on a busy worker
KEEP_FILES = datetime.timedelta(days=7)


def start(user: User, params: QueryDict) -> RegisterJob:
    """Queue a register PDF for the user's filters; ``PdfTooLarge`` if it would be too long even for a job."""
    export = exports.build(user, params)
    pdf.check_rows(export.count, pdf.JOB_MAX_ROWS)
    forget_old(user)
    job = RegisterJob.objects.create(
        user=user, query=params.urlencode()[:2000], filter_line=export.line[:2000], rows_total=export.count
    )
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def forget_old(user: User) -> int:
    """The user's finished jobs older than ``KEEP_FILES``, with their files, are removed."""
    old = list(
        RegisterJob.objects.filter(
            user=user,
            created_at__lt=timezone.now() - KEEP_FILES,
            state__in=[RegisterJobState.DONE, RegisterJobState.FAILED, RegisterJobState.CANCELLED],
        )
    )
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(old)


MSG_QUEUE_DOWN = (
    "Hệ thống xử lý nền đang tạm ngừng nên chưa tạo được sổ theo dõi. Vui lòng thử lại sau ít phút "
    "hoặc báo quản trị hệ thống."
)


def _enqueue(job_id: int) -> None:
    """Hand the job to a worker. A broker that is down must not leave the job queued for ever: it is
    failed at once with a Vietnamese message (the page shows it; the user may start again)."""
    from regulations.tasks import render_register  # the tasks import this module

    try:
        render_register.apply_async((job_id,), retry=False)
    except Exception:
        logger.exception("could not queue register job %s", job_id)
        RegisterJob.objects.filter(pk=job_id, state=RegisterJobState.QUEUED).update(
            state=RegisterJobState.FAILED, message=MSG_QUEUE_DOWN, finished_at=timezone.now()
        )


def cancel(job: RegisterJob) -> None:
    """Ends the job at once, whether or not a worker is still at it: a live worker sees the state at its
    next chunk and stops (``run``); a dead one has nothing left to do."""
    RegisterJob.objects.filter(pk=job.pk, state__in=ACTIVE_STATES).update(
        cancel_requested=True,
        state=RegisterJobState.CANCELLED,
        message=portal_jobs.MSG_CANCELLED,
        finished_at=timezone.now(),
    )


RERUNNABLE = (RegisterJobState.FAILED, RegisterJobState.CANCELLED)


def rerun(job: RegisterJob) -> RegisterJob:
    """ "Chạy lại": a new job with the same filters (the failed or cancelled one stays as it was)."""
    return start(job.user, QueryDict(job.query))


def on_failed(job_id: int, message: str) -> None:
    """The sweep failed the job (its worker died): tell its owner in the bell."""
    job = RegisterJob.objects.filter(pk=job_id).first()
    if job is not None:
        _notify(job, "Không tạo được sổ theo dõi (PDF)", message)


def _chunks(export: exports.Export) -> Iterator[dict[str, Any]]:
    for chunk in export.chunks(CHUNK_ROWS):
        yield exports.pdf_context(export, chunk, first=chunk[0].index == 1, chunked=True, rows_done=chunk[-1].index)


def _beat(job_id: int, **fields: Any) -> bool:
    return portal_jobs.beat(RegisterJob, job_id, "state", (RegisterJobState.RUNNING,), **fields)


def run(job_id: int) -> str:
    job = RegisterJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return "skipped"
    # Claimed from "queued" only: a job cancelled, failed by the sweep or already taken is left alone.
    claimed = RegisterJob.objects.filter(pk=job.pk, state=RegisterJobState.QUEUED).update(
        state=RegisterJobState.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job.state = RegisterJobState.RUNNING
    try:
        return _render(job)
    except Exception:
        logger.exception("register job %s failed", job.pk)
        _finish(job, RegisterJobState.FAILED, MSG_CRASHED)
        raise


MSG_CRASHED = "Lỗi hệ thống khi tạo sổ theo dõi. Bấm “Chạy lại” để làm lại hoặc báo quản trị."


def _render(job: RegisterJob) -> str:
    export = exports.build(job.user, QueryDict(job.query))
    job.rows_total = export.count
    _beat(job.pk, rows_total=export.count)

    def on_chunk(context: dict[str, Any]) -> None:
        # The heartbeat, and the cancellation check: 0 rows updated when "Hủy" (or the sweep) ended it.
        if not _beat(job.pk, rows_done=context["rows_done"], rows_total=export.count):
            raise pdf.PdfCancelled(portal_jobs.MSG_CANCELLED)

    try:
        pdf.check_rows(export.count, pdf.JOB_MAX_ROWS)
        data = pdf.render_chunked(
            "regulations/register_pdf.html",
            _chunks(export),
            timeout=pdf.JOB_TIMEOUT_SECONDS,
            max_pages=pdf.JOB_MAX_PAGES,
            on_chunk=on_chunk,
            stylesheet="regulations/register_pdf.css",
        )
    except pdf.PdfCancelled:
        return "cancelled"  # the state says so already
    except pdf.PdfRenderError as exc:
        _finish(job, RegisterJobState.FAILED, str(exc))
        _notify(job, "Không tạo được sổ theo dõi (PDF)", str(exc))
        return "failed"
    try:
        job.file.save(f"so-theo-doi-{job.pk}.pdf", ContentFile(data), save=False)
    except OSError as exc:  # a full or read-only disk: the page must not wait for ever
        logger.exception("register job %s: could not store its file", job.pk)
        message = portal_jobs.storage_message(exc, "tệp PDF")
        _finish(job, RegisterJobState.FAILED, message)
        _notify(job, "Không tạo được sổ theo dõi (PDF)", message)
        return "failed"
    job.rows_done = export.count
    if not _finish(job, RegisterJobState.DONE, "", "file", "rows_done", "rows_total"):
        job.file.delete(save=False)  # cancelled while the file was written
        return "cancelled"
    _notify(job, "Sổ theo dõi quy chế phối hợp (PDF) đã sẵn sàng", job.filter_line)
    return "done"


def _finish(job: RegisterJob, state: str, message: str, *fields: str) -> bool:
    """Only while the job is still running (not cancelled, not failed by the sweep meanwhile), and
    only the named columns: rows_done was kept in the database chunk by chunk."""
    job.state, job.message, job.finished_at = state, message[:500], timezone.now()
    values = {name: getattr(job, name) for name in ["state", "message", "finished_at", *fields]}
    return bool(RegisterJob.objects.filter(pk=job.pk, state=RegisterJobState.RUNNING).update(**values))


def _notify(job: RegisterJob, title: str, body: str) -> None:
    """Tell the job's owner in the bell (``job.finished``: notifications adds the item)."""
    url = reverse("regulations:register_job", args=[job.pk])
    events.publish(events.JOB_FINISHED, user=job.user_id, title=title, body=body, url=url)


def status(job: RegisterJob) -> dict[str, Any]:
    done = job.state == RegisterJobState.DONE
    return progress(
        state=job.state,
        state_label=str(job.get_state_display()),
        done=job.rows_done,
        total=job.rows_total,
        finished=job.is_finished,
        percent=job.percent,
        message=job.message,
        download_url=reverse("regulations:register_job_file", args=[job.pk]) if done else "",
        can_rerun=job.state in RERUNNABLE,
    )
