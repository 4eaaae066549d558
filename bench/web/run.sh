#!/usr/bin/env bash
# Load test of the web app (issue #8): the patient list and the patient timeline over a generated registry,
# driven by wrk (Debian package `wrk`) with CLIENTS concurrent connections for DURATION each.
# usage: bench/web/run.sh [PATIENTS=100000] [DURATION=30s] [CLIENTS=50]
# DATABASE=<PostgreSQL connection string> runs it on PostgreSQL (a registry made earlier) instead of a SQLite copy.
# Work files go to ${WORK:-/tmp/stroma-web-bench}; the generated registry is kept there and reused.
set -euo pipefail
PATIENTS=${1:-100000}
DURATION=${2:-30s}
CLIENTS=${3:-50}
WORK=${WORK:-/tmp/stroma-web-bench}
PORT=${PORT:-5077}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$WORK"

echo "== publish (Release)"
dotnet publish "$ROOT/src/Stroma.Cli" -c Release -o "$WORK/cli" > "$WORK/publish-cli.log"
dotnet publish "$ROOT/src/Stroma.Web" -c Release -o "$WORK/web" > "$WORK/publish-web.log"

if [ -n "${DATABASE:-}" ]; then
  # PostgreSQL: DATABASE is the connection string of a registry of PATIENTS patients made earlier (e.g. by
  # bench/report/run.sh); it is used in place (the bench account and its memberships are added on the first run).
  RUN_DB="$DATABASE"
  "$WORK/cli/stroma" db migrate --database "$RUN_DB"
  PGURL=$(echo "$DATABASE" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')
  random_ids() { psql "$PGURL" -tAc "SELECT lower(id::text) FROM patients ORDER BY random() LIMIT 2000"; }
else
  DB="$WORK/registry-$PATIENTS.db"
  if [ ! -f "$DB" ]; then
    echo "== generate a registry of $PATIENTS patients"
    /usr/bin/time -f "demo: %e s" "$WORK/cli/stroma" demo --patients "$PATIENTS" --seed 7 --database "$DB"
  fi
  rm -f "$WORK/run.db"*; cp "$DB" "$WORK/run.db"
  RUN_DB="$WORK/run.db"
  random_ids() { sqlite3 "$RUN_DB" "SELECT lower(id) FROM patients ORDER BY random() LIMIT 2000;"; }
fi

echo "== start the web app on $BASE"
PASSWORD="Bench-Load-2026"
# A load test from one address and one account: no rate limits and no second factor (docs/security.md), as in bench/soak.
# Started from its publish folder: the content root (appsettings.json, wwwroot) is the working directory.
(cd "$WORK/web" && STROMA_ADMIN_PASSWORD="$PASSWORD" exec ./Stroma.Web --database "$RUN_DB" --admin bench --port "$PORT" \
  --Security:RateLimits:Enabled=false --Security:RequireMfaForRoles=) > "$WORK/web.log" 2>&1 &
WEB=$!
trap 'kill $WEB 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs -o /dev/null "$BASE/" && break; sleep 1; done

# The account the load uses (load), made by the administrator (bench/lib/load-account.sh); a second run finds it there.
JAR="$WORK/cookies.txt"
. "$ROOT/bench/lib/load-account.sh"
load_account bench "$PASSWORD" load "Load test" "$PASSWORD"
COOKIE=$(cookie_header)
[ -n "$COOKIE" ] || { echo "sign-in failed" >&2; exit 1; }

random_ids > "$WORK/patient-ids.txt"
# Each measured run starts from a fresh session (sign_in below): a browser keeps the cookie the app renews (at most once
# a minute), wrk cannot, so a session older than a minute would have its cookie written anew on every request.
# Warm-up, not measured: each workload for WARMUP (default 30s), so that the server is measured as it runs for days
# (the JIT has compiled the hot paths to optimised code, the patient list has been read once) rather than cold.
WARMUP=${WARMUP:-30s}
echo "== warm-up ($WARMUP each, not measured)"
PAGES=$((PATIENTS / 50)) wrk -t2 -c"$CLIENTS" -d"$WARMUP" -H "Cookie: $COOKIE" -s "$ROOT/bench/web/list.lua" "$BASE" > "$WORK/warmup-list.txt"
IDS="$WORK/patient-ids.txt" wrk -t2 -c"$CLIENTS" -d"$WARMUP" -H "Cookie: $COOKIE" -s "$ROOT/bench/web/timeline.lua" "$BASE" > "$WORK/warmup-timeline.txt"

echo "== wrk: patient list ($CLIENTS clients, $DURATION)"
sign_in load "$PASSWORD"; COOKIE=$(cookie_header)
PAGES=$((PATIENTS / 50)) wrk -t2 -c"$CLIENTS" -d"$DURATION" --latency -H "Cookie: $COOKIE" -s "$ROOT/bench/web/list.lua" "$BASE" | tee "$WORK/wrk-list.txt"
echo "== wrk: patient timeline ($CLIENTS clients, $DURATION)"
sign_in load "$PASSWORD"; COOKIE=$(cookie_header)
IDS="$WORK/patient-ids.txt" wrk -t2 -c"$CLIENTS" -d"$DURATION" --latency -H "Cookie: $COOKIE" -s "$ROOT/bench/web/timeline.lua" "$BASE" | tee "$WORK/wrk-timeline.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
