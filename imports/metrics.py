"""The import jobs' figures for /metrics (registered in ImportsConfig.ready)."""

from __future__ import annotations

import datetime

from imports.models import ImportJob, ImportStatus
from portal.metrics import JobCounts


def import_job_limit() -> datetime.timedelta:
    from imports.tasks import LIMITS

    return datetime.timedelta(seconds=LIMITS["time_limit"])


def import_jobs(now: datetime.datetime) -> JobCounts:
    jobs = ImportJob.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING])
    return jobs.count(), 0, jobs.filter(created_at__lt=now - import_job_limit()).count()
