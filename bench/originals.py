"""Benchmark of the originals' text (issue 23; not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/originals.py \
        [--ocr-pages 4] [--texts 100000] [--runs 15]

1. OCR: draws ``--ocr-pages`` A4 pages of Vietnamese text (PIL, DejaVu Sans, 200 dpi) into one scan PDF and
   reads it with ``originals.extract.read`` (OCRmyPDF, ``-l vie``, PDF/A), printing pages per minute.
2. Search: on the national data set (``generate_national_data``), adds ``--texts`` generated originals'
   texts (two per regulation, one page of about 1,500 characters each, deterministic; kept for later
   runs) and times the register's search (national and province leader, in-process client, server
   time) with the originals' text searched and without (the ``regulations.texts`` source unset),
   the two interleaved request by request. Prints medians, p95 and the ratio, and the plan of the
   national search's count.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from originals import extract, services  # noqa: E402
from originals.models import OriginalText, RegulationWords, TextMethod, TextState  # noqa: E402
from portal.search import normalize  # noqa: E402
from regulations import texts  # noqa: E402
from regulations.models import Original, OriginalKind, Regulation  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SENTENCES = [
    "Viện kiểm sát nhân dân và Tòa án nhân dân thống nhất phối hợp trong công tác giải quyết án hình sự.",
    "Cơ quan điều tra gửi danh sách người bị tạm giữ, tạm giam cho Viện kiểm sát hằng ngày.",
    "Việc tiếp nhận, giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố được thực hiện kịp thời.",
    "Chi cục Thi hành án dân sự thông báo kết quả thi hành bản án, quyết định cho Viện kiểm sát.",
    "Hằng năm các bên tổ chức sơ kết, đánh giá kết quả thực hiện quy chế và rút kinh nghiệm.",
    "Trường hợp có vướng mắc, các bên tổ chức họp liên ngành để thống nhất hướng giải quyết.",
    "Tòa án gửi bản án, quyết định cho Viện kiểm sát trong thời hạn theo quy định của pháp luật.",
    "Phối hợp tổ chức phiên tòa rút kinh nghiệm, phiên tòa trực tuyến theo kế hoạch hằng năm.",
    "Các bên bảo đảm bí mật thông tin, tài liệu trong quá trình phối hợp theo quy định.",
    "Công an xã hướng dẫn người dân trình báo tố giác tội phạm tại trụ sở gần nhất.",
]
RARE = "Biên bản kiểm tra việc tạm giữ tại nhà tạm giữ Công an khu vực số {n}."
# The generated originals: 15 sentences a page from 10,000 (subject, verb, object, when), and the phrases
# searched for in a share of the originals: "người bị tạm giữ" in 3 %, "tố giác, tin báo" in 10 %.
SUBJECTS = [
    "Viện kiểm sát nhân dân",
    "Tòa án nhân dân",
    "Cơ quan điều tra",
    "Chi cục Thi hành án dân sự",
    "Công an xã",
    "Ủy ban nhân dân",
    "Ban cán sự đảng",
    "Văn phòng",
    "Phòng nghiệp vụ",
    "Thanh tra",
]
VERBS = [
    "phối hợp",
    "thông báo",
    "gửi",
    "kiểm tra",
    "tổng hợp",
    "báo cáo",
    "trao đổi",
    "thống nhất",
    "hướng dẫn",
    "đánh giá",
]
OBJECTS = [
    "kết quả giải quyết vụ án",
    "hồ sơ vụ việc",
    "bản án, quyết định",
    "kế hoạch công tác năm",
    "số liệu thống kê",
    "văn bản hướng dẫn",
    "kiến nghị khắc phục vi phạm",
    "lịch phiên tòa",
    "tài liệu, chứng cứ",
    "quyết định thi hành án",
]
TAILS = [
    "trong thời hạn bảy ngày",
    "theo quy định của pháp luật",
    "hằng tháng",
    "khi có yêu cầu",
    "bằng văn bản",
    "qua hệ thống điện tử",
    "trước ngày 15 hằng tháng",
    "tại trụ sở cơ quan",
    "theo quy chế này",
    "khi phát hiện sai sót",
]
PHRASES = [(0.03, SENTENCES[1]), (0.10, SENTENCES[2])]


def page_text(rng: random.Random, n: int) -> str:
    sentences = [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}." for _ in range(15)
    ]
    for share, phrase in PHRASES:
        if rng.random() < share:
            sentences.insert(rng.randrange(len(sentences)), phrase)
    if rng.random() < 0.001:
        sentences.append(RARE.format(n=n))
    return " ".join(sentences)


def pages_for_ocr(count: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 30)
    rng = random.Random(7)
    images = []
    for _ in range(count):
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for row in range(40):
            sentence = rng.choice(SENTENCES)
            draw.text((120, 150 + 50 * row), sentence[:90], font=font, fill=0)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buffer.getvalue()


def bench_ocr(count: int) -> None:
    data = pages_for_ocr(count)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as scan:
        scan.write(data)
        scan.flush()
        start = time.perf_counter()
        result = extract.read(scan.name, extract.PDF)
        seconds = time.perf_counter() - start
    found = sum("tạm giữ" in page for page in result.pages)
    print(
        f"OCR: {count} A4 pages (40 lines each) in {seconds:.1f} s = {60 * count / seconds:.1f} pages/min; "
        f"method {result.method}; PDF/A {len(result.searchable_pdf or b'') // 1024} KB; "
        f"'tạm giữ' read on {found} pages"
    )


def ensure_texts(total: int) -> None:
    have = OriginalText.objects.filter(original__original_name__startswith="bench-").count()
    if have >= total:
        print(f"Reusing {have} generated originals' texts.")
        ensure_words()
        return
    rng = random.Random(23)
    ids = list(Regulation.objects.order_by("pk").values_list("pk", flat=True))
    start = time.perf_counter()
    made = have
    while made < total:
        batch = []
        for n in range(made, min(total, made + 5000)):
            batch.append(
                Original(
                    regulation_id=ids[n % len(ids)],
                    kind=OriginalKind.SIGNED_SCAN,
                    file=f"bench/{n}.pdf",
                    original_name=f"bench-{n}.pdf",
                    content_type="application/pdf",
                    size=100_000,
                    sha256="0" * 64,
                )
            )
        with transaction.atomic():
            originals = Original.objects.bulk_create(batch)
            rows = []
            for original in originals:
                page = page_text(rng, original.pk)
                rows.append(
                    OriginalText(
                        original_id=original.pk,
                        regulation_id=original.regulation_id,
                        state=TextState.DONE,
                        method=TextMethod.OCR,
                        pages_total=1,
                        pages_done=1,
                        pages=[page],
                        search_text=normalize(page),
                    )
                )
            OriginalText.objects.bulk_create(rows)
        made += len(batch)
        print(f"  {made} texts ({time.perf_counter() - start:.0f} s)", flush=True)
    ensure_words()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE originals_originaltext")
        cursor.execute("ANALYZE regulations_original")
        cursor.execute("ANALYZE regulations_regulation")


def ensure_words() -> None:
    """The texts were written in bulk (no reading): their regulations' searchable words, once."""
    if RegulationWords.objects.exists():
        return
    start = time.perf_counter()
    count = services.rebuild_words()
    print(f"  words of {count} regulations ({time.perf_counter() - start:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE originals_regulationwords")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def old_filter_q(self, queryset, name, value):  # main before issue 25 point 3, for comparison
    from django.db.models import Q

    from portal.search import matches_all_words

    words = matches_all_words("search_text", value[:200])
    amended = Regulation.objects.filter(words, amendment_of__isnull=False).values("amendment_of_id")
    return queryset.filter(words | Q(pk__in=amended))


def bench_search(runs: int) -> None:
    from regulations.filters import RegulationFilter

    new_filter_q = RegulationFilter.filter_q
    source = texts._source
    clients = {}
    for name, username in (("national", "syn.lanhdao.toicao"), ("province", "syn.lanhdao.tinh01")):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=username))
    queries = ["to giac tin bao", "nguoi bi tam giu", "nha tam giu cong an khu vuc", "quy che phoi hop"]
    url = reverse("regulations:list")
    print(f"{'search':46} {'with texts':>18} {'without':>18} {'ratio':>6} {'old shape, no texts':>20}")
    for who, client in clients.items():
        for q in queries:
            page = f"{url}?q={q.replace(' ', '+')}"
            with_t, without, old = [], [], []
            for n in range(runs + 3):
                texts.register(source)
                a_time = timed(client, page)
                texts._source = None
                b_time = timed(client, page)
                RegulationFilter.filter_q = old_filter_q
                c_time = timed(client, page)
                RegulationFilter.filter_q = new_filter_q
                if n >= 3:  # three warm-up rounds
                    with_t.append(a_time), without.append(b_time), old.append(c_time)
            texts.register(source)
            a, b, c = statistics.median(with_t), statistics.median(without), statistics.median(old)
            label = f"{who}: q={q!r}"
            print(
                f"{label:46} {a:8.1f} (p95 {p95(with_t):6.1f}) {b:8.1f} (p95 {p95(without):6.1f}) {a / b:6.2f} "
                f"{c:8.1f} (p95 {p95(old):6.1f})",
                flush=True,
            )
    texts.register(source)
    # For scale: the register's first page without a search (25 rows and the capped count): a search
    # found only in the originals shows such a page where the search without them shows an empty one.
    for who, client in clients.items():
        plain = [timed(client, url) for _ in range(runs + 3)][3:]
        print(f"{who}: no search (25 rows) {statistics.median(plain):8.1f} (p95 {p95(plain):6.1f})", flush=True)


def explain() -> None:
    from regulations import selectors
    from regulations.filters import RegulationFilter

    user = User.objects.get(username="syn.lanhdao.toicao")
    for q in ("to giac tin bao", "nguoi bi tam giu"):
        qs = RegulationFilter({"q": q}, queryset=selectors.listing(user), user=user, today=selectors.today()).qs
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) SELECT count(*) FROM ({sql}) s", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\nEXPLAIN ANALYZE count, q={q!r}:")
        print("\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ocr-pages", type=int, default=4)
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}; load {os.getloadavg()}")
    if not args.skip_ocr:
        bench_ocr(args.ocr_pages)
    if not args.skip_search:
        ensure_texts(args.texts)
        print(
            f"Regulations: {Regulation.objects.count()}; originals' texts: {OriginalText.objects.count()}; "
            f"regulations with originals' words: {RegulationWords.objects.count()}"
        )
        bench_search(args.runs)
        explain()


if __name__ == "__main__":
    main()
