"""Cache errors: counted, and logged at most once per ``QUIET`` seconds (Redis down means an error on
every cache call; the log says how many there were, not each one)."""

from __future__ import annotations

import logging
import threading
import time

QUIET = 30.0


class CacheErrors(logging.Filter):
    """On the ``portal.cache`` logger (django-redis logs each error it ignores there)."""

    count = 0  # errors since this process started
    _lock = threading.Lock()
    _last_logged = 0.0
    _since_logged = 0

    def filter(self, record: logging.LogRecord) -> bool:
        cls = type(self)
        with cls._lock:
            cls.count += 1
            cls._since_logged += 1
            now = time.monotonic()
            if now - cls._last_logged < QUIET:
                return False
            record.msg = f"cache unavailable, read as a miss ({cls._since_logged} errors since the last report): %s"
            record.args = (record.exc_info[1] if record.exc_info else record.getMessage(),)
            record.exc_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            cls._last_logged, cls._since_logged = now, 0
            return True


def errors() -> int:
    """Cache errors in this process since it started (for health checks and metrics)."""
    return CacheErrors.count
