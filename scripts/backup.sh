#!/usr/bin/env bash
# Back up the portal: a PostgreSQL dump (custom format) plus the uploaded files (media): the MEDIA_ROOT
# folder, or with MEDIA_STORAGE=s3 every object of the bucket (through the portal's storage settings,
# `manage.py media_archive create`), into the same media.tar.gz.
# Usage: DATABASE_URL=postgres://... MEDIA_ROOT=/srv/portal/media scripts/backup.sh /backups/2026-11-23
# The checksums name the files relative to the backup directory, so a backup can be moved or copied.
# Nothing is created before the checks pass (pg_dump's version against the server's).
set -euo pipefail
out=${1:?usage: backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
media=${MEDIA_ROOT:-var/media}
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$([ -x "$root/.venv/bin/python" ] && echo "$root/.venv/bin/python" || echo python)}
# pg_dump refuses a newer server; say so plainly (compose's postgres and the image's client must match).
client_major=$(pg_dump --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
server_major=$(psql -Atq "$DATABASE_URL" -c "SHOW server_version_num" | cut -c1-2)
if [ -z "$server_major" ] || [ "$client_major" -lt "$server_major" ]; then
  echo "pg_dump $client_major không sao lưu được máy chủ PostgreSQL ${server_major:-?}: cài postgresql-client-${server_major:-?}." >&2
  exit 1
fi
mkdir -p "$out"
pg_dump --format=custom --no-owner --file "$out/db.dump" "$DATABASE_URL"
if [ "${MEDIA_STORAGE:-filesystem}" = "s3" ]; then
  "$PY" "$root/manage.py" media_archive create "$out/media.tar.gz" >/dev/null
elif [ -d "$media" ]; then
  tar -czf "$out/media.tar.gz" -C "$media" .
else
  tar -czf "$out/media.tar.gz" --files-from /dev/null
fi
(cd "$out" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "Đã sao lưu vào $out"
