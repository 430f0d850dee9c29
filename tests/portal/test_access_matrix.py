"""Every URL of the portal, as anonymous, as a sibling unit's user and as each role of the owning
unit. See tests/portal/access_matrix.py for how the routes are found."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import include, path, reverse

from accounts.models import Role
from imports.models import ImportJob, ImportKind, ImportStatus
from meetings import services as meeting_services
from meetings.models import DocumentType
from notifications.models import Notification
from originals.models import OriginalText, TextState
from regulations.models import Original, OriginalKind, RegisterJob, RegisterJobState
from signing.models import VerificationCode
from tests.meetings.factories import DirectiveFactory, MeetingFactory
from tests.portal.access_matrix import run_matrix
from tests.regulations.factories import RegulationFactory

pytestmark = pytest.mark.django_db

# How to name an object of the owning unit (Khánh Sơn) for each route that takes parameters.
OBJECT_URLS = {
    "agencies:detail": lambda f: {"pk": f["world"].vks_ks.pk},
    "regulations:detail": lambda f: {"pk": f["regulation"].pk},
    "regulations:edit": lambda f: {"pk": f["regulation"].pk},
    "regulations:download": lambda f: {"pk": f["original"].pk},
    "originals:status": lambda f: {"pk": f["original_text"].pk},
    "originals:reread": lambda f: {"pk": f["original_text"].pk},
    "originals:searchable_pdf": lambda f: {"pk": f["original_text"].pk},
    "meetings:detail": lambda f: {"pk": f["meeting"].pk},
    "meetings:edit": lambda f: {"pk": f["meeting"].pk},
    "meetings:state": lambda f: {"pk": f["meeting"].pk},
    "meetings:delete": lambda f: {"pk": f["meeting"].pk},
    "meetings:ics": lambda f: {"pk": f["meeting"].pk},
    "meetings:document_edit": lambda f: {"pk": f["meeting"].pk, "doc_type": DocumentType.MINUTES},
    "meetings:document_print": lambda f: {"pk": f["meeting"].pk, "doc_type": DocumentType.MINUTES},
    "meetings:document_pdf": lambda f: {"doc_pk": f["document"].pk},
    "meetings:document_finalise": lambda f: {"doc_pk": f["document"].pk},
    "meetings:document_correct": lambda f: {"doc_pk": f["document"].pk},
    "meetings:document_docx": lambda f: {"doc_pk": f["document"].pk},
    "meetings:document_update": lambda f: {"doc_pk": f["document"].pk},
    "meetings:directive_done": lambda f: {"pk": f["directive"].pk},
    "imports:job": lambda f: {"pk": f["import_job"].pk},
    "imports:status": lambda f: {"pk": f["import_job"].pk},
    "imports:confirm": lambda f: {"pk": f["import_job"].pk},
    "imports:cancel": lambda f: {"pk": f["import_job"].pk},
    "imports:rerun": lambda f: {"pk": f["import_job"].pk},
    "imports:mapping": lambda f: {"pk": f["import_job"].pk},
    "api:agency-detail": lambda f: {"pk": f["world"].vks_ks.pk},
    "api:regulation-detail": lambda f: {"pk": f["regulation"].pk},
    "api:meeting-detail": lambda f: {"pk": f["meeting"].pk},
    "api:directive-detail": lambda f: {"pk": f["directive"].pk},
    "notifications:mark_read": lambda f: {"pk": f["notification"].pk},
    "accounts:edit": lambda f: {"pk": f["world"].ks_staff.pk},
    "accounts:password": lambda f: {"pk": f["world"].ks_staff.pk},
    "regulations:register_job": lambda f: {"pk": f["register_job"].pk},
    "regulations:register_job_status": lambda f: {"pk": f["register_job"].pk},
    "regulations:register_job_cancel": lambda f: {"pk": f["register_job"].pk},
    "regulations:register_job_rerun": lambda f: {"pk": f["register_job"].pk},
    "regulations:register_job_file": lambda f: {"pk": f["register_job"].pk},
    "signing:code": lambda f: {"code": f["verification_code"].code},
    # Reached by the user's secret token, not by login: tests/meetings covers unknown and revoked tokens.
    "meetings:feed": lambda f: None,
}

# Owner roles that must be refused (403) on a route.
WRITE_STAFF = {Role.CLERK, Role.LEADER}  # regulations: staff and admins write
MEETING_WRITE = {Role.LEADER}  # meetings: staff, clerks and admins write
CLERK_ONLY = {Role.STAFF, Role.LEADER}  # numbering and finalising: clerks and admins
ADMIN_ONLY = {Role.STAFF, Role.CLERK, Role.LEADER}
# System-wide settings: the supreme procuracy's admins only, so every role of a district unit is refused.
SUPREME_ONLY = {Role.STAFF, Role.CLERK, Role.LEADER, Role.ADMIN}
FORBIDDEN = {
    "regulations:create": WRITE_STAFF,
    "regulations:edit": WRITE_STAFF,
    "meetings:create": MEETING_WRITE,
    "meetings:edit": MEETING_WRITE,
    "meetings:state": MEETING_WRITE,
    "meetings:delete": MEETING_WRITE,
    "meetings:document_edit": MEETING_WRITE,
    "meetings:document_update": MEETING_WRITE,
    "meetings:document_finalise": CLERK_ONLY,
    "meetings:document_correct": CLERK_ONLY,
    "notifications:status": ADMIN_ONLY,
    "audit:list": ADMIN_ONLY,
    "accounts:list": ADMIN_ONLY,
    "accounts:create": ADMIN_ONLY,
    "accounts:edit": ADMIN_ONLY,
    "accounts:password": ADMIN_ONLY,
    "signing:config": SUPREME_ONLY,
    "signing:key_edit": SUPREME_ONLY,
    "signing:root_add": SUPREME_ONLY,
    "signing:root_delete": SUPREME_ONLY,
    "imports:regulations": WRITE_STAFF,
    "imports:meetings": WRITE_STAFF,
    # Only the user who uploaded the file confirms, cancels or runs it again (here the staff member).
    "imports:confirm": {Role.CLERK, Role.LEADER, Role.ADMIN},
    "imports:cancel": {Role.CLERK, Role.LEADER, Role.ADMIN},
    "imports:rerun": {Role.CLERK, Role.LEADER, Role.ADMIN},
}

# Personal objects: the export job belongs to the staff member who started it.
PERSONAL = {
    name: "staff"
    for name in (
        "regulations:register_job",
        "regulations:register_job_status",
        "regulations:register_job_cancel",
        "regulations:register_job_rerun",
        "regulations:register_job_file",
    )
}


def build_fixture(world) -> dict:
    regulation = RegulationFactory(host_agency=world.vks_ks, number="01/QCPH-VKSKS", partners=[world.ta_ks])
    content = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    original = Original(
        regulation=regulation,
        kind=OriginalKind.SIGNED_SCAN,
        original_name="bản ký.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    original.file.save("ban-ky.pdf", ContentFile(content), save=True)
    original_text, _ = OriginalText.objects.update_or_create(
        original=original, defaults={"regulation": regulation, "state": TextState.DONE, "pages": ["Quy chế"]}
    )
    original_text.searchable_pdf.save("ban-ky-ocr.pdf", ContentFile(content), save=True)
    meeting = MeetingFactory(host_agency=world.vks_ks, state="held")
    meeting.regulations.add(regulation)
    document = meeting_services.save_document_draft(
        user=world.ks_clerk, meeting=meeting, doc_type=DocumentType.MINUTES, data={}
    )
    directive = DirectiveFactory(meeting=meeting, assigned_agency=world.vks_ks, deadline=datetime.date(2024, 3, 1))
    verification_code = VerificationCode.objects.create(document=document, code="ABCD2345")
    notification = Notification.objects.create(user=world.ks_staff, title="Sắp đến hạn sơ kết", body="", url="/")
    register_job = RegisterJob.objects.create(
        user=world.ks_staff, state=RegisterJobState.DONE, rows_total=1, rows_done=1
    )
    register_job.file.save("so-theo-doi.pdf", ContentFile(content), save=True)
    import_job = ImportJob.objects.create(
        kind=ImportKind.REGULATIONS,
        created_by=world.ks_staff,
        locality=world.khanh_son,
        original_name="so-theo-doi.xlsx",
        status=ImportStatus.INVALID,
    )
    return {
        "register_job": register_job,
        "import_job": import_job,
        "world": world,
        "regulation": regulation,
        "original": original,
        "original_text": original_text,
        "meeting": meeting,
        "document": document,
        "directive": directive,
        "notification": notification,
        "verification_code": verification_code,
    }


def matrix(world, urlconf: str | None = None):
    return run_matrix(
        objects=OBJECT_URLS,
        fixture=build_fixture(world),
        owners={"staff": world.ks_staff, "clerk": world.ks_clerk, "leader": world.ks_leader, "admin": world.ks_admin},
        sibling=world.hg_staff,
        forbidden=FORBIDDEN,
        urlconf=urlconf,
        personal=PERSONAL,
    )


def test_every_url_is_scoped_for_every_role(world) -> None:
    outcome = matrix(world)
    print(f"\nAccess matrix: {outcome.urls} URLs, {outcome.requests} requests (anonymous, sibling unit, 4 roles)")
    assert outcome.urls >= 35
    assert not outcome.problems, "\n".join(outcome.problems)


# A deliberately unscoped view, registered only in a test URLconf, must be caught.
def leaky_regulation(request, pk: int):
    from django.http import HttpResponse

    from regulations.models import Regulation

    return HttpResponse(Regulation.objects.get(pk=pk).title)


urlpatterns = [
    path("", include("portal.urls")),
    path("ro-ri/<int:pk>/", leaky_regulation, name="leaky_regulation"),
]


def test_the_matrix_catches_an_unscoped_view(world, settings) -> None:
    settings.ROOT_URLCONF = __name__
    OBJECT_URLS["leaky_regulation"] = lambda f: {"pk": f["regulation"].pk}
    try:
        outcome = matrix(world, urlconf=__name__)
    finally:
        del OBJECT_URLS["leaky_regulation"]
    leaks = [p for p in outcome.problems if p.startswith("leaky_regulation")]
    assert "leaky_regulation anonymous: 200, not a redirect to login" in leaks
    assert "leaky_regulation sibling unit: 200, expected 404" in leaks
    assert len(outcome.problems) == len(leaks), outcome.problems


def test_no_page_feed_or_export_shows_a_sibling_units_records(world, client_for) -> None:
    """Every list page, export and filter choice, as the sibling unit's user: none of the owning
    unit's agencies, regulations or meetings appears (text responses: HTML, CSV, iCalendar; XLSX
    read back)."""
    import io

    from openpyxl import load_workbook

    from tests.portal.access_matrix import iter_routes

    fixture = build_fixture(world)
    secrets = [world.vks_ks.name, world.ta_ks.name, fixture["regulation"].number, fixture["meeting"].title]
    client = client_for(world.hg_staff)
    checked = 0
    for route in iter_routes():
        if route.params or route.name in {"logout", "login"}:
            continue
        response = client.get(reverse(route.name))
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if "spreadsheetml" in content_type:
            book = load_workbook(io.BytesIO(content), read_only=True)
            text = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
        elif content_type.startswith(("text/", "application/json")):
            text = content.decode("utf-8-sig")
        else:
            continue  # PDFs: their text is checked in the apps' own tests
        checked += 1
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{route.name} shows {leaked} to another unit"
    assert checked >= 15


def test_agency_autocomplete_answers_only_within_scope(world, client_for, django_assert_max_num_queries) -> None:
    """The JSON behind every searchable agency select: typed without diacritics, another unit's
    agencies never come back, and the answer is capped whatever the scope."""
    url = reverse("agencies:autocomplete")
    own = client_for(world.ks_staff).get(url, {"q": "vien kiem sat khanh son"}).json()["results"]
    assert {"value": world.vks_ks.pk, "text": world.vks_ks.name} in own
    sibling = client_for(world.hg_staff)
    with django_assert_max_num_queries(8):
        found = sibling.get(url, {"q": world.vks_ks.name}).json()["results"]
    assert found == []
    everything = sibling.get(url).json()["results"]
    assert world.vks_hg.pk in {r["value"] for r in everything}
    assert not {world.vks_ks.pk, world.ta_ks.pk} & {r["value"] for r in everything}
    assert len(client_for(world.supreme_admin).get(url).json()["results"]) <= 30
