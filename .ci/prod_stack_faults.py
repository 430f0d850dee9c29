"""The dead-worker half of .ci/prod-stack.sh (step 6): jobs whose worker is killed end within minutes.

    python .ci/prod_stack_faults.py register NODE USER PASSWORD         -> job id, once a worker is at it
    python .ci/prod_stack_faults.py import NODE USER PASSWORD CSV       -> job id, once the import is under way
    python .ci/prod_stack_faults.py cancel NODE USER PASSWORD KIND ID   -> "Hủy" ends the stuck job at once
    python .ci/prod_stack_faults.py ended NODE USER PASSWORD KIND ID    -> the job failed, its page says so and
                                                                           offers "Chạy lại"
    python .ci/prod_stack_faults.py rerun NODE USER PASSWORD ID         -> "Chạy lại" of a register job: done

The bash side kills the workers (SIGKILL) between "register"/"import" and the checks. Standard library only.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prod_stack_http import Browser, expect_redirect, login  # noqa: E402

STATUS = {"register": "/quy-che/so-theo-doi/{}/trang-thai.json", "import": "/nhap-du-lieu/{}/trang-thai/"}
PAGE = {"register": "/quy-che/so-theo-doi/{}/", "import": "/nhap-du-lieu/{}/"}
CANCEL = {"register": "/quy-che/so-theo-doi/{}/huy/", "import": "/nhap-du-lieu/{}/huy/"}


def status(browser: Browser, kind: str, job: str) -> dict:
    code, _, body = browser.get(STATUS[kind].format(job))
    assert code == 200, f"status of {kind} {job}: {code}"
    return json.loads(body)


def wait(browser: Browser, kind: str, job: str, until, seconds: float = 240) -> dict:
    deadline, last = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        last = status(browser, kind, job)
        if until(last):
            return last
        time.sleep(0.2)
    raise SystemExit(f"FAIL {kind} {job}: still {last} after {seconds} s")


def under_way(state: dict) -> bool:
    if state["finished"]:
        raise SystemExit(f"FAIL the job finished before the worker was killed; nothing was tested: {state}")
    return state["state"] in ("running", "importing") and state["done"] > 0


def job_id(location: str) -> str:
    return urllib.parse.urlsplit(location).path.rstrip("/").split("/")[-1]


def register(browser: Browser) -> str:
    browser.form("/quy-che/")
    job = job_id(expect_redirect(browser.post("/quy-che/so-theo-doi/tao/", {"query": ""}), "register job"))
    wait(browser, "register", job, under_way)
    return job


def start_import(browser: Browser, csv_path: str) -> str:
    browser.form("/quy-che/nhap/")
    data = Path(csv_path).read_bytes()
    result = browser.post("/quy-che/nhap/", {}, {"file": ("nhap-giet-worker.csv", data, "text/csv")})
    job = job_id(expect_redirect(result, "import upload"))
    checked = wait(browser, "import", job, lambda s: s["finished"])
    assert checked["state"] == "ready", f"import check: {checked}"
    browser.form(f"/nhap-du-lieu/{job}/")
    expect_redirect(browser.post(f"/nhap-du-lieu/{job}/xac-nhan/", {}), "import confirmed")
    wait(browser, "import", job, under_way)
    return job


def cancel(browser: Browser, kind: str, job: str) -> dict:
    before = status(browser, kind, job)
    assert not before["finished"], f"{kind} {job} is not stuck: {before}"
    browser.form(PAGE[kind].format(job))
    started = time.monotonic()
    expect_redirect(browser.post(CANCEL[kind].format(job), {}), f"Hủy of {kind} {job}")
    after = status(browser, kind, job)
    assert after["state"] == "cancelled" and after["finished"], f"Hủy did not end {kind} {job}: {after}"
    return {
        "kind": kind,
        "job": job,
        "was": f"{before['state']} {before['done']}/{before['total']}",
        "cancelled_in_s": round(time.monotonic() - started, 2),
    }


def ended(browser: Browser, kind: str, job: str) -> dict:
    state = status(browser, kind, job)
    assert state["state"] == "failed" and state["finished"], f"{kind} {job} did not end failed: {state}"
    assert "đã dừng đột ngột" in state["message"] and state["can_rerun"], state
    code, _, page = browser.get(PAGE[kind].format(job))
    assert code == 200 and "đã dừng đột ngột" in page.decode() and "Chạy lại" in page.decode()
    return {"kind": kind, "job": job, "state": state["state"], "done": state["done"], "total": state["total"]}


def rerun(browser: Browser, job: str) -> dict:
    browser.form(PAGE["register"].format(job))
    new = job_id(expect_redirect(browser.post(f"/quy-che/so-theo-doi/{job}/chay-lai/", {}), "Chạy lại"))
    state = wait(browser, "register", new, lambda s: s["finished"], 300)
    assert state["state"] == "done" and state["download_url"], f"Chạy lại: {state}"
    return {"rerun_of": job, "job": new, "rows": state["total"]}


def main() -> None:
    command, node, user, password, *rest = sys.argv[1:]
    browser = login(node, user, password)
    if command == "register":
        print(register(browser))
    elif command == "import":
        print(start_import(browser, rest[0]))
    elif command == "cancel":
        print(json.dumps(cancel(browser, rest[0], rest[1]), ensure_ascii=False))
    elif command == "ended":
        print(json.dumps(ended(browser, rest[0], rest[1]), ensure_ascii=False))
    elif command == "rerun":
        print(json.dumps(rerun(browser, rest[0]), ensure_ascii=False))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
