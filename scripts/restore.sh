#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and media folder (or, with MEDIA_STORAGE=s3,
# an empty bucket: `manage.py media_archive extract` refuses one that holds anything).
# Usage: DATABASE_URL=postgres://.../portal_restored MEDIA_ROOT=/srv/portal/media scripts/restore.sh /backups/2026-11-23
# The backup directory may be relative, moved or copied: the checksums are checked on the files in it.
# The database is restored in one transaction: on any error nothing is left in it.
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) target database}"
media=${MEDIA_ROOT:-var/media}
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$([ -x "$root/.venv/bin/python" ] && echo "$root/.venv/bin/python" || echo python)}
src=$(cd "$src" && pwd)
# Older backups listed absolute paths: check the files of THIS directory by their base names.
(cd "$src" && sed -E 's#^([0-9a-f]+)( [ *])(.*/)?([^/]+)$#\1\2\4#' SHA256SUMS | sha256sum --check --quiet --strict -) || {
  echo "Tổng kiểm tra không khớp: bản sao lưu trong $src bị hỏng hoặc thiếu tệp." >&2
  exit 1
}
tar -tzf "$src/media.tar.gz" >/dev/null
tables=$(psql -Atq "$DATABASE_URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "Cơ sở dữ liệu đích không trống ($tables bảng): khôi phục vào một cơ sở dữ liệu mới." >&2
  exit 1
fi
if [ "${MEDIA_STORAGE:-filesystem}" = "s3" ]; then
  "$PY" "$root/manage.py" media_archive check-empty
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$src/db.dump"
if [ "${MEDIA_STORAGE:-filesystem}" = "s3" ]; then
  "$PY" "$root/manage.py" media_archive extract "$src/media.tar.gz" >/dev/null
else
  mkdir -p "$media"
  tar -xzf "$src/media.tar.gz" -C "$media"
fi
echo "Đã khôi phục từ $src"
