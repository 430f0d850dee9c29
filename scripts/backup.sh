#!/usr/bin/env bash
# Back up the portal: a PostgreSQL dump (custom format) plus the uploaded files (media).
# Usage: DATABASE_URL=postgres://... MEDIA_ROOT=/srv/portal/media scripts/backup.sh /backups/2026-11-23
set -euo pipefail
out=${1:?usage: backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
media=${MEDIA_ROOT:-var/media}
mkdir -p "$out"
pg_dump --format=custom --no-owner --file "$out/db.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -czf "$out/media.tar.gz" -C "$media" .
else
  tar -czf "$out/media.tar.gz" --files-from /dev/null
fi
sha256sum "$out/db.dump" "$out/media.tar.gz" > "$out/SHA256SUMS"
echo "Đã sao lưu vào $out"
