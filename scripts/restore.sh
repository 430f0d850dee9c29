#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and media folder.
# Usage: DATABASE_URL=postgres://.../portal_restored MEDIA_ROOT=/srv/portal/media scripts/restore.sh /backups/2026-11-23
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) target database}"
media=${MEDIA_ROOT:-var/media}
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$src/db.dump"
mkdir -p "$media"
tar -xzf "$src/media.tar.gz" -C "$media"
echo "Đã khôi phục từ $src"
