"""One progress contract for every background job (register PDFs, imports): the JSON their status
URLs return and that ``static/js/job-progress.js`` reads to move the bar without reloading."""

from __future__ import annotations

from typing import Any


def progress(
    *,
    state: str,
    state_label: str,
    done: int,
    total: int,
    finished: bool,
    percent: int | None = None,
    message: str = "",
    download_url: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """``percent`` defaults to ``done`` of ``total`` (100 once finished with nothing to count)."""
    if percent is None:
        percent = int(100 * min(done, total) / total) if total else (100 if finished else 0)
    return {
        "state": state,
        "state_label": state_label,
        "done": done,
        "total": total,
        "percent": percent,
        "finished": finished,
        "message": message,
        "download_url": download_url,
        **extra,
    }
