"""One guarded PDF renderer: every PDF of the portal has a time and a page limit, long listings are
refused before any work, and a refusal is a Vietnamese page, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal import pdf
from tests.regulations.factories import RegulationFactory

PAGES = "".join(f"<p style='page-break-after: always'>Trang {i}</p>" for i in range(12))
LONG_HTML = f"<html><body>{PAGES}</body></html>"


def test_page_limit_refuses_with_a_vietnamese_message():
    with pytest.raises(pdf.PdfTooLarge) as info:
        pdf.html_to_pdf(LONG_HTML, max_pages=5)
    assert "vượt giới hạn" in str(info.value) and "5 trang" in str(info.value)
    assert pdf.html_to_pdf(LONG_HTML, max_pages=20).startswith(b"%PDF")


def test_row_limit_refuses_before_any_work():
    pdf.check_rows(400, 400)
    with pytest.raises(pdf.PdfTooLarge) as info:
        pdf.check_rows(50_000, 6_000)
    message = str(info.value)
    assert message.startswith("Bản in có 50.000 dòng, vượt giới hạn 6.000 dòng")
    assert "(theo đơn vị, lĩnh vực hoặc năm ký)" in message and "Xuất Excel/CSV" in message


def test_the_start_page_groups_thousands(settings):
    from django.template.loader import render_to_string

    html = render_to_string(
        "regulations/register_job_start.html",
        {"export": type("E", (), {"count": 50_000, "line": ""})(), "job_max": 3_000, "direct_max": 200},
    )
    assert "Danh sách có 50.000 văn bản, vượt giới hạn 3.000 văn bản" in html


def test_chunked_render_numbers_pages_on_and_reports_progress():
    seen = []
    contexts = [{"n": n} for n in range(3)]
    data = pdf.render_chunked(
        "regulations/register_pdf.html",
        [{"regulations": [], "chunked": True, "first": c["n"] == 0, **c} for c in contexts],
        timeout=30,
        max_pages=10,
        on_chunk=lambda c: seen.append(c["n"]),
    )
    from io import BytesIO

    from pypdf import PdfReader

    pages = PdfReader(BytesIO(data)).pages
    assert seen == [0, 1, 2] and len(pages) == 3
    assert "Trang 3" in pages[2].extract_text()


def test_chunked_render_with_a_shared_stylesheet_keeps_the_register_page():
    from io import BytesIO

    from pypdf import PdfReader

    data = pdf.render_chunked(
        "regulations/register_pdf.html",
        [{"regulations": [], "chunked": True, "first": n == 0} for n in range(2)],
        timeout=30,
        max_pages=10,
        stylesheet="regulations/register_pdf.css",
    )
    pages = PdfReader(BytesIO(data)).pages
    assert len(pages) == 2 and "Trang 2" in pages[1].extract_text()
    assert "SỔ THEO DÕI QUY CHẾ PHỐI HỢP" in pages[0].extract_text()
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert width > height  # A4 landscape from the shared stylesheet
    fonts = {str(font.get_object()["/BaseFont"]) for font in pages[0]["/Resources"]["/Font"].values()}
    assert any("Tinos" in font or "Liberation" in font for font in fonts)


def test_chunked_render_stops_when_cancelled():
    def cancel(context):
        raise pdf.PdfCancelled("Đã hủy theo yêu cầu.")

    with pytest.raises(pdf.PdfCancelled):
        pdf.render_chunked(
            "regulations/register_pdf.html", [{"regulations": []}] * 3, timeout=30, max_pages=10, on_chunk=cancel
        )


@pytest.mark.django_db
def test_dashboard_pdf_over_the_limit_is_a_vietnamese_page_not_a_500(world, client_for, monkeypatch):
    monkeypatch.setattr(pdf, "DEFAULT_MAX_PAGES", 0)
    response = client_for(world.kh_leader).get(
        reverse("dashboard:export_pdf"), HTTP_REFERER="http://testserver/tong-quan/"
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Không tạo được tệp PDF" in body and "vượt giới hạn" in body
    assert 'href="http://testserver/tong-quan/"' in body


@pytest.mark.django_db
def test_register_pdf_time_limit_is_a_vietnamese_page(world, client_for, monkeypatch):
    RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    monkeypatch.setattr(pdf, "DEFAULT_TIMEOUT_SECONDS", 0.001)
    response = client_for(world.ks_staff).get(reverse("regulations:register_pdf"), HTTP_REFERER="https://evil.test/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "quá thời gian cho phép" in body and "evil.test" not in body


def test_time_limit_holds_even_when_the_alarm_is_swallowed():
    """The alarm's exception can be lost (raised inside a gc callback or a library's broad
    ``except``); the render must still count as over time, not come back as a finished PDF."""
    import time

    def swallowing_work() -> bytes:
        try:
            time.sleep(0.3)
        except BaseException:  # noqa: BLE001 - what a careless library does
            pass
        return b"%PDF-late"

    with pytest.raises(pdf.PdfRenderError) as info:
        pdf.guarded(swallowing_work, 0.01)
    assert "quá thời gian cho phép" in str(info.value)
