"""Celery tasks of big imports: thin wrappers that take the job id."""

from __future__ import annotations

import logging

from celery import shared_task

from imports import services
from imports.models import RUNNING, ImportJob, ImportStatus
from portal.jobs import JOB_TASK_OPTIONS

logger = logging.getLogger(__name__)

# A file of thousands of rows takes minutes on a busy server; the default limits are for mails.
LIMITS = {"time_limit": 3600, "soft_time_limit": 3300, **JOB_TASK_OPTIONS}
MSG_CRASHED = "Lỗi hệ thống khi xử lý tệp; không dòng nào được lưu. Hãy thử lại hoặc báo quản trị."


def _guarded(job_id: int, run) -> str:
    try:
        status = run(job_id).status
    except Exception:
        # The import ran in one transaction, so nothing of it is saved; the page must stop waiting.
        logger.exception("import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(status=ImportStatus.FAILED, message=MSG_CRASHED)
        raise
    # Under the request id of the upload or confirmation that queued it (django-guid's Celery integration).
    logger.info("import %s: %s", job_id, status)
    return status


@shared_task(**LIMITS)
def check_import_task(job_id: int) -> str:
    return _guarded(job_id, services.run_check)


@shared_task(**LIMITS)
def apply_import_task(job_id: int) -> str:
    return _guarded(job_id, services.run_apply)
