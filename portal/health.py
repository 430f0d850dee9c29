"""/healthz, /readyz and /metrics, answered before the rest of the middleware.

* ``/healthz``: the process answers (no I/O). A load balancer or an orchestrator restarts a node that
  does not.
* ``/readyz``: the database, Redis and the media storage each answer now; JSON with every check, 503
  when one fails. A load balancer sends no users to a node that is not ready.
* ``/metrics``: Prometheus (``portal.metrics``), only to ``METRICS_ALLOWED_IPS`` or with
  ``Authorization: Bearer <METRICS_TOKEN>``.

They come first in ``MIDDLEWARE``: probes and scrapers call a node by its own address and without
``X-Forwarded-Proto``, so the host check and the HTTPS redirect must not answer them with 400 or 301,
and none of them needs a session, a user or the audit trail.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0  # seconds, for each check of /readyz


def check_database() -> str:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken persistent connection must not be reused by the next request of this thread.
        connection.close()
        raise
    return connection.vendor


def check_redis() -> str:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return "not used (filesystem broker, local-memory cache)"
    import redis

    client = redis.Redis.from_url(url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()
    return "ping"


def check_storage() -> str:
    from portal import storage

    return storage.check()


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
}


def readiness() -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:  # any failure of a dependency makes the node not ready
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
            logger.warning("readyz: %s failed: %s", name, results[name]["error"])
        else:
            results[name] = {"ok": True, "detail": detail}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in getattr(settings, "METRICS_ALLOWED_IPS", ()):
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in ("/healthz", "/readyz", "/metrics"):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        if path == "/healthz":
            return _json({"status": "ok"})
        if path == "/readyz":
            ready, checks = readiness()
            return _json({"status": "ok" if ready else "fail", "checks": checks}, 200 if ready else 503)
        if not metrics_allowed(request):
            return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        from portal import metrics

        body, content_type = metrics.render()
        return HttpResponse(body, content_type=content_type)
