"""The conclusion notice of seed 004, the minutes' layout slips, and the Word copies (issue 11)."""

from __future__ import annotations

import datetime
import io
import re

import pdfplumber
import pytest
from docx import Document
from docx.shared import Pt

from meetings import services
from meetings.documents import render_document
from meetings.models import AttendeeRole, OfficialDocument
from meetings.word import document_docx
from portal import pdf
from tests.meetings.factories import (
    SEED_004_DIRECTIVES,
    SEED_004_OPENING,
    SEED_004_RECIPIENTS,
    AttendeeFactory,
    DirectiveFactory,
    MeetingFactory,
    filled_correction,
    seed_004_meeting,
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_lines(data: bytes) -> list[tuple[float, str]]:
    """(x0, text) of every printed line, all pages."""
    lines = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for line in page.extract_text_lines():
                lines.append((line["x0"], line["text"]))
    return lines


@pytest.fixture
def seed_notice(world):
    world.vks_tc.name = "Viện kiểm sát nhân dân tối cao"
    world.vks_tc.document_symbol = "VKSTC"
    world.vks_tc.save()
    meeting = seed_004_meeting(world.vks_tc)
    return services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={
            "issuing_name": "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
            "governing_name": "",
            "place_name": "Hà Nội",
            "issued_on": datetime.date(2021, 7, 20),
            "opening": SEED_004_OPENING,
            "body": "",
            "subject": (
                "Chỉ đạo của Viện trưởng VKSND tối cao\ntại Hội nghị sơ kết công tác 6 tháng đầu năm 2021 của Ngành"
            ),
            "signer_capacity": "TL. VIỆN TRƯỞNG",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Đỗ Văn Phương",
            **SEED_004_RECIPIENTS,
        },
    )


@pytest.mark.django_db
def test_seed_004_notice_prints_directives_units_deadlines_recipients_signer(seed_notice):
    notice = services.finalise_document(seed_notice, user=None, render=False)
    lines = _pdf_lines(render_document(notice, draft=False))
    text = _flat(" ".join(t for _x, t in lines))
    assert "Hà Nội, ngày 20 tháng 7 năm 2021" in text and "Số: 01/TB-" in text
    # The opening paragraph comes first, then the numbered directives exactly as typed.
    assert text.index(_flat(SEED_004_OPENING)) < text.index("1. Thủ trưởng")
    for number, (typed, _unit, _assignee) in enumerate(SEED_004_DIRECTIVES, start=1):
        first, *rest = typed.split("\n")
        assert _flat(f"{number}. {first}") in text, number
        for paragraph in rest:
            assert _flat(paragraph) in text
    # Units and deadlines in the sentence form of a notice.
    assert (
        "Giao Vụ 8 Viện kiểm sát nhân dân tối cao chủ trì thực hiện, hoàn thành trước ngày 31 tháng 12 năm 2021."
        in text
    )
    assert "Giao Cục 2 Viện kiểm sát nhân dân tối cao chủ trì thực hiện" in text
    # Directive 3 already says "Giao Vụ 15 ...": only its deadline is added.
    assert "lộ trình thực hiện. Thời hạn: hoàn thành trước ngày 31 tháng 12 năm 2021." in text
    assert "Giao Báo Bảo vệ pháp luật chủ trì thực hiện" in text
    # Directive 1 names its units itself ("Thủ trưởng các đơn vị …"): no "Giao …" added to it.
    assert text.count("Giao ") == 6
    # The last directive closes the notice with "./.".
    assert "hoàn thành trước ngày 05 tháng 02 năm 2022./." in text
    for expected in [
        "Nơi nhận:",
        "- Viện trưởng VKSND tối cao;",
        "Phó Viện trưởng VKSND tối cao (để báo cáo);",
        "Viện trưởng VKSQS cấp quân khu (để thực hiện);",
        "TL. VIỆN TRƯỞNG",
        "CHÁNH VĂN PHÒNG",
        "Đỗ Văn Phương",
    ]:
        assert expected in text, expected
    assert text.count("Lưu:") == 1 and "- Lưu: VP (VT, PTMTH)." in text
    # Agency name: "VIỆN KIỂM SÁT NHÂN DÂN" / "TỐI CAO", never broken between TỐI and CAO.
    assert any(t.strip().endswith("TỐI CAO") or t.strip().startswith("TỐI CAO") for _x, t in lines)
    assert not any(re.search(r"TỐI$", t.split("CỘNG")[0].strip()) for _x, t in lines)


@pytest.mark.django_db
def test_every_notice_paragraph_is_indented_alike(seed_notice):
    lines = _pdf_lines(render_document(seed_notice, draft=True))
    starts = [
        x
        for x, t in lines
        if t.startswith(("Ngày 01/7/2021", "1. Thủ trưởng", "Trong quá trình", "3. Tiếp tục", "7. Toàn Ngành"))
    ]
    assert len(starts) == 5
    assert max(starts) - min(starts) < 0.5


@pytest.mark.parametrize("typed", ["VT, HS.", "Lưu: VT, HS.", "- Lưu: VT, HS", "lưu VT, HS;", "  Lưu:Lưu: VT, HS. "])
def test_filed_line_prints_luu_once(typed):
    assert OfficialDocument(recipients_filed=typed).filed_line == "Lưu: VT, HS."


def test_filed_line_defaults_to_vt():
    assert OfficialDocument(recipients_filed="").filed_line == "Lưu: VT."


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
        (datetime.date(2023, 6, 15), "ngày 15 tháng 6 năm 2023"),
        (datetime.date(2021, 1, 1), "ngày 01 tháng 01 năm 2021"),
        (datetime.date(2021, 12, 31), "ngày 31 tháng 12 năm 2021"),
    ],
)
def test_decree_30_dates(day, expected):
    assert pdf.vn_date(day) == expected


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", ["VIỆN KIỂM SÁT NHÂN DÂN", "TỐI CAO"]),
        (
            "VIỆN KIỂM SÁT NHÂN DÂN KHU VỰC 7 - THÀNH PHỐ HỒ CHÍ MINH",
            ["VIỆN KIỂM SÁT NHÂN DÂN", "KHU VỰC 7 - THÀNH PHỐ", "HỒ CHÍ MINH"],
        ),
        ("TÒA ÁN NHÂN DÂN TỈNH HÀ GIANG", ["TÒA ÁN NHÂN DÂN", "TỈNH HÀ GIANG"]),
        ("", []),
    ],
)
def test_agency_names_break_only_between_phrases(name, lines):
    assert pdf.name_lines(name) == lines


@pytest.mark.django_db
def test_minutes_have_recipients_filed_once_and_signer_names(world):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Đức Thắng", role=AttendeeRole.CHAIR)
    DirectiveFactory(
        meeting=meeting,
        number=1,
        text="Rà soát tin báo.",
        assigned_agency=world.vks_ks,
        deadline=datetime.date(2024, 2, 5),
    )
    doc = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="BB",
        data={"recipients_filed": "VT, HS.", "recipients_act": "Các đơn vị dự họp"},
    )
    assert services.default_document(meeting, "BB").recipients_filed == "VT, hồ sơ."
    # Without the "DỰ THẢO" watermark, whose letters mix into the text layer.
    text = _flat(" ".join(t for _x, t in _pdf_lines(render_document(doc, draft=False))))
    assert "Nơi nhận:" in text and "- Các đơn vị dự họp (để thực hiện);" in text
    assert text.count("Lưu:") == 1 and "- Lưu: VT, HS." in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text and "Nguyễn Đức Thắng" in text
    assert "hoàn thành trước ngày 05 tháng 02 năm 2024" in text


@pytest.mark.django_db
def test_notice_docx_layout_and_content(seed_notice):
    draft = Document(io.BytesIO(document_docx(seed_notice)))
    assert "DỰ THẢO" in draft.paragraphs[0].text
    notice = services.finalise_document(seed_notice, user=None, render=False)
    word = Document(io.BytesIO(document_docx(notice)))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m.mm) for m in margins) == (20, 20, 30, 15)
    assert word.styles["Normal"].font.name == "Times New Roman"
    header = word.tables[0]
    left, right = header.cell(0, 0).text, header.cell(0, 1).text
    assert left.split("\n")[:2] == ["VIỆN KIỂM SÁT NHÂN DÂN", "TỐI CAO"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert header.cell(1, 0).text == f"Số: {notice.number_display}"
    assert header.cell(1, 1).text == "Hà Nội, ngày 20 tháng 7 năm 2021"
    assert not any("DỰ THẢO" in p.text for p in word.paragraphs)
    body = [p for p in word.paragraphs if p.text.strip()]
    texts = [p.text for p in body]
    assert "THÔNG BÁO" in texts
    for number, (typed, _unit, _assignee) in enumerate(SEED_004_DIRECTIVES, start=1):
        assert any(t.startswith(f"{number}. {typed.split(chr(10))[0]}") for t in texts), number
    assert any(
        "Giao Vụ 8 Viện kiểm sát nhân dân tối cao chủ trì thực hiện, hoàn thành trước ngày 31 tháng 12 năm 2021." in t
        for t in texts
    )
    assert texts[-1].endswith("./.") or any(t.endswith("05 tháng 02 năm 2022./.") for t in texts)
    for paragraph in body:
        for run in paragraph.runs:
            if not run.text.strip("— "):
                continue  # the short rules under the agency name and the title
            assert run.font.name == "Times New Roman" and Pt(11) <= run.font.size <= Pt(14)
    indents = {p.paragraph_format.first_line_indent for p in body if re.match(r"^(\d\. |Ngày 01|Trong quá)", p.text)}
    assert len(indents) == 1
    signature = word.tables[1]
    recipients, sign = signature.cell(0, 0).text, signature.cell(0, 1).text
    assert recipients.startswith("Nơi nhận:") and recipients.count("Lưu:") == 1
    assert "(để báo cáo)" in recipients and "(để thực hiện)" in recipients
    assert sign.startswith("TL. VIỆN TRƯỞNG\nCHÁNH VĂN PHÒNG") and sign.strip().endswith("Đỗ Văn Phương")


@pytest.mark.django_db
def test_minutes_and_correction_letter_docx(world):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Đức Thắng", role=AttendeeRole.CHAIR)
    minutes = services.finalise_document(
        services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={}), user=None, render=False
    )
    word = Document(io.BytesIO(document_docx(minutes)))
    assert word.tables[0].cell(1, 0).text == "Số: 01/BB-VKSKS"
    sign = word.tables[1]
    assert sign.cell(0, 0).text.startswith("THƯ KÝ") and sign.cell(0, 1).text.strip().endswith("Nguyễn Đức Thắng")
    assert word.tables[2].cell(0, 0).text.startswith("Nơi nhận:")
    assert "- Lưu: VT, hồ sơ." in word.tables[2].cell(0, 0).text
    letter = filled_correction(services.start_correction(minutes, user=None))
    letter = services.finalise_document(letter, user=None, render=False)
    word = Document(io.BytesIO(document_docx(letter)))
    number_cell = word.tables[0].cell(1, 0).text
    assert number_cell.startswith("Số: 01/VKSKS") and "V/v đính chính biên bản số 01/BB-VKSKS" in number_cell
    text = "\n".join(p.text for p in word.paragraphs)
    assert "biên bản số 01/BB-VKSKS" in text and text.rstrip().endswith("./.")


@pytest.mark.django_db
def test_correction_letter_and_replacement_pdfs_name_what_they_correct(seed_notice):
    from pathlib import Path

    notice = services.finalise_document(seed_notice, user=None, render=False)
    letter = filled_correction(services.start_correction(notice, user=None, kind=services.CorrectionKind.LETTER))
    letter.issued_on = datetime.date(2021, 7, 22)
    letter.save()
    letter = services.finalise_document(letter, user=None, render=False)
    letter_pdf = render_document(letter, draft=False)
    text = _flat(" ".join(t for _x, t in _pdf_lines(letter_pdf)))
    assert "Số: 01/VKSTC" in text and "V/v đính chính" in text
    assert "thông báo số 01/TB-VKSTC" in text and "Nay đính chính lại là" in text and text.count("Lưu:") == 1
    replacement = services.start_correction(notice, user=None, kind=services.CorrectionKind.REPLACEMENT)
    replacement = services.finalise_document(replacement, user=None, render=False)
    text = _flat(" ".join(t for _x, t in _pdf_lines(render_document(replacement, draft=False))))
    assert "Thông báo này thay thế thông báo số 01/TB-VKSTC ngày 20 tháng 7 năm 2021" in text
    # Kept for docs/screenshots (rendered with pdftoppm).
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notice.pdf").write_bytes(render_document(notice, draft=False))
    (out / "correction-letter.pdf").write_bytes(letter_pdf)
    AttendeeFactory(
        meeting=notice.meeting, full_name="Nguyễn Thị Thu", position="Chuyên viên", role=AttendeeRole.SECRETARY
    )
    minutes = services.save_document_draft(
        user=None,
        meeting=notice.meeting,
        doc_type="BB",
        data={
            "issuing_name": "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
            "governing_name": "",
            "place_name": "Hà Nội",
            "recipients_act": "Các đơn vị dự hội nghị",
        },
    )
    minutes = services.finalise_document(minutes, user=None, render=False)
    minutes_pdf = render_document(minutes, draft=False)
    text = _flat(" ".join(t for _x, t in _pdf_lines(minutes_pdf)))
    assert "Nguyễn Thị Thu" in text and "Lê Minh Trí" in text and "- Lưu: VT, hồ sơ." in text
    (out / "minutes.pdf").write_bytes(minutes_pdf)


def test_document_numbers_in_body_text_are_kept_on_one_line():
    from meetings.templatetags.meetings_tags import keep_numbers

    html = keep_numbers("Thông báo số 01/TB-VKSTC và Quyết định 238-QĐ/TW <b>")
    assert '<span class="nowrap">01/TB-VKSTC</span>' in html and "&lt;b&gt;" in html


@pytest.mark.django_db
def test_notice_names_the_chair_first_and_numbers_run_on_after_numbered_conclusions(world):
    """ "Đồng chí <name>, <position> chủ trì"; conclusions typed "1. … 2. …" are followed by the
    directives as 3., 4.; minutes name the agency of a position ("Chánh án Tòa án …")."""
    from tests.meetings.factories import AttendeeFactory, DirectiveFactory, MeetingFactory

    meeting = MeetingFactory(host_agency=world.vks_ks, state="held", title="Họp liên ngành quý III")
    AttendeeFactory(
        meeting=meeting, full_name="Bùi Văn Đức", position="Viện trưởng", agency=world.vks_ks, role=AttendeeRole.CHAIR
    )
    AttendeeFactory(
        meeting=meeting,
        full_name="Nguyễn Thị Hằng",
        position="Chánh án",
        agency=world.ta_ks,
        role=AttendeeRole.ATTENDEE,
    )
    DirectiveFactory(meeting=meeting, number=1, text="Rà soát các vụ án tồn đọng.", assigned_agency=world.vks_ks)
    assert "Đồng chí Bùi Văn Đức, Viện trưởng chủ trì Hội nghị" in services.default_opening(meeting)
    notice = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={"body": "1. Thống nhất đánh giá kết quả.\n2. Tăng cường phối hợp."},
    )
    text = _flat(" ".join(t for _x, t in _pdf_lines(render_document(notice, draft=True))))
    assert "3. Rà soát các vụ án tồn đọng." in text and "1. Rà soát" not in text
    from meetings.documents import _attendee_label

    labels = [_attendee_label(a) for a in meeting.attendees.order_by("role")]
    assert f"Nguyễn Thị Hằng, Chánh án {world.ta_ks.name}" in labels
    assert f"Bùi Văn Đức, Viện trưởng {world.vks_ks.name}" in labels
