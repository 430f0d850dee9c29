"""Celery tasks of the floor."""

from __future__ import annotations

from celery import shared_task

from portal import events, jobs


@shared_task
def sweep_events() -> int:
    """Every minute: deliver the events whose delivery failed or never ran (``portal.events``)."""
    return events.sweep()


@shared_task
def sweep_stale_jobs() -> int:
    """Every minute: fail the jobs whose worker died (no heartbeat for a few minutes; ``portal.jobs``)."""
    return jobs.sweep()
