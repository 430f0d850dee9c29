#!/usr/bin/env bash
# Backup round trip: load the demo data into a scratch database, back it up, restore it into a
# fresh database, and require the same record counts and the same uploaded files.
set -euo pipefail
cd "$(dirname "$0")/.."
base=postgres://postgres@127.0.0.1:5432
work=$(mktemp -d)
trap 'rm -rf "$work"; psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS portal_backup_src" -c "DROP DATABASE IF EXISTS portal_backup_dst" >/dev/null 2>&1 || true' EXIT
psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS portal_backup_src" -c "DROP DATABASE IF EXISTS portal_backup_dst" \
  -c "CREATE DATABASE portal_backup_src" -c "CREATE DATABASE portal_backup_dst" >/dev/null
export DJANGO_SETTINGS_MODULE=portal.settings.test
src_env=(env DATABASE_URL="$base/portal_backup_src" MEDIA_ROOT="$work/media-src")
dst_env=(env DATABASE_URL="$base/portal_backup_dst" MEDIA_ROOT="$work/media-dst")
"${src_env[@]}" .venv/bin/python manage.py migrate -v0
"${src_env[@]}" .venv/bin/python manage.py load_demo >/dev/null
mkdir -p "$work/media-src/originals/ab" && printf 'bản gốc thử nghiệm' > "$work/media-src/originals/ab/test.pdf"
"${src_env[@]}" .venv/bin/python manage.py record_counts > "$work/before.json"
"${src_env[@]}" scripts/backup.sh "$work/backup" >/dev/null
# Restore from a copy in another place, by a relative path, with the original gone.
cp -a "$work/backup" "$work/moved-backup" && rm -rf "$work/backup"
(cd "$work" && "${dst_env[@]}" "$OLDPWD/scripts/restore.sh" moved-backup >/dev/null)
"${dst_env[@]}" .venv/bin/python manage.py record_counts > "$work/after.json"
diff -u "$work/before.json" "$work/after.json"
diff -r "$work/media-src" "$work/media-dst"
total=$(python3 -c "import json,sys; print(sum(json.load(open(sys.argv[1])).values()))" "$work/before.json")
echo "Backup round trip: OK ($total records, same counts and files after restore)"
