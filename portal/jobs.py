"""What every background job (register PDFs, imports, any later one) shares.

* ``progress``: the JSON their status URLs return and that ``static/js/job-progress.js`` reads.
* The heartbeat: a worker calls ``beat`` as it writes progress (``heartbeat_at`` on the job's row, and a
  copy in the cache for a job whose writes sit in one long transaction). ``sweep`` (beat, every minute,
  ``portal.tasks.sweep_stale_jobs``) fails the jobs whose heartbeat is older than
  ``JOBS_HEARTBEAT_STALE_SECONDS`` (their worker died: ``kill -9``, OOM, a lost host) with a Vietnamese
  reason; the job's page says so and offers "Chạy lại". Jobs never started (a lost message) are failed
  after ``JOBS_QUEUED_STALE_SECONDS``.
* ``storage_message``: the Vietnamese reason of an ``OSError`` while writing a job's file.

Job tasks are acknowledged early (``JOB_TASK_OPTIONS``): a worker killed mid-job does not get the
message back an hour later (the Redis ``visibility_timeout``); the sweep ends the job within minutes
and the user starts it again.
"""

from __future__ import annotations

import datetime
import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

# Celery options of every job task: acknowledged when it starts (a redelivery would start the job twice
# beside a live worker, or an hour late beside a dead one); the heartbeat sweep is its recovery.
JOB_TASK_OPTIONS: dict[str, Any] = {"acks_late": False}

MSG_STALE = (
    "Tiến trình xử lý nền đã dừng đột ngột (không còn báo tiến độ từ {since}); công việc bị dừng, "
    "không có kết quả nào được lưu dở. Bấm “Chạy lại” để làm lại."
)
MSG_NEVER_STARTED = "Yêu cầu đã chờ quá lâu mà hệ thống xử lý nền chưa nhận (từ {since}). Bấm “Chạy lại” để gửi lại."
MSG_CANCELLED = "Đã hủy theo yêu cầu."


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


# ---------------------------------------------------------------- heartbeat


@dataclass(frozen=True)
class Kind:
    """A kind of job for the sweep: its model (with ``heartbeat_at``, ``created_at``, ``message``,
    ``finished_at``), the field holding its state, the states in which a worker owns it, the state a
    stale one is given, and what else to do once it is failed (tell its owner)."""

    model: type[models.Model]
    state_field: str
    active: tuple[str, ...]
    failed: str
    on_failed: Callable[[int, str], None] | None = None


_kinds: dict[str, Kind] = {}


def register(name: str, kind: Kind) -> None:
    """Called from an ``AppConfig.ready``: the sweep watches this kind of job."""
    _kinds[name] = kind


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "JOBS_HEARTBEAT_STALE_SECONDS", 300))


def queued_stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "JOBS_QUEUED_STALE_SECONDS", 1800))


def _cache_key(model: type[models.Model], pk: int) -> str:
    return f"jobs:heartbeat:{model._meta.label_lower}:{pk}"


def beat(
    model: type[models.Model], pk: int, state_field: str, active: tuple[str, ...], *, db: bool = True, **fields: Any
) -> bool:
    """The worker is alive at ``pk``: ``heartbeat_at`` (and ``fields``, e.g. the rows done) in the job's
    row while it is still active, and the time in the cache. False when the job is no longer active
    (cancelled, or failed by the sweep): the worker must stop.

    ``db=False`` inside a long transaction (an import): the row's update would stay invisible to the
    sweep until the commit and would lock the row against "Hủy"; the cache copy is what the sweep sees."""
    now = timezone.now()
    cache.set(_cache_key(model, pk), now.timestamp(), timeout=int(stale_after().total_seconds()) * 4)
    if not db:
        return True
    manager = model._default_manager
    return bool(manager.filter(pk=pk, **{f"{state_field}__in": active}).update(heartbeat_at=now, **fields))


def _cached_beat(model: type[models.Model], pk: int) -> datetime.datetime | None:
    value = cache.get(_cache_key(model, pk))
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def sweep(now: datetime.datetime | None = None) -> int:
    """Fail the active jobs whose worker is gone; the number failed. Each failure is a conditional
    update (same state, same heartbeat), so a job that beats or finishes meanwhile is left alone."""
    now = now or timezone.now()
    failed = 0
    for name, kind in _kinds.items():
        manager = kind.model._default_manager
        active = manager.filter(**{f"{kind.state_field}__in": kind.active})
        stale = active.filter(heartbeat_at__lt=now - stale_after())
        never = active.filter(heartbeat_at__isnull=True, created_at__lt=now - queued_stale_after())
        for row in [*stale.values("pk", "heartbeat_at"), *never.values("pk", "heartbeat_at", "created_at")]:
            last = row["heartbeat_at"]
            cached = _cached_beat(kind.model, row["pk"])
            if cached is not None and now - cached < stale_after():
                continue  # alive: its writes sit in an open transaction (see ``beat``)
            if last is None:
                message = MSG_NEVER_STARTED.format(since=_when(row["created_at"]))
            else:
                message = MSG_STALE.format(since=_when(max(last, cached) if cached else last))
            updated = manager.filter(
                pk=row["pk"], heartbeat_at=last, **{f"{kind.state_field}__in": kind.active}
            ).update(**{kind.state_field: kind.failed}, message=message, finished_at=now)
            if updated:
                failed += 1
                logger.warning("jobs: %s %s failed by the sweep (last heartbeat %s)", name, row["pk"], last)
                if kind.on_failed is not None:
                    kind.on_failed(row["pk"], message)
    return failed


# ---------------------------------------------------------------- storage errors

STORAGE_REASONS = {
    errno.ENOSPC: "bộ nhớ lưu trữ đã đầy",
    errno.EDQUOT: "đã hết hạn mức dung lượng lưu trữ",
    errno.EROFS: "bộ nhớ lưu trữ đang ở chế độ chỉ đọc",
    errno.EACCES: "máy chủ không có quyền ghi vào thư mục lưu trữ",
    errno.EPERM: "máy chủ không có quyền ghi vào thư mục lưu trữ",
}


def storage_message(exc: OSError, what: str = "tệp kết quả") -> str:
    """A Vietnamese reason for a failed write of a job's file, naming the storage problem."""
    reason = STORAGE_REASONS.get(exc.errno or 0, "lỗi ghi tệp")
    return f"Không ghi được {what} vào bộ nhớ lưu trữ: {reason}. Hãy báo quản trị hệ thống rồi bấm “Chạy lại”."
