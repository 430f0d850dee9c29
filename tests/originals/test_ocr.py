"""OCR of a scan the test draws itself (slow: one PDF and one image on 2 cores)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pypdf import PdfReader

from originals.models import OriginalText, TextMethod, TextState
from regulations import services as regulation_services
from regulations.models import OriginalKind
from tests.originals import drawing
from tests.regulations.factories import RegulationFactory


@pytest.mark.django_db
def test_drawn_scan_becomes_searchable_without_diacritics(
    world, client_for, read_now, django_capture_on_commit_callbacks
):
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number="07/QC-KS")
    upload = drawing.scan_pdf()
    scan = upload.read()
    upload.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        original = regulation_services.add_original(world.ks_staff, regulation, OriginalKind.SIGNED_SCAN, upload)
    text = OriginalText.objects.get(original=original)
    assert text.state == TextState.DONE, text.message
    assert text.method == TextMethod.OCR and text.pages_total == 2
    assert "tam giu" in text.search_text and "nguoi bi" in text.search_text

    # A searchable PDF/A beside the original; the original is unchanged.
    with text.searchable_pdf.open("rb") as made:
        reader = PdfReader(made)
        assert len(reader.pages) == 2 and "tạm giữ" in reader.pages[1].extract_text()
    with original.file.open("rb") as stored:
        assert stored.read() == scan

    client = client_for(world.ks_staff)
    page = client.get(reverse("regulations:list"), {"q": "nguoi bi tam giu"}).content.decode()
    assert "07/QC-KS" in page and "Tìm thấy trong bản gốc, trang 2: " in page
    assert (
        client_for(world.hg_staff)
        .get(reverse("regulations:list"), {"q": "nguoi bi tam giu"})
        .content.decode()
        .count("07/QC-KS")
        == 0
    )
    status = client.get(reverse("originals:status", args=[text.pk])).json()
    assert status["percent"] == 100 and status["unit"] == "trang" and status["download_url"]


@pytest.mark.django_db
def test_drawn_image_is_read_by_ocr(world, read_now, django_capture_on_commit_callbacks):
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    with django_capture_on_commit_callbacks(execute=True):
        original = regulation_services.add_original(
            world.ks_staff, regulation, OriginalKind.SIGNED_SCAN, drawing.scan_png()
        )
    text = OriginalText.objects.get(original=original)
    assert text.state == TextState.DONE and text.method == TextMethod.OCR
    assert "danh sach nguoi bi tam giu" in text.search_text
