#!/usr/bin/env bash
# The production stack as docker-compose.yml describes it, scaled out to two nodes and booted as processes
# on this machine (no Docker engine): HAProxy in front of two gunicorn nodes (the compose file's own
# command, production settings), two Celery workers, two beats (one sends, the other idles on the lock),
# media in an S3 bucket (moto's S3 server), PostgreSQL, Redis and a local SMTP sink. Then, over HTTP:
#   1. a user's journey on one node (.ci/prod_stack_http.py);
#   2. a reminder batch with a worker killed mid-batch: every e-mail exactly once after the restart;
#   3. across the nodes (.ci/prod_stack_nodes.py journey): an original uploaded on one and downloaded on the
#      other, an import and a register PDF job started on one and followed on the other;
#   4. a node killed (SIGKILL) under load through HAProxy: only requests in flight may fail;
#   5. the beat that sends stops: the idle one takes over; metrics, health, JSON logs with request ids;
#   6. the workers killed (SIGKILL) during a register PDF job and during an import: with the heartbeat
#      sweep 5.5 minutes ahead (simulated) both end failed with "Chạy lại", which then finishes; "Hủy"
#      ends a third, stuck one at once (.ci/prod_stack_faults.py).
#   7. PostgreSQL restarted during a digest batch, on a private cluster (.ci/prod_stack_mail_restart.py);
#   8. Redis stopped while a regulation and a meeting are saved, on a third web node whose cache and broker
#      are a private Redis: both saved, the dashboard answers, its figures equal a full recount after
#      Redis returns (.ci/prod_stack_redis_outage.py).
# Own database (portal_prodstack), Redis db 9, ports 18500-18541. Fails loudly; always cleans up.
#
# Each process is started and stopped by the functions below (start_web N, stop_proc NAME [SIGNAL],
# start_worker N, start_beat N, ...), each in a process group of its own, so a later step can kill or
# restart any of them (fault injection: a worker during a job, Redis, PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
PROXY_PORT=${PROD_STACK_PORT:-18500}
WEB_PORTS=([1]=$((PROXY_PORT + 1)) [2]=$((PROXY_PORT + 2)))
SMTP_PORT=${PROD_STACK_SMTP_PORT:-18525}
S3_PORT=${PROD_STACK_S3_PORT:-18530}
DB=${PROD_STACK_DB:-portal_prodstack}
PG=${PROD_STACK_PG:-postgres://postgres@127.0.0.1:5432}
REDIS_DB=${PROD_STACK_REDIS_DB:-9}
BATCH=${PROD_STACK_BATCH:-40}
REDIS8_PORT=$((PROXY_PORT + 41))
work=$(mktemp -d)
declare -A PIDS=()
log() { printf '\n== %s (%s s)\n' "$*" "$SECONDS"; }
fail() {
  echo "PROD STACK FAILED: $*" >&2
  for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 30 "$f" >&2; done
  exit 1
}

# ---------------------------------------------------------------------------------------- processes
# start_proc NAME COMMAND...: in the background, in a process group of its own (setsid), output in
# $work/NAME.log; PIDS[NAME] is its pid and process group id.
start_proc() {
  local name=$1
  shift
  setsid "$@" >>"$work/$name.log" 2>&1 &
  PIDS[$name]=$!
  disown "$!" # its end (often a kill) is ours to check, not bash's to report
}
# stop_proc NAME [SIGNAL]: the whole group (gunicorn's master and workers, celery's pool); TERM waits up
# to 20 s for a clean stop, then KILL.
stop_proc() {
  local name=$1 sig=${2:-TERM} pid=${PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  kill "-$sig" -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  unset "PIDS[$name]"
}
cleanup() {
  if [ -f "$work/pgmail/data/postmaster.pid" ]; then # step 6's private cluster, if the step was cut short
    su postgres -c "$(ls -d /usr/lib/postgresql/*/bin | tail -1)/pg_ctl -D $work/pgmail/data -m immediate stop" \
      >/dev/null 2>&1 || true
  fi
  for name in "${!PIDS[@]}"; do kill -KILL -- "-${PIDS[$name]}" 2>/dev/null || true; done
  redis-cli -p "$REDIS8_PORT" shutdown nosave >/dev/null 2>&1 || true # step 8's private Redis
  redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

http_ok() { "$PY" -c "import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], headers={'X-Forwarded-Proto': 'https'}), timeout=5)" "$1" 2>/dev/null; }
wait_http() { # URL [SECONDS]
  for _ in $(seq 1 $((${2:-60} * 2))); do http_ok "$1" && return 0; sleep 0.5; done
  return 1
}
wait_log() { # NAME TEXT [SECONDS]
  for _ in $(seq 1 $((${3:-30} * 2))); do grep -q -- "$2" "$work/$1.log" 2>/dev/null && return 0; sleep 0.5; done
  return 1
}

export DJANGO_SETTINGS_MODULE=portal.settings.production
export SECRET_KEY="prod-stack-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="$PG/$DB" REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export STATIC_ROOT="$work/static" PORTAL_BASE_URL="http://127.0.0.1:$PROXY_PORT"
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
export MEDIA_STORAGE=s3 MEDIA_ROOT="$work/no-media-on-disk" AWS_STORAGE_BUCKET_NAME=portal-media
export AWS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_S3_REGION_NAME=us-east-1
export AWS_ACCESS_KEY_ID=prodstack AWS_SECRET_ACCESS_KEY=prodstack-secret-key
export METRICS_TOKEN="metrics-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export IMPORTS_ASYNC_ROWS=50 # the two-node journey's import of 210 rows runs on a worker
export PATH="$PWD/$BIN:$PATH"
manage() { "$PY" manage.py "$@"; }
# The compose file's commands, with the container's address swapped for a local port.
compose_cmd() {
  "$PY" - "$1" <<'PYEOF'
import sys, yaml
command = yaml.safe_load(open("docker-compose.yml"))["services"][sys.argv[1]]["command"]
command = " ".join(command) if isinstance(command, list) else command
print(" ".join(command.split()))
PYEOF
}
web_cmd=$(compose_cmd web | sed -E 's/.*exec (gunicorn.*)"?$/\1/; s/"$//')
worker_cmd=$(compose_cmd celeryworker)
beat_cmd=$(compose_cmd celerybeat)
[[ $web_cmd == gunicorn*0.0.0.0:8000* && $worker_cmd == celery* && $beat_cmd == celery*beat* ]] \
  || fail "could not read the compose commands"
grep -q "portal.gunicorn_logging.RedactingLogger" <<<"$web_cmd" || fail "gunicorn without the redacting access log"

start_web() { # N: a web node on WEB_PORTS[N], its own metrics folder
  # shellcheck disable=SC2086
  start_proc "web$1" env NODE_NAME="web$1" PROMETHEUS_MULTIPROC_DIR="$work/metrics-web$1" \
    ${web_cmd/0.0.0.0:8000/127.0.0.1:${WEB_PORTS[$1]}}
}
start_worker() { # N
  # shellcheck disable=SC2086
  start_proc "worker$1" env NODE_NAME="worker$1" $worker_cmd --hostname "prodstack-$1@%h"
}
start_beat() { # N
  # shellcheck disable=SC2086
  start_proc "beat$1" env NODE_NAME="beat$1" ${beat_cmd//\/tmp\/celerybeat-schedule/$work/celerybeat-schedule-$1}
}
start_smtp() { start_proc smtp "$PY" .ci/smtp_sink.py "$SMTP_PORT" "$work/mail" 0.25; }
start_s3() {
  start_proc s3 "$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT"
  for _ in $(seq 1 60); do
    "$PY" -c "import boto3, os; boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL']).list_buckets()" \
      2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
start_haproxy() {
  cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 1000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  # A request that finds a node gone is sent to the other; a GET also when the node died while answering.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
frontend portal
  bind 127.0.0.1:$PROXY_PORT
  # TLS ends here in a deployment ("bind :443 ssl crt ..."); the portal then sees https.
  http-request set-header X-Forwarded-Proto https
  unique-id-format %[uuid()]
  unique-id-header X-Request-ID
  http-request deny if { path_beg /metrics }
  http-request disable-l7-retry if !METH_GET !METH_HEAD
  http-response set-header X-Served-By %s
  default_backend web
backend web
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  server web1 127.0.0.1:${WEB_PORTS[1]} check
  server web2 127.0.0.1:${WEB_PORTS[2]} check
EOF
  haproxy -c -q -f "$work/haproxy.cfg" || return 1
  start_proc haproxy haproxy -db -f "$work/haproxy.cfg"
}

# ------------------------------------------------------------------------------------------ the stack
log "database $DB, Redis db $REDIS_DB, S3 bucket on 127.0.0.1:$S3_PORT"
psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
redis-cli -n "$REDIS_DB" flushdb >/dev/null
start_s3 || fail "moto's S3 server did not start"
"$PY" -c "import boto3, os; boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL']).create_bucket(Bucket=os.environ['AWS_STORAGE_BUCKET_NAME'])"
manage check --deploy --fail-level WARNING >/dev/null || fail "check --deploy"
manage collectstatic --no-input -v0 & collectstatic=$! # CPU-bound (compression), beside the database work
manage migrate --no-input -v0
manage load_demo >/dev/null
wait "$collectstatic" || fail "collectstatic"
ids=$(manage shell -v0 -c "
import json
from accounts.models import User
from portal import access
staff = User.objects.get(username='chuyenvien.khanhson')
partner = access.agencies(staff).exclude(pk=staff.agency_id).exclude(kind='procuracy').order_by('pk').first()
print(json.dumps({'host': staff.agency_id, 'partner': partner.pk, 'host_code': staff.agency.code, 'partner_code': partner.code}))")

log "SMTP sink, two gunicorn nodes, two workers, two beats, HAProxy on $PROXY_PORT"
start_smtp
start_web 1
start_web 2
start_worker 1
start_worker 2
start_beat 1
wait_log beat1 "this beat sends the periodic tasks" || fail "the first beat did not take the lock"
start_beat 2
for n in 1 2; do wait_http "http://127.0.0.1:${WEB_PORTS[$n]}/readyz" 90 || fail "web node $n is not ready"; done
start_haproxy || fail "haproxy"
wait_http "http://127.0.0.1:$PROXY_PORT/dang-nhap/" || fail "HAProxy did not answer"
wait_log beat2 "idles and takes over" || fail "the second beat did not say it idles"

# Only the batch below is to get e-mail. Switched off before the journeys: their regulations may fall
# due today (it depends on the hour in Vietnam), and a save then mails the staff member at once.
manage shell -v0 -c "from accounts.models import User; User.objects.update(email_notifications=False)" \
  || fail "switch off e-mail for the demo users"

log "1. HTTP journey on one node: login, regulation with an original, meeting, minutes issued, PDF"
facts=$("$PY" .ci/prod_stack_http.py "http://127.0.0.1:${WEB_PORTS[1]}" chuyenvien.khanhson vanthu.khanhson demo-VKS-2026 "$ids") \
  || fail "HTTP journey"
echo "$facts"
number=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["regulation"])' "$facts")
http_ok "http://127.0.0.1:$PROXY_PORT/static/css/portal.css" || fail "static files"

log "2. a reminder for the new regulation reaches $BATCH + staff by e-mail; a worker is killed mid-batch"
due=$(manage shell -v0 -c "
from accounts.models import Role, User
from regulations.models import Regulation
reg = Regulation.objects.get(number='$number')
staff = User.objects.get(username='chuyenvien.khanhson')
User.objects.update(email_notifications=False)  # only the batch below gets e-mail
for i in range($BATCH):
    user, _ = User.objects.get_or_create(username=f'ci.batch{i}', defaults={
        'agency': staff.agency, 'role': Role.STAFF, 'email': f'ci.batch{i}@vks.local', 'full_name': f'Cán bộ {i}'})
print(reg.next_review_due.isoformat())")
scan_day=$("$PY" -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) - datetime.timedelta(days=7))" "$due")
manage scan_reminders --now "${scan_day}T07:00+07:00" || fail "scan_reminders"
count() { grep -l -- "$number" "$work"/mail/*.eml 2>/dev/null | wc -l; }
for _ in $(seq 1 240); do [ "$(count)" -ge 3 ] && break; sleep 0.25; done
[ "$(count)" -ge 3 ] || fail "no reminder e-mail arrived"
stop_proc worker1 KILL
before=$(count)
echo "worker 1 killed (SIGKILL) after $before of $BATCH e-mails"
[ "$before" -lt "$BATCH" ] || fail "the batch finished before the kill; nothing was tested"
sleep 2
start_worker 1
# What the 15-minute sweep does later: claims left by the dead worker go stale and are re-sent. The
# sweep is simulated an hour ahead, so it runs only once the live workers have gone quiet (a live send
# is never 10 minutes old in reality: tasks are killed after 5).
total() { find "$work/mail" -name '*.eml' | wc -l; }
settle() { local last=-1 now; for _ in $(seq 1 100); do now=$(total); [ "$now" = "$last" ] && return 0; last=$now; sleep 3; done; }
for round in 1 2 3 4 5; do
  settle
  [ "$(count)" -ge "$BATCH" ] && break
  manage shell -v0 -c "
import datetime
from django.utils import timezone
from notifications.delivery import resend_unsent
print('sweep re-enqueued', resend_unsent(timezone.now() + datetime.timedelta(hours=1)))"
done
sleep 3 # anything still in flight would show up as a duplicate now
"$PY" - "$work/mail" "$number" "$BATCH" <<'PYEOF' || fail "e-mails not delivered exactly once"
import collections, pathlib, sys
out, number, batch = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
per = collections.Counter()
for f in out.glob("*.eml"):
    text = f.read_text(errors="replace")
    if number in text:
        per[text.splitlines()[0].split(": ", 1)[1]] += 1
expected = {f"ci.batch{i}@vks.local" for i in range(batch)}
missing, twice = expected - set(per), {k: v for k, v in per.items() if v > 1}
print(f"{sum(per.values())} e-mails for {len(per)} recipients; missing {len(missing)}, duplicated {len(twice)}")
sys.exit(1 if missing or twice or set(per) - expected else 0)
PYEOF
manage shell -v0 -c "
from notifications.models import Reminder
left = Reminder.objects.filter(recipient__username__startswith='ci.batch').exclude(status='sent').count()
assert left == 0, f'{left} reminders not marked sent'"

log "3. across the nodes: upload on one, download on the other; jobs started on one, followed on the other"
manage shell -v0 -c "
import csv, json
from imports.columns import REGULATION_COLUMNS
ids = json.loads('''$ids''')
with open('$work/import.csv', 'w', newline='', encoding='utf-8') as out:
    writer = csv.writer(out)
    writer.writerow([c.header for c in REGULATION_COLUMNS])
    for n in range(210):
        row = {'number': f'{n:03d}/2023/QCPH-HAINUT', 'title': f'Quy chế phối hợp hai nút số {n}',
               'type': 'Quy chế phối hợp', 'host': ids['host_code'], 'parties': ids['partner_code'],
               'signed_on': f'{n % 27 + 1:02d}/03/2023', 'fields': 'Hình sự', 'review_interval_months': '12'}
        writer.writerow([row.get(c.key, '') for c in REGULATION_COLUMNS])"
nodes=$("$PY" .ci/prod_stack_nodes.py journey "http://127.0.0.1:${WEB_PORTS[1]}" "http://127.0.0.1:${WEB_PORTS[2]}" \
  chuyenvien.khanhson demo-VKS-2026 "$ids" "$work/import.csv") || fail "two-node journey"
echo "$nodes"
objects=$("$PY" -c "import boto3, os; print(boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL']).list_objects_v2(Bucket=os.environ['AWS_STORAGE_BUCKET_NAME'])['KeyCount'])")
[ "$objects" -ge 5 ] || fail "expected originals, the issued PDF, the import file and the register PDF in the bucket, found $objects objects"
[ -z "$(ls -A "$work/no-media-on-disk" 2>/dev/null)" ] || fail "a file was written to the local media folder"
request_id=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["import_request_id"])' "$nodes")
grep -h "\"request_id\": \"$request_id\"" "$work"/worker*.log | grep -q "import " \
  || fail "the worker's log of the import does not carry the upload's request id $request_id"
echo "bucket: $objects objects; the import task logged under the upload's request id $request_id"

log "4. web node 1 killed (SIGKILL) under load through HAProxy"
failover=$("$PY" .ci/prod_stack_nodes.py failover "http://127.0.0.1:$PROXY_PORT" chuyenvien.khanhson demo-VKS-2026 \
  "${PIDS[web1]}" "${PROD_STACK_FAILOVER_SECONDS:-12}") || fail "failover: $failover"
echo "$failover"
stop_proc web1 KILL # already dead: forget it
start_web 1
wait_http "http://127.0.0.1:${WEB_PORTS[1]}/readyz" 90 || fail "web node 1 did not come back"

log "5. one beat: the sending beat stops, the idle one takes over; health, metrics and logs"
grep -q "beat: Starting" "$work/beat1.log" || fail "celery beat did not start"
! grep -q "this beat sends the periodic tasks" "$work/beat2.log" || fail "two beats held the lock"
stop_proc beat1 TERM
wait_log beat2 "this beat sends the periodic tasks" 30 || fail "the idle beat did not take over"
ready=$("$PY" -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$PROXY_PORT/readyz', timeout=5).read().decode())")
grep -q '"status": "ok"' <<<"$ready" || fail "readyz through HAProxy: $ready"
code=$("$PY" -c "
import urllib.request as u, urllib.error as e
try: u.urlopen('http://127.0.0.1:$PROXY_PORT/metrics', timeout=5); print(200)
except e.HTTPError as x: print(x.code)")
[ "$code" = 403 ] || fail "/metrics answered $code through HAProxy (must be closed to the public)"
metrics=$("$PY" -c "
import os, urllib.request as u
r = u.Request('http://127.0.0.1:${WEB_PORTS[2]}/metrics', headers={'Authorization': 'Bearer ' + os.environ['METRICS_TOKEN']})
print(u.urlopen(r, timeout=10).read().decode())")
for name in 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="regulations:list"}' \
  django_db_execute_total portal_celery_queue_length portal_jobs_running portal_jobs_stuck portal_reminders_sent_total; do
  grep -qF "$name" <<<"$metrics" || fail "/metrics of web2 has no $name"
done
"$PY" - "$work" <<'PYEOF' || fail "logs are not one JSON object per line"
import json, pathlib, sys
for name in ("web2", "worker2", "beat2"):
    lines = [l for l in (pathlib.Path(sys.argv[1]) / f"{name}.log").read_text().splitlines() if l.startswith("{")]
    assert lines, f"no JSON line in {name}.log"
    for line in lines:
        record = json.loads(line)
        assert {"time", "level", "logger", "message", "node"} <= set(record), record
print("JSON logs: web, worker and beat")
PYEOF
log "6. workers killed (SIGKILL) during a register PDF job and an import; the sweep; Hủy on a stuck job"
kill_workers() {
  stop_proc worker1 KILL
  stop_proc worker2 KILL
  start_worker 1
  start_worker 2
}
faults() { "$PY" .ci/prod_stack_faults.py "$1" "http://127.0.0.1:$PROXY_PORT" chuyenvien.khanhson demo-VKS-2026 "${@:2}"; }
manage shell -v0 -c "
import csv, json
from imports.columns import REGULATION_COLUMNS
ids = json.loads('''$ids''')
with open('$work/import-killed.csv', 'w', newline='', encoding='utf-8') as out:
    writer = csv.writer(out)
    writer.writerow([c.header for c in REGULATION_COLUMNS])
    for n in range(2000):  # the import is killed while it checks them again (before its writes, in bulk)
        row = {'number': f'{n:04d}/2024/QCPH-GIET', 'title': f'Quy chế phối hợp nhập khi worker bị dừng số {n}',
               'type': 'Quy chế phối hợp', 'host': ids['host_code'], 'parties': ids['partner_code'],
               'signed_on': f'{n % 27 + 1:02d}/04/2024', 'fields': 'Hình sự', 'review_interval_months': '12'}
        writer.writerow([row.get(c.key, '') for c in REGULATION_COLUMNS])"
register_job=$(faults register) || fail "register job before the kill: $register_job"
kill_workers
import_job=$(faults import "$work/import-killed.csv") || fail "import before the kill: $import_job"
kill_workers
stuck_job=$(faults register) || fail "second register job before the kill: $stuck_job"
kill_workers
echo "killed the workers during register job $register_job, import $import_job and register job $stuck_job"
faults cancel register "$stuck_job" || fail "Hủy on the stuck register job"
# The real beat sweeps every minute; the sweep below runs as it would 5.5 minutes from now (the
# heartbeats of the killed jobs are then older than JOBS_HEARTBEAT_STALE_SECONDS).
swept=$(manage shell -v0 -c "
import datetime
from django.utils import timezone
from portal import jobs
print(jobs.sweep(), jobs.sweep(timezone.now() + datetime.timedelta(minutes=5, seconds=30)))")
echo "jobs failed by the sweep now and at +5.5 min: $swept"
faults ended register "$register_job" || fail "the killed register job did not end failed"
faults ended import "$import_job" || fail "the killed import did not end failed"
manage shell -v0 -c "
from regulations.models import Regulation
assert not Regulation.objects.filter(number__endswith='/2024/QCPH-GIET').exists(), 'the killed import left rows'" \
  || fail "the killed import left rows"
manage shell -v0 -c "
from regulations.models import RegisterJob
assert RegisterJob.objects.get(pk=$stuck_job).state == 'cancelled', 'the sweep changed the cancelled job'" \
  || fail "the cancelled job did not stay cancelled"
faults rerun "$register_job" || fail "Chạy lại of the killed register job"

log "7. PostgreSQL restarted during a digest batch (a private cluster on port 18540: 5432 is shared)"
"$PY" .ci/prod_stack_mail_restart.py "$work/pgmail" "${PROD_STACK_MAIL_DIGESTS:-300}" 18540 \
  || fail "mail after a PostgreSQL restart"

log "8. Redis stopped while a regulation and a meeting are saved (a private Redis on $REDIS8_PORT: 6379 is shared)"
start_proc redis8 redis-server --bind 127.0.0.1 --port "$REDIS8_PORT" --save "" --appendonly no
for _ in $(seq 1 50); do [ "$(redis-cli -p "$REDIS8_PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done
# shellcheck disable=SC2086
start_proc web8 env NODE_NAME=web8 PROMETHEUS_MULTIPROC_DIR="$work/metrics-web8" REDIS_URL="redis://127.0.0.1:$REDIS8_PORT/0" \
  ${web_cmd/0.0.0.0:8000/127.0.0.1:$((PROXY_PORT + 8))}
wait_http "http://127.0.0.1:$((PROXY_PORT + 8))/readyz" 90 || fail "web node 8 is not ready"
PY="$PY" "$PY" .ci/prod_stack_redis_outage.py "http://127.0.0.1:$((PROXY_PORT + 8))" chuyenvien.khanhson demo-VKS-2026 \
  "$ids" "$REDIS8_PORT" || fail "saves while Redis is down"
stop_proc web8

log "production stack: OK"
