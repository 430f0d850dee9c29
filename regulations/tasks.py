"""Celery tasks of the register: thin wrappers that take ids."""

from __future__ import annotations

from celery import shared_task

from portal import pdf
from portal.jobs import JOB_TASK_OPTIONS
from regulations import jobs


# The render stops itself at pdf.JOB_TIMEOUT_SECONDS; Celery's limits are the backstop.
@shared_task(soft_time_limit=pdf.JOB_TIMEOUT_SECONDS + 30, time_limit=pdf.JOB_TIMEOUT_SECONDS + 60, **JOB_TASK_OPTIONS)
def render_register(job_id: int) -> str:
    return jobs.run(job_id)
