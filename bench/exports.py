"""Benchmark of the register's exports at national scale (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/exports.py [--runs 3]

Uses the synthetic national data set (``manage.py generate_national_data`` first). As the national
leader (``syn.lanhdao.toicao``, every row in scope) it downloads the CSV and the XLSX of the whole
register through ``django.test.Client``, consuming the streamed body chunk by chunk, and reports the
wall time, the rows and bytes, and the peak growth of the process's resident memory (RSS sampled
every 10 ms from /proc/self/statm while the export runs). Then, as a province leader, the register
PDF through the background job (``regulations.jobs.run`` in this process, as a worker would run it):
time, pages, peak RSS growth.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from regulations import exports, jobs  # noqa: E402
from regulations.models import RegisterJob  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


class PeakRSS:
    """Peak RSS growth over a block, sampled by a thread every 10 ms."""

    def __enter__(self) -> PeakRSS:
        self.start = rss()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def download(client: Client, url: str) -> tuple[float, int, float, float]:
    with PeakRSS() as memory:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return seconds, size, memory.growth_mb, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--pdf-only", action="store_true")
    parser.add_argument("--only", choices=["export_csv", "export_xlsx"], help="one export, in a fresh process")
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    national = User.objects.get(username="syn.lanhdao.toicao")
    province = User.objects.get(username="syn.lanhdao.tinh01")
    client = Client()
    client.force_login(national)
    rows = exports.build(national, QueryDict()).count
    print(f"Load average before: {os.getloadavg()}")
    print(f"National register: {rows:,} rows in scope (amending documents listed under their regulation)")
    for name in [] if args.pdf_only else [args.only] if args.only else ["export_csv", "export_xlsx"]:
        url = reverse(f"regulations:{name}")
        results = [download(client, url) for _ in range(args.runs)]
        times = [r[0] for r in results]
        cpu = statistics.median(r[3] for r in results)
        print(
            f"{name}: median {statistics.median(times):.2f} s (Python CPU {cpu:.2f} s), max {max(times):.2f} s, "
            f"{results[0][1] / 2**20:.1f} MiB, peak RSS growth max {max(r[2] for r in results):.0f} MB "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
        )

    if args.skip_pdf:
        return
    from pypdf import PdfReader

    export = exports.build(province, QueryDict())
    job = RegisterJob.objects.create(user=province, rows_total=export.count, filter_line=export.line)
    with PeakRSS() as memory:
        start, cpu = time.perf_counter(), time.process_time()
        outcome = jobs.run(job.pk)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    job.refresh_from_db()
    pages = len(PdfReader(io.BytesIO(job.file.read())).pages) if job.file else 0
    print(
        f"province register PDF job ({export.count:,} rows): {outcome} in {seconds:.1f} s (CPU {cpu:.1f} s), "
        f"{pages} pages, peak RSS growth {memory.growth_mb:.0f} MB, {job.message}"
    )
    if job.file:
        job.file.delete(save=False)
    job.delete()


if __name__ == "__main__":
    main()
