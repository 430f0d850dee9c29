"""Exactly one Celery beat, however many are started: a lock in Redis.

Every beat process may be started (one per node, for failover); only the one holding the lock
``BEAT_LOCK_KEY`` sends the periodic tasks. The holder renews the lock at every tick (at most every
``max_interval`` seconds) and releases it when it stops; one that is killed loses it after
``BEAT_LOCK_TTL`` seconds. The others idle, say so in their log, and try again every few seconds.

The time each periodic task last ran is kept in Redis too (``BEAT_LOCK_KEY`` + ``:last-run``), so the beat
that takes over knows what the previous one already sent: a task is not sent twice because the holder
changed, and one that fell due during the hand-over is sent once.

Used when ``REDIS_URL`` is set (``CELERY_BEAT_SCHEDULER``); the filesystem broker of ``make run`` keeps
Celery's own scheduler (one process there anyway).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
import uuid
from typing import Any

import redis
from celery.beat import ScheduleEntry, Scheduler
from django.conf import settings

logger = logging.getLogger("portal.beat")

EXTEND = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class OneBeatScheduler(Scheduler):
    max_interval = 15  # seconds between ticks at most: the lock is renewed at least that often
    idle_interval = 5.0  # seconds between two attempts of a beat that does not hold the lock
    idle_log_every = 300.0  # seconds between two "still idle" lines

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock_key: str = getattr(settings, "BEAT_LOCK_KEY", "portal:celerybeat:lock")
        self.last_run_key = f"{self.lock_key}:last-run"
        self.lock_ttl: float = float(getattr(settings, "BEAT_LOCK_TTL", 60))
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding = False
        self._idle_logged_at: float | None = None
        self.redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
        self._extend = self.redis.register_script(EXTEND)
        self._release = self.redis.register_script(RELEASE)
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------------ the lock

    def _hold(self) -> bool:
        ttl_ms = int(self.lock_ttl * 1000)
        if self.holding and self._extend(keys=[self.lock_key], args=[self.token, ttl_ms]):
            return True
        if self.redis.set(self.lock_key, self.token, nx=True, px=ttl_ms):
            return True
        return False

    def _idle(self, message: str, *args: Any) -> float:
        now = time.monotonic()
        if self._idle_logged_at is None or now - self._idle_logged_at >= self.idle_log_every:
            logger.info(message, *args)
            self._idle_logged_at = now
        return self.idle_interval

    def tick(self, *args: Any, **kwargs: Any) -> float:
        was_holding = self.holding
        try:
            self.holding = self._hold()
        except redis.RedisError as exc:
            self.holding = False
            logger.warning("beat: Redis unreachable for the beat lock (%s); sending nothing until it answers", exc)
            return self.idle_interval
        if not self.holding:
            if was_holding:
                logger.warning("beat: lost the lock %s to another beat; this beat idles now", self.lock_key)
                self._idle_logged_at = None
            try:
                holder = self.redis.get(self.lock_key)
            except redis.RedisError:
                holder = None
            return self._idle(
                "beat: another beat (%s) holds the lock %s; this beat (%s) idles and takes over if that one stops",
                _text(holder) if holder else "?",
                self.lock_key,
                self.token,
            )
        if not was_holding:
            self._idle_logged_at = None
            self._load_last_runs()
            logger.info(
                "beat: acquired the lock %s (%s); this beat sends the periodic tasks",
                self.lock_key,
                self.token,
            )
        return min(super().tick(*args, **kwargs), self.lock_ttl / 3)

    def close(self) -> None:
        try:
            if self.holding:
                self._release(keys=[self.lock_key], args=[self.token])
                logger.info("beat: released the lock %s", self.lock_key)
        except redis.RedisError as exc:
            logger.warning("beat: could not release the lock %s (%s); it expires by itself", self.lock_key, exc)
        self.holding = False
        super().close()

    # ------------------------------------------------------------------ last runs, shared

    def reserve(self, entry: ScheduleEntry) -> ScheduleEntry:
        new_entry = super().reserve(entry)
        try:
            self.redis.hset(self.last_run_key, new_entry.name, new_entry.last_run_at.isoformat())
        except redis.RedisError as exc:
            logger.warning("beat: could not record the run of %s (%s)", new_entry.name, exc)
        return new_entry

    def _load_last_runs(self) -> None:
        stored = self.redis.hgetall(self.last_run_key)
        for raw_name, raw_when in stored.items():
            entry = self.schedule.get(_text(raw_name))
            if entry is None:
                continue
            try:
                entry.last_run_at = datetime.datetime.fromisoformat(_text(raw_when))
            except ValueError:
                continue
        self._heap = None  # the order of the next runs changed


def _text(value: bytes | str) -> str:
    """Redis answers bytes (the client does not decode); a str is taken as it is."""
    return value.decode(errors="replace") if isinstance(value, bytes) else value
