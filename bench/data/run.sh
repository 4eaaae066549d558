#!/usr/bin/env bash
# Side-by-side lab-import benchmark: `stroma import labs` vs the engines' own raw loaders on the same rows.
#   bench/data/run.sh [ROWS] [PATIENTS]          (defaults: 10000000 rows, 100000 patients)
# PostgreSQL half: set STROMA_BENCH_POSTGRES to an admin connection, e.g.
#   Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres;Database=postgres
# (a server as in .ci/run). Work files go to ${BENCH_DIR:-/tmp/stroma-bench} (about 15 GB for 10^7 rows).
# BENCH_ENGINES=sqlite|postgres|both (default both); BENCH_REUSE=1 keeps base.db and the CSV files of a previous run;
# BENCH_KEEP=1 keeps the work files and the SQLite registry `stroma import labs` filled (stroma.db, for the export
# memory check); BENCH_TUNED=0 skips the extra `sqlite3 .import` with a 64 MiB page cache; BENCH_STROMA=path uses an
# already built `stroma` (no build), so two halves can run at once from one build.
set -euo pipefail
ROWS=${1:-10000000}; PATIENTS=${2:-100000}
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
DIR=${BENCH_DIR:-/tmp/stroma-bench}; ENGINES=${BENCH_ENGINES:-both}
if [ "${BENCH_REUSE:-}" != 1 ] || [ ! -f "$DIR/labs.csv" ]; then rm -rf "$DIR"; REUSE=0; else REUSE=1; fi
mkdir -p "$DIR"; chmod 755 "$DIR"
if [ -n "${BENCH_STROMA:-}" ]; then S=$BENCH_STROMA; else
  dotnet build "$ROOT/src/Stroma.Cli" -c Release -v q -nologo >/dev/null
  S="$ROOT/src/Stroma.Cli/bin/Release/net10.0/stroma"
fi
# T CMD...: prints "seconds max-RSS-KB"; the load average before and after each timed command goes to stderr.
T() { echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($*)" >&2; /usr/bin/time -f "%e %M" -o "$DIR/time.$$" "$@" >/dev/null
  echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >&2; cat "$DIR/time.$$"; }
rate() { awk -v r="$ROWS" -v s="$1" 'BEGIN { printf "%.0f", r / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
echo "# $(date -u +%FT%TZ) rows=$ROWS patients=$PATIENTS cores=$(nproc) sqlite3=$(sqlite3 --version | cut -d' ' -f1)"

if [ "$REUSE" = 0 ]; then
  T "$S" demo --patients "$PATIENTS" --no-labs --seed 7 -d "$DIR/base.db" | sed 's/^/SQLite demo (no labs): s KB = /'
  python3 "$HERE/make-labs.py" "$DIR/base.db" "$ROWS" "$DIR"
  chmod 644 "$DIR"/*.csv
fi

if [ "$ENGINES" != postgres ]; then
echo "## SQLite"
for x in raw stroma; do cp "$DIR/base.db" "$DIR/$x.db"; done
read -r raw_s raw_kb < <(T sqlite3 "$DIR/raw.db" ".import --csv --skip 1 $DIR/raw.csv lab_results")
rm -f "$DIR"/raw.db*
if [ "${BENCH_TUNED:-1}" != 0 ]; then
  cp "$DIR/base.db" "$DIR/tuned.db"
  read -r tuned_s tuned_kb < <(T sqlite3 "$DIR/tuned.db" "PRAGMA cache_size=-65536;" ".import --csv --skip 1 $DIR/raw.csv lab_results")
  rm -f "$DIR"/tuned.db*
fi
read -r ours_s ours_kb < <(T "$S" import labs "$DIR/labs.csv" -d "$DIR/stroma.db")
echo "| loader | seconds | rows/s | max RSS (KB) | stroma vs it |"
echo "|---|---|---|---|---|"
echo "| sqlite3 .import (defaults) | $raw_s | $(rate "$raw_s") | $raw_kb | $(ratio "$ours_s" "$raw_s")x |"
[ -z "${tuned_s:-}" ] || echo "| sqlite3 .import, cache_size 64 MiB | $tuned_s | $(rate "$tuned_s") | $tuned_kb | $(ratio "$ours_s" "$tuned_s")x |"
echo "| stroma import labs | $ours_s | $(rate "$ours_s") | $ours_kb | |"
read -r again_s again_kb < <(T "$S" import labs "$DIR/labs.csv" -d "$DIR/stroma.db")
echo "re-import of the same file (all duplicates, nothing added): $again_s s, $again_kb KB"
[ "${BENCH_KEEP:-}" = 1 ] || rm -f "$DIR"/stroma.db*
fi

if [ "$ENGINES" != sqlite ] && [ -n "${STROMA_BENCH_POSTGRES:-}" ]; then
  echo "## PostgreSQL"
  host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$STROMA_BENCH_POSTGRES"); port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$STROMA_BENCH_POSTGRES")
  user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$STROMA_BENCH_POSTGRES"); export PGPASSWORD=$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$STROMA_BENCH_POSTGRES")
  export PGOPTIONS="-c client_min_messages=warning"
  P="psql -h $host -p ${port:-5432} -U $user -q -v ON_ERROR_STOP=1"
  db() { sed "s/Database=[^;]*/Database=$1/" <<<"$STROMA_BENCH_POSTGRES"; }
  for d in stroma_bench_base stroma_bench_raw stroma_bench_ours; do $P -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done
  $P -d postgres -c "CREATE DATABASE stroma_bench_base"
  "$S" db migrate -d "$(db stroma_bench_base)" >/dev/null
  T "$S" demo --patients "$PATIENTS" --no-labs --seed 7 -d "$(db stroma_bench_base)" | sed 's/^/demo (no labs): s KB = /'
  $P -d postgres -c "CREATE DATABASE stroma_bench_raw TEMPLATE stroma_bench_base" -c "CREATE DATABASE stroma_bench_ours TEMPLATE stroma_bench_base"
  $P -d postgres -c "DROP DATABASE stroma_bench_base"
  cols=$(head -1 "$DIR/raw.csv")
  read -r raw_s raw_kb < <(T $P -d stroma_bench_raw -c "COPY lab_results ($cols) FROM '$DIR/raw.csv' (FORMAT csv, HEADER true)")
  $P -d postgres -c "DROP DATABASE stroma_bench_raw"
  read -r ours_s ours_kb < <(T "$S" import labs "$DIR/labs.csv" -d "$(db stroma_bench_ours)")
  echo "| loader | seconds | rows/s | max RSS (KB) | stroma vs it |"
  echo "|---|---|---|---|---|"
  echo "| COPY lab_results FROM file (CSV) | $raw_s | $(rate "$raw_s") | (server) | $(ratio "$ours_s" "$raw_s")x |"
  echo "| stroma import labs | $ours_s | $(rate "$ours_s") | $ours_kb | |"
  read -r again_s again_kb < <(T "$S" import labs "$DIR/labs.csv" -d "$(db stroma_bench_ours)")
  echo "re-import of the same file (all duplicates, nothing added): $again_s s, $again_kb KB"
  for d in stroma_bench_base stroma_bench_raw stroma_bench_ours; do $P -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done
fi
[ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$DIR"
