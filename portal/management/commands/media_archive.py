"""Back up and restore the media storage, whatever it is (a folder or an S3 bucket), as one tar.gz.

    python manage.py media_archive create /backups/2026-11-23/media.tar.gz
    python manage.py media_archive extract /backups/2026-11-23/media.tar.gz   # into an EMPTY storage
    python manage.py media_archive list                                        # name and SHA-256 of each file
    python manage.py media_archive check-empty                                 # fails if any file is stored

The archive holds every file by its storage name (``originals/ab/….pdf``), so a backup of a bucket can be
restored into a folder and the other way round. ``scripts/backup.sh`` and ``scripts/restore.sh`` use it
when ``MEDIA_STORAGE=s3``.
"""

from __future__ import annotations

import hashlib
import posixpath
import tarfile
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import storage


class Command(BaseCommand):
    help = "Sao lưu, khôi phục hoặc liệt kê các tệp đã lưu (thư mục hoặc kho S3) dưới dạng một tệp tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "extract", "list", "check-empty"])
        parser.add_argument("archive", nargs="?", help="the .tar.gz file (create, extract)")

    def handle(self, *args: Any, action: str, archive: str | None, **options: Any) -> None:
        if action == "list":
            self._list()
            return
        if action == "check-empty":
            self._check_empty()
            return
        if not archive:
            raise CommandError("Cần đường dẫn tệp .tar.gz.")
        if action == "create":
            self._create(archive)
        else:
            self._extract(archive)

    def _list(self) -> None:
        for name in storage.all_names():
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(storage.CHUNK_BYTES), b""):
                    digest.update(chunk)
            self.stdout.write(f"{digest.hexdigest()}  {name}")

    def _create(self, archive: str) -> None:
        count = 0
        with tarfile.open(archive, "w:gz") as tar:
            for name in storage.all_names():
                stream, size = storage.open_stream(_Named(name))
                info = tarfile.TarInfo(name)
                info.size = size if size is not None else default_storage.size(name)
                info.mode = 0o640
                try:
                    tar.addfile(info, stream)
                finally:
                    stream.close()
                count += 1
        self.stdout.write(f"{count} tệp → {archive}")

    def _check_empty(self) -> None:
        existing = next(iter(storage.all_names()), None)
        if existing is not None:
            raise CommandError(f"Nơi lưu tệp đích không trống (có {existing}): khôi phục vào một nơi lưu mới.")

    def _extract(self, archive: str) -> None:
        self._check_empty()
        count = 0
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = posixpath.normpath(member.name)  # "./originals/a.pdf" (tar -C media .) or "originals/a.pdf"
                if not member.isfile() or name.startswith("/") or name == ".." or name.startswith("../"):
                    raise CommandError(f"Tệp không hợp lệ trong bản sao lưu: {member.name!r}")
                handle = tar.extractfile(member)
                assert handle is not None
                # The exact name the database refers to: _save, not save (which would pick a new name).
                default_storage._save(name, File(handle, name=posixpath.basename(name)))  # type: ignore[attr-defined]
                count += 1
        self.stdout.write(f"{count} tệp ← {archive}")


class _Named:
    """What ``storage.open_stream`` needs of a FieldFile: its name and storage."""

    def __init__(self, name: str) -> None:
        self.name: str | None = name
        self.storage: Storage = default_storage
