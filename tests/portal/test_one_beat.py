"""Issue 18, point 6: exactly one beat. Two beats on one Redis: one sends the periodic tasks, the other
idles and says so in its log, takes over when the first stops or dies, and sends nothing twice."""

from __future__ import annotations

import datetime
import logging
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings

from portal.beat import OneBeatScheduler

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs a real Redis: set REDIS_URL")
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def lock_key(settings):
    key = settings.BEAT_LOCK_KEY = f"test:beat:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield key
    client.delete(key, f"{key}:last-run")


def beat(sent: list[tuple[str, str]], who: str) -> OneBeatScheduler:
    app = Celery(f"beat-{who}", set_as_current=False, broker="memory://")
    app.conf.beat_schedule = {"hourly": {"task": "portal.test.hourly", "schedule": HOUR}}
    scheduler = OneBeatScheduler(app=app)
    scheduler.send_task = lambda name, *args, **kwargs: sent.append((who, name))
    return scheduler


def overdue(scheduler: OneBeatScheduler) -> None:
    """As if the task last ran two hours ago in this scheduler's own memory (a beat started long ago)."""
    scheduler.schedule["hourly"].last_run_at = scheduler.app.now() - 2 * HOUR
    scheduler._heap = None


def test_a_second_beat_idles_says_so_and_takes_over_without_sending_twice(lock_key, caplog):
    caplog.set_level(logging.INFO, logger="portal.beat")
    sent: list[tuple[str, str]] = []
    a, b = beat(sent, "a"), beat(sent, "b")
    overdue(a)
    a.tick()
    assert sent == [("a", "portal.test.hourly")] and a.holding
    assert "this beat sends the periodic tasks" in caplog.text

    overdue(b)
    b.tick()
    b.tick()
    assert sent == [("a", "portal.test.hourly")] and not b.holding
    idle = [r.getMessage() for r in caplog.records if "idles and takes over" in r.getMessage()]
    assert len(idle) == 1 and a.token in idle[0]  # said once, naming the holder; not every few seconds

    a.tick()
    assert len(sent) == 1  # ran an hour ago at most: not due

    # The first beat dies (SIGKILL): its lock expires after BEAT_LOCK_TTL; here it is gone at once.
    redis.Redis.from_url(settings.REDIS_URL).delete(lock_key)
    b.tick()
    assert b.holding
    # b's own memory says "due two hours ago"; the shared record says a sent it just now.
    assert sent == [("a", "portal.test.hourly")]

    a.tick()  # the first one comes back (a paused process): it has lost the lock and idles
    assert not a.holding and len(sent) == 1
    assert "lost the lock" in caplog.text


def test_a_beat_that_stops_hands_over_at_once(lock_key):
    sent: list[tuple[str, str]] = []
    a, b = beat(sent, "a"), beat(sent, "b")
    a.tick()
    b.tick()
    assert a.holding and not b.holding
    a.close()
    b.tick()
    assert b.holding
    overdue(b)
    redis.Redis.from_url(settings.REDIS_URL).delete(f"{lock_key}:last-run")  # nothing was ever sent
    b.tick()
    assert sent == [("b", "portal.test.hourly")]


def test_without_redis_a_beat_sends_nothing_and_says_why(lock_key, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    sent: list[tuple[str, str]] = []
    a = beat(sent, "a")
    overdue(a)
    assert a.tick() == a.idle_interval
    assert sent == [] and "Redis unreachable" in caplog.text
