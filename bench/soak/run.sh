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
(cd "$WORK/web" && STROMA_ADMIN_PASSWORD="$PASSWORD" exec ./Stroma.Web --database "$RUN_DB" --admin bench --port "$PORT") > "$WORK/web.log" 2>&1 &
WEB=$!
trap 'kill $WEB 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do curl -fs -o /dev/null "$BASE/" && break; sleep 1; done

# Make the bench account an investigator at every site through the admin pages (as bench/web/run.sh does).
JAR="$WORK/cookies.txt"; rm -f "$JAR"
token() { grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
T=$(curl -fs -c "$JAR" -b "$JAR" "$BASE/account/sign-in" | token)
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "__RequestVerificationToken=$T" \
  --data-urlencode "UserName=bench" --data-urlencode "Password=$PASSWORD" "$BASE/account/sign-in"
USER_PAGE=$(curl -fs -b "$JAR" "$BASE/admin/users" | grep -o 'href="/admin/users/[0-9a-f-]*">bench<' | sed 's/href="//; s/">bench<//')
PAGE=$(curl -fs -b "$JAR" "$BASE$USER_PAGE")
for SITE in $(echo "$PAGE" | grep -o '<option value="[0-9a-f-]\{36\}"' | sed 's/<option value="//; s/"//'); do
  T=$(curl -fs -b "$JAR" "$BASE$USER_PAGE" | token)
  curl -s -o /dev/null -b "$JAR" --data-urlencode "__RequestVerificationToken=$T" --data-urlencode "SiteId=$SITE" \
    --data-urlencode "Role=Investigator" "$BASE$USER_PAGE?handler=AddMembership"
done

echo "== soak: $USERS users, warm-up $WARMUP, then $DURATION (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
set +e
"$WORK/driver/Stroma.Soak" "$BASE" "$PASSWORD" "$WORK/patients.csv" "$WORK/visits.txt" "$WEB" "$USERS" "$(seconds "$DURATION")" "$(seconds "$WARMUP")" \
  | tee "$WORK/soak-$(date -u +%Y%m%dT%H%M%S).txt"
STATUS=${PIPESTATUS[0]}
set -e
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -0 "$WEB" 2>/dev/null || { echo "the web app is no longer running (see $WORK/web.log)" >&2; STATUS=1; }
exit "$STATUS"
