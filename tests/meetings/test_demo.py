"""The demo data's documents are complete enough to sign: named signers, opening of the seed-004 notice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from meetings.models import DocumentType, OfficialDocument


@pytest.mark.django_db
def test_demo_minutes_have_signer_names_and_notice_has_its_opening():
    call_command("load_demo", stdout=StringIO())
    minutes = OfficialDocument.objects.filter(doc_type=DocumentType.MINUTES)
    assert minutes.exists()
    for doc in minutes:
        assert doc.signer_name and doc.cosigner_name, doc
        assert doc.filed_line == "Lưu: VT, hồ sơ."
    notice = OfficialDocument.objects.get(doc_type=DocumentType.NOTICE, subject__startswith="Chỉ đạo")
    assert notice.opening.startswith("Ngày 01/7/2021") and notice.filed_line == "Lưu: VP (VT, PTMTH)."
    assert notice.meeting.directives.count() == 7


@pytest.mark.django_db
def test_demo_notice_is_seed_004_as_written_and_demo_numbers_run_in_date_order():
    from pathlib import Path

    from meetings.documents import document_context, render_document
    from portal.word import recipient_lines
    from tests.meetings.decree30_geometry import texts

    call_command("load_demo", stdout=StringIO())
    notice = OfficialDocument.objects.get(doc_type=DocumentType.NOTICE, subject__startswith="Chỉ đạo")
    printed = " ".join(" ".join(texts(render_document(notice, draft=False))).split())
    seed = (Path(__file__).parent / "seed_004_body.txt").read_text(encoding="utf-8").splitlines()
    assert len(seed) == 13  # the opening, seven directives, two second paragraphs, three dash items
    for paragraph in seed:
        assert " ".join(paragraph.split()) in printed, paragraph[:60]
    assert "hoàn thành trước" not in printed and "chủ trì thực hiện" not in printed
    assert printed.count("Giao ") == 3  # Vụ 15, Vụ 8, Cục 2: as the seed gives them
    assert "phòng chống dịch bệnh./." in printed
    grouped = [
        "- Viện trưởng VKSND tối cao;",
        "- Phó Viện trưởng VKSND tối cao (để báo cáo);",
        "- Kiểm sát viên VKSND tối cao;",
        "- Thủ trưởng các đơn vị thuộc VKSND tối cao (để thực hiện);",
        "- VKSQS Trung ương;",
        "- Viện trưởng VKSND cấp cao;",
        "- Viện trưởng VKSND cấp tỉnh;",
        "- Viện trưởng VKSQS cấp quân khu;",
        "- Lưu: VP (VT, PTMTH).",
    ]
    context = document_context(notice, draft=False)
    lines = recipient_lines(
        context["recipients_report"], context["recipients_act"], context["filed_line"], context["recipients_other"]
    )
    assert lines == grouped
    assert all(line in printed for line in grouped)
    assert not notice.meeting.directives.exclude(deadline=None).exists()
    registers: dict[tuple, list] = {}
    for doc in OfficialDocument.objects.exclude(serial=None).order_by("serial"):
        registers.setdefault((doc.issuing_agency_id, doc.doc_type, doc.year), []).append(doc.issued_on)
    for dates in registers.values():
        assert dates == sorted(dates)
