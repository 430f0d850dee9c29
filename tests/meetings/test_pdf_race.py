"""Reliability 6: two first downloads of an issued document at once store one PDF, not an orphan."""

from __future__ import annotations

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from meetings import services
from meetings.models import OfficialDocument
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_concurrent_first_downloads_keep_one_file(world):
    meeting = MeetingFactory(host_agency=world.vks_ks, state="held")
    draft = OfficialDocument.objects.create(
        meeting=meeting,
        doc_type="BB",
        issuing_agency=meeting.host_agency,
        issuing_name="X",
        subject="Biên bản",
        place_name="Khánh Sơn",
        issued_on=datetime.date(2024, 3, 1),
    )
    services.finalise_document(draft, user=None, render=False)
    # Both requests loaded the document before either stored its PDF.
    first, second = OfficialDocument.objects.get(pk=draft.pk), OfficialDocument.objects.get(pk=draft.pk)
    with (
        mock.patch("meetings.documents.render_document", return_value=b"%PDF-1.4\n%%EOF\n"),
        mock.patch("signing.services.sign_issued_pdf", side_effect=lambda _document, data: data),
    ):
        services.store_pdf(first)
        services.store_pdf(second)
    stored = OfficialDocument.objects.get(pk=draft.pk).pdf.name
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")]
    assert [str(p.relative_to(settings.MEDIA_ROOT)) for p in files] == [stored]
    assert first.pdf.name == second.pdf.name == stored
