"""Prod-stack step: Redis stopped while a regulation and a meeting are saved (issue 18 point 2).

The web node under test (BASE) uses a PRIVATE Redis on REDIS_PORT as its cache and broker, so stopping it
leaves the shared Redis on 6379 alone. With Redis stopped: a regulation (with its original) and a meeting
are saved through the forms (both must redirect to their pages, not answer 500), their pages and the
dashboard answer 200. Redis is then started again, the event outbox is swept an hour ahead (what waited
for the broker goes out: nothing may be left), and the dashboard's figures, kept up after each save, must
equal a full recount.

Usage: python .ci/prod_stack_redis_outage.py BASE USER PASSWORD IDS_JSON REDIS_PORT (env as prod-stack.sh)
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prod_stack_http import PDF_MARK, expect_redirect, login, meeting_data, regulation_data  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv/bin/python"))


def redis(port: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=10)


def manage_shell(code: str, port: int) -> str:
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    out = subprocess.run(
        [PY, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if out.returncode:
        raise SystemExit(f"FAIL manage.py shell: {out.stderr[-2000:]}")
    return out.stdout.strip()


def main() -> int:
    base, user, password, ids, port = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
    browser = login(base, user, password)
    browser.form("/quy-che/them/")  # the CSRF cookie, while everything is up

    redis(port, "shutdown", "nosave")
    for _ in range(50):
        if redis(port, "ping").returncode:
            break
        time.sleep(0.1)
    else:
        raise SystemExit("FAIL: the private Redis did not stop")
    stopped = time.monotonic()

    number = f"{datetime.date.today():%d%m}-{uuid.uuid4().hex[:4]}/QCPH-REDIS"
    pdf = PDF_MARK + b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    reg_url = expect_redirect(
        browser.post(
            "/quy-che/them/", regulation_data(ids, number), {"originals-0-file": ("ban-ky.pdf", pdf, "application/pdf")}
        ),
        "regulation saved while Redis is down",
    )
    meeting = meeting_data(ids, "Họp liên ngành khi Redis ngừng", datetime.date.today() - datetime.timedelta(days=2))
    meeting_url = expect_redirect(browser.post("/hoi-nghi/tao-moi/", meeting), "meeting saved while Redis is down")
    pages = {path: browser.get(path)[0] for path in (reg_url, meeting_url, "/tong-quan/")}
    if any(status != 200 for status in pages.values()):
        raise SystemExit(f"FAIL pages while Redis is down: {pages}")
    down_for = time.monotonic() - stopped

    subprocess.run(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        + ["--daemonize", "yes"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if redis(port, "ping").stdout.strip() == "PONG":
            break
        time.sleep(0.1)
    try:
        report = manage_shell(
            f"""
import datetime, json
from django.utils import timezone
from dashboards import tallies
from dashboards.models import Tally
from meetings.models import Meeting
from portal import events
from regulations.models import Regulation

waiting = sum(events.backlog().values())
# What the beat's sweep does once the backoff has passed (simulated an hour ahead).
events.sweep(timezone.now() + datetime.timedelta(hours=1))
kept = sorted(Tally.objects.values_list("locality_id", "subtree", "figure", "month", "count"))
tallies.rebuild()
recount = sorted(Tally.objects.values_list("locality_id", "subtree", "figure", "month", "count"))
print(json.dumps({{
    "regulation_saved": Regulation.objects.filter(number={number!r}).count(),
    "meeting_saved": Meeting.objects.filter(title="Họp liên ngành khi Redis ngừng").count(),
    "events_waiting_before_sweep": waiting,
    "events_waiting_after_sweep": sum(events.backlog().values()),
    "tally_rows": len(kept),
    "tallies_equal_recount": kept == recount,
    "tallies_differing": len(set(kept) ^ set(recount)),
}}))""",
            port,
        )
    finally:
        redis(port, "shutdown", "nosave")
    facts = json.loads(report.splitlines()[-1])
    facts["redis_down_seconds"] = round(down_for, 1)
    facts["pages_while_down"] = pages
    print(json.dumps(facts, ensure_ascii=False))
    ok = facts["regulation_saved"] == 1 and facts["meeting_saved"] == 1 and facts["tallies_equal_recount"]
    ok = ok and facts["events_waiting_after_sweep"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
