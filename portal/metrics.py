"""Prometheus metrics of a node (served at /metrics by ``portal.health``).

Per process, by django-prometheus: requests, latency and responses by view
(``django_http_requests_latency_seconds_by_view_method``, ``django_http_responses_total_by_status_view_method``
...), database queries and their duration (``django_db_execute_total``, ``django_db_query_duration_seconds``,
through its database backend wrapper). gunicorn runs several processes: ``gunicorn.conf.py`` gives them a
``PROMETHEUS_MULTIPROC_DIR`` and the scrape adds up every process's file (prometheus_client's
multiprocess mode), so one scrape of a node covers all its workers.

Read from the shared state at each scrape, the same on every node (aggregate them with ``max``, not
``sum``): Celery queue lengths in Redis, background jobs running, queued and stuck, reminder e-mails sent
and waiting. A source that cannot be read is reported in ``portal_metrics_source_up`` and skipped.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority n > 0 in "<queue>\x06\x16<n>".
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)


def queue_names() -> list[str]:
    from portal.celery import app

    names = {app.conf.task_default_queue or "celery"}
    for setting in ("NOTIFICATIONS_QUEUE", "IMPORTS_QUEUE"):
        if getattr(settings, setting, None):
            names.add(getattr(settings, setting))
    return sorted(names)


# Jobs and other figures of the feature apps: each app registers its own in its AppConfig.ready
# (the floor imports no feature app).
JobCounts = tuple[int, int, int]  # running, queued, stuck
_job_sources: dict[str, Callable[[datetime.datetime], JobCounts]] = {}
_sources: dict[str, Callable[[], Iterable[Any]]] = {}


def register_jobs(kind: str, counts: Callable[[datetime.datetime], JobCounts]) -> None:
    """``counts(now)`` gives a kind of background job's (running, queued, stuck)."""
    _job_sources[kind] = counts


def register_source(name: str, collect: Callable[[], Iterable[Any]]) -> None:
    """``collect()`` yields metric families read from the shared state at each scrape."""
    _sources[name] = collect


class PortalCollector(Collector):
    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily(
            "portal_metrics_source_up", "1 if the source could be read at this scrape", labels=["source"]
        )
        sources: list[tuple[str, Callable[[], Iterable[Any]]]] = [("redis", self._redis), ("jobs", self._jobs)]
        for source, collect in [*sources, *sorted(_sources.items())]:
            try:
                families = list(collect())
            except Exception as exc:
                logger.warning("metrics: %s could not be read: %s", source, exc)
                up.add_metric([source], 0)
            else:
                up.add_metric([source], 1)
                yield from families
        yield up

    def _redis(self) -> Iterator[Any]:
        url = getattr(settings, "REDIS_URL", "")
        if not url:
            return
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            queued = GaugeMetricFamily(
                "portal_celery_queue_length", "Celery messages waiting in the broker", labels=["queue"]
            )
            for name in queue_names():
                pipe = client.pipeline(transaction=False)
                for key in [name, *(f"{name}{PRIORITY_SEP}{n}" for n in PRIORITY_STEPS)]:
                    pipe.llen(key)
                queued.add_metric([name], sum(pipe.execute()))
            yield queued
            yield GaugeMetricFamily(
                "portal_celery_unacked_messages",
                "Celery messages taken by a worker and not yet acknowledged",
                value=client.hlen("unacked"),
            )
        finally:
            client.close()

    def _jobs(self) -> Iterator[Any]:
        now = timezone.now()
        running = GaugeMetricFamily("portal_jobs_running", "Background jobs being worked on", labels=["kind"])
        queued = GaugeMetricFamily("portal_jobs_queued", "Background jobs waiting for a worker", labels=["kind"])
        stuck = GaugeMetricFamily(
            "portal_jobs_stuck",
            "Jobs still queued or running past their task's hard time limit since they were asked for: "
            "no worker can still be on them",
            labels=["kind"],
        )
        for kind, counts in sorted(_job_sources.items()):
            n_running, n_queued, n_stuck = counts(now)
            running.add_metric([kind], n_running)
            queued.add_metric([kind], n_queued)
            stuck.add_metric([kind], n_stuck)
        yield from (running, queued, stuck)


_state = CollectorRegistry(auto_describe=False)
_state.register(PortalCollector())


def process_registry() -> CollectorRegistry:
    """Every gunicorn worker's metrics (multiprocess mode), or this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def render() -> tuple[bytes, str]:
    return generate_latest(process_registry()) + generate_latest(_state), CONTENT_TYPE_LATEST
