#!/usr/bin/env bash
# Times `stroma report study` over a generated registry on SQLite and PostgreSQL.
# usage: bench/report/run.sh [PATIENTS=100000] [SEED=7]
# needs: STROMA_BENCH_POSTGRES (an admin connection string, e.g. Host=127.0.0.1;Port=55435;Username=postgres;Password=postgres;Database=postgres)
#        for the PostgreSQL half; without it only SQLite runs. Work files go to ${WORK:-/tmp/stroma-report-bench}.
set -euo pipefail
PATIENTS=${1:-100000}
SEED=${2:-7}
WORK=${WORK:-/tmp/stroma-report-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
dotnet publish "$ROOT/src/Stroma.Cli" -c Release -r linux-x64 -o "$WORK/bin" > "$WORK/publish.log"   # ReadyToRun, as released
STROMA="$WORK/bin/stroma"

run_report() { # $1 = database, $2 = label
  for format in json html pdf; do
    /usr/bin/time -f "$2 $format: %e s wall, %U s user, %S s sys, %M KB max RSS" "$STROMA" report study --protocol wang_2014 --format $format \
      --out "$WORK/report-$2.$format" --database "$1" --timings 2>&1 | grep -E "report:|wall" || true
    uptime
  done
  /usr/bin/time -f "$2 json --site S1: %e s wall, %U s user, %S s sys, %M KB max RSS" "$STROMA" report study --site S1 --format json \
    --out "$WORK/report-$2-s1.json" --database "$1" 2>&1 | grep -E "report:|wall" || true
}

DB="$WORK/registry-$PATIENTS.db"
if [ ! -f "$DB" ]; then
  /usr/bin/time -f "sqlite demo: %e s wall" "$STROMA" demo --patients "$PATIENTS" --seed "$SEED" --database "$DB"
fi
"$STROMA" db migrate --database "$DB"   # a registry made by an older build gets IX_lab_results_report
run_report "$DB" sqlite

if [ -n "${STROMA_BENCH_POSTGRES:-}" ]; then
  NAME="${PGNAME:-stroma_report_bench_$PATIENTS}"   # PGNAME: reuse a registry database made earlier
  PG=$(echo "$STROMA_BENCH_POSTGRES" | sed "s/Database=[^;]*/Database=$NAME/")
  if ! psql "$(echo "$STROMA_BENCH_POSTGRES" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')" \
       -tAc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1; then
    psql "$(echo "$STROMA_BENCH_POSTGRES" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')" -c "CREATE DATABASE $NAME"
    "$STROMA" db migrate --database "$PG"
    /usr/bin/time -f "postgres demo: %e s wall" "$STROMA" demo --patients "$PATIENTS" --seed "$SEED" --database "$PG"
  fi
  "$STROMA" db migrate --database "$PG"
  psql "$(echo "$PG" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')" -c "VACUUM ANALYZE"
  run_report "$PG" postgres
fi
