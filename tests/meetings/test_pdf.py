"""portal.pdf and the minutes/notice templates: text layer, A4, embedded fonts, layout, safety."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.utils import timezone
from pypdf import PdfReader

from meetings import services
from meetings.documents import render_document
from meetings.models import AttendeeRole
from portal import pdf
from tests.meetings.factories import AttendeeFactory, DirectiveFactory, MeetingFactory

MM = 72 / 25.4


@pytest.fixture
def minutes(world):
    meeting = MeetingFactory(
        host_agency=world.vks_ks,
        title='Họp liên ngành về vụ án <img src="file:///etc/passwd">',
        discussion="Các đại biểu thảo luận.\n" * 30,
    )
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Đức Thắng", role=AttendeeRole.CHAIR)
    AttendeeFactory(meeting=meeting, full_name="Phạm Thị Hương", role=AttendeeRole.SECRETARY)
    AttendeeFactory(meeting=meeting, full_name="Đặng Bình Giang")
    DirectiveFactory(meeting=meeting, number=1, text="Rà soát toàn bộ tin báo tội phạm.")
    doc = services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={})
    return services.finalise_document(doc, user=None, render=False)


def _render(doc) -> bytes:
    return render_document(doc, draft=False)


def test_minutes_text_layer_keeps_vietnamese(minutes):
    data = _render(minutes)
    with pdfplumber.open(io.BytesIO(data)) as document:
        first = document.pages[0]
        band = 65 * MM
        left = " ".join(first.crop((0, 0, first.width * 0.45, band)).extract_text().split())
        right = " ".join(first.crop((first.width * 0.45, 0, first.width, band)).extract_text().split())
        text = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
    assert "VIỆN KIỂM SÁT NHÂN DÂN TỈNH KHÁNH HÒA VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KHÁNH SƠN" in left
    assert "Số: 01/BB-VKSKS" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in right
    # Dated on the day it is issued, not the meeting's (05/01/2024).
    assert pdf.place_and_date("Khánh Sơn", timezone.localdate()) in right
    for expected in ["BIÊN BẢN", "Nguyễn Đức Thắng", "Phạm Thị Hương", "Đặng Bình Giang", "THƯ KÝ", "CHỦ TRÌ"]:
        assert expected in text, expected
    # The user's markup is shown as text, nothing is fetched.
    assert '<img src="file:///etc/passwd">' in text
    assert "root:" not in text


def test_page_is_a4_fonts_embedded_and_layout(minutes):
    data = _render(minutes)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # Type0: look at the descendant font
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.get("/BaseFont")
            assert "Tinos" in str(font.get("/BaseFont")) or "Liberation" in str(font.get("/BaseFont"))
    with pdfplumber.open(io.BytesIO(data)) as document:
        first = document.pages[0]
        words = first.extract_words()
        agency = next(w for w in words if w["text"] == "VIỆN")
        nation = next(w for w in words if w["text"] == "CỘNG")
        assert agency["x0"] < first.width / 3 < nation["x0"]
        assert abs(agency["top"] - nation["top"]) < 5 and nation["top"] < 30 * MM
        for page in document.pages:
            for char in page.chars:
                if not char["text"].strip():
                    continue
                assert char["x0"] >= 30 * MM - 1 and char["x1"] <= page.width - 15 * MM + 1
                assert char["bottom"] <= page.height - 20 * MM + 1
                if char["top"] < 20 * MM - 1:  # only the page number lives in the top margin
                    assert char["text"].isdigit() and page.page_number > 1
        # Page number from page 2 only.
        assert document.pages[1].extract_text().strip().startswith("2")


def test_notice_has_recipients_and_signer(world):
    meeting = MeetingFactory(host_agency=world.vks_tc, title="Hội nghị sơ kết công tác 6 tháng đầu năm 2021")
    for number in range(1, 8):
        DirectiveFactory(meeting=meeting, number=number, text=f"Yêu cầu số {number} của Viện trưởng.")
    doc = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={
            "signer_capacity": "TL. VIỆN TRƯỞNG",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Đỗ Văn Phương",
            "recipients_report": "Viện trưởng VKSND tối cao;\nPhó Viện trưởng VKSND tối cao;",
            "recipients_act": "Viện trưởng VKSND cấp tỉnh;",
            "recipients_filed": "Lưu: VP (VT, PTMTH).",
        },
    )
    data = render_document(doc, draft=True)
    with pdfplumber.open(io.BytesIO(data)) as document:
        text = " ".join(page.extract_text() for page in document.pages)
    for expected in [
        "THÔNG BÁO",
        "Nơi nhận:",
        "(để báo cáo)",
        "(để thực hiện)",
        "Lưu: VP (VT, PTMTH).",
        "TL. VIỆN TRƯỞNG",
        "CHÁNH VĂN PHÒNG",
        "Đỗ Văn Phương",
        "7. Yêu cầu số 7",
    ]:
        assert expected in text, expected
    watermark = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "DỰTHẢO" in watermark or {"D", "Ự", "T", "H", "Ả", "O"} <= set(watermark)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://portal.invalid/etc/x",
        "https://portal.invalid/static/../../etc/passwd",
        "ftp://x/y",
    ],
)
def test_url_fetcher_refuses(url):
    fetcher = pdf.PortalURLFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_url_fetcher_allows_data_and_static():
    fetcher = pdf.PortalURLFetcher()
    assert fetcher.fetch("data:text/plain,abc").read() == b"abc"
    response = fetcher.fetch(pdf.BASE_URL + "static/img/logo.svg")
    assert b"<svg" in response.read()


def test_render_does_not_fetch_files(monkeypatch):
    seen: list[tuple[str, bool]] = []
    original = pdf.PortalURLFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except ValueError:
            seen.append((url, False))
            raise
        seen.append((url, True))
        return response

    monkeypatch.setattr(pdf.PortalURLFetcher, "fetch", spy)
    html = '<p>x</p><img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    assert pdf.html_to_pdf(html).startswith(b"%PDF")
    assert ("file:///etc/passwd", False) in seen and ("http://127.0.0.1:9/x.css", False) in seen
    assert not any(ok for _url, ok in seen)


def test_timeout_raises_render_error():
    html = "<p>" + "Nội dung rất dài. " * 20000 + "</p>"
    with pytest.raises(pdf.PdfRenderError) as info:
        pdf.html_to_pdf(html, timeout=0.05)
    assert "quá thời gian" in str(info.value)


def test_timeout_in_a_worker_thread():
    import threading

    html = "<p>" + "Nội dung rất dài. " * 20000 + "</p>"
    errors: list[BaseException] = []

    def work():
        try:
            pdf.html_to_pdf(html, timeout=0.05)
        except pdf.PdfRenderError as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert errors and "quá thời gian" in str(errors[0])


def test_vietnamese_date_format():
    import datetime

    assert pdf.vn_date(datetime.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert pdf.vn_date(datetime.date(2021, 7, 20)) == "ngày 20 tháng 7 năm 2021"
    assert pdf.place_and_date("Hà Nội", datetime.date(2021, 2, 9)) == "Hà Nội, ngày 09 tháng 02 năm 2021"


@pytest.mark.parametrize("count", [12, 13, 14])
def test_signature_never_stands_alone_on_a_page(world, count):
    """With 12 to 14 short directives the body ends at the foot of page 1; the last directive then
    moves to page 2 with the signature instead of leaving the signature alone there."""
    meeting = MeetingFactory(host_agency=world.vks_tc, title="Hội nghị sơ kết công tác")
    for number in range(1, count + 1):
        DirectiveFactory(
            meeting=meeting,
            number=number,
            text=f"Yêu cầu số {number}. Thực hiện nghiêm quy chế phối hợp, báo cáo kết quả về Văn phòng.",
        )
    doc = services.save_document_draft(
        user=None,
        meeting=meeting,
        doc_type="TB",
        data={
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Đỗ Văn Phương",
            "recipients_filed": "Lưu: VT.",
        },
    )
    with pdfplumber.open(io.BytesIO(render_document(doc, draft=False))) as document:
        pages = [page.extract_text() for page in document.pages]
    assert len(pages) == 2
    signer_page = next(text for text in pages if "Đỗ Văn Phương" in text)
    assert f"{count}. Yêu cầu số {count}" in signer_page.split("Nơi nhận")[0]
