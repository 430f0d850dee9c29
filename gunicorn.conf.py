"""gunicorn settings of the portal: the one place for the worker model and counts (the Dockerfile and
docker-compose.yml both start ``gunicorn -c gunicorn.conf.py portal.wsgi``).

gthread, 2 processes x 8 threads on 2 cores (docs/benchmarks.md, "Throughput"): measured 36 req/s on the
national dashboard at 32 clients (sync x 3: 38) and 37 req/s at 8 clients (sync x 3: 16.5, since sync
workers close every keep-alive connection); a slow upload or a slow client ties up one thread, not a
whole worker. Database connections are kept per thread (CONN_MAX_AGE, set in the environment), at most
workers x threads = 16 of them.
"""

import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request slower than this is killed (a register PDF of a large scope runs in Celery, not here).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then so a slow leak cannot grow without bound; jitter avoids restarting all at once.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")

# Prometheus multiprocess mode (portal/metrics.py): every worker process writes its counters to files in
# this folder and a scrape of /metrics adds them up. Set here, in the master, before any worker imports
# prometheus_client; a folder of our own unless PROMETHEUS_MULTIPROC_DIR names one (emptied at start).
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")


def on_starting(server) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):  # a previous run's counts would be added to this one's
        os.remove(os.path.join(folder, name))


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
