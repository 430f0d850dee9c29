"""gunicorn as deployed (gunicorn.conf.py, several worker processes): /metrics adds up the counts of every
worker (prometheus_client's multiprocess mode), and the access log is JSON with the request id."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 30
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the server shares the test database"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def total(text: str, name: str, **labels: str) -> float:
    value = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{"):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                value += float(line.rsplit(" ", 1)[1])
    return value


@pytest.mark.django_db
def test_metrics_add_up_every_worker_and_the_access_log_is_json(tmp_path):
    port = free_port()
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PROMETHEUS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        LOG_FORMAT="json",
        METRICS_TOKEN="scrape-token",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        NODE_NAME="node-test",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    args = [gunicorn, "-c", "gunicorn.conf.py", "--logger-class", "portal.gunicorn_logging.RedactingLogger"]
    out, err = open(tmp_path / "out.log", "w"), open(tmp_path / "err.log", "w")
    server = subprocess.Popen([*args, "portal.wsgi"], cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        for _ in range(150):
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(lambda _: get(port, "/dang-nhap/"), range(REQUESTS)))
        assert [status for status, _, _ in answers] == [200] * REQUESTS
        assert get(port, "/metrics")[0] == 403
        for _ in range(3):  # whichever worker answers the scrape, it reports all of them
            status, _, body = get(port, "/metrics", {"Authorization": "Bearer scrape-token"})
            assert status == 200
            text = body.decode()
            assert total(text, "django_http_requests_total_by_view_transport_method_total", view="login") == REQUESTS
            assert total(text, "django_http_requests_latency_seconds_by_view_method_count", view="login") == REQUESTS
        workers = {re.search(r"_(\d+)\.db$", f.name).group(1) for f in (tmp_path / "metrics").glob("counter_*.db")}
        assert len(workers) == 2
    finally:
        server.terminate()
        server.wait(timeout=30)
        out.close()
        err.close()
    ids = {headers["X-Request-ID"] for _, headers, _ in answers}
    lines = [json.loads(line) for line in (tmp_path / "out.log").read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access" and line.get("path") == "/dang-nhap/"]
    assert len(access) == REQUESTS and {line["request_id"] for line in access} == ids
    assert all(line["status"] == 200 and line["node"] == "node-test" and line["method"] == "GET" for line in access)
