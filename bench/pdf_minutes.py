"""Benchmark (not a test): render a 3-page minutes PDF N times; print median and p95 in ms.

DJANGO_SETTINGS_MODULE=portal.settings.local .venv/bin/python bench/pdf_minutes.py [N]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402

from portal import pdf  # noqa: E402

CONTEXT_DOC = {
    "governing_name": "VIỆN KIỂM SÁT NHÂN DÂN TỈNH KHÁNH HÒA",
    "issuing_name": "VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KHÁNH SƠN",
    "number_display": "05/BB-VKSKS",
    "symbol": "BB-VKSKS",
    "subject": "Họp liên ngành về vụ án trộm cắp tài sản",
    "get_doc_type_display": "Biên bản",
    "body": "Nội dung cuộc họp. " * 40,
    "cosigner_title": "THƯ KÝ",
    "cosigner_name": "Phạm Thị Hương",
    "signer_title": "CHỦ TRÌ",
    "signer_name": "Nguyễn Đức Thắng",
}


def main(n: int) -> None:
    attendees = [{"label": f"Đại biểu số {i}, Kiểm sát viên", "get_role_display": "Tham dự"} for i in range(25)]
    context = {
        "doc": CONTEXT_DOC,
        "draft": False,
        "place_date": "Khánh Sơn, ngày 05 tháng 01 năm 2024",
        "meeting": {
            "place": "Hội trường",
            "discussion": "Ý kiến thảo luận của các đại biểu. " * 80,
            "conclusions": "Kết luận của chủ trì. " * 60,
        },
        "meeting_time": "08 giờ 00 phút, ngày 05 tháng 01 năm 2024",
        "closing_time": "11 giờ 00 phút",
        "chairs": [{"label": "Nguyễn Đức Thắng, Viện trưởng", "get_role_display": "Chủ trì"}],
        "secretaries": [{"label": "Phạm Thị Hương"}],
        "attendees": attendees,
        "remote_sites": [],
        "agenda_items": [],
        "regulations": [],
        "directives": [],
        "recipients_report": [],
        "recipients_act": [],
    }
    pages = None
    times = []
    for _ in range(n):
        start = time.perf_counter()
        data = pdf.render_pdf("pdf/minutes.html", context, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        pages = len(PdfReader(io.BytesIO(data)).pages)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"pages≈{pages} runs={n} median={statistics.median(times):.0f} ms p95={p95:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
