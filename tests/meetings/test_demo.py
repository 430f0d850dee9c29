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
