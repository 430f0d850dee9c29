#!/usr/bin/env bash
# Backup round trip: load the demo data into a scratch database, back it up, restore it into a
# fresh database, and require the same record counts and the same uploaded files. Twice: media in a
# folder, then media in an S3 bucket (moto's S3 server) restored into another, empty bucket.
set -euo pipefail
cd "$(dirname "$0")/.."
base=postgres://postgres@127.0.0.1:5432
S3_PORT=${BACKUP_S3_PORT:-18531}
work=$(mktemp -d)
s3_pid=""
dbs() { psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS portal_backup_src" -c "DROP DATABASE IF EXISTS portal_backup_dst" "$@"; }
trap 'rm -rf "$work"; [ -z "$s3_pid" ] || kill "$s3_pid" 2>/dev/null; dbs >/dev/null 2>&1 || true' EXIT
export DJANGO_SETTINGS_MODULE=portal.settings.test

round_trip() { # LABEL: with src_env and dst_env set
  dbs -c "CREATE DATABASE portal_backup_src" -c "CREATE DATABASE portal_backup_dst" >/dev/null
  "${src_env[@]}" .venv/bin/python manage.py migrate -v0
  "${src_env[@]}" .venv/bin/python manage.py load_demo >/dev/null
  "${src_env[@]}" .venv/bin/python manage.py shell -v0 -c "
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
default_storage._save('originals/ab/test.pdf', ContentFile('bản gốc thử nghiệm'.encode()))
default_storage._save('meetings/documents/2024/BB-1-v1.pdf', ContentFile(b'%PDF-1.4 test'))"
  "${src_env[@]}" .venv/bin/python manage.py record_counts >"$work/before.json"
  "${src_env[@]}" .venv/bin/python manage.py media_archive list >"$work/files-before.txt"
  "${src_env[@]}" scripts/backup.sh "$work/backup" >/dev/null
  # Restore from a copy in another place, by a relative path, with the original gone.
  cp -a "$work/backup" "$work/moved-backup" && rm -rf "$work/backup"
  (cd "$work" && "${dst_env[@]}" "$OLDPWD/scripts/restore.sh" moved-backup >/dev/null)
  "${dst_env[@]}" .venv/bin/python manage.py record_counts >"$work/after.json"
  "${dst_env[@]}" .venv/bin/python manage.py media_archive list >"$work/files-after.txt"
  diff -u "$work/before.json" "$work/after.json"
  diff -u "$work/files-before.txt" "$work/files-after.txt"
  total=$(python3 -c "import json,sys; print(sum(json.load(open(sys.argv[1])).values()))" "$work/before.json")
  echo "Backup round trip ($1): OK ($total records, $(wc -l <"$work/files-before.txt") files, same after restore)"
  rm -rf "$work/moved-backup"
}

src_env=(env DATABASE_URL="$base/portal_backup_src" MEDIA_ROOT="$work/media-src")
dst_env=(env DATABASE_URL="$base/portal_backup_dst" MEDIA_ROOT="$work/media-dst")
round_trip "media in a folder"
diff -r "$work/media-src" "$work/media-dst"

.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$work/s3.log" 2>&1 &
s3_pid=$!
s3=(MEDIA_STORAGE=s3 AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_S3_REGION_NAME=us-east-1
    AWS_ACCESS_KEY_ID=backup AWS_SECRET_ACCESS_KEY=backup-secret)
for _ in $(seq 1 60); do
  env "${s3[@]}" .venv/bin/python -c "
import boto3, os
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL'])
for bucket in ('media-src', 'media-dst'): s3.create_bucket(Bucket=bucket)" 2>/dev/null && break
  sleep 0.5
done
src_env=(env DATABASE_URL="$base/portal_backup_src" "${s3[@]}" AWS_STORAGE_BUCKET_NAME=media-src)
dst_env=(env DATABASE_URL="$base/portal_backup_dst" "${s3[@]}" AWS_STORAGE_BUCKET_NAME=media-dst)
round_trip "media in an S3 bucket"
