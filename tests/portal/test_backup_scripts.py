"""Reliability 1: scripts/backup.sh and scripts/restore.sh with moved, relative and damaged backups.
PostgreSQL only (the scripts use pg_dump and pg_restore)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"),
]


def base_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def run(script: str, arg: str, db_url: str, media: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "MEDIA_ROOT": str(media)}
    return subprocess.run([str(ROOT / "scripts" / script), arg], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def scratch_db():
    name = f"portal_restore_{uuid.uuid4().hex[:8]}"
    admin = f"{base_url()}/postgres"
    subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    yield f"{base_url()}/{name}"
    subprocess.run(["psql", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)


def tables(db_url: str) -> int:
    out = subprocess.run(
        ["psql", "-Atq", db_url, "-c", "SELECT count(*) FROM pg_tables WHERE schemaname='public'"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


@pytest.fixture
def backup(tmp_path) -> Path:
    media = tmp_path / "media"
    (media / "originals").mkdir(parents=True)
    (media / "originals" / "a.pdf").write_text("bản gốc")
    source = f"{base_url()}/{settings.DATABASES['default']['NAME']}"
    done = run("backup.sh", "backup-rel", source, media, cwd=tmp_path)  # a relative directory
    assert done.returncode == 0, done.stderr
    assert "/" not in (tmp_path / "backup-rel" / "SHA256SUMS").read_text().replace("  ", " ").split(" ", 1)[1]
    return tmp_path / "backup-rel"


def test_restore_from_a_moved_relative_backup(backup, tmp_path, scratch_db):
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(backup, moved)
    shutil.rmtree(backup)
    done = run("restore.sh", "elsewhere/copy", scratch_db, tmp_path / "restored-media", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert tables(scratch_db) > 20
    assert (tmp_path / "restored-media" / "originals" / "a.pdf").read_text() == "bản gốc"


def test_restore_checks_the_copy_not_the_original(backup, tmp_path, scratch_db):
    copy = tmp_path / "copy"
    shutil.copytree(backup, copy)
    (copy / "media.tar.gz").write_bytes(b"damaged")
    done = run("restore.sh", str(copy), scratch_db, tmp_path / "m", cwd=tmp_path)
    assert done.returncode != 0 and "Tổng kiểm tra" in done.stderr
    assert tables(scratch_db) == 0


def test_failed_restore_leaves_the_database_empty(backup, tmp_path, scratch_db):
    dump = backup / "db.dump"
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) * 2 // 3])  # truncated, with checksums that match it
    subprocess.run("sha256sum db.dump media.tar.gz > SHA256SUMS", shell=True, cwd=backup, check=True)
    done = run("restore.sh", str(backup), scratch_db, tmp_path / "m", cwd=tmp_path)
    assert done.returncode != 0
    assert tables(scratch_db) == 0


def test_backup_checks_versions_before_it_creates_anything(tmp_path):
    """Issue 18, point 6: a pg_dump older than the server is refused, and no folder is left behind."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (fake / "pg_dump").chmod(0o755)
    source = f"{base_url()}/{settings.DATABASES['default']['NAME']}"
    env = {**os.environ, "DATABASE_URL": source, "PATH": f"{fake}:{os.environ['PATH']}"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "backup.sh"), "new/backup"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "pg_dump 9" in done.stderr and "postgresql-client-" in done.stderr
    assert not (tmp_path / "new").exists()


def s3_env(s3_media, bucket: str) -> dict[str, str]:
    from tests.conftest import S3_CREDENTIALS

    return {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_media.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
    }


def run_s3(script: str, arg: str, db_url: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    full = {**os.environ, "DATABASE_URL": db_url, **env}
    return subprocess.run([str(ROOT / "scripts" / script), arg], cwd=cwd, env=full, capture_output=True, text=True)


def test_bucket_backup_and_restore_into_an_empty_bucket(tmp_path, scratch_db, s3_media):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    names = [default_storage.save(n, ContentFile(f"tệp {n}".encode())) for n in ("originals/ab/x.pdf", "imports/y.csv")]
    source = f"{base_url()}/{settings.DATABASES['default']['NAME']}"
    done = run_s3("backup.sh", "b", source, s3_env(s3_media, s3_media.bucket), tmp_path)
    assert done.returncode == 0, done.stderr

    s3_media.client.create_bucket(Bucket=(target := s3_media.bucket + "-restored"))
    s3_media.client.put_object(Bucket=target, Key="left/over.pdf", Body=b"x")
    refused = run_s3("restore.sh", "b", scratch_db, s3_env(s3_media, target), tmp_path)
    assert refused.returncode != 0 and "không trống" in refused.stderr
    assert tables(scratch_db) == 0  # refused before the database was touched
    s3_media.client.delete_object(Bucket=target, Key="left/over.pdf")

    done = run_s3("restore.sh", "b", scratch_db, s3_env(s3_media, target), tmp_path)
    assert done.returncode == 0, done.stderr
    assert tables(scratch_db) > 20
    restored = sorted(o["Key"] for o in s3_media.client.list_objects_v2(Bucket=target)["Contents"])
    assert restored == sorted(names)
    for name in names:
        assert s3_media.client.get_object(Bucket=target, Key=name)["Body"].read() == s3_media.body(name)
