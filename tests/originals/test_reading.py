"""Reading originals without OCR (text layers, DOCX, ODT), failures with their reason, "Đọc lại", the
backfill command, and the register's search inside originals, scoped as the list is."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from originals import extract, services
from originals.models import OriginalText, TextMethod, TextState
from regulations import services as regulation_services
from regulations.models import Original, OriginalKind
from tests.originals import drawing
from tests.regulations.factories import RegulationFactory


def add(world, capture, upload, kind=OriginalKind.SIGNED_SCAN, regulation=None) -> OriginalText:
    regulation = regulation or RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    with capture(execute=True):
        original = regulation_services.add_original(world.ks_staff, regulation, kind, upload)
    return OriginalText.objects.get(original=original)


@pytest.mark.django_db
def test_text_pdf_is_read_without_ocr_and_found_without_diacritics(
    world, client_for, read_now, no_ocr, django_capture_on_commit_callbacks
):
    text = add(world, django_capture_on_commit_callbacks, drawing.text_pdf())
    assert text.state == TextState.DONE and text.method == TextMethod.TEXT_LAYER
    assert text.pages_total == 2 and "người bị tạm giữ" in text.pages[1]
    assert not text.searchable_pdf  # nothing to OCR: the original is the searchable file

    page = client_for(world.ks_staff).get(reverse("regulations:list"), {"q": "nguoi bi tam giu"}).content.decode()
    assert text.regulation.number in page
    assert "Tìm thấy trong bản gốc, trang 2: " in page and "người bị tạm giữ" in page

    detail = client_for(world.ks_staff).get(text.regulation.get_absolute_url()).content.decode()
    assert "Nội dung văn bản (Lớp chữ của tệp PDF, 2 trang)" in detail and "Trang 2" in detail
    assert "Danh sách người bị tạm giữ được gửi hằng ngày" in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "kind"), [(drawing.docx, OriginalKind.EDITABLE_TEXT), (drawing.odt, OriginalKind.EDITABLE_TEXT)]
)
def test_docx_and_odt_text_is_read_from_the_file(
    world, read_now, no_ocr, django_capture_on_commit_callbacks, make, kind
):
    text = add(world, django_capture_on_commit_callbacks, make(), kind)
    assert text.state == TextState.DONE and text.method == TextMethod.DOCUMENT
    assert "Danh sách người bị tạm giữ" in text.pages[0]
    assert "danh sach nguoi bi tam giu" in text.search_text


@pytest.mark.django_db
def test_broken_file_is_marked_with_its_reason_and_read_again_on_request(
    world, client_for, read_now, django_capture_on_commit_callbacks
):
    text = add(world, django_capture_on_commit_callbacks, drawing.broken_pdf())
    assert text.state == TextState.FAILED and "Tệp PDF bị hỏng hoặc không đúng định dạng" in text.message
    client = client_for(world.ks_staff)
    detail = client.get(text.regulation.get_absolute_url()).content.decode()
    assert "Không đọc được" in detail and "bị hỏng" in detail and "Đọc lại" in detail
    status = client.get(reverse("originals:status", args=[text.pk])).json()
    assert status["finished"] and status["state"] == "failed" and "bị hỏng" in status["message"]

    # Another unit's user neither sees it nor may ask for it again.
    other = client_for(world.hg_staff)
    assert other.get(reverse("originals:status", args=[text.pk])).status_code == 404
    assert other.post(reverse("originals:reread", args=[text.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("originals:reread", args=[text.pk]))
    assert response.status_code == 302
    text.refresh_from_db()
    assert text.state == TextState.FAILED and text.attempts == 2  # read again, still broken


@pytest.mark.django_db
def test_file_over_the_page_limit_is_marked_and_not_read(
    world, settings, read_now, no_ocr, django_capture_on_commit_callbacks
):
    settings.ORIGINALS_MAX_PAGES = 1
    text = add(world, django_capture_on_commit_callbacks, drawing.text_pdf())
    assert text.state == TextState.FAILED
    assert text.message == "Tệp có 2 trang, vượt giới hạn 1 trang mỗi tệp nên không được đọc."
    assert text.search_text == ""


@pytest.mark.django_db
def test_image_over_the_pixel_limit_is_marked(world, settings, read_now, no_ocr, django_capture_on_commit_callbacks):
    settings.ORIGINALS_MAX_PIXELS = 1000
    text = add(world, django_capture_on_commit_callbacks, drawing.scan_png())
    assert text.state == TextState.FAILED and "Ảnh quá lớn (1654×700 điểm ảnh)" in text.message


@pytest.mark.django_db
def test_original_is_never_altered(world, read_now, no_ocr, django_capture_on_commit_callbacks):
    upload = drawing.text_pdf()
    data = upload.read()
    text = add(world, django_capture_on_commit_callbacks, upload)
    with text.original.file.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.django_db
def test_search_inside_originals_is_scoped_as_the_list_is(
    world, client_for, read_now, no_ocr, django_capture_on_commit_callbacks
):
    text = add(world, django_capture_on_commit_callbacks, drawing.text_pdf())
    # Ha Giang's own regulation, whose fields hold none of the words.
    own = RegulationFactory(host_agency=world.vks_hg, partners=[world.ta_hg], number="01/QC-HG")
    page = client_for(world.hg_staff).get(reverse("regulations:list"), {"q": "nguoi bi tam giu"}).content.decode()
    assert text.regulation.number not in page and "Tìm thấy trong bản gốc" not in page
    assert own.number not in page
    page = client_for(world.ks_staff).get(reverse("regulations:list"), {"q": "tam giu"}).content.decode()
    assert text.regulation.number in page


@pytest.mark.django_db
def test_search_with_snippets_keeps_a_bounded_number_of_queries(
    world, client_for, read_now, no_ocr, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(3):
        regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n}/QC-KS")
        add(world, django_capture_on_commit_callbacks, drawing.text_pdf(), regulation=regulation)
    client = client_for(world.ks_staff)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("regulations:list"), {"q": "hang ngay"}).content.decode()
    assert page.count("Tìm thấy trong bản gốc, trang 2") == 3


@pytest.mark.django_db
def test_index_originals_reads_every_original_not_yet_read(world, no_ocr, django_capture_on_commit_callbacks, capsys):
    # Uploaded while no worker ran: the texts wait (or were never created, as before an upgrade).
    text = add(world, django_capture_on_commit_callbacks, drawing.docx(), OriginalKind.EDITABLE_TEXT)
    assert text.state == TextState.QUEUED
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    upload = drawing.odt()
    legacy = Original.objects.create(
        regulation=regulation,
        kind=OriginalKind.EDITABLE_TEXT,
        original_name="cu.odt",
        content_type=extract.ODT,
        size=upload.size,
        sha256="0" * 64,
        file=upload,
    )
    OriginalText.objects.filter(original=legacy).delete()

    call_command("index_originals")
    assert "Đã đọc 2 tệp; 0 tệp không đọc được." in capsys.readouterr().out
    assert set(OriginalText.objects.values_list("state", flat=True)) == {TextState.DONE}
    assert OriginalText.objects.get(original=legacy).pages[0].startswith("Điều 3.")
    services.queue([legacy.pk])  # already read: nothing waits
    assert not OriginalText.objects.filter(state=TextState.QUEUED).exists()
