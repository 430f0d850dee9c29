#!/usr/bin/env bash
# The production stack as docker-compose.yml describes it, booted as processes on this machine (no
# Docker engine): migrate, collectstatic, gunicorn with the compose file's own command and production
# settings, one Celery worker, one beat, and a local SMTP sink. Then, over HTTP, a user's journey
# (.ci/prod_stack_http.py), a reminder e-mail, and a worker killed (SIGKILL) in the middle of a batch:
# every e-mail must arrive exactly once after the restart. Own database (portal_prodstack), Redis db 9.
# Fails loudly; always cleans up its processes, database and Redis db.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
PORT=${PROD_STACK_PORT:-18480}
SMTP_PORT=${PROD_STACK_SMTP_PORT:-18425}
DB=${PROD_STACK_DB:-portal_prodstack}
PG=${PROD_STACK_PG:-postgres://postgres@127.0.0.1:5432}
BATCH=${PROD_STACK_BATCH:-40}
work=$(mktemp -d)
pids=()
log() { printf '\n== %s\n' "$*"; }
fail() { echo "PROD STACK FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 40 "$f" >&2; done; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  redis-cli -n 9 flushdb >/dev/null 2>&1 || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=portal.settings.production
export SECRET_KEY="prod-stack-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="$PG/$DB" REDIS_URL=redis://127.0.0.1:6379/9
export MEDIA_ROOT="$work/media" STATIC_ROOT="$work/static" PORTAL_BASE_URL="http://127.0.0.1:$PORT"
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT=$SMTP_PORT
export PATH="$PWD/$BIN:$PATH"
manage() { "$PY" manage.py "$@"; }
http_ok() { "$PY" -c "import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], headers={'X-Forwarded-Proto': 'https'}), timeout=5)" "$1" 2>/dev/null; }
# The compose file's commands, with the container's address swapped for a local port.
compose_cmd() {
  "$PY" - "$1" <<'PYEOF'
import sys, yaml
command = yaml.safe_load(open("docker-compose.yml"))["services"][sys.argv[1]]["command"]
command = " ".join(command) if isinstance(command, list) else command
print(" ".join(command.split()))
PYEOF
}
web_cmd=$(compose_cmd web | sed -E 's/.*exec (gunicorn.*)"?$/\1/; s/"$//; s/0\.0\.0\.0:8000/127.0.0.1:'"$PORT"'/')
worker_cmd=$(compose_cmd celeryworker)
beat_cmd=$(compose_cmd celerybeat | sed -E "s#/tmp/celerybeat-schedule#$work/celerybeat-schedule#")
[[ $web_cmd == gunicorn* && $worker_cmd == celery* && $beat_cmd == celery*beat* ]] || fail "could not read the compose commands"

log "database $DB, Redis db 9"
psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
redis-cli -n 9 flushdb >/dev/null
manage check --deploy --fail-level WARNING >/dev/null || fail "check --deploy"
manage migrate --no-input -v0
manage collectstatic --no-input -v0
manage load_demo >/dev/null
ids=$(manage shell -v0 -c "
import json
from accounts.models import User
from portal import access
staff = User.objects.get(username='chuyenvien.khanhson')
partner = access.agencies(staff).exclude(pk=staff.agency_id).exclude(kind='procuracy').order_by('pk').first()
print(json.dumps({'host': staff.agency_id, 'partner': partner.pk}))")

log "SMTP sink, gunicorn ($web_cmd), worker, beat"
"$PY" .ci/smtp_sink.py "$SMTP_PORT" "$work/mail" 0.25 >"$work/smtp.log" 2>&1 & pids+=($!)
# shellcheck disable=SC2086
$web_cmd >"$work/web.log" 2>&1 & pids+=($!)
start_worker() { $worker_cmd --hostname "prodstack-$1@%h" >"$work/worker-$1.log" 2>&1 & worker=$!; pids+=($worker); }
start_worker 1
$beat_cmd >"$work/beat.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do
  http_ok "http://127.0.0.1:$PORT/dang-nhap/" && break
  sleep 1
done
http_ok "http://127.0.0.1:$PORT/dang-nhap/" || fail "gunicorn did not answer"
grep -q "portal.gunicorn_logging.RedactingLogger" <<<"$web_cmd" || fail "gunicorn without the redacting access log"

# Only the batch below is to get e-mail. Switched off before the journey: its regulation may fall due
# today (it depends on the hour in Vietnam), and its save then mails the staff member at once.
manage shell -v0 -c "from accounts.models import User; User.objects.update(email_notifications=False)" \
  || fail "switch off e-mail for the demo users"
log "HTTP journey: login, regulation with an original, meeting, minutes issued, PDF"
facts=$("$PY" .ci/prod_stack_http.py "http://127.0.0.1:$PORT" chuyenvien.khanhson vanthu.khanhson demo-VKS-2026 "$ids") \
  || fail "HTTP journey"
echo "$facts"
number=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["regulation"])' "$facts")
http_ok "http://127.0.0.1:$PORT/static/css/portal.css" || fail "static files"

log "a reminder for the new regulation reaches $BATCH + staff by e-mail; the worker is killed mid-batch"
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
kill -9 "$worker"
before=$(count)
echo "worker killed (SIGKILL) after $before of $BATCH e-mails"
[ "$before" -lt "$BATCH" ] || fail "the batch finished before the kill; nothing was tested"
sleep 2
start_worker 2
# What the 15-minute sweep does later: claims left by the dead worker go stale and are re-sent. The
# sweep is simulated an hour ahead, so it runs only once the live worker has gone quiet (a live send
# is never 10 minutes old in reality: tasks are killed after 5).
total() { find "$work/mail" -name '*.eml' | wc -l; }
settle() { local last=-1 now; for _ in $(seq 1 100); do now=$(total); [ "$now" = "$last" ] && return 0; last=$now; sleep 3; done; }
for round in 1 2 3 4 5; do
  settle
  [ "$(count)" -ge "$BATCH" ] && break
  manage shell -v0 -c "
import datetime
from django.utils import timezone
from notifications.services import resend_unsent
print('sweep re-enqueued', resend_unsent(timezone.now() + datetime.timedelta(hours=1)))"
done
sleep 3  # anything still in flight would show up as a duplicate now
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
grep -q "beat: Starting" "$work/beat.log" || fail "celery beat did not start"
log "production stack: OK ($SECONDS s)"
