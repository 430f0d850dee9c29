"""The template's guide shows only examples that import: every example it shows, imported, gives
0 errors (issue #20, point 4)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from imports.columns import GUIDE_SHEET, MEETING_COLUMNS, REGULATION_COLUMNS
from imports.models import ImportJob, ImportStatus
from imports.template import AGENCY_EXAMPLES_TITLE
from tests.agencies.demo_map import load_demo_agencies, user_of
from tests.imports.files import xlsx

pytestmark = pytest.mark.django_db


def guide_examples(template: bytes) -> tuple[dict[str, str], list[str]]:
    """What the guide sheet shows: each column header's example, and the ways of naming an agency."""
    rows = list(load_workbook(io.BytesIO(template))[GUIDE_SHEET].iter_rows(values_only=True))
    by_header: dict[str, str] = {}
    names: list[str] = []
    section = ""
    for row in rows:
        cells = [c for c in row if c not in (None, "")]
        if len(cells) == 1:
            section = str(cells[0])
        elif section == AGENCY_EXAMPLES_TITLE and row[0] != "Cách ghi" and row[3]:
            names.append(str(row[3]))
        elif len(row) >= 4 and row[0] and row[0] != "Cột" and section.startswith("Trang"):
            by_header[f"{section}|{row[0]}"] = str(row[3] or "")
    return by_header, names


def import_guide_examples(client) -> tuple[ImportJob, list[str]]:
    """Download the template as ``client``'s user, fill its rows with every example its guide shows, upload."""
    template = client.get(reverse("imports:template")).content
    by_header, names = guide_examples(template)
    regulation = {c.key: by_header[f"Trang “Quy chế phối hợp”|{c.header}"] for c in REGULATION_COLUMNS}
    meeting = {c.key: by_header[f"Trang “Hội nghị, cuộc họp”|{c.header}"] for c in MEETING_COLUMNS}
    # Each other way of naming an agency, as the co-signer of a regulation of its own.
    more = [{**regulation, "number": f"{n:02d}/2025/QCPH-VD", "parties": name} for n, name in enumerate(names, start=2)]
    data = xlsx([regulation, *more], [meeting], template=template)
    response = client.post(reverse("imports:regulations"), {"file": SimpleUploadedFile("vi-du.xlsx", data)})
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1]), names


def test_every_example_the_guide_shows_imports_with_no_error(client_for) -> None:
    load_demo_agencies()
    job, names = import_guide_examples(client_for(user_of("VKSTC", Role.ADMIN)))
    assert len(names) >= 6
    assert job.errors == []
    assert job.status == ImportStatus.READY
    assert job.counts == {"created": 2 + len(names), "updated": 0, "skipped": 0, "errors": 0}
