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
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
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


def register_job_limit() -> datetime.timedelta:
    from regulations.tasks import render_register

    return datetime.timedelta(seconds=render_register.time_limit or settings.CELERY_TASK_TIME_LIMIT)


def import_job_limit() -> datetime.timedelta:
    from imports.tasks import LIMITS

    return datetime.timedelta(seconds=LIMITS["time_limit"])


class PortalCollector(Collector):
    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily(
            "portal_metrics_source_up", "1 if the source could be read at this scrape", labels=["source"]
        )
        for source, collect in (("redis", self._redis), ("jobs", self._jobs), ("reminders", self._reminders)):
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
        from imports.models import ImportJob, ImportStatus
        from regulations.models import RegisterJob, RegisterJobState

        now = timezone.now()
        running = GaugeMetricFamily("portal_jobs_running", "Background jobs being worked on", labels=["kind"])
        queued = GaugeMetricFamily("portal_jobs_queued", "Background jobs waiting for a worker", labels=["kind"])
        stuck = GaugeMetricFamily(
            "portal_jobs_stuck",
            "Jobs still queued or running past their task's hard time limit since they were asked for: "
            "no worker can still be on them",
            labels=["kind"],
        )
        register = RegisterJob.objects.filter(state__in=[RegisterJobState.QUEUED, RegisterJobState.RUNNING])
        running.add_metric(["register_pdf"], register.filter(state=RegisterJobState.RUNNING).count())
        queued.add_metric(["register_pdf"], register.filter(state=RegisterJobState.QUEUED).count())
        stuck.add_metric(["register_pdf"], register.filter(created_at__lt=now - register_job_limit()).count())
        imports = ImportJob.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.IMPORTING])
        running.add_metric(["import"], imports.count())
        stuck.add_metric(["import"], imports.filter(created_at__lt=now - import_job_limit()).count())
        yield from (running, queued, stuck)

    def _reminders(self) -> Iterator[Any]:
        from notifications.models import UNSENT_STATUSES, Digest, Reminder, ReminderStatus

        sent = CounterMetricFamily("portal_reminders_sent", "Reminder e-mails sent, by kind", labels=["kind"])
        for row in Reminder.objects.filter(status=ReminderStatus.SENT).values("kind").annotate(n=Count("id")):
            sent.add_metric([row["kind"]], row["n"])
        yield sent
        yield CounterMetricFamily(
            "portal_digests_sent",
            "Daily digest e-mails sent",
            value=Digest.objects.filter(status=ReminderStatus.SENT).count(),
        )
        waiting = GaugeMetricFamily(
            "portal_reminders_unsent",
            "Reminder e-mails not sent yet (pending, or failed and to be retried)",
            labels=["status"],
        )
        counts = dict(
            Reminder.objects.filter(status__in=UNSENT_STATUSES).values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in UNSENT_STATUSES:
            waiting.add_metric([str(status)], counts.get(status, 0))
        yield waiting


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
