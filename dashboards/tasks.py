from __future__ import annotations

import datetime

from celery import shared_task

from dashboards import tallies


@shared_task
def refresh_standing_tallies() -> None:
    """Just after midnight: count regulations and directives for the new day (overdue, in force)."""
    tallies.ensure_fresh(datetime.date.today())
