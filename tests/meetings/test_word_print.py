"""The Word copies printed by LibreOffice pass the same Decree 30 geometry checks as the PDFs
(tests/meetings/decree30_geometry.py): one soffice run prints every kind of .docx at once."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

from meetings import services
from meetings.documents import render_document
from meetings.word import document_docx
from tests.meetings.decree30_geometry import failures, texts
from tests.meetings.factories import AttendeeFactory, DirectiveFactory, MeetingFactory, aware, filled_correction
from tests.meetings.test_issuing import region  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) not installed"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "word"


def print_with_libreoffice(files: dict[str, bytes], workdir: Path) -> dict[str, bytes]:
    """``{name: docx}`` → ``{name: pdf}`` with one headless LibreOffice run (its own profile)."""
    for name, data in files.items():
        (workdir / f"{name}.docx").write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{workdir}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            *[str(workdir / f"{name}.docx") for name in files],
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: (workdir / f"{name}.pdf").read_bytes() for name in files}


def test_word_copies_print_like_the_pdfs(world, region, tmp_path):  # noqa: F811
    meeting = MeetingFactory(host_agency=world.vks_ks, starts_at=aware(2023, 9, 15), title="Họp liên ngành quý III")
    AttendeeFactory(meeting=meeting, full_name="Bùi Văn Đức", position="Viện trưởng", role="chair")
    AttendeeFactory(meeting=meeting, full_name="Trần Thị Lan", role="secretary")
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Thị Hằng", agency=world.ta_ks)
    for number in range(1, 13):
        DirectiveFactory(
            meeting=meeting,
            number=number,
            text=f"Thực hiện nghiêm Quy chế phối hợp số 05/QCPH-VKSKS, báo cáo kết quả lần {number} về Văn phòng.",
        )
    notice = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={"issued_on": datetime.date(2023, 9, 20), "subject": "Kết luận họp liên ngành quý III năm 2023"},
    )
    notice = services.finalise_document(notice, user=None, render=False)
    minutes = services.save_document_draft(
        user=None, meeting=meeting, doc_type="BB", data={"issued_on": datetime.date(2023, 9, 15)}
    )
    minutes = services.finalise_document(minutes, user=None, render=False)
    letter = filled_correction(services.start_correction(notice, user=None))
    letter = services.finalise_document(letter, user=None, render=False, historical=False)
    documents = {"notice-2023": notice, "minutes-2023": minutes, "correction-letter-2026": letter}
    printed = print_with_libreoffice({name: document_docx(doc) for name, doc in documents.items()}, tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, doc in documents.items():
        pdf = render_document(doc, draft=False)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        (ARTIFACTS / f"{name}.docx.pdf").write_bytes(printed[name])
        words = "VIỆN KIỂM SÁT NHÂN DÂN"
        assert failures(pdf, issuing_words=words) == [], f"PDF {name}"
        assert failures(printed[name], issuing_words=words) == [], f"Word {name}"
    letter_lines = texts(printed["correction-letter-2026"])
    assert "KHU VỰC 7 - KHÁNH HÒA" in letter_lines and any("Số: 01/VKSKV7" in line for line in letter_lines)
