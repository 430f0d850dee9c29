#!/usr/bin/env bash
# `make run`: the development server plus a Celery worker with embedded beat (the daily 07:00
# reminder scan), both on the same broker: Redis if REDIS_URL is set, otherwise the filesystem
# broker under var/broker. One reminder scan runs first, so the demo users see their reminders at
# once; e-mails go to the console, one line each (EMAIL_CONSOLE_VERBOSE=1 prints them whole).
# The server's address and the demo logins are printed last, once the server answers.
#
#   bin/run-dev.sh [ADDRESS:PORT]      (PY=.venv/bin/python by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
ADDRESS="${1:-127.0.0.1:8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.local}"
# Links in e-mails and calendar feeds point at this server unless PORTAL_BASE_URL says otherwise.
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://${ADDRESS}}"
mkdir -p var/broker var/broker-processed

"$PY" -m celery -A portal worker -B -l warning --pool=solo --hostname "dev-worker@%h" \
    --schedule var/celerybeat-schedule &
WORKER_PID=$!
SERVER_PID=""

stop() {
    for pid in "$SERVER_PID" "$WORKER_PID"; do
        [ -n "$pid" ] || continue
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}
trap stop EXIT
trap 'exit 130' INT TERM

"$PY" manage.py scan_reminders
"$PY" manage.py runserver "$ADDRESS" &
SERVER_PID=$!

# Wait until the server answers, then print where it is and who can log in: the last lines.
for _ in $(seq 1 120); do
    if "$PY" -c "import sys, urllib.request as u; u.urlopen('${PORTAL_BASE_URL}/dang-nhap/', timeout=1)" 2>/dev/null; then
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || exit 1
    sleep 0.5
done
echo
"$PY" manage.py load_demo --logins-only
echo
echo "  Cổng quy chế phối hợp đang chạy tại ${PORTAL_BASE_URL}/   (Ctrl+C để dừng)"
echo
wait "$SERVER_PID"
