#!/usr/bin/env bash
# `stroma export --format fhir` beside `stroma export --format csv` on the same SQLite demo registry (issue #17):
# wall time and peak RSS of the whole process (/usr/bin/time -v), alternated A B A B so that a change in the machine's
# load falls on both formats. The registry is made once and reused.
# usage: bench/export/run.sh [PATIENTS=100000] [ROUNDS=2]
# Work files go to ${WORK:-/tmp/fhirq-bench}: the registry registry-PATIENTS.db, the CLI in bin/, outputs and logs.
set -euo pipefail
PATIENTS=${1:-100000}
ROUNDS=${2:-2}
WORK=${WORK:-/tmp/fhirq-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
if [ ! -x "$WORK/bin/stroma" ]; then
  dotnet build "$ROOT/src/Stroma.Cli" -c Release > "$WORK/build.log"
  cp -r "$ROOT/src/Stroma.Cli/bin/Release/net10.0" "$WORK/bin"
fi
STROMA="$WORK/bin/stroma"

DB="$WORK/registry-$PATIENTS.db"
if [ ! -f "$DB" ]; then
  /usr/bin/time -v "$STROMA" demo --patients "$PATIENTS" --seed 7 --database "$DB" > "$WORK/demo-$PATIENTS.log" 2>&1
  grep -E "Elapsed|Maximum resident" "$WORK/demo-$PATIENTS.log"
fi
"$STROMA" db migrate --database "$DB" > /dev/null

run() { # $1 = format, $2 = round
  local out="$WORK/out-$1"
  rm -rf "$out"
  echo "== $1 round $2, $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -v "$STROMA" export --format "$1" "$out" --database "$DB" > "$WORK/export-$PATIENTS-$1-$2.out" 2> "$WORK/export-$PATIENTS-$1-$2.log"
  grep -E "Elapsed|Maximum resident|User time|System time" "$WORK/export-$PATIENTS-$1-$2.log"
  echo "   output: $(du -sh "$out" | cut -f1), $(ls "$out" | wc -l) files; load after $(cut -d' ' -f1-3 /proc/loadavg)"
}

for round in $(seq 1 "$ROUNDS"); do
  run fhir "$round"
  run csv "$round"
done
cat "$WORK/export-$PATIENTS-fhir-1.out"
