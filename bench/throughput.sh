#!/bin/sh
# Throughput of the national dashboard over HTTP: gunicorn with the compose settings (production
# settings, gunicorn.conf.py, CONN_MAX_AGE) on 127.0.0.1, then bench/load.py at 8 and 32 clients.
#   DATABASE_URL=... REDIS_URL=... bench/throughput.sh [URL path] [seconds]
# Override the worker model to compare: GUNICORN_WORKER_CLASS=sync GUNICORN_WORKERS=3 bench/throughput.sh
set -eu
cd "$(dirname "$0")/.."
PATH_TO_GET=${1:-/tong-quan/}
SECONDS_EACH=${2:-30}
PORT=${BENCH_PORT:-18765}
export DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=${SECRET_KEY:-bench-only-not-secret} \
       ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT=${STATIC_ROOT:-/tmp/portal-bench-static} \
       CONN_MAX_AGE=${CONN_MAX_AGE:-60} GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_ACCESSLOG=/dev/null
[ -f "$STATIC_ROOT/staticfiles.json" ] || .venv/bin/python manage.py collectstatic --no-input -v0
SESSION=$(.venv/bin/python bench/make_session.py "${BENCH_USER:-syn.lanhdao.toicao}")
.venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi >/tmp/portal-bench-gunicorn.log 2>&1 &
GPID=$!
trap 'kill $GPID 2>/dev/null || true' EXIT
sleep 4
# Never measure someone else's server: stop if our gunicorn could not bind the port.
kill -0 $GPID 2>/dev/null || { echo "gunicorn did not start (port $PORT in use?)"; cat /tmp/portal-bench-gunicorn.log; exit 1; }
echo "gunicorn: ${GUNICORN_WORKER_CLASS:-gthread} workers=${GUNICORN_WORKERS:-2} threads=${GUNICORN_THREADS:-8} CONN_MAX_AGE=$CONN_MAX_AGE"
.venv/bin/python bench/load.py --url "http://127.0.0.1:$PORT$PATH_TO_GET" --clients 8 32 \
    --seconds "$SECONDS_EACH" --session "$SESSION"
