"""Celery task of the originals: a thin wrapper that takes an id."""

from __future__ import annotations

from celery import shared_task

from originals import extract, services


# OCR stops itself at pages × the per-page timeout; Celery's limits are the backstop.
@shared_task(
    soft_time_limit=extract.max_pages() * extract.page_timeout() + 120,
    time_limit=extract.max_pages() * extract.page_timeout() + 180,
)
def read_original(text_id: int) -> str:
    return services.run(text_id)
