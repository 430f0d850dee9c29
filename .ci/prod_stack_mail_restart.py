"""Prod-stack step: PostgreSQL restarted during a digest batch (issue 18 point 3).

Runs against a PRIVATE PostgreSQL cluster (initdb as user postgres in WORK_DIR, port 18540, stopped at
the end): the shared server on 5432 is never restarted. Builds N digests (bench/digests.py), starts a
Celery worker (prefork, 2) and a local SMTP sink, enqueues the day's batches, stops PostgreSQL for 8 s
after the first sixth of the messages, starts it again, then checks: every digest marked sent, every
message at the sink, no Message-ID twice (a message the SMTP server took before the error is only
marked on retry), and prints the counts the worker logged. Exit status 1 on any failure.

Usage (as root, from the repository): python .ci/prod_stack_mail_restart.py WORK_DIR [N] [PORT]
"""

from __future__ import annotations

import collections
import email
import glob
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(sys.argv[1]).resolve()
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 18540
PGBIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
DATA, SOCK = WORK / "data", WORK / "sock"


def as_postgres(command: str) -> None:
    subprocess.run(["su", "postgres", "-c", command], check=True, stdout=subprocess.DEVNULL)


def pg_start() -> None:
    as_postgres(
        f"{PGBIN}/pg_ctl -D {DATA} -w -o '-p {PORT} -k {SOCK} -c listen_addresses=127.0.0.1' -l {WORK}/pg.log start"
    )


def pg_stop() -> None:
    as_postgres(f"{PGBIN}/pg_ctl -D {DATA} -w -m fast stop")


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    SOCK.mkdir(parents=True)
    os.chmod(WORK.parent, 0o755)
    shutil.chown(WORK, "postgres")
    shutil.chown(SOCK, "postgres")
    as_postgres(f"{PGBIN}/initdb -D {DATA} -A trust -U postgres")
    pg_start()
    try:
        return run()
    finally:
        try:
            pg_stop()
        except subprocess.CalledProcessError:
            pass


def run() -> int:
    url = f"postgres://postgres@127.0.0.1:{PORT}/portal_mailfault"
    subprocess.run(
        ["psql", "-q", f"postgres://postgres@127.0.0.1:{PORT}/postgres", "-c", "CREATE DATABASE portal_mailfault"],
        check=True,
    )
    os.environ["DATABASE_URL"] = url
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT / "bench"))
    import digests as bench  # noqa: PLC0415 - sets Django up with DATABASE_URL above
    from django.conf import settings
    from django.db import connection

    from notifications import delivery
    from notifications.models import Digest, ReminderStatus

    bench.build(N, 5)
    out = WORK / "mail"
    smtp_port = bench.free_port()
    sink = subprocess.Popen(
        [sys.executable, ".ci/smtp_sink.py", str(smtp_port), str(out), "0.02"], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    queue = f"mailfault-{uuid.uuid4().hex[:6]}"
    settings.NOTIFICATIONS_QUEUE = queue
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    worker_log = WORK / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker", "-Q", queue, "-P", "prefork",
             "--concurrency=2", "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
    try:
        from portal.celery import app

        for _ in range(120):
            if app.control.ping(timeout=0.5):
                break
        ids = list(Digest.objects.order_by("pk").values_list("pk", flat=True))
        delivery.enqueue_digest_batches(ids)
        connection.close()
        start = time.time()
        while len(list(out.glob("*.eml"))) < N // 6 and time.time() - start < 300:
            time.sleep(0.1)
        at = len(list(out.glob("*.eml")))
        pg_stop()
        time.sleep(8)
        pg_start()
        back = time.time()
        print(f"PostgreSQL stopped for 8 s at message {at} of {N}", flush=True)
        sent = 0
        while time.time() - back < 600:
            try:
                sent = Digest.objects.filter(status=ReminderStatus.SENT).count()
            except Exception:  # noqa: BLE001 - the connection of before the restart
                connection.close()
            if sent == N:
                break
            time.sleep(1)
        recovery = time.time() - back
        time.sleep(2)
    finally:
        worker.terminate()
        worker.wait(60)
        sink.terminate()
    seen = collections.Counter(email.message_from_bytes(path.read_bytes())["Message-ID"] for path in out.glob("*.eml"))
    twice = sum(1 for count in seen.values() if count > 1)
    text = worker_log.read_text()
    print(
        f"digests sent {sent}/{N}, {recovery:.1f} s after PostgreSQL came back; messages at the sink "
        f"{sum(seen.values())}, distinct Message-IDs {len(seen)}, twice {twice}; worker log: "
        f"{text.count('but not marked sent')} sent but not marked (the SMTP window), "
        f"{text.count('marked sent on retry')} marked on retry, {text.count('Retry in')} retries",
        flush=True,
    )
    ok = sent == N and len(seen) == N and twice == 0
    print("mail after a PostgreSQL restart:", "OK" if ok else "FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
