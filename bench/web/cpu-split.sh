#!/usr/bin/env bash
# CPU per request of one workload, split between the web process and the PostgreSQL backends, read from /proc/PID/stat
# before and after a wrk run against a web app already running on $BASE (e.g. started by hand as bench/web/run.sh does).
# usage: bench/web/cpu-split.sh list.lua|timeline.lua [SECONDS=20] [CLIENTS=50]
# Needs: JAR (the cookie file of a signed-in session, as bench/web/run.sh leaves in $WORK/cookies.txt), IDS (patient ids,
# one a line, for timeline.lua), PAGES (for list.lua). Run it three times: the first runs include the JIT's warm-up.
set -euo pipefail
LUA=$1; SECONDS_=${2:-20}; CLIENTS=${3:-50}
BASE=${BASE:-http://127.0.0.1:5077}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ticks() { local t=0 s; for p in $(pgrep -f "$1" || true); do s=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + s)); done; echo "$t"; }
. "$ROOT/bench/lib/load-account.sh"
COOKIE=$(cookie_header)
web0=$(ticks "Stroma.Web --database"); pg0=$(ticks "postgres: ")
out=$(wrk -t2 -c"$CLIENTS" -d"${SECONDS_}s" --latency -H "Cookie: $COOKIE" -s "$ROOT/bench/web/$LUA" "$BASE")
web1=$(ticks "Stroma.Web --database"); pg1=$(ticks "postgres: ")
n=$(awk '/requests in/ {print $1}' <<<"$out")
hz=$(getconf CLK_TCK)
awk -v n="$n" -v w=$((web1 - web0)) -v p=$((pg1 - pg0)) -v hz="$hz" -v rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
  -v p99="$(awk '/ 99%/ {print $2}' <<<"$out")" \
  'BEGIN { printf "requests/s %s  p99 %s  web CPU %.2f ms/request  PostgreSQL CPU %.2f ms/request\n", rps, p99, 1000*w/hz/n, 1000*p/hz/n }'
