"""Issue #18, point 5 (uploads): a full or read-only media disk gives a Vietnamese message naming the
storage and the form again, and leaves no file behind: a file stored before the failure goes with the
rolled-back transaction, the truncated one is removed. The OSError is simulated by patching the
storage's save (``_save``, the write itself, under the portal's checks)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.urls import reverse

from portal import storage
from regulations.models import Regulation
from tests.regulations import helpers
from tests.regulations.test_views import form_data

pytestmark = pytest.mark.django_db


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def failing_on(call: int, code: int = errno.ENOSPC):
    """A storage write that fails on its ``call``-th use, after writing part of the file (as a full disk
    does), and works otherwise."""
    real = FileSystemStorage._save
    calls: list[str] = []

    def _save(self, name, content):
        calls.append(name)
        if len(calls) == call:
            path = self.path(name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(b"%PDF-1.4 truncated")
            raise OSError(code, os.strerror(code))
        return real(self, name, content)

    return mock.patch.object(FileSystemStorage, "_save", _save)


def test_two_uploads_on_a_full_disk_leave_no_file_and_show_the_form_again(world, client_for):
    data = form_data(
        world,
        **{
            "originals-TOTAL_FORMS": "2",
            "originals-0-file": helpers.pdf("ban-ky-1.pdf"),
            "originals-1-kind": "other",
            "originals-1-file": helpers.pdf("ban-ky-2.pdf"),
        },
    )
    with failing_on(2):
        response = client_for(world.ks_staff).post(reverse("regulations:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "bộ nhớ lưu trữ tệp của cổng đã đầy hoặc đang không ghi được" in page
    assert "Quy chế phối hợp trong công tác kiểm sát thi hành án" in page  # what was typed is still there
    assert not Regulation.objects.exists()
    assert media_files() == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_refused_write_is_a_storage_error_and_leaves_nothing(code):
    with failing_on(1, code), pytest.raises(storage.StorageUnavailable) as caught:
        default_storage.save("thu/tep.pdf", ContentFile(b"%PDF-1.4"))
    assert "bộ nhớ lưu trữ" in caught.value.messages[0]
    assert media_files() == []


@pytest.mark.django_db(transaction=True)
def test_a_file_stored_in_a_rolled_back_transaction_is_deleted_and_a_committed_one_kept():
    with pytest.raises(RuntimeError), transaction.atomic():
        default_storage.save("thu/rollback.pdf", ContentFile(b"%PDF-1.4"))
        assert media_files() == ["thu/rollback.pdf"]
        raise RuntimeError("the write after the file failed")
    assert media_files() == []
    with transaction.atomic():
        name = default_storage.save("thu/commit.pdf", ContentFile(b"%PDF-1.4"))
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back: its file goes
            default_storage.save("thu/savepoint.pdf", ContentFile(b"%PDF-1.4"))
            raise RuntimeError
    assert media_files() == [name]


def test_an_import_upload_on_a_full_disk_is_a_form_error_and_leaves_nothing(world, client_for):
    from imports.models import ImportJob
    from tests.imports.files import regulation_row, xlsx
    from tests.imports.test_imports import upload

    with failing_on(1):
        response = upload(client_for(world.ks_staff), xlsx([regulation_row(1)]))
    assert response.status_code == 400  # the upload form again, with the error on its file field
    assert "bộ nhớ lưu trữ tệp của cổng đã đầy" in response.content.decode()
    assert not ImportJob.objects.exists() and media_files() == []
