"""Benchmark of the daily digests' delivery (issue 25 point 5; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_mail REDIS_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python bench/digests.py --digests 5000 --items 30 --modes single,batch,single,batch

Needs a migrated PostgreSQL database and a Redis. It EMPTIES the reminder tables of that database and
creates its own users (``bench-digest-N``), one digest each with ``--items`` reminders. Each mode then
resets every digest to pending and times a real Celery worker (``celery -A portal worker``, prefork,
a private queue on Redis, started and answering pings before the clock starts) delivering all of them to
a local SMTP sink (aiosmtpd), from the first enqueue until every digest is marked sent and the sink
holds as many messages:

* ``single``: one task per digest, one SMTP connection per message (how digests went out before);
* ``batch``: the day's digests in chunks of ``--batch`` per task, one SMTP connection per chunk.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
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

from accounts.models import User  # noqa: E402
from notifications import delivery  # noqa: E402
from notifications.models import Digest, Reminder, ReminderKind, ReminderStatus  # noqa: E402
from portal.celery import app  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.count = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's name
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build(digests: int, items: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_reminder, notifications_notification, notifications_digest, "
            "notifications_scanrun RESTART IDENTITY CASCADE"
        )
    User.objects.filter(username__startswith="bench-digest-").delete()
    users = User.objects.bulk_create(
        [
            User(username=f"bench-digest-{i}", email=f"bench-digest-{i}@bench.vks.local", full_name=f"Cán bộ {i}")
            for i in range(digests)
        ],
        batch_size=2000,
    )
    today = datetime.date.today()
    rows = Digest.objects.bulk_create([Digest(user=user, day=today) for user in users], batch_size=2000)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=ReminderKind.DIRECTIVE if k % 3 else ReminderKind.REVIEW,
                subject_id=i * items + k,
                stage="overdue",
                due_on=today - datetime.timedelta(days=k),
                recipient_id=digest.user_id,
                digest=digest,
                status=ReminderStatus.DIGEST,
                subject_number=f"{k + 1:02d}/2026/QCPH-VKS",
                subject_title="Quy chế phối hợp giữa Viện kiểm sát nhân dân và Tòa án nhân dân trong giải quyết "
                "tố giác, tin báo về tội phạm và kiến nghị khởi tố",
            )
            for i, digest in enumerate(rows)
            for k in range(items)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_reminder, notifications_digest")


def reset() -> None:
    Digest.objects.update(status=ReminderStatus.PENDING, attempts=0, claimed_at=None, sent_at=None)
    Reminder.objects.update(status=ReminderStatus.DIGEST, sent_at=None)


def run(mode: str, queue: str, port: int, sink: Sink, args: argparse.Namespace) -> float:
    reset()
    sink.count = sink.connections = 0
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }
    name = f"bench-{uuid.uuid4().hex[:6]}@%h"
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
            "-n",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            if app.control.ping(destination=[name.replace("%h", socket.gethostname())], timeout=0.5):
                break
        ids = list(Digest.objects.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        start = time.perf_counter()
        if mode == "single":
            for pk in ids:
                delivery.enqueue_digest(pk)
        else:
            settings.NOTIFICATIONS_DIGEST_BATCH = args.batch
            delivery.enqueue_digest_batches(ids)
        while time.perf_counter() - start < args.timeout:
            if sink.count >= total and Digest.objects.filter(status=ReminderStatus.SENT).count() == total:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    sent = Digest.objects.filter(status=ReminderStatus.SENT).count()
    print(
        f"{mode}: {sent}/{total} digests sent, {sink.count} messages over {sink.connections} SMTP connections "
        f"in {seconds:.1f} s = {sink.count / seconds:.0f} messages/s (load {load()})",
        flush=True,
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=5000)
    parser.add_argument("--items", type=int, default=30, help="reminders per digest")
    parser.add_argument("--modes", default="single,batch")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2: the 2 cores)")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("Needs DATABASE_URL=postgres://... and REDIS_URL.")
    print(f"{os.cpu_count()} CPU, load average before: {load()}", flush=True)
    started = time.perf_counter()
    build(args.digests, args.items)
    print(f"built {args.digests} digests x {args.items} items in {time.perf_counter() - started:.1f} s", flush=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    queue = f"bench-digests-{uuid.uuid4().hex[:8]}"
    settings.NOTIFICATIONS_QUEUE = queue
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for mode in args.modes.split(","):
            run(mode, queue, port, sink, args)
    finally:
        controller.stop()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(queue)


if __name__ == "__main__":
    main()
