#!/bin/sh
# Throughput of two web nodes behind HAProxy (docs/deploy.md, "Sizing"), against one node for comparison:
# two gunicorns with the compose settings (production settings, gunicorn.conf.py, CONN_MAX_AGE) on
# 127.0.0.1, HAProxy round-robin in front, then bench/load.py at 8 and 32 clients on each URL path.
#   DATABASE_URL=... REDIS_URL=... bench/two_nodes.sh [seconds] [path ...]
# Needs the national data set in DATABASE_URL (manage.py generate_national_data) and haproxy.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-30}
[ $# -gt 0 ] && shift
PATHS=${*:-/tong-quan/ /quy-che/}
BASE=${BENCH_PORT:-18560}
work=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=${SECRET_KEY:-bench-only-not-secret} \
       ALLOWED_HOSTS=127.0.0.1 STATIC_ROOT=${STATIC_ROOT:-/tmp/portal-bench-static} \
       CONN_MAX_AGE=${CONN_MAX_AGE:-60} GUNICORN_ACCESSLOG=/dev/null LOG_LEVEL=WARNING
[ -f "$STATIC_ROOT/staticfiles.json" ] || .venv/bin/python manage.py collectstatic --no-input -v0
SESSION=$(.venv/bin/python bench/make_session.py "${BENCH_USER:-syn.lanhdao.toicao}")
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$work"' EXIT
for n in 1 2; do
  GUNICORN_BIND=127.0.0.1:$((BASE + n)) NODE_NAME=web$n .venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi \
    >"$work/web$n.log" 2>&1 &
  pids="$pids $!"
done
cat >"$work/haproxy.cfg" <<EOF
defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
frontend portal
  bind 127.0.0.1:$BASE
  default_backend web
backend web
  balance roundrobin
  option httpchk
  http-check send meth GET uri /healthz
  server web1 127.0.0.1:$((BASE + 1)) check
  server web2 127.0.0.1:$((BASE + 2)) check
EOF
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 1 120); do
  .venv/bin/python -c "import urllib.request as u; [u.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=2) for p in ($BASE, $BASE + 1, $BASE + 2)]" \
    2>/dev/null && break
  sleep 0.5
done
echo "two nodes: ${GUNICORN_WORKER_CLASS:-gthread} workers=${GUNICORN_WORKERS:-2} threads=${GUNICORN_THREADS:-8} each, HAProxy round-robin"
for path in $PATHS; do
  echo "== $path through HAProxy (two nodes)"
  .venv/bin/python bench/load.py --url "http://127.0.0.1:$BASE$path" --clients 8 32 --seconds "$SECONDS_EACH" --session "$SESSION"
  echo "== $path on one node"
  .venv/bin/python bench/load.py --url "http://127.0.0.1:$((BASE + 1))$path" --clients 8 32 --seconds "$SECONDS_EACH" --session "$SESSION"
done
