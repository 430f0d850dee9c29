"""The two-node half of .ci/prod-stack.sh: one session used on both web nodes, and a node killed under load.

    python .ci/prod_stack_nodes.py journey NODE_A NODE_B USER PASSWORD IDS_JSON IMPORT_CSV -> prints JSON facts
    python .ci/prod_stack_nodes.py failover PROXY USER PASSWORD PGID SECONDS          -> prints JSON figures

journey: log in on A; upload a regulation with an original on A, download it on B (the same bytes, from
the bucket); upload a register of regulations on A, big enough for a background job, and follow its check
on B; confirm on B and follow the import on A; start a register PDF job on B, follow it on A and download
the PDF on A and on B.

failover: clients send GETs through HAProxy; half-way the process group PGID (a web node: its gunicorn
master and workers) is killed with SIGKILL. Every request that fails must have been in flight at that
moment; both nodes served before, the survivor alone after. Standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prod_stack_http import PDF_MARK, Browser, expect_redirect, login, regulation_data  # noqa: E402


def on(node: str, browser: Browser) -> Browser:
    """The same session (cookies) on another node."""
    other = Browser(node)
    other.cookies = browser.cookies
    return other


def follow(browser: Browser, path: str, done, seconds: float = 240) -> dict:
    deadline, last = time.monotonic() + seconds, {}
    while time.monotonic() < deadline:
        status, _, body = browser.get(path)
        assert status == 200, f"{path} on {browser.base}: {status}"
        last = json.loads(body)
        if done(last):
            return last
        time.sleep(0.5)
    raise SystemExit(f"FAIL {path} on {browser.base}: still {last} after {seconds} s")


def journey(node_a: str, node_b: str, user: str, password: str, ids: str, import_csv: str) -> dict:
    a = login(node_a, user, password)
    b = on(node_b, a)
    facts: dict = {}

    # An original uploaded on A is downloaded on B.
    original = PDF_MARK + os.urandom(2048).hex().encode() + b"\n%%EOF\n"
    number = f"{uuid.uuid4().hex[:6]}/QCPH-HAINUT"
    form = regulation_data(json.loads(ids), number)
    a.form("/quy-che/them/")
    reg_url = expect_redirect(
        a.post("/quy-che/them/", form, {"originals-0-file": ("ban-ky-hai-nut.pdf", original, "application/pdf")}),
        "regulation with an original on node A",
    )
    status, _, page = b.get(urllib.parse.urlsplit(reg_url).path)
    assert status == 200 and number.encode() in page, f"regulation page on node B: {status}"
    link = page.decode().split('href="/quy-che/tep/', 1)[1].split('"', 1)[0]
    status, headers, got = b.get(f"/quy-che/tep/{link}")
    assert status == 200 and got == original, f"original downloaded on node B: {status}, {len(got)} B"
    assert "attachment" in headers.get("Content-Disposition", "")
    facts["original_bytes"] = len(got)

    # An import uploaded on A is checked by a worker and followed on B; confirmed on B, followed on A.
    a.form("/quy-che/nhap/")
    data = Path(import_csv).read_bytes()
    result = a.post("/quy-che/nhap/", {}, {"file": ("so-theo-doi-hai-nut.csv", data, "text/csv")})
    facts["import_request_id"] = result[1].get("X-Request-ID", "")
    job_url = urllib.parse.urlsplit(expect_redirect(result, "import upload on node A")).path
    job = job_url.rstrip("/").split("/")[-1]
    checked = follow(b, f"/nhap-du-lieu/{job}/trang-thai/", lambda s: s["finished"])
    assert checked["state"] == "ready", f"import check: {checked}"
    b.form(job_url)
    expect_redirect(b.post(f"/nhap-du-lieu/{job}/xac-nhan/", {}), "import confirmed on node B")
    imported = follow(a, f"/nhap-du-lieu/{job}/trang-thai/", lambda s: s["finished"])
    assert imported["state"] == "done", f"import: {imported}"
    facts["imported_rows"] = imported["total"]

    # A register PDF job started on B is followed on A; its file downloads on both.
    b.form("/quy-che/")
    started = expect_redirect(b.post("/quy-che/so-theo-doi/tao/", {"query": ""}), "register job on node B")
    register = urllib.parse.urlsplit(started).path.rstrip("/").split("/")[-1]
    state = follow(a, f"/quy-che/so-theo-doi/{register}/trang-thai.json", lambda s: s["finished"], 300)
    assert state["state"] == "done", f"register job: {state}"
    pdfs = []
    for browser in (a, b):
        status, _, pdf = browser.get(state["download_url"])
        assert status == 200 and pdf.startswith(b"%PDF"), f"register PDF on {browser.base}: {status}"
        pdfs.append(pdf)
    assert pdfs[0] == pdfs[1]
    facts.update(register_rows=state["total"], register_pdf_bytes=len(pdfs[0]))
    return facts


def failover(proxy: str, user: str, password: str, pgid: int, seconds: float, clients: int = 8) -> dict:
    session = login(proxy, user, password)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    parts = urllib.parse.urlsplit(proxy)
    headers = {"X-Forwarded-Proto": "https", "Cookie": cookie}
    records: list[tuple[float, float, object, str]] = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                conn.request("GET", "/quy-che/", headers=headers)
                response = conn.getresponse()
                response.read()
                outcome, served = response.status, response.getheader("X-Served-By", "?")
            except (OSError, http.client.HTTPException) as exc:
                outcome, served = type(exc).__name__, "-"
                conn.close()
            mine.append((t0, time.monotonic(), outcome, served))
        conn.close()
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds / 2)
    killed_at = time.monotonic()
    os.killpg(pgid, signal.SIGKILL)
    for t in threads:
        t.join()
    failed = [r for r in records if r[2] != 200]
    after = [r for r in records if r[0] > killed_at + 3]  # once the health checks have seen it (inter 1s, fall 2)
    figures = {
        "requests": len(records),
        "failed": len(failed),
        "failed_in_flight": sum(1 for r in failed if r[0] <= killed_at),
        "failed_after_kill": sum(1 for r in failed if r[0] > killed_at),
        "served_before": sorted({r[3] for r in records if r[1] < killed_at and r[2] == 200}),
        "served_after": sorted({r[3] for r in after if r[2] == 200}),
        "failures": sorted({str(r[2]) for r in failed}),
        "rps": round(len(records) / (time.monotonic() - started), 1),
    }
    return figures


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "journey":
        print(json.dumps(journey(*args)))
    elif command == "failover":
        proxy, user, password, pgid, seconds = args
        figures = failover(proxy, user, password, int(pgid), float(seconds))
        print(json.dumps(figures))
        ok = (
            figures["failed_after_kill"] == 0
            and figures["served_before"] == ["web1", "web2"]
            and figures["served_after"] == ["web2"]
        )
        sys.exit(0 if ok else 1)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
