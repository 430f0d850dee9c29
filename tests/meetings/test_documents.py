"""Numbering, locking, corrections and the meeting/regulation side effects of documents."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from meetings import services
from meetings.models import DocumentStatus, MeetingState, NumberSequence, OfficialDocument
from tests.meetings.factories import MeetingFactory


def _draft(meeting, doc_type="BB"):
    return OfficialDocument.objects.create(
        meeting=meeting, doc_type=doc_type, issuing_agency=meeting.host_agency, issuing_name="X",
        subject="Biên bản", place_name="Khánh Sơn", issued_on=datetime.date(2024, 3, 1),
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
def test_finalised_document_is_locked_and_correction_keeps_number(world, client_for):
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
    doc.refresh_from_db()
    assert doc.subject != "Sửa"
    first_pdf = doc.pdf.name
    assert client.post(f"/hoi-nghi/van-ban/{doc.pk}/dinh-chinh/").status_code == 302
    correction = OfficialDocument.objects.get(corrects=doc)
    assert correction.version == 2 and correction.status == DocumentStatus.DRAFT
    response = client.post(f"/hoi-nghi/van-ban/{correction.pk}/ban-hanh/")
    assert response.status_code == 302
    correction.refresh_from_db()
    doc.refresh_from_db()
    assert correction.number_display == doc.number_display == "01/BB-VKSKS"
    assert doc.status == DocumentStatus.SUPERSEDED and doc.pdf.name == first_pdf
    old = client.get(f"/hoi-nghi/van-ban/{doc.pk}/pdf/")
    assert old.status_code == 200 and b"".join(old.streaming_content).startswith(b"%PDF")
    assert NumberSequence.objects.get(agency=world.vks_ks).last_serial == 1


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
