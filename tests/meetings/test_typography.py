"""Typography of the printed documents: numbers never break, the rule under the issuing name is a
separate stroke 1/3 to 1/2 of the name's width (tests/meetings/decree30_geometry.py)."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.documents import render_document
from tests.meetings.decree30_geometry import NUMBER_CUT, failures, texts
from tests.meetings.factories import DirectiveFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_numbers_in_the_summary_never_break_and_the_header_rule_stands_apart(world):
    meeting = MeetingFactory(host_agency=world.vks_ks, title="Họp liên ngành quý III")
    DirectiveFactory(meeting=meeting, number=1, text="Thực hiện Quy chế phối hợp số 05/QCPH-VKSKS.")
    # The number falls at the end of a line for one of these paddings, whatever the font's metrics.
    subject = "\n".join(
        f"Kết luận {'và ' * pad}thực hiện Quy chế phối hợp liên ngành số 05/QCPH-VKSKS" for pad in range(6)
    )
    doc = services.save_document_draft(user=None, meeting=meeting, doc_type="TB", data={"subject": subject})
    data = render_document(doc, draft=False)
    lines = texts(data)
    assert sum("05/QCPH-VKSKS" in line for line in lines) >= 6
    assert not [line for line in lines if NUMBER_CUT.search(line)]
    assert failures(data, issuing_words="VIỆN KIỂM SÁT NHÂN DÂN") == []
