"""The register PDF jobs' figures for /metrics (registered in RegulationsConfig.ready)."""

from __future__ import annotations

import datetime

from django.conf import settings

from portal.metrics import JobCounts
from regulations.models import RegisterJob, RegisterJobState


def register_job_limit() -> datetime.timedelta:
    from regulations.tasks import render_register

    return datetime.timedelta(seconds=render_register.time_limit or settings.CELERY_TASK_TIME_LIMIT)


def register_jobs(now: datetime.datetime) -> JobCounts:
    jobs = RegisterJob.objects.filter(state__in=[RegisterJobState.QUEUED, RegisterJobState.RUNNING])
    return (
        jobs.filter(state=RegisterJobState.RUNNING).count(),
        jobs.filter(state=RegisterJobState.QUEUED).count(),
        jobs.filter(created_at__lt=now - register_job_limit()).count(),
    )
