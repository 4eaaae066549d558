#!/usr/bin/env bash
# Side-by-side timing of Stroma and R on the same generated data, in the same run. From the repository root:
#   bench/stats/run.sh            (writes bench/out/stats/, prints the figures recorded in bench/stats/README.md)
set -euo pipefail
OUT=${OUT:-bench/out/stats}
mkdir -p "$OUT"
[ -f "$OUT/km.csv" ] || Rscript bench/stats/gen.R "$OUT"
dotnet build -c Release bench/stats/StatsBench -v q -nologo > /dev/null
dotnet build -c Release src/Stroma.Cli -v q -nologo > /dev/null
STROMA=src/Stroma.Cli/bin/Release/net10.0/stroma

echo "== in-process (median of 5, data already in memory)"
dotnet bench/stats/StatsBench/bin/Release/net10.0/StatsBench.dll "$OUT"
Rscript bench/stats/bench-r.R "$OUT"

# whole process from CSV: median wall time of 5 runs each
wall() { local runs=(); for i in 1 2 3 4 5; do local s=$(date +%s%N); "$@" > /dev/null; local e=$(date +%s%N); runs+=($(( (e - s) / 1000000 ))); done
         printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p; }
echo "== whole process from CSV, 10^6 rows (median of 5, ms)"
echo "stroma_whole_ms=$(wall $STROMA stats km "$OUT/km.csv" --time time --event status --group arm --format json)"
echo "rscript_whole_ms=$(wall Rscript bench/stats/km-whole.R "$OUT/km.csv")"
