#!/usr/bin/env bash
# Concurrent unrelated writes (issue #21): WRITERS shell loops each run COUNT `stroma ae` commands on their own patient
# at the same time, as separate processes (the Release build), on a fresh SQLite file and, when DATABASE_PG holds an
# admin connection string, on a fresh PostgreSQL database. Prints failures, wall time, commands/s and `stroma audit verify`.
# usage: bench/concurrency/run.sh [WRITERS=8] [COUNT=25]
# Work files go to ${WORK:-/tmp/stroma-concurrency-bench}.
set -euo pipefail
WRITERS=${1:-8}
COUNT=${2:-25}
WORK=${WORK:-/tmp/stroma-concurrency-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
# Onset today: an onset more than 7 days back is a late entry and needs a reason (RET002), which is not what is measured.
ONSET=$(date -u +%F)

echo "== publish (Release)"
dotnet publish "$ROOT/src/Stroma.Cli" -c Release -o "$WORK/cli" > "$WORK/publish-cli.log"
STROMA="$WORK/cli/stroma"

run() { # $1 label, $2 database, $3 command listing $WRITERS patient study ids
  local label=$1 db=$2 ids
  "$STROMA" demo --patients "$WRITERS" --seed 7 --database "$db" > /dev/null
  mapfile -t ids < <(eval "$3")
  rm -f "$WORK"/fail-*
  local start end
  start=$(date +%s.%N)
  for w in $(seq 0 $((WRITERS - 1))); do
    (
      for n in $(seq 1 "$COUNT"); do
        "$STROMA" ae "${ids[$w]}" --term Headache --onset "$ONSET" --grade 1 --relatedness not_related --outcome recovered \
          --database "$db" --user "coordinator$w" > /dev/null 2>> "$WORK/fail-$w" || echo "exit $?" >> "$WORK/fail-$w"
      done
    ) &
  done
  wait
  end=$(date +%s.%N)
  local total=$((WRITERS * COUNT)) failed
  failed=$(cat "$WORK"/fail-* | grep -c '^exit ' || true)
  echo "$label: $WRITERS writers x $COUNT commands = $total, failed $failed, $(echo "$end - $start" | bc) s," \
    "$(echo "scale=1; $total / ($end - $start)" | bc) commands/s"
  "$STROMA" audit verify --database "$db"
}

rm -f "$WORK/run.db"*
run "SQLite" "$WORK/run.db" "sqlite3 '$WORK/run.db' \"SELECT study_id FROM patients ORDER BY study_id LIMIT $WRITERS\""

if [ -n "${DATABASE_PG:-}" ]; then
  NAME="stroma_concurrency_$$"
  PGURL=$(echo "$DATABASE_PG" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/; s/Password=/password=/; s/Database=/dbname=/')
  psql "$PGURL" -qc "CREATE DATABASE $NAME"
  PGDB=$(echo "$DATABASE_PG" | sed "s/Database=[^;]*/Database=$NAME/")
  "$STROMA" db migrate --database "$PGDB" > /dev/null
  RUNURL=$(echo "$PGURL" | sed "s/dbname=[^ ]*/dbname=$NAME/")
  run "PostgreSQL" "$PGDB" "psql '$RUNURL' -tAc \"SELECT study_id FROM patients ORDER BY study_id LIMIT $WRITERS\""
  psql "$PGURL" -qc "DROP DATABASE $NAME WITH (FORCE)"
fi
