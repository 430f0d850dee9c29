"""Benchmark of the import wizard on the national data set (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/imports.py \
        [--regulations 1000] [--meetings 1000]

A province staff member of the synthetic data set (``generate_national_data`` first) brings in an
old register: an XLSX made from the portal's own template with ``--regulations`` rows (hosted by the
province's procuracy, signed with its court and police) and ``--meetings`` review meetings linked to
them. The script runs the check (the preview) and the confirmed import as the Celery tasks would,
in this process, and prints wall time, rows per second and SQL queries per row for each; then checks
the file again (every row is now "skipped") and rolls everything back, so the data set is unchanged.

``--clerk N`` instead brings in a register as a clerk keeps it (issue 20): N regulations on "Sheet1"
below title rows, a merged two-row header, the clerk's own column names and no host or type column,
so the upload stops at the mapping step; the mapping ("my unit", type from the title) is then chosen
and the file checked and imported. Migrations this branch adds that the data set lacks are applied
inside the same rolled-back transaction.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from dashboards import tallies  # noqa: E402
from imports import services  # noqa: E402
from imports.columns import MEETING_COLUMNS, MEETING_SHEET, REGULATION_COLUMNS, REGULATION_SHEET  # noqa: E402
from imports.models import ImportKind, ImportStatus  # noqa: E402
from imports.template import build_template  # noqa: E402

HOST, PARTNERS = "SYN-VKST01", "SYN-TAT01; SYN-CSDTT01"
FIRST_MEETING = datetime.datetime(2012, 1, 2, 8, 0)  # before the synthetic meetings: no clash with them


def workbook(regulations: int, meetings: int) -> bytes:
    book = load_workbook(io.BytesIO(build_template()))
    rows = {REGULATION_SHEET: [], MEETING_SHEET: []}
    for n in range(1, regulations + 1):
        rows[REGULATION_SHEET].append(
            {
                "number": f"{n:04d}/2019/QCPH-BENCH",
                "title": f"Quy chế phối hợp số {n} trong giải quyết tố giác, tin báo",
                "type": "Quy chế phối hợp",
                "host": HOST,
                "parties": PARTNERS,
                "signed_on": f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2019",
                "fields": "Hình sự",
                "review_interval_months": "12",
                "chapters_count": "3",
                "articles_count": "12",
            }
        )
    for n in range(1, meetings + 1):
        rows[MEETING_SHEET].append(
            {
                "kind": "Sơ kết quy chế",
                "title": f"Sơ kết quy chế phối hợp số {n}",
                "starts_at": (FIRST_MEETING + datetime.timedelta(days=n)).strftime("%d/%m/%Y %H:%M"),
                "host": HOST,
                "state": "Đã tổ chức",
                "place": "Hội trường",
                "chair": "Nguyễn Văn An",
                "chair_role": "Chủ trì",
                "regulations": f"{(n - 1) % max(regulations, 1) + 1:04d}/2019/QCPH-BENCH" if regulations else "",
                "conclusions": "Thống nhất tiếp tục thực hiện.",
            }
        )
    for sheet_name, columns in ((REGULATION_SHEET, REGULATION_COLUMNS), (MEETING_SHEET, MEETING_COLUMNS)):
        sheet = book[sheet_name]
        for r, row in enumerate(rows[sheet_name], start=2):
            for c, column in enumerate(columns, start=1):
                sheet.cell(row=r, column=c, value=row.get(column.key) or None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def clerk_workbook(regulations: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["SỔ THEO DÕI QUY CHẾ PHỐI HỢP"])
    ws.append(["Đơn vị: VKSND tỉnh (dữ liệu thử)"])
    ws.append([])
    ws.append(["STT", "Văn bản", None, "Tên quy chế", "Cơ quan phối hợp", "Lĩnh vực", "Tình trạng", "Ghi chú"])
    ws.append([None, "Số ký hiệu", "Ngày ký", None, None, None, None, None])
    ws.merge_cells("B4:C4")
    for col in "ADEFGH":
        ws.merge_cells(f"{col}4:{col}5")
    for n in range(1, regulations + 1):
        signed = datetime.datetime(2019, n % 12 + 1, n % 28 + 1)
        ws.append(
            [
                n,
                f"{n:04d}/2019/QCPH-CLERK",
                signed if n % 2 else f"ngày {signed.day} tháng {signed.month} năm 2019",
                f"Quy chế phối hợp số {n} trong giải quyết tố giác, tin báo",
                PARTNERS.replace(";", ","),
                "Hình sự",
                "Còn hiệu lực",
                "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_clerk(user: User, regulations: int) -> None:
    from django.core.management import call_command

    data = clerk_workbook(regulations)
    print(f"clerk register: {regulations} rows, {len(data) / 1024:.0f} KiB, as {user.username}")
    with transaction.atomic():
        call_command("migrate", "imports", verbosity=0)
        job = timed(
            "read (stops at the mapping step)",
            regulations,
            lambda: services.create_job(user, ImportKind.REGULATIONS, "so-van-thu.xlsx", data),
        )
        assert job.status == ImportStatus.NEEDS_INPUT, job.layout
        mapping = {**job.layout["mapping"], "host": "@unit", "type": "@title"}
        job = timed("mapping chosen + check", regulations, lambda: services.choose(user, job, mapping=mapping))
        assert job.status == ImportStatus.READY, job.errors[:5]
        job.status = ImportStatus.IMPORTING
        job.save(update_fields=["status"])
        job = timed("import (confirmed)", regulations, lambda: services.run_apply(job.pk))
        assert job.status == ImportStatus.DONE, job.message
        print(f"{'':34} counts {job.counts}")
        again = timed(
            "next file, remembered mapping",
            regulations,
            lambda: services.create_job(user, ImportKind.REGULATIONS, "so-van-thu.xlsx", data),
        )
        print(f"{'':34} status {again.status}, counts {again.counts}")
        transaction.set_rollback(True)
    print("rolled back: the data set is unchanged")


def timed(label: str, rows: int, work):
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    print(
        f"{label:34} {seconds:8.1f} s {rows / seconds if seconds else 0:8.1f} rows/s "
        f"{queries / max(rows, 1):7.1f} queries/row"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regulations", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--clerk", type=int, default=0, help="a clerk's own register of this many rows")
    parser.add_argument(
        "--recount-every-row",
        action="store_true",
        help="the old way, for comparison: recount the dashboard's tallies after every save",
    )
    args = parser.parse_args()
    if args.recount_every_row:
        tallies.deferred = contextlib.nullcontext
    user = User.objects.filter(agency__code=HOST, role=Role.STAFF).first()
    if user is None:
        sys.exit(f"No staff user of {HOST}: generate the national data set first.")
    with open("/proc/loadavg") as fh:
        print(f"load average: {' '.join(fh.read().split()[:3])}")
    if args.clerk:
        services.async_threshold = lambda: 10**9
        run_clerk(user, args.clerk)
        return
    data = workbook(args.regulations, args.meetings)
    rows = args.regulations + args.meetings
    print(
        f"{rows} rows ({args.regulations} regulations, {args.meetings} meetings), {len(data) / 1024:.0f} KiB, "
        f"as {user.username}"
    )
    services.async_threshold = lambda: 10**9  # check in this process, as the worker would
    with transaction.atomic():
        from django.core.management import call_command

        call_command("migrate", "imports", verbosity=0)  # rolled back with the rest
        job = timed(
            "check (preview)", rows, lambda: services.create_job(user, ImportKind.REGULATIONS, "so-theo-doi.xlsx", data)
        )
        assert job.status == ImportStatus.READY, job.errors[:5]
        job.status = ImportStatus.IMPORTING
        job.save(update_fields=["status"])
        job = timed("import (confirmed)", rows, lambda: services.run_apply(job.pk))
        assert job.status == ImportStatus.DONE, job.message
        print(f"{'':34} counts {job.counts}")
        again = timed(
            "re-check (all skipped)",
            rows,
            lambda: services.create_job(user, ImportKind.REGULATIONS, "so-theo-doi.xlsx", data),
        )
        print(f"{'':34} counts {again.counts}")
        transaction.set_rollback(True)
    print("rolled back: the data set is unchanged")


if __name__ == "__main__":
    main()
