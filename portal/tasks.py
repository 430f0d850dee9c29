"""Celery tasks of the floor."""

from __future__ import annotations

from celery import shared_task

from portal import events


@shared_task
def sweep_events() -> int:
    """Every minute: deliver the events whose delivery failed or never ran (``portal.events``)."""
    return events.sweep()
