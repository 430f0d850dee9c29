"""Bounded HTTP load run against a running portal (not a test): N clients, each a keep-alive
connection sending GETs back to back for a fixed time; prints requests/s, latency percentiles and
errors. Standard library only (threads and http.client: the clients wait on the network).

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000/tong-quan/ --clients 32 --seconds 30 \\
        --session <sessionid cookie>

``bench/throughput.sh`` starts gunicorn with the compose settings and runs this at 8 and 32 clients.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


def run(url: str, clients: int, seconds: float, headers: dict[str, str]) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=120)
        mine: list[float] = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
            elapsed = (time.perf_counter() - start) * 1000
            if status == 200:
                mine.append(elapsed)
            else:
                with lock:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "ok": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(p(latencies, 0.95), 1),
        "max_ms": round(max(latencies, default=0), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--session", default="", help="value of the sessionid cookie")
    parser.add_argument("--host", default="127.0.0.1", help="Host header (in ALLOWED_HOSTS)")
    args = parser.parse_args()
    headers = {"Host": args.host, "X-Forwarded-Proto": "https", "Connection": "keep-alive"}
    if args.session:
        headers["Cookie"] = f"sessionid={args.session}"
    with open("/proc/loadavg") as fh:
        print(f"load average before: {fh.read().split()[:3]}")
    for clients in args.clients:
        result = run(args.url, clients, args.seconds, headers)
        with open("/proc/loadavg") as fh:
            result["loadavg"] = fh.read().split()[0]
        print(result, flush=True)


if __name__ == "__main__":
    main()
