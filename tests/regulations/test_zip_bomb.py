"""Security 1: a disguised zip (an .odt whose entry inflates to hundreds of MiB, or thousands of entries)
is refused with bounded memory, and each upload is checked once per request."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regulations import uploads
from regulations.models import OriginalKind, Regulation
from regulations.uploads import check_original
from tests.regulations import helpers
from tests.regulations.test_views import form_data


def bomb(name: str = "du-thao.odt", mib: int = 16) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("mimetype", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mib):
                entry.write(chunk)
        z.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/vnd.oasis.opendocument.text")


def many_entries(name: str = "du-thao.docx", count: int = 20_000) -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for i in range(count):
            z.writestr(f"word/media/{i}.xml", "")
    return SimpleUploadedFile(name, buf.getvalue())


def test_zip_bomb_is_refused_with_bounded_memory():
    upload = bomb()
    assert upload.size < 200 * 1024  # 16 MiB of zeros in well under 200 KiB
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as exc:
            check_original(OriginalKind.EDITABLE_TEXT, upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    assert "tệp nén bất thường" in exc.value.messages[0]


def test_zip_with_too_many_entries_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_original(OriginalKind.EDITABLE_TEXT, many_entries())
    assert "tệp nén bất thường" in exc.value.messages[0]


def test_ordinary_office_files_still_pass():
    assert check_original(OriginalKind.EDITABLE_TEXT, helpers.odt()).content_type == uploads.ODT
    assert check_original(OriginalKind.EDITABLE_TEXT, helpers.docx()).content_type == uploads.DOCX


@pytest.mark.django_db
def test_each_upload_is_checked_once_per_request(world, client_for):
    data = form_data(world, **{"originals-0-kind": "editable_text", "originals-0-file": helpers.odt()})
    with mock.patch.object(uploads, "sniff", wraps=uploads.sniff) as sniff:
        response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 302, response.context["editor"].errors if response.context else ""
    assert Regulation.objects.count() == 1
    assert sniff.call_count == 1
