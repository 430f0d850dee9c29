"""Media storage: the local folder (``make run``) or a private S3-compatible bucket (``MEDIA_STORAGE=s3``).

Everything the portal keeps as a file (uploaded originals, issued PDFs, register PDFs, import files) is
written and read through Django's storage API, never by path, so web nodes and workers on different
machines share one bucket. Downloads answer only after the caller's scope check (``portal.access``):
``download_response`` streams the file through the portal, or, with ``MEDIA_SIGNED_URL_SECONDS``,
redirects to a URL signed for that many seconds. The bucket itself stays private.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import posixpath
import threading
import weakref
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any, Protocol, TypeGuard

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.crypto import get_random_string
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CHUNK_BYTES = 64 * 1024
logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ writes: no debris, a clear error

# A disk that is full, over quota, read-only or failing: the storage, not the user's input, is at fault.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM})
MSG_STORAGE_FULL = (
    "Không lưu được tệp: bộ nhớ lưu trữ tệp của cổng đã đầy hoặc đang không ghi được (ổ đĩa chỉ đọc, "
    "lỗi ổ đĩa). Chưa có gì được lưu; những gì bạn đã nhập vẫn còn trên trang. Hãy báo quản trị hệ thống "
    "và thử lại sau ít phút."
)


class StorageUnavailable(ValidationError):
    """The media storage refused a write (full, read-only). A ``ValidationError``, so a form view that
    shows a service's errors shows this one too, with what was typed."""

    def __init__(self, reason: str = "") -> None:
        super().__init__({NON_FIELD_ERRORS: [ValidationError(MSG_STORAGE_FULL, code="storage_unavailable")]})
        self.reason = reason


class _KeepIfCommitted:
    """An on-commit callback that doubles as a rollback hook: Django drops the callbacks of a transaction
    (or savepoint) that rolls back, and this object's finalizer then deletes the file it guards. Run at
    commit, it marks the file kept."""

    def __init__(self, storage: Storage, name: str) -> None:
        self.kept = False
        weakref.finalize(self, _delete_unless_kept, storage, name, self.__dict__)

    def __call__(self) -> None:
        self.kept = True


def _delete_unless_kept(storage: Storage, name: str, state: dict) -> None:
    if state.get("kept"):
        return
    try:
        storage.delete(name)
        logger.info("deleted %s: the transaction that stored it rolled back", name)
    except Exception:  # a finalizer must not raise; the file is left for the backup's orphan listing
        logger.exception("could not delete %s after its transaction rolled back", name)


def delete_on_rollback(storage: Storage, name: str) -> None:
    """Delete the stored file ``name`` if the current transaction rolls back (nothing outside one)."""
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_KeepIfCommitted(storage, name))


class SafeWritesMixin:
    """Every write of the media storage: a file written inside a transaction is deleted if the
    transaction rolls back, and a write the disk refuses (ENOSPC, EROFS ...) raises
    ``StorageUnavailable`` and leaves no partial file behind."""

    _writing = threading.local()

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        name = super().get_available_name(name, max_length)  # type: ignore[misc]
        self._writing.name = name  # the name a failed write may have left a partial file under
        return name

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        self._writing.name = None
        try:
            stored: str = super().save(name, content, max_length)  # type: ignore[misc]
        except OSError as exc:
            partial = getattr(self._writing, "name", None)
            if partial:
                try:
                    self.delete(partial)  # type: ignore[attr-defined]
                except Exception:
                    logger.exception("could not delete the partial file %s", partial)
            if exc.errno in STORAGE_ERRNOS:
                logger.error("media storage refused a write (%s): %s", errno.errorcode.get(exc.errno or 0, "?"), exc)
                raise StorageUnavailable(str(exc)) from exc
            raise
        delete_on_rollback(self, stored)  # type: ignore[arg-type]
        return stored


class MediaFileSystemStorage(SafeWritesMixin, FileSystemStorage):
    """The media folder (``make run``, single-machine deployments)."""


def _client_config() -> Any:
    from botocore.config import Config

    return Config(
        s3={"addressing_style": getattr(settings, "AWS_S3_ADDRESSING_STYLE", None) or "path"},
        signature_version=getattr(settings, "AWS_S3_SIGNATURE_VERSION", None) or "s3v4",
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )


class MediaS3Storage(SafeWritesMixin, S3Storage):
    """django-storages' S3 backend, with two choices of the portal's.

    * A key is never overwritten: a filesystem creates a new file exclusively, a bucket has no such
      operation, so each write gets a key of its own (a random suffix). Two writers of the same
      document at once (``meetings.services.store_pdf``) then never delete each other's file.
    * Short timeouts and bounded retries (unless ``AWS_S3_CLIENT_CONFIG`` says otherwise): a store
      that is down makes a request fail in seconds, not hang a gunicorn thread.
    """

    def get_default_settings(self) -> dict[str, Any]:
        defaults = super().get_default_settings()
        if defaults.get("client_config") is None:
            defaults["client_config"] = _client_config()
        return defaults

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        name = clean_name(name)
        dir_name, file_name = posixpath.split(name)
        ext = "".join(PurePath(file_name).suffixes)
        root = file_name.removesuffix(ext)
        suffix = "_" + get_random_string(12)
        if max_length is not None:
            over = len(posixpath.join(dir_name, root + suffix + ext)) - max_length
            if over > 0:
                root = root[:-over]
                if not root:
                    raise SuspiciousFileOperation(f"Storage cannot find an available name for {name!r}.")
        return posixpath.join(dir_name, root + suffix + ext)


class StoredFile(Protocol):
    """What the helpers below need of a file: a FieldFile, or a name and a storage (backups)."""

    name: str | None
    storage: Storage


def is_s3(storage: Storage) -> TypeGuard[S3Storage]:
    return isinstance(storage, S3Storage)


def open_stream(file: StoredFile) -> tuple[IO[bytes], int | None]:
    """The file's bytes as a stream read in chunks, and its size. From a bucket the body is read as it
    arrives (``S3File`` would first copy the whole object into memory). ``FileNotFoundError`` if gone."""
    storage = file.storage
    if is_s3(storage):
        from botocore.exceptions import ClientError

        key = storage._normalize_name(clean_name(file.name))
        try:
            answer = storage.connection.meta.client.get_object(Bucket=storage.bucket_name, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(file.name) from exc
            raise
        return answer["Body"], answer.get("ContentLength")
    name = file.name or ""
    handle = storage.open(name, "rb")
    return handle, storage.size(name)


def download_response(
    file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = True
) -> HttpResponseBase:
    """The answer to a download, to be called only AFTER the scope check of the view."""
    storage = file.storage
    seconds = getattr(settings, "MEDIA_SIGNED_URL_SECONDS", 0)
    if seconds and is_s3(storage):
        url = storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
                "ResponseContentType": content_type,
            },
            expire=seconds,
        )
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"
        # The audit trail records a download that leaves by a redirect, as one that streams.
        redirect.portal_download = True  # type: ignore[attr-defined]
        return redirect
    handle, size = open_stream(file)
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response.block_size = CHUNK_BYTES
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def all_names(storage: Storage | None = None) -> Iterator[str]:
    """Every file of the media storage, by its storage name (for backups), sorted."""
    storage = storage or default_storage
    if is_s3(storage):
        prefix = storage._normalize_name("")
        prefix = prefix + "/" if prefix and not prefix.endswith("/") else prefix
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        names: list[str] = []
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            names.extend(entry["Key"][len(prefix) :] for entry in page.get("Contents", ()))
        yield from sorted(n for n in names if n and not n.endswith("/"))
        return
    if isinstance(storage, FileSystemStorage):
        root = storage.location
        found = []
        for folder, _dirs, files in os.walk(root):
            for name in files:
                found.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
        yield from sorted(found)
        return
    raise NotImplementedError(f"cannot list {type(storage).__name__}")


@functools.lru_cache(maxsize=8)
def _probe_client(endpoint: str | None, region: str | None, key: str | None, secret: str | None) -> Any:
    """A client for health probes: 2-second timeouts and no retries (a store that is down answers fast)."""
    import boto3
    from botocore.config import Config

    config = _client_config().merge(Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1}))
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret)
    return session.client("s3", endpoint_url=endpoint, region_name=region, config=config)


def check(storage: Storage | None = None) -> str:
    """Raises if the media storage cannot be used now; returns what was checked. For /readyz: one
    request to the store (HEAD of the bucket, with a short timeout and no retries) or a look at the folder."""
    storage = storage or default_storage
    if is_s3(storage):
        _probe_client(storage.endpoint_url, storage.region_name, storage.access_key, storage.secret_key).head_bucket(
            Bucket=storage.bucket_name
        )
        return f"s3 bucket {storage.bucket_name}"
    if isinstance(storage, FileSystemStorage):
        location = storage.location
        if not os.path.isdir(location):
            os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError(f"{location} is not writable")
        return "folder"
    return type(storage).__name__
