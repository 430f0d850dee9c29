"""Media in an S3 bucket (MEDIA_STORAGE=s3): moto's S3 server over HTTP, as a MinIO or Ceph would be.

Every kind of file the portal keeps goes into the bucket and comes back through the scoped views:
uploaded originals, issued PDFs, register PDFs and import files. The bucket stays private."""

from __future__ import annotations

import datetime
import io
import urllib.error
import urllib.request
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from imports import services as import_services
from imports.models import ImportJob, ImportStatus
from meetings import services as meeting_services
from meetings.models import OfficialDocument
from portal import storage
from regulations import jobs
from regulations.models import Original, RegisterJob, RegisterJobState, Regulation
from tests.imports.files import regulation_row, xlsx
from tests.meetings.factories import MeetingFactory
from tests.regulations import helpers
from tests.regulations.factories import RegulationFactory
from tests.regulations.test_views import form_data

pytestmark = pytest.mark.django_db


def test_the_s3_backend_is_the_default_storage(s3_media):
    assert storage.is_s3(Original._meta.get_field("file").storage)
    name = default_storage.save("probe/a.txt", ContentFile(b"x"))
    assert s3_media.keys() == [name] and name.startswith("probe/a_") and name.endswith(".txt")


def test_original_uploaded_on_the_form_is_in_the_bucket_and_downloads_only_in_scope(world, client_for, s3_media):
    data = form_data(world, **{"originals-0-file": helpers.pdf("Bản ký.pdf")})
    response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 302
    original = Original.objects.get()
    assert s3_media.keys() == [original.file.name] and original.file.name.startswith("originals/")
    assert s3_media.body(original.file.name) == helpers.PDF_BYTES

    url = reverse("regulations:download", args=[original.pk])
    answer = client_for(world.ks_staff).get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == helpers.PDF_BYTES
    assert answer["Content-Length"] == str(len(helpers.PDF_BYTES))
    assert answer["Content-Type"] == "application/pdf" and "attachment" in answer["Content-Disposition"]
    assert client_for(world.hg_staff).get(url).status_code == 404  # another province: as if it did not exist


def test_signed_url_mode_redirects_only_after_the_scope_check(world, client_for, s3_media, settings):
    settings.MEDIA_SIGNED_URL_SECONDS = 30
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    original = Original.objects.create(
        regulation=regulation, original_name="ban-ky.pdf", content_type="application/pdf", size=10, sha256="0" * 64
    )
    original.file.save("ban-ky.pdf", ContentFile(helpers.PDF_BYTES))
    url = reverse("regulations:download", args=[original.pk])
    assert client_for(world.hg_staff).get(url).status_code == 404

    answer = client_for(world.ks_staff).get(url)
    assert answer.status_code == 302 and answer["Location"].startswith(s3_media.endpoint)
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["X-Amz-Expires"] == ["30"] and query["X-Amz-Signature"]
    assert "attachment" in query["response-content-disposition"][0]
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, user=world.ks_staff).exists()
    with urllib.request.urlopen(answer["Location"], timeout=10) as signed:
        assert signed.read() == helpers.PDF_BYTES


def test_the_bucket_is_never_public(world, s3_media):
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    original = Original.objects.create(
        regulation=regulation, original_name="a.pdf", content_type="application/pdf", size=10, sha256="0" * 64
    )
    original.file.save("a.pdf", ContentFile(helpers.PDF_BYTES))
    grants = s3_media.client.get_object_acl(Bucket=s3_media.bucket, Key=original.file.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    grants = s3_media.client.get_bucket_acl(Bucket=s3_media.bucket)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    # Any URL the storage makes is signed and short-lived, never a bare object address.
    query = parse_qs(urlsplit(original.file.url).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]


def test_issued_pdf_is_stored_in_the_bucket_and_two_first_downloads_keep_one(world, client_for, s3_media):
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
    meeting_services.finalise_document(draft, user=None, render=False)
    first, second = OfficialDocument.objects.get(pk=draft.pk), OfficialDocument.objects.get(pk=draft.pk)
    with (
        mock.patch("meetings.documents.render_document", return_value=helpers.PDF_BYTES),
        mock.patch("signing.services.sign_issued_pdf", side_effect=lambda _document, data: data),
    ):
        meeting_services.store_pdf(first)
        meeting_services.store_pdf(second)
    stored = OfficialDocument.objects.get(pk=draft.pk).pdf.name
    # The loser deleted its own copy, not the winner's (each write has a key of its own).
    assert s3_media.keys() == [stored] and first.pdf.name == second.pdf.name == stored

    answer = client_for(world.ks_staff).get(reverse("meetings:document_pdf", args=[draft.pk]))
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == helpers.PDF_BYTES
    assert "inline" in answer["Content-Disposition"]
    assert client_for(world.hg_staff).get(reverse("meetings:document_pdf", args=[draft.pk])).status_code == 404


def test_register_pdf_job_writes_to_the_bucket_and_forgets_old_files(world, client_for, s3_media, monkeypatch):
    from regulations.tasks import render_register

    monkeypatch.setattr(jobs, "_enqueue", lambda job_id: render_register.apply(args=[job_id]).get())
    for n in range(3):
        RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks], number=f"{n:02d}/QC-S3")
    from django.http import QueryDict

    job = jobs.start(world.ks_staff, QueryDict(""))
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == RegisterJobState.DONE and s3_media.keys() == [job.file.name]
    answer = client_for(world.ks_staff).get(reverse("regulations:register_job_file", args=[job.pk]))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    assert client_for(world.ks_clerk).get(reverse("regulations:register_job_file", args=[job.pk])).status_code == 404

    RegisterJob.objects.filter(pk=job.pk).update(created_at=job.created_at - datetime.timedelta(days=30))
    assert jobs.forget_old(world.ks_staff) == 1
    assert s3_media.keys() == []


def test_import_file_goes_to_the_bucket_and_the_check_reads_it_back(world, client_for, s3_media, settings):
    settings.IMPORTS_ASYNC_ROWS = 1
    data = xlsx([regulation_row(n) for n in range(1, 4)])
    with mock.patch("imports.tasks.check_import_task.apply_async"):
        response = client_for(world.ks_staff).post(
            reverse("imports:regulations"), {"file": SimpleUploadedFile("so-theo-doi.xlsx", data)}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.CHECKING
    assert s3_media.keys() == [job.file.name] and s3_media.body(job.file.name) == data
    import_services.run_check(job.pk)  # what the worker does, on another machine: read it from the bucket
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.counts["created"] == 3
    assert not Regulation.objects.exists()


def test_a_missing_object_is_file_not_found(world, s3_media):
    regulation = RegulationFactory(host_agency=world.vks_ks, partners=[world.ta_ks])
    original = Original(regulation=regulation, original_name="x.pdf", content_type="application/pdf", size=1)
    original.file.name = "originals/xx/gone.pdf"
    with pytest.raises(FileNotFoundError):
        storage.open_stream(original.file)


def test_all_names_lists_the_bucket_under_its_prefix(s3_media, settings):
    settings.AWS_LOCATION = "portal"
    settings.STORAGES = {**settings.STORAGES}  # a new storage instance with the prefix
    for name in ("b/2.pdf", "a/1.pdf"):
        default_storage.save(name, io.BytesIO(b"x"))
    names = list(storage.all_names())
    assert [n.split("_")[0] for n in names] == ["a/1", "b/2"]
    assert all(k.startswith("portal/") for k in s3_media.keys())


def test_an_unsigned_request_for_an_object_is_refused(world, s3_media):
    """What a browser gets for an object's address without a signature."""
    name = default_storage.save("originals/zz/secret.pdf", ContentFile(helpers.PDF_BYTES))
    try:
        urllib.request.urlopen(f"{s3_media.endpoint}/{s3_media.bucket}/{name}", timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    else:  # pragma: no cover - a public bucket
        pytest.fail("the object was served without a signature")
