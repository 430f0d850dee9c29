"""Benchmark of the reminder machinery at national scale (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_reminders_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/reminders.py

Needs the national data set in that database (``manage.py generate_national_data --scale 1``) and
a Redis. It EMPTIES the reminder tables of that database (reminders, notifications, digests, scan
runs), gives every user an e-mail address with e-mail on, then measures:

1. the first daily scan (every reminder of the national data set, each with its notification);
2. a re-scan of the same day (nothing new);
3. the day's digests delivered by a real Celery worker (``celery -A portal worker``, a subprocess
   consuming a private queue on Redis) to a local SMTP sink (aiosmtpd): from the worker's start
   until every digest is marked sent and the sink holds as many messages.

Prints the figures with the machine and its load average, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import (  # noqa: E402
    CharField,
    Count,  # noqa: E402
    F,
    Value,
)
from django.db.models.functions import Concat  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications import scan  # noqa: E402
from notifications.models import Digest, Notification, Reminder, ReminderStatus  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return f"{os.cpu_count()} CPU ({cpu}), PostgreSQL {pg}, Python {platform.python_version()}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (the PostgreSQL backend runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_scan(label: str) -> float:
    """Wall time of a scan, and the CPU time it cost (this process + its database backend): on a
    machine shared with other loads the CPU time is the figure that does not depend on them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        cpu_before = cpu_seconds(backend) + time.process_time()
    except OSError:  # the database is on another machine
        cpu_before = None
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        counts = scan.scan_reminders()
        seconds = time.perf_counter() - start
    cpu = f", CPU {cpu_seconds(backend) + time.process_time() - cpu_before:.1f} s" if cpu_before is not None else ""
    print(f"{label}: {seconds:.1f} s wall{cpu}, {len(ctx.captured_queries)} queries, {counts} (load {load()})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2: the 2 cores)")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("Needs DATABASE_URL=postgres://... (the national data set) and REDIS_URL.")
    if User.objects.count() < 1000:
        sys.exit("Generate the national data set first: manage.py generate_national_data --scale 1")
    print(f"machine: {machine()}; load average before: {load()}")

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_reminder, notifications_notification, notifications_digest, "
            "notifications_scanrun RESTART IDENTITY CASCADE"
        )
    User.objects.filter(email="").update(
        email=Concat(F("username"), Value("@bench.vks.local"), output_field=CharField())
    )
    User.objects.update(email_notifications=True, is_active=True)

    queue = f"bench-reminders-{uuid.uuid4().hex[:8]}"
    settings.NOTIFICATIONS_QUEUE = queue
    first = timed_scan("first scan")
    rescan = timed_scan("re-scan")
    print("reminders by kind:", dict(Reminder.objects.values_list("kind").annotate(n=Count("pk")).order_by()))
    print(f"notifications: {Notification.objects.count()}")
    digests = Digest.objects.count()
    immediate = Reminder.objects.filter(status=ReminderStatus.PENDING).count()
    print(f"digests queued: {digests} (users), immediate e-mails queued: {immediate}")

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }
    start = time.perf_counter()
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-P",
            "prefork",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        expected = digests + immediate
        while time.perf_counter() - start < args.timeout:
            sent = Digest.objects.filter(status=ReminderStatus.SENT).count()
            if sent == digests and sink.count >= expected:
                break
            time.sleep(0.5)
        delivery = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(queue)
    sent = Digest.objects.filter(status=ReminderStatus.SENT).count()
    per_digest = Reminder.objects.filter(digest__isnull=False).count() / max(digests, 1)
    print(
        f"delivery: {sent}/{digests} digests sent, {sink.count} messages at the sink in {delivery:.1f} s "
        f"({sink.count / delivery:.0f} messages/s, {per_digest:.0f} items per digest on average; "
        f"worker: prefork, concurrency {args.concurrency}) (load {load()})"
    )
    print(
        f"SUMMARY first_scan={first:.1f}s rescan={rescan:.1f}s delivery={delivery:.1f}s "
        f"digests={sent} messages={sink.count} load_after={load()}"
    )


if __name__ == "__main__":
    main()
