#!/usr/bin/env bash
# Side-by-side lab-import benchmark: `stroma import labs` vs the engines' own raw loaders on the same rows.
#   bench/data/run.sh [ROWS] [PATIENTS]          (defaults: 10000000 rows, 100000 patients)
# PostgreSQL half: set STROMA_BENCH_POSTGRES to an admin connection, e.g.
#   Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres;Database=postgres
# (a server as in .ci/run). Work files go to ${BENCH_DIR:-/tmp/stroma-bench} (about 25 GB at the peak for 10^7 rows on SQLite: the 10^5-patient registry is 4.9 GB
# before its labs, the CSV files 3.3 GB, the raw load's copy with its staging table and WAL 17 GB).
# BENCH_ENGINES=sqlite|postgres|both (default both); BENCH_REUSE=1 keeps base.db and the CSV files of a previous run;
# BENCH_KEEP=1 keeps the work files and the SQLite registry `stroma import labs` filled (stroma.db, for the export
# memory check); BENCH_STROMA=path uses an
# already built `stroma` (no build), so two halves can run at once from one build; BENCH_ROUNDS=N (default 2) runs
# the loaders alternately N times (raw, plain, stroma, raw, plain, stroma, ...: A B C A B C), each into a fresh copy.
# "plain" is the same rows loaded into a table with the same columns and no index, key or constraint (the floor:
# what storing the rows costs at all); "raw" loads them into the real `lab_results` with its indexes and foreign keys.
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
ROUNDS=${BENCH_ROUNDS:-2}
# row LABEL SECONDS...: one markdown row with the rounds, their mean and rows/s.
mean() { awk 'BEGIN { s = 0 } { for (i = 1; i <= NF; i++) { s += $i; n++ } } END { printf "%.1f", s / n }' <<<"$*"; }
row() { local label=$1; shift; local m; m=$(mean "$@"); echo "| $label | $* | $m | $(rate "$m") |"; }
echo "# $(date -u +%FT%TZ) rows=$ROWS patients=$PATIENTS cores=$(nproc) sqlite3=$(sqlite3 --version | cut -d' ' -f1)"

if [ "$REUSE" = 0 ]; then
  T "$S" demo --patients "$PATIENTS" --no-labs --seed 7 -d "$DIR/base.db" | sed 's/^/SQLite demo (no labs): s KB = /'
  python3 "$HERE/make-labs.py" "$DIR/base.db" "$ROWS" "$DIR"
  chmod 644 "$DIR"/*.csv
fi

if [ "$ENGINES" != postgres ]; then
echo "## SQLite"
sqlite3 "$DIR/base.db" ".schema lab_results" >/dev/null
raws=(); plains=(); ours=(); kbs=()
for r in $(seq 1 "$ROUNDS"); do
  # The previous round's registry goes first: beside the raw load's peak (the copy, the staging table and its WAL) the
  # two no longer fit on a disk with 25 GB free at 10^7 rows.
  rm -f "$DIR"/stroma.db*
  cp "$DIR/base.db" "$DIR/raw.db"
  # The shell's .import stores an empty CSV field as '' (not NULL): straight into lab_results, deleted_at = '' would
  # leave every row out of the partial report index (WHERE deleted_at IS NULL) and the raw loader would skip an index
  # stroma fills. So the rows go through a staging table and one INSERT ... SELECT that turns '' into NULL, with the
  # foreign keys enforced as stroma's connection enforces them (the shell's default is off).
  read -r s kb < <(T sqlite3 "$DIR/raw.db" "PRAGMA foreign_keys=ON" ".import --csv $DIR/raw.csv lab_stage" \
    "INSERT INTO lab_results ($(head -1 "$DIR/raw.csv")) SELECT $(head -1 "$DIR/raw.csv" | sed 's/\([a-z_]*\)/NULLIF(\1, '"''"')/g') FROM lab_stage" \
    "DROP TABLE lab_stage"); raws+=("$s")
  [ "$(sqlite3 "$DIR/raw.db" "SELECT count(*) FROM lab_results WHERE deleted_at IS NULL")" -ge "$ROWS" ] || { echo "raw load stored no NULLs" >&2; exit 1; }
  rm -f "$DIR"/raw.db*
  rm -f "$DIR"/plain.db*
  sqlite3 "$DIR/plain.db" "ATTACH '$DIR/base.db' AS src; CREATE TABLE lab_results AS SELECT * FROM src.lab_results WHERE 0;"
  read -r s kb < <(T sqlite3 "$DIR/plain.db" ".import --csv --skip 1 $DIR/raw.csv lab_results"); plains+=("$s")
  rm -f "$DIR"/plain.db*
  cp "$DIR/base.db" "$DIR/stroma.db"
  read -r s kb < <(T "$S" import labs "$DIR/labs.csv" -d "$DIR/stroma.db"); ours+=("$s"); kbs+=("$kb")
done
echo "| loader | seconds per round | mean s | rows/s |"
echo "|---|---|---|---|"
row "sqlite3 .import, then INSERT ... SELECT into lab_results (indexes, foreign keys enforced)" "${raws[@]}"
row "sqlite3 .import into a plain table (no index, no key)" "${plains[@]}"
row "stroma import labs into lab_results" "${ours[@]}"
echo "stroma vs .import into lab_results: $(ratio "$(mean "${ours[@]}")" "$(mean "${raws[@]}")")x (target >= 1.0); vs the plain table: $(ratio "$(mean "${ours[@]}")" "$(mean "${plains[@]}")")x (target >= 0.3); stroma max RSS KB per round: ${kbs[*]}"
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
  for d in stroma_bench_base stroma_bench_raw stroma_bench_plain stroma_bench_ours; do $P -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done
  $P -d postgres -c "CREATE DATABASE stroma_bench_base"
  "$S" db migrate -d "$(db stroma_bench_base)" >/dev/null
  T "$S" demo --patients "$PATIENTS" --no-labs --seed 7 -d "$(db stroma_bench_base)" | sed 's/^/demo (no labs): s KB = /'
  cols=$(head -1 "$DIR/raw.csv")
  raws=(); plains=(); ours=(); kbs=()
  for r in $(seq 1 "$ROUNDS"); do
    $P -d postgres -c "DROP DATABASE IF EXISTS stroma_bench_raw" -c "CREATE DATABASE stroma_bench_raw TEMPLATE stroma_bench_base"
    read -r s kb < <(T $P -d stroma_bench_raw -c "COPY lab_results ($cols) FROM '$DIR/raw.csv' (FORMAT csv, HEADER true)"); raws+=("$s")
    $P -d postgres -c "DROP DATABASE stroma_bench_raw"
    $P -d postgres -c "DROP DATABASE IF EXISTS stroma_bench_plain" -c "CREATE DATABASE stroma_bench_plain TEMPLATE stroma_bench_base"
    $P -d stroma_bench_plain -c "CREATE TABLE lab_plain (LIKE lab_results)"
    read -r s kb < <(T $P -d stroma_bench_plain -c "COPY lab_plain ($cols) FROM '$DIR/raw.csv' (FORMAT csv, HEADER true)"); plains+=("$s")
    $P -d postgres -c "DROP DATABASE stroma_bench_plain"
    $P -d postgres -c "DROP DATABASE IF EXISTS stroma_bench_ours WITH (FORCE)" -c "CREATE DATABASE stroma_bench_ours TEMPLATE stroma_bench_base"
    read -r s kb < <(T "$S" import labs "$DIR/labs.csv" -d "$(db stroma_bench_ours)"); ours+=("$s"); kbs+=("$kb")
  done
  echo "| loader | seconds per round | mean s | rows/s |"
  echo "|---|---|---|---|"
  row "COPY lab_results FROM file (CSV; indexes, foreign keys)" "${raws[@]}"
  row "COPY into a plain table (LIKE lab_results: no index, no key)" "${plains[@]}"
  row "stroma import labs into lab_results" "${ours[@]}"
  echo "stroma vs COPY into lab_results: $(ratio "$(mean "${ours[@]}")" "$(mean "${raws[@]}")")x (target >= 1.0); vs the plain table: $(ratio "$(mean "${ours[@]}")" "$(mean "${plains[@]}")")x (target >= 0.3); stroma max RSS KB per round: ${kbs[*]}"
  read -r again_s again_kb < <(T "$S" import labs "$DIR/labs.csv" -d "$(db stroma_bench_ours)")
  echo "re-import of the same file (all duplicates, nothing added): $again_s s, $again_kb KB"
  for d in stroma_bench_base stroma_bench_raw stroma_bench_plain stroma_bench_ours; do $P -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"; done
fi
[ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$DIR"
