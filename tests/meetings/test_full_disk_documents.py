"""Issue #18, point 5 (issued PDFs): a document issued while the media disk is full keeps its number,
says so, and its PDF is rendered on the next download from the same stored record (the same bytes); a
download on a still-full disk, or of a record whose file is gone, never answers 500 nor leaves a file."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from meetings.documents import render_document
from meetings.models import MeetingState, OfficialDocument
from signing.services import sign_issued_pdf
from tests.meetings.factories import MeetingFactory
from tests.portal.test_full_disk import failing_on, media_files

pytestmark = pytest.mark.django_db


def draft(world) -> OfficialDocument:
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    return OfficialDocument.objects.create(
        meeting=meeting,
        doc_type="TB",
        issuing_agency=meeting.host_agency,
        issuing_name="VIỆN KIỂM SÁT NHÂN DÂN HUYỆN KHÁNH SƠN",
        subject="Thông báo kết luận",
        body="Nội dung kết luận.",
        place_name="Khánh Sơn",
        issued_on=timezone.localdate(),  # a past year's register is closed
    )


def test_issued_on_a_full_disk_then_rendered_on_download_with_the_same_bytes(world, client_for):
    doc = draft(world)
    client = client_for(world.ks_clerk)
    with failing_on(1):
        response = client.post(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/")
    assert response.status_code == 302
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Đã ban hành văn bản số 01/TB-VKSKS" in said and "bộ nhớ lưu trữ" in said
    doc.refresh_from_db()
    assert doc.is_locked and doc.serial == 1 and not doc.pdf
    assert media_files() == []
    # still full: the download says so, no 500, no 0-byte file
    with failing_on(1):
        response = client.get(f"/hoi-nghi/van-ban/{doc.pk}/pdf/")
    assert response.status_code == 302
    assert "bộ nhớ lưu trữ" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert media_files() == []
    doc.refresh_from_db()
    assert not doc.pdf
    # the disk has room again: rendered from the record, stored once, the bytes of the record
    response = client.get(f"/hoi-nghi/van-ban/{doc.pk}/pdf/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    doc.refresh_from_db()
    assert media_files() == [doc.pdf.name]
    assert served == sign_issued_pdf(doc, render_document(doc, draft=False))


def test_a_record_whose_file_is_gone_is_rendered_again(world, client_for):
    doc = draft(world)
    client = client_for(world.ks_clerk)
    assert client.post(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/").status_code == 302
    doc.refresh_from_db()
    first = doc.pdf.read()
    doc.pdf.close()
    doc.pdf.storage.delete(doc.pdf.name)
    response = client.get(f"/hoi-nghi/van-ban/{doc.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == first
    doc.refresh_from_db()
    assert media_files() == [doc.pdf.name]
