#!/usr/bin/env bash
# `make run`: the development server plus a Celery worker with embedded beat (the daily 07:00
# reminder scan), both on the same broker: Redis if REDIS_URL is set, otherwise the filesystem
# broker under var/broker. One reminder scan runs first, so the demo users see their reminders at
# once; the e-mails go to the console backend (the worker's output). The worker stops with runserver.
#
#   bin/run-dev.sh [ADDRESS:PORT]      (PY=.venv/bin/python by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.local}"
mkdir -p var/broker var/broker-processed

"$PY" -m celery -A portal worker -B -l info --pool=solo --hostname "dev-worker@%h" \
    --schedule var/celerybeat-schedule &
WORKER_PID=$!

stop_worker() {
    if kill -0 "$WORKER_PID" 2>/dev/null; then
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$WORKER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$WORKER_PID" 2>/dev/null || true
    fi
    wait "$WORKER_PID" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

"$PY" manage.py scan_reminders
"$PY" manage.py runserver "${1:-127.0.0.1:8000}"
