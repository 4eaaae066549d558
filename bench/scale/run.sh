#!/usr/bin/env bash
# A national registry on the PostgreSQL hub (issue #22): generation, size, study report, audit verification, the
# web pages under load and the exports' memory, at PATIENTS patients with about 10 lab results each.
# usage: STROMA_BENCH_POSTGRES='Host=127.0.0.1;Port=55434;Username=postgres;Password=postgres;Database=postgres' \
#          bench/scale/run.sh [PATIENTS=1000000] [ANALYTES=urine_protein_24h,creatinine]
# The registry database (stroma_scale_PATIENTS, or PGNAME) is made once and reused. EXPORT_SECONDS (default 300) bounds
# each export: at 10^6 patients a whole export is tens of GB and hours, so the run samples its memory and rate over
# that window and removes the output (set EXPORT_SECONDS=0 to skip the exports). Work files: ${WORK:-/tmp/stroma-scale}.
# STROMA_BENCH_REPLICA (an admin connection string to a streaming replica of that server, made with
# `pg_basebackup -R -X stream`, see bench/README.md) adds the study report read from the replica (`--read-database`),
# alternated with the primary's (P R P R P R), and checks that the two reports are the same.
set -euo pipefail
PATIENTS=${1:-1000000}
ANALYTES=${2:-urine_protein_24h,creatinine}
WORK=${WORK:-/tmp/stroma-scale}
EXPORT_SECONDS=${EXPORT_SECONDS:-300}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${STROMA_BENCH_POSTGRES:?set STROMA_BENCH_POSTGRES to an admin connection string}"
mkdir -p "$WORK"
libpq() { echo "$1" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/'; }
NAME="${PGNAME:-stroma_scale_$PATIENTS}"
PG=$(echo "$STROMA_BENCH_POSTGRES" | sed "s/Database=[^;]*/Database=$NAME/")
ADMIN=$(libpq "$STROMA_BENCH_POSTGRES")
DBURL=$(libpq "$PG")

echo "== publish (Release, linux-x64 ReadyToRun, as released)"
dotnet publish "$ROOT/src/Stroma.Cli" -c Release -r linux-x64 -o "$WORK/bin" > "$WORK/publish.log"
STROMA="$WORK/bin/stroma"

if ! psql "$ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1; then
  echo "== generate $PATIENTS patients ($ANALYTES) into $NAME"
  psql "$ADMIN" -c "CREATE DATABASE $NAME"
  "$STROMA" db migrate --database "$PG"
  /usr/bin/time -f "demo: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    "$STROMA" demo --patients "$PATIENTS" --seed 7 --lab-analytes "$ANALYTES" --database "$PG"
  /usr/bin/time -f "vacuum analyze: %e s wall" psql "$DBURL" -qc "VACUUM ANALYZE"
fi
"$STROMA" db migrate --database "$PG"

echo "== size"
psql "$DBURL" -c "SELECT pg_size_pretty(pg_database_size(current_database())) AS database"
# Rows as the planner's estimate of the last ANALYZE (pg_class.reltuples): the statistics collector's live counts start
# again from 0 after a server stopped without a clean shutdown.
psql "$DBURL" -c "SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'
  ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 10"

if [ -z "${STROMA_BENCH_REPLICA:-}" ]; then
  echo "== study report (primary)"
  for round in 1 2; do
    /usr/bin/time -f "report json round $round: %e s wall, %U s user, %S s sys, %M KB max RSS" \
      "$STROMA" report study --protocol wang_2014 --format json --out "$WORK/report.json" --database "$PG" --timings 2>&1 | grep -E "report:|wall" || true
    uptime
  done
else
  REPLICA=$(echo "$STROMA_BENCH_REPLICA" | sed "s/Database=[^;]*/Database=$NAME/")
  echo "== study report, primary (P) and replica (R) alternated"
  psql "$(libpq "$REPLICA")" -tAc "SELECT 'replica in recovery: ' || pg_is_in_recovery()"
  for round in 1 2 3; do
    for side in P R; do
      read=(); [ "$side" = R ] && read=(--read-database "$REPLICA")
      /usr/bin/time -f "report json $side round $round: %e s wall, %U s user, %S s sys, %M KB max RSS" \
        "$STROMA" report study --protocol wang_2014 --format json --out "$WORK/report-$side.json" --database "$PG" "${read[@]}" 2>&1 \
        | grep -E "wall|replica|primary" || true
      uptime
    done
  done
  cmp "$WORK/report-P.json" "$WORK/report-R.json" && echo "the reports from the primary and the replica are the same"
  cp "$WORK/report-P.json" "$WORK/report.json"
fi
/usr/bin/time -f "report json --site S1: %e s wall, %U s user, %S s sys, %M KB max RSS" \
  "$STROMA" report study --protocol wang_2014 --site S1 --format json --out "$WORK/report-s1.json" --database "$PG" 2>&1 | grep -E "wall" || true

echo "== audit verify (the hash chain)"
/usr/bin/time -f "audit verify: %e s wall, %U s user, %S s sys, %M KB max RSS" "$STROMA" audit verify --database "$PG"

sample() { # $1 = label, $2 = output path; runs the rest for EXPORT_SECONDS, sampling RSS and output size each 30 s
  local label=$1 out=$2; shift 2
  "$@" & local pid=$!
  local t=0
  while kill -0 $pid 2>/dev/null && [ $t -lt "$EXPORT_SECONDS" ]; do
    sleep 30; t=$((t + 30))
    echo "$label t=${t}s rss=$(ps -o rss= -p $pid 2>/dev/null || echo gone) KB output=$(du -sm "$out" 2>/dev/null | cut -f1) MB"
  done
  kill $pid 2>/dev/null && echo "$label stopped after ${EXPORT_SECONDS}s (bounded run)" || echo "$label finished"
  wait $pid 2>/dev/null || true
  rm -rf "$out"
}
if [ "$EXPORT_SECONDS" -gt 0 ]; then
  echo "== exports, each bounded to ${EXPORT_SECONDS}s"
  sample fhir "$WORK/fhir" "$STROMA" export --format fhir "$WORK/fhir" --database "$PG"
  sample csv "$WORK/csv" "$STROMA" export --format csv "$WORK/csv" --database "$PG"
fi

echo "== web pages under load (bench/web/run.sh, 50 clients)"
DATABASE="$PG" WORK="$WORK/web" bash "$ROOT/bench/web/run.sh" "$PATIENTS" 30s 50
