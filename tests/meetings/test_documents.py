"""Numbering, locking, corrections and the meeting/regulation side effects of documents."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings import services
from meetings.models import DocumentStatus, MeetingState, NumberSequence, OfficialDocument
from tests.meetings.factories import MeetingFactory, filled_correction


def _draft(meeting, doc_type="BB"):
    return OfficialDocument.objects.create(
        meeting=meeting,
        doc_type=doc_type,
        issuing_agency=meeting.host_agency,
        issuing_name="X",
        subject="Biên bản",
        place_name="Khánh Sơn",
        issued_on=datetime.date(2024, 3, 1),
    )


@pytest.mark.django_db
def test_sequential_numbers_per_agency_type_year(world):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    numbers = [services.finalise_document(_draft(meeting), user=None, render=False).number_display for _ in range(3)]
    assert numbers == ["01/BB-VKSKS", "02/BB-VKSKS", "03/BB-VKSKS"]
    notice = services.finalise_document(_draft(meeting, "TB"), user=None, render=False)
    assert notice.number_display == "01/TB-VKSKS"
    other = services.finalise_document(_draft(MeetingFactory(host_agency=world.vks_hg)), user=None, render=False)
    assert other.number_display == "01/BB-VKSHG"
    nxt = _draft(meeting)
    nxt.issued_on = datetime.date(2025, 1, 2)
    nxt.save()
    assert services.finalise_document(nxt, user=None, render=False).serial == 1
    assert NumberSequence.objects.get(agency=world.vks_ks, doc_type="BB", year=2024).last_serial == 3


@pytest.mark.django_db
def test_issued_document_is_never_changed_corrections_take_new_numbers(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    doc = services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={})
    doc = services.finalise_document(doc, user=world.ks_clerk)
    assert doc.pdf and doc.status == DocumentStatus.FINALISED
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.MINUTES_FINALISED
    with pytest.raises(services.DocumentLocked):
        services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={"subject": "x"}, document=doc)
    with pytest.raises(services.DocumentLocked):
        services.finalise_document(doc, user=None)
    client = client_for(world.ks_clerk)
    response = client.post(f"/hoi-nghi/{meeting.pk}/van-ban/BB/soan/", {"subject": "Sửa"})
    assert response.status_code == 302
    assert client.post(f"/hoi-nghi/van-ban/{doc.pk}/sua/", {"subject": "Sửa"}).status_code == 302
    doc.refresh_from_db()
    assert doc.subject != "Sửa"
    first_pdf, first_subject = doc.pdf.name, doc.subject
    # Error of form: a correction letter with its own number; the minutes stay in force, unchanged.
    letter = services.start_correction(doc, user=world.ks_clerk, kind=services.CorrectionKind.LETTER)
    assert letter.doc_type == "CV" and letter.corrects == doc and "01/BB-VKSKS" in letter.subject
    with pytest.raises(ValidationError, match="còn chỗ trống của mẫu"):  # the blanks are filled first
        services.finalise_document(letter, user=world.ks_clerk, render=False)
    letter = filled_correction(letter)
    letter = services.finalise_document(letter, user=world.ks_clerk, render=False)
    assert letter.number_display == "01/VKSKS"
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.CORRECTED and doc.is_in_force
    assert (doc.pdf.name, doc.subject, doc.number_display) == (first_pdf, first_subject, "01/BB-VKSKS")
    # Error of substance: a replacing minutes with a new number of the same register.
    replacement = services.start_correction(doc, user=world.ks_clerk, kind=services.CorrectionKind.REPLACEMENT)
    replacement.issued_on = doc.issued_on  # same year, same register
    replacement.save()
    replacement = services.finalise_document(replacement, user=world.ks_clerk, render=False)
    assert replacement.number_display == "02/BB-VKSKS" and replacement.corrects == doc
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REPLACED and doc.pdf.name == first_pdf
    old = client.get(f"/hoi-nghi/van-ban/{doc.pk}/pdf/")
    assert old.status_code == 200 and b"".join(old.streaming_content).startswith(b"%PDF")
    assert NumberSequence.objects.get(agency=world.vks_ks, doc_type="BB").last_serial == 2
    with pytest.raises(ValidationError):
        services.start_correction(doc, user=None, kind=services.CorrectionKind.LETTER)


@pytest.mark.django_db
def test_finalise_and_correct_ask_for_confirmation_first(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    doc = services.save_document_draft(user=None, meeting=meeting, doc_type="TB", data={})
    client = client_for(world.ks_clerk)
    page = client.get(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/")
    text = page.content.decode()
    assert page.status_code == 200 and "01/TB-VKSKS" in text and "vĩnh viễn" in text and "Sổ thông báo năm" in text
    doc.refresh_from_db()
    assert doc.serial is None and not NumberSequence.objects.exists()
    assert client.post(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/").status_code == 302
    doc.refresh_from_db()
    assert doc.number_display == "01/TB-VKSKS"
    page = client.get(f"/hoi-nghi/van-ban/{doc.pk}/dinh-chinh/")
    assert page.status_code == 200 and "Công văn đính chính" in page.content.decode()
    assert not OfficialDocument.objects.filter(corrects=doc).exists()
    page = client.post(f"/hoi-nghi/van-ban/{doc.pk}/dinh-chinh/", {"kind": "bogus"})
    assert page.status_code == 200 and not OfficialDocument.objects.filter(corrects=doc).exists()
    response = client.post(f"/hoi-nghi/van-ban/{doc.pk}/dinh-chinh/", {"kind": "letter"})
    letter = OfficialDocument.objects.get(corrects=doc)
    assert response.url == f"/hoi-nghi/van-ban/{letter.pk}/sua/"
    form = client.get(response.url).content.decode()
    assert "lần 2" not in form and "đính chính Thông báo số 01/TB-VKSKS" in form


@pytest.mark.django_db
def test_only_clerks_finalise(world, client_for):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    doc = _draft(meeting)
    assert client_for(world.ks_staff).post(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/").status_code == 403
    assert client_for(world.hg_staff).post(f"/hoi-nghi/van-ban/{doc.pk}/ban-hanh/").status_code == 404
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT and doc.serial is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_finalisations_get_distinct_consecutive_numbers(world):
    meeting = MeetingFactory(host_agency=world.vks_ks)
    drafts = [_draft(meeting) for _ in range(20)]
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def work(doc):
        try:
            barrier.wait()
            services.finalise_document(doc, user=None, render=False)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    serials = sorted(OfficialDocument.objects.filter(meeting=meeting).values_list("serial", flat=True))
    assert serials == list(range(1, 21))


@pytest.mark.django_db
def test_editing_a_meeting_with_issued_documents_warns_and_page_shows_the_difference(world, client_for):
    from tests.meetings.factories import AttendeeFactory

    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD, conclusions="Kết luận cũ.")
    AttendeeFactory(meeting=meeting, full_name="Nguyễn Đức Thắng", role="chair")
    notice = services.finalise_document(
        services.save_document_draft(user=None, meeting=meeting, doc_type="TB", data={}), user=None, render=False
    )
    client = client_for(world.ks_staff)
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "khác với nội dung" not in page
    form = client.get(f"/hoi-nghi/{meeting.pk}/sua/").content.decode()
    assert "không thay đổi các văn bản đã ban hành" in form and notice.number_display in form
    meeting.conclusions = "Kết luận mới."
    meeting.save()
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "khác với nội dung" in page and "Thông báo số 01/TB-VKSKS" in page
    notice.refresh_from_db()
    assert notice.body == "Kết luận cũ."


@pytest.mark.django_db
def test_register_and_meeting_page_show_the_chain(world, client_for, django_assert_max_num_queries):
    meeting = MeetingFactory(host_agency=world.vks_ks, state=MeetingState.HELD)
    minutes = services.finalise_document(
        services.save_document_draft(user=None, meeting=meeting, doc_type="BB", data={}), user=None, render=False
    )
    letter = services.finalise_document(
        filled_correction(services.start_correction(minutes, user=None)), user=None, render=False
    )
    replacement = services.start_correction(minutes, user=None, kind=services.CorrectionKind.REPLACEMENT)
    replacement = services.finalise_document(replacement, user=None, render=False)
    client = client_for(world.ks_clerk)
    with django_assert_max_num_queries(25):
        page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert (
        "Đã bị thay thế" in page
        and f'Bị thay thế bởi biên bản <span class="nowrap">{replacement.number_with_date}</span>' in page
    )
    assert f'Được đính chính bởi công văn <span class="nowrap">{letter.number_with_date}</span>' in page
    assert f'Thay thế biên bản <span class="nowrap">{minutes.number_with_date}</span>' in page
    assert f'Đính chính biên bản <span class="nowrap">{minutes.number_with_date}</span>' in page
    assert f"/hoi-nghi/van-ban/{minutes.pk}/pdf/" in page
    with django_assert_max_num_queries(20):
        register = client.get("/hoi-nghi/van-ban/")
    text = register.content.decode()
    for doc in (minutes, letter, replacement):
        assert doc.number_display in text
    assert f'Bị thay thế bởi biên bản <span class="nowrap">{replacement.number_with_date}</span>' in text
    assert minutes.number_display not in client_for(world.hg_staff).get("/hoi-nghi/van-ban/").content.decode()
    assert client_for(world.hg_staff).get(f"/hoi-nghi/van-ban/{minutes.pk}/word/").status_code == 404
    word = client.get(f"/hoi-nghi/van-ban/{minutes.pk}/word/")
    assert word.status_code == 200 and word["Content-Type"].endswith("wordprocessingml.document")
