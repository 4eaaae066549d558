#!/usr/bin/env bash
# Two builds of the web app side by side on one registry (issue #19): A and B are git refs; each is published, then
# they are run alternately, A B A B ..., each time started fresh, warmed up and measured with cpu-split.sh (requests/s,
# p99, web and PostgreSQL CPU per request), so that a change is judged against the build before it in the same hour,
# not against figures of another day.
# usage: DATABASE='<PostgreSQL connection string of a registry>' bench/web/ab.sh REF_A REF_B [ROUNDS=2] [LUA=timeline.lua]
#   (a registry made earlier, e.g. the 10^5 one of bench/report; the bench account is added on the first run, as run.sh does).
# A_ENV / B_ENV: environment assignments for the web process of A / B (e.g. B_ENV='DOTNET_GCgen0size=0x4000000'), so
#   that a runtime setting can be judged the same way (A and B may then be the same ref).
# WARMUP (default 45s: the JIT takes over 45 s here to settle), SECONDS_ (default 20) and CLIENTS (default 50) tune it;
#   PAGES (default 2000, the list's pages at 10^5 patients; 20000 at 10^6) the pages list.lua picks from.
# Work files go to ${WORK:-/tmp/stroma-web-ab}.
set -euo pipefail
A=$1; B=$2; ROUNDS=${3:-2}; LUA=${4:-timeline.lua}
: "${DATABASE:?DATABASE: the connection string of a PostgreSQL registry}"
WORK=${WORK:-/tmp/stroma-web-ab}; PORT=${PORT:-5077}; BASE="http://127.0.0.1:$PORT"; export BASE
WARMUP=${WARMUP:-45s}; SECONDS_=${SECONDS_:-20}; CLIENTS=${CLIENTS:-50}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$WORK"

for ref in "$A" "$B"; do
  dir="$WORK/$ref"
  if [ ! -x "$dir/web/Stroma.Web" ]; then
    echo "== publish $ref"
    rm -rf "$dir/src"; git -C "$ROOT" worktree add -f -q "$dir/src" "$ref"
    dotnet publish "$dir/src/src/Stroma.Web" -c Release -o "$dir/web" > "$dir/publish.log"
    dotnet publish "$dir/src/src/Stroma.Cli" -c Release -o "$dir/cli" > "$dir/publish-cli.log"
    git -C "$ROOT" worktree remove --force "$dir/src"
  fi
done
"$WORK/$B/cli/stroma" db migrate --database "$DATABASE" > /dev/null
PGURL=$(echo "$DATABASE" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')
psql "$PGURL" -tAc "SELECT lower(id::text) FROM patients ORDER BY random() LIMIT 2000" > "$WORK/patient-ids.txt"
export IDS="$WORK/patient-ids.txt" PAGES=${PAGES:-2000} JAR="$WORK/cookies.txt"
PASSWORD="Bench-Load-2026"

run() {
  local ref=$1 envs=$2 web
  # shellcheck disable=SC2086
  (cd "$WORK/$ref/web" && exec env STROMA_ADMIN_PASSWORD="$PASSWORD" $envs ./Stroma.Web --database "$DATABASE" --admin bench --port "$PORT" \
    --Security:RateLimits:Enabled=false --Security:RequireMfaForRoles=) > "$WORK/web-$ref.log" 2>&1 &
  web=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$BASE/" && break; sleep 1; done
  . "$ROOT/bench/lib/load-account.sh"
  load_account bench "$PASSWORD" load "Load test" "$PASSWORD" > /dev/null
  local cookie; cookie=$(cookie_header)
  wrk -t2 -c"$CLIENTS" -d"$WARMUP" -H "Cookie: $cookie" -s "$ROOT/bench/web/$LUA" "$BASE" > /dev/null
  # A fresh session for the measured run: a browser keeps the cookie the app renews (at most once a minute), wrk
  # cannot, so a session older than a minute would have its cookie written anew on every request.
  sign_in load "$PASSWORD"
  echo "$ref${envs:+ [$envs]} ($LUA, load $(cut -d' ' -f1-3 /proc/loadavg)): $(bash "$ROOT/bench/web/cpu-split.sh" "$LUA" "$SECONDS_" "$CLIENTS")"
  kill "$web"; wait "$web" 2>/dev/null || true
}

echo "# $(date -u +%FT%TZ) A=$A ($(git -C "$ROOT" rev-parse --short "$A"))${A_ENV:+ [$A_ENV]} B=$B ($(git -C "$ROOT" rev-parse --short "$B"))${B_ENV:+ [$B_ENV]} $LUA, $CLIENTS clients, warm-up $WARMUP, ${SECONDS_} s measured"
for _ in $(seq 1 "$ROUNDS"); do
  run "$A" "${A_ENV:-}"
  run "$B" "${B_ENV:-}"
done
