#!/usr/bin/env bash
# Soak test of the web app (issue #21): USERS signed-in sessions run a mix of reads and writes for DURATION against
# 127.0.0.1 (patient list and timeline, a lab result saved, an adverse event saved, a small lab import upload, a visit
# e-signature and its unlock, the study report page), driven by the small C# console Stroma.Soak (Program.cs here).
# Every response is checked (status, and for saves the page's own success marker); the web process's RSS is sampled
# every 10 s from /proc/PID/status. Prints a table per page (count, errors, p50, p99, max) and exits non-zero on any error.
# usage: bench/soak/run.sh [DURATION=10m] [USERS=50] [PATIENTS=2000]
# DATABASE=<PostgreSQL connection string of a server> runs it on PostgreSQL: the database named in it is dropped and
# made afresh (demo registry); otherwise a fresh copy of a SQLite demo registry. WARMUP (default 60s) is run first and
# kept out of the latency figures. Work files go to ${WORK:-/tmp/stroma-soak}.
set -euo pipefail
DURATION=${1:-10m}
USERS=${2:-50}
PATIENTS=${3:-2000}
WARMUP=${WARMUP:-60s}
WORK=${WORK:-/tmp/stroma-soak}
PORT=${PORT:-5091}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE="http://127.0.0.1:$PORT"
seconds() { case "$1" in *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
mkdir -p "$WORK"

echo "== publish (Release)"
if [ -z "${NO_PUBLISH:-}" ]; then
  dotnet publish "$ROOT/src/Stroma.Cli" -c Release -o "$WORK/cli" > "$WORK/publish-cli.log"
  dotnet publish "$ROOT/src/Stroma.Web" -c Release -o "$WORK/web" > "$WORK/publish-web.log"
  dotnet publish "$ROOT/bench/soak" -c Release -o "$WORK/driver" > "$WORK/publish-driver.log"
fi

if [ -n "${DATABASE:-}" ]; then
  DBNAME=$(echo "$DATABASE" | sed -n 's/.*Database=\([^;]*\).*/\1/p')
  [ -n "$DBNAME" ] && [ "$DBNAME" != postgres ] || { echo "DATABASE must name a database of its own (Database=...), not postgres" >&2; exit 2; }
  ADMINURL=$(echo "$DATABASE" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=[^ ]*/dbname=postgres/')
  PGURL=$(echo "$DATABASE" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')
  psql "$ADMINURL" -qc "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)" -c "CREATE DATABASE \"$DBNAME\""
  "$WORK/cli/stroma" db migrate --database "$DATABASE" > "$WORK/migrate-pg.log"
  echo "== demo registry of $PATIENTS patients on PostgreSQL ($DBNAME)"
  /usr/bin/time -f "demo: %e s" "$WORK/cli/stroma" demo --patients "$PATIENTS" --seed 7 --database "$DATABASE" > "$WORK/demo-pg.log"
  RUN_DB="$DATABASE"
  query() { psql "$PGURL" -tA -F, -c "$1"; }
else
  DB="$WORK/registry-$PATIENTS.db"
  if [ ! -f "$DB" ]; then
    echo "== demo registry of $PATIENTS patients (SQLite, kept in $WORK)"
    /usr/bin/time -f "demo: %e s" "$WORK/cli/stroma" demo --patients "$PATIENTS" --seed 7 --database "$DB" > "$WORK/demo.log"
  fi
  rm -f "$WORK/run.db"*; cp "$DB" "$WORK/run.db"
  RUN_DB="$WORK/run.db"
  query() { sqlite3 -separator , "$RUN_DB" "$1"; }
fi
query "SELECT lower(p.id::text), p.study_id, s.code FROM patients p JOIN sites s ON s.id = p.site_id ORDER BY p.study_id" 2>/dev/null > "$WORK/patients.csv" \
  || query "SELECT lower(p.id), p.study_id, s.code FROM patients p JOIN sites s ON s.id = p.site_id ORDER BY p.study_id" > "$WORK/patients.csv"
query "SELECT lower(id::text) FROM visits WHERE signed_at IS NULL ORDER BY id LIMIT 2000" 2>/dev/null > "$WORK/visits.txt" \
  || query "SELECT lower(id) FROM visits WHERE signed_at IS NULL ORDER BY id LIMIT 2000" > "$WORK/visits.txt"
echo "$(wc -l < "$WORK/patients.csv") patients, $(wc -l < "$WORK/visits.txt") unsigned visits for the signature cycle"

echo "== start the web app on $BASE"
PASSWORD="Bench-Soak-2026"
STAMP=$(date -u +%Y%m%dT%H%M%S)
# A load test from one address and one account: no rate limits and no second factor (docs/security.md), as in bench/web.
# STROMA_MEMORY_TRACE: the web app's opt-in memory trace (RSS, managed heap, SQLite, malloc) every 10 s, docs/operations.md.
(cd "$WORK/web" && STROMA_ADMIN_PASSWORD="$PASSWORD" STROMA_MEMORY_TRACE="$WORK/memory-$STAMP.csv" exec ./Stroma.Web --database "$RUN_DB" \
  --admin bench --port "$PORT" --Security:RateLimits:Enabled=false --Security:RequireMfaForRoles=) > "$WORK/web.log" 2>&1 &
WEB=$!
trap 'kill $WEB 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do curl -fs -o /dev/null "$BASE/" && break; sleep 1; done

# The account the sessions use (soak), made by the administrator (bench/lib/load-account.sh).
JAR="$WORK/cookies.txt"
. "$ROOT/bench/lib/load-account.sh"
load_account bench "$PASSWORD" soak "Soak test" "$PASSWORD"

echo "== soak: $USERS users, warm-up $WARMUP, then $DURATION (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
set +e
"$WORK/driver/Stroma.Soak" "$BASE" "$PASSWORD" "$WORK/patients.csv" "$WORK/visits.txt" "$WEB" "$USERS" "$(seconds "$DURATION")" "$(seconds "$WARMUP")" \
  | tee "$WORK/soak-$STAMP.txt"
STATUS=${PIPESTATUS[0]}
echo "memory trace: $WORK/memory-$STAMP.csv"
set -e
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$WEB" 2>/dev/null || { echo "the web app is no longer running (see $WORK/web.log)" >&2; STATUS=1; }
exit "$STATUS"
