"""Benchmark of the dashboards and the regulation register at national scale (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/benchmark.py [--runs 20] \
        [--pages "list|api"] [--round-robin] [--walk]

Generates (or reuses) the synthetic national data set (``manage.py generate_national_data``),
logs in as a national leader and a province leader with django.test.Client, warms up, then times
each page ``--runs`` times (server time: the time around ``client.get``), and prints median, p95 and
the number of SQL queries. Then it times the same aggregates as raw SQL (the floor) and the Django
admin changelist of regulations over the same rows, for comparison. API pages (``--pages api``)
are timed beside the HTML lists (``--pages "list|api"``: labels containing either text); ``--walk``
follows the API's ``next`` links through all 50,000 regulations.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from agencies.models import Agency  # noqa: E402
from demo import scale_data  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def time_get(client: Client, url: str, runs: int, warmup: int = 3) -> tuple[list[float], int, int, float]:
    """Server times of ``runs`` requests, the number of queries, the status, and the median share of
    the request spent in SQL (sum of the queries' own times, measured on separate runs)."""
    for _ in range(warmup):
        response = client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    sql_times = []
    for _ in range(max(3, runs // 4)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return times, len(ctx.captured_queries), response.status_code, statistics.median(sql_times)


def time_sql(sql: str, params: list, runs: int) -> list[float]:
    times = []
    with connection.cursor() as cursor:
        for n in range(runs + 2):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            if n >= 2:
                times.append((time.perf_counter() - start) * 1000)
    return times


def raw_floor(locality_path: str | None, runs: int) -> list[tuple[str, list[float]]]:
    """The dashboard's three grouped aggregates as hand-written SQL: the lower bound for the page."""
    today = datetime.date.today()
    year = today.year
    loc = "AND locality_id IN (SELECT id FROM agencies_locality WHERE path LIKE %s)" if locality_path else ""
    lp = [locality_path + "%"] if locality_path else []
    meetings = f"""
        SELECT locality_id,
               count(*) FILTER (WHERE kind = 'interim_review'), count(*) FILTER (WHERE kind = 'final_review'),
               count(*) FILTER (WHERE kind = 'interagency'), count(*) FILTER (WHERE kind = 'signing')
        FROM meetings_meeting
        WHERE starts_at >= %s AND starts_at < %s AND state IN ('held', 'minutes_finalised') {loc}
        GROUP BY locality_id"""
    regulations = f"""
        SELECT locality_id,
               count(*) FILTER (WHERE in_force_from <= %s AND (superseded_on IS NULL OR superseded_on > %s)
                                AND (repealed_on IS NULL OR repealed_on > %s)
                                AND (expires_on IS NULL OR expires_on >= %s)),
               count(*) FILTER (WHERE next_review_due < %s AND in_force_from <= %s
                                AND (superseded_on IS NULL OR superseded_on > %s)
                                AND (repealed_on IS NULL OR repealed_on > %s)
                                AND (expires_on IS NULL OR expires_on >= %s))
        FROM regulations_regulation WHERE TRUE {loc} GROUP BY locality_id"""
    directives = f"""
        SELECT locality_id, count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'done'),
               count(*) FILTER (WHERE state = 'open' AND deadline < %s)
        FROM meetings_directive WHERE TRUE {loc} GROUP BY locality_id"""
    years = range(year - 9, year + 1)
    trend_counts = ", ".join(
        f"count(*) FILTER (WHERE kind IN ('interim_review', 'final_review') AND starts_at >= '{y}-01-01' "
        f"AND starts_at < '{y + 1}-01-01'), count(*) FILTER (WHERE kind = 'interagency' "
        f"AND starts_at >= '{y}-01-01' AND starts_at < '{y + 1}-01-01')"
        for y in years
    )
    trend = f"""
        SELECT {trend_counts}
        FROM meetings_meeting
        WHERE starts_at >= %s AND starts_at < %s AND state IN ('held', 'minutes_finalised')
              AND kind IN ('interim_review', 'final_review', 'interagency') {loc}"""
    lo, hi = datetime.datetime(year, 1, 1), datetime.datetime(year + 1, 1, 1)
    return [
        ("meetings by locality", time_sql(meetings, [lo, hi, *lp], runs)),
        ("regulations by locality", time_sql(regulations, [today] * 9 + lp, runs)),
        ("directives by locality", time_sql(directives, [today, *lp], runs)),
        ("trend by year", time_sql(trend, [datetime.datetime(year - 9, 1, 1), hi, *lp], runs)),
    ]


def deep_cursor(rows, depth: int) -> str:
    """A cursor that starts ``depth`` rows into the API's walk of ``rows`` (a queryset, ordered by id),
    made the way the API makes its ``next`` links (``p=<last id seen>``)."""
    from base64 import b64encode

    last = rows.order_by("id").values_list("id", flat=True)[depth - 1]
    return b64encode(f"p={last}".encode()).decode()


def api_pages() -> list[tuple[str, str, str]]:
    """The API lists beside their HTML pages: page 1, a deep page, and cursor pages (first and deep).
    A deep cursor page is made for every code version, whether or not the API reads cursors yet."""
    from urllib.parse import quote

    from meetings.models import Meeting
    from regulations.models import Regulation

    reg, meet = "/api/v1/regulations/", "/api/v1/meetings/"
    reg_deep = quote(deep_cursor(Regulation.objects.filter(amendment_of__isnull=True), 49_000))
    meet_deep = quote(deep_cursor(Meeting.objects.all(), 290_000))
    return [
        ("national", "api regulations national, page 1", reg),
        ("national", "api regulations national, page 900", reg + "?page=900"),
        ("national", "api regulations national, page 2000 (25/page)", reg + "?page=2000&page_size=25"),
        ("national", "api regulations national, cursor first", reg + "?cursor="),
        ("national", "api regulations national, cursor at 49,000", reg + f"?cursor={reg_deep}"),
        ("national", "api regulations national, overdue", reg + "?review_state=overdue"),
        ("province", "api regulations province, page 1", reg),
        ("national", "api meetings national, page 1", meet),
        ("national", "api meetings national, page 2000", meet + "?page=2000"),
        ("national", "api meetings national, cursor first", meet + "?cursor="),
        ("national", "api meetings national, cursor at 290,000", meet + f"?cursor={meet_deep}"),
        ("national", "api directives national, overdue", "/api/v1/directives/?state=overdue"),
        ("national", "api agencies national, page 1", "/api/v1/agencies/"),
    ]


def walk(client: Client, url: str) -> None:
    """Follows ``next`` from ``url`` to the end, as a client that syncs everything would."""
    start = time.perf_counter()
    pages = rows = 0
    ids: set[int] = set()
    slowest = 0.0
    while url:
        began = time.perf_counter()
        response = client.get(url)
        slowest = max(slowest, time.perf_counter() - began)
        if response.status_code != 200:
            print(f"  stopped: {response.status_code} at page {pages + 1} ({url[:100]})")
            break
        body = response.json()
        pages += 1
        rows += len(body["results"])
        ids.update(row["id"] for row in body["results"])
        url = body["next"]
    seconds = time.perf_counter() - start
    print(
        f"  {pages} pages, {rows} rows ({len(ids)} distinct) in {seconds:.1f} s: "
        f"{1000 * seconds / max(pages, 1):.0f} ms per page on average, slowest {1000 * slowest:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--no-cache", action="store_true", help="measure the dashboard without its cache")
    parser.add_argument(
        "--pages", default="", help="only pages whose label contains this text (several: separated by |)"
    )
    parser.add_argument(
        "--round-robin",
        action="store_true",
        help="time the pages in turns (page 1, page 2, ..., page 1, ...) rather than one after the other",
    )
    parser.add_argument(
        "--walk", action="store_true", help="walk every regulation through the API (cursor, then page numbers)"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    db = connection.settings_dict
    print(f"Database: {connection.vendor} {db.get('NAME')} on {db.get('HOST') or 'local'}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}")
    if not scale_data.exists():
        print(f"Generating the national data set (scale {args.scale}) ...")
        summary = scale_data.generate(scale=args.scale)
        print(f"  done in {summary.seconds:.1f}s")
    else:
        print("Reusing the national data set already in the database.")

    national = User.objects.get(username="syn.lanhdao.toicao")
    province = User.objects.get(username="syn.lanhdao.tinh01")
    admin = User.objects.filter(username="syn.bench.admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "syn.bench.admin", "bench@vks.test", scale_data.PASSWORD, agency=national.agency, role="admin"
        )
    # The API's throttle still runs (its cache round trip is part of every API request), with a budget
    # no benchmark reaches.
    from api.throttling import TokenRateThrottle

    TokenRateThrottle.THROTTLE_RATES = {"token": "1000000/minute"}
    clients = {}
    for name, user in (("national", national), ("province", province), ("admin", admin)):
        clients[name] = Client()
        clients[name].force_login(user)
    year = datetime.date.today().year
    pages: list[tuple[str, str, str]] = [
        ("national", "dashboard national (this year)", reverse("dashboard:index")),
        (
            "national",
            "dashboard national (2016-2026 custom)",
            reverse("dashboard:index") + "?period=custom&date_from=01/01/2016&date_to=31/12/2026",
        ),
        ("province", "dashboard province (this year)", reverse("dashboard:index")),
        (
            "province",
            "dashboard province (quarter)",
            reverse("dashboard:index") + f"?period=quarter&year={year}&quarter=2",
        ),
    ]
    try:
        reg_list = reverse("regulations:list")
        pages += [
            ("national", "regulation list national, page 1", reg_list),
            ("national", "regulation list national, overdue", reg_list + "?review_state=overdue"),
            ("province", "regulation list province, page 1", reg_list),
            ("province", "regulation list province, in force + field", reg_list + "?status=in_force&field=1"),
        ]
    except NoReverseMatch:
        print("(regulations:list does not exist here: skipped)")
    pages += [
        ("national", "meeting list national, page 1", reverse("meetings:list")),
        ("national", "directive list national, overdue", reverse("meetings:directives") + "?state=overdue"),
    ]
    pages.append(("admin", "admin changelist regulations", "/quan-tri/regulations/regulation/"))
    pages += api_pages()
    wanted = [part.strip() for part in args.pages.split("|")]
    pages = [page for page in pages if any(part in page[1] for part in wanted)]

    if args.no_cache:
        # The dashboard's computation itself, as on the first request after a write (no shared cache).
        from django.core.cache.backends.dummy import DummyCache

        from dashboards import selectors, views

        selectors.cache = views.cache = DummyCache("dummy", {})
        print("Dashboard cache disabled (--no-cache): every request computes its figures.")
    with open("/proc/loadavg") as fh:
        print(f"load average: {' '.join(fh.read().split()[:3])}")
    print(f"\n{'page':48} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8} {'page/SQL':>8} {'status':>6}")
    if args.round_robin:
        # Every page once per round, so the pages compared share the machine's load as it varies.
        measured = {label: time_get(clients[who], url, 0) for who, label, url in pages}
        for _ in range(args.runs):
            for who, label, url in pages:
                start = time.perf_counter()
                clients[who].get(url)
                measured[label][0].append((time.perf_counter() - start) * 1000)
    for who, label, url in pages:
        if args.round_robin:
            times, queries, status, sql = measured[label]
        else:
            times, queries, status, sql = time_get(clients[who], url, args.runs)
        ratio = statistics.median(times) / sql if sql else 0
        print(
            f"{label:48} {statistics.median(times):10.1f} {p95(times):8.1f} {queries:8d} {sql:8.1f} "
            f"{ratio:8.2f} {status:6d}"
        )
    with open("/proc/loadavg") as fh:
        print(f"load average: {' '.join(fh.read().split()[:3])}")

    if args.walk:
        print("\nWalking every regulation of the country through the API, 500 rows a page:")
        print(" by cursor (?cursor=):")
        walk(clients["national"], "/api/v1/regulations/?cursor=&page_size=500")
        print(" by page number (?page=1, 2, ...):")
        walk(clients["national"], "/api/v1/regulations/?page_size=500")

    if connection.vendor == "postgresql" and not args.pages:
        province_path = Agency.objects.get(pk=province.agency_id).locality.path
        for scope, path in (("national", None), ("province", province_path)):
            print(f"\nRaw SQL floor ({scope}): {'query':40} {'median ms':>10} {'p95 ms':>8}")
            total_median = 0.0
            for label, times in raw_floor(path, args.runs):
                total_median += statistics.median(times)
                print(f"{'':22}{label:40} {statistics.median(times):10.1f} {p95(times):8.1f}")
            print(f"{'':22}{'sum of medians':40} {total_median:10.1f}")


if __name__ == "__main__":
    main()
