"""Benchmark (not a test): what signing adds to issuing a 4-page notice.

Renders the notice, then times ``signing.services.sign_issued_pdf`` (verification code, QR code and
the PAdES signature with a PKCS#12 key) against the same function for a unit without a key (code and
QR code only), N times each, in one process as a gunicorn worker would. Runs on the demo data set (an
agency of kind procuracy must exist: ``manage.py load_demo``) inside a transaction that is rolled back.

DJANGO_SETTINGS_MODULE=portal.settings.local .venv/bin/python bench/signing.py [N]
"""

from __future__ import annotations

import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from agencies.models import Agency, AgencyKind  # noqa: E402
from meetings import services as meeting_services  # noqa: E402
from meetings.documents import render_document  # noqa: E402
from meetings.models import Attendee, AttendeeRole, DocumentType, Meeting, MeetingState  # noqa: E402
from signing import images, pki, services  # noqa: E402
from signing.models import KeyKind, SigningKey  # noqa: E402


class Rollback(Exception):
    pass


def _stats(times: list[tuple[float, float]]) -> str:
    """Wall time (median, p95) and CPU time of this process (median): on a shared machine the wall
    time also counts the other processes' turns on the two cores."""
    wall = sorted(t[0] for t in times)
    p95 = wall[min(len(wall) - 1, int(round(0.95 * (len(wall) - 1))))]
    cpu = statistics.median(t[1] for t in times)
    return f"wall median {statistics.median(wall):.0f} ms, p95 {p95:.0f} ms; CPU median {cpu:.0f} ms"


def _timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main(n: int) -> None:
    agency = Agency.objects.filter(kind=AgencyKind.PROCURACY).order_by("pk").first()
    if agency is None:
        sys.exit("No procuracy in the database: run manage.py load_demo first.")
    try:
        with transaction.atomic():
            SigningKey.objects.filter(agency=agency).delete()
            meeting = Meeting.objects.create(
                host_agency=agency,
                locality_id=agency.locality_id,
                kind="interagency",
                title="Họp liên ngành về tin báo, tố giác tội phạm",
                starts_at=timezone.now() - datetime.timedelta(days=1),
                state=MeetingState.HELD,
            )
            Attendee.objects.create(meeting=meeting, full_name="Nguyễn Đức Thắng", role=AttendeeRole.CHAIR)
            sentence = "Các đơn vị tiếp tục phối hợp chặt chẽ trong công tác. "
            body = "\n".join(f"{i}. " + sentence * 9 for i in range(1, 21))
            draft = meeting_services.save_document_draft(
                user=None, meeting=meeting, doc_type=DocumentType.NOTICE, data={"body": body}
            )
            document = meeting_services.finalise_document(draft, user=None, render=False)
            pdf = render_document(document, draft=False)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)

            unsigned = [_timed(lambda: services.sign_issued_pdf(document, pdf)) for _ in range(n)]

            folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
            ca = pki.make_ca()
            p12 = folder / "unit.p12"
            p12.write_bytes(pki.pkcs12_bytes(pki.issue_unit_certificate(ca, agency.name), ca, "bench"))
            (folder / "pin").write_text("bench")
            SigningKey.objects.create(
                agency=agency,
                kind=KeyKind.PKCS12,
                pkcs12_path=str(p12),
                pin_file=str(folder / "pin"),
                seal_image=images.seal_png(agency.name, agency.place_name),
                signature_image=images.signature_png(agency.code),
            )
            first = _timed(lambda: services.sign_issued_pdf(document, pdf))[0]
            signed = [_timed(lambda: services.sign_issued_pdf(document, pdf)) for _ in range(n)]
            renders = [_timed(lambda: render_document(document, draft=False)) for _ in range(max(3, n // 5))]
            print(f"notice of {pages} pages, {len(pdf) // 1024} KB; {n} runs each")
            print(f"render (WeasyPrint), for scale:          {_stats(renders)}")
            print(f"code + QR code only (unit without key):  {_stats(unsigned)}")
            print(f"code + QR code + PAdES B-B signature:    {_stats(signed)}  (first in the process: {first:.0f} ms)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
