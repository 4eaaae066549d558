#!/usr/bin/env bash
# Scores a generated file of N SLEDAI-2K assessments (default 10^6) through the Release CLI and reports
# lines/s and peak memory (max RSS). Usage: bash bench/score-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
out=bench/out; mkdir -p "$out"
dotnet build src/Stroma.Cli -c Release -v q --nologo >/dev/null
input="$out/sledai2k-$n.jsonl"
if [ ! -f "$input" ]; then
  python3 - "$n" "$input" <<'PY'
import json, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
keys = ["seizure","psychosis","organic_brain_syndrome","visual_disturbance","cranial_nerve_disorder","lupus_headache",
        "cerebrovascular_accident","vasculitis","arthritis","myositis","urinary_casts","hematuria","proteinuria","pyuria",
        "rash","alopecia","mucosal_ulcers","pleurisy","pericarditis","low_complement","increased_dna_binding","fever",
        "thrombocytopenia","leukopenia"]
rng = random.Random(42)
with open(path, "w") as f:
    for i in range(n):
        rec = {"id": f"v{i}"}
        for k in keys:
            rec[k] = rng.random() < 0.15
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")
PY
fi
for size in 100000 "$n"; do
  file="$input"
  if [ "$size" != "$n" ]; then file="$out/sledai2k-$size.jsonl"; head -n "$size" "$input" > "$file"; fi
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/maxrss" dotnet src/Stroma.Cli/bin/Release/net10.0/stroma.dll score sledai2k "$file" > "$out/scored.jsonl"
  end=$(date +%s.%N)
  lines=$(wc -l < "$out/scored.jsonl")
  awk -v n="$lines" -v s="$start" -v e="$end" -v rss="$(cat "$out/maxrss")" \
    'BEGIN { printf "%d lines in %.2f s: %.0f lines/s, peak RSS %.1f MiB\n", n, e - s, n / (e - s), rss / 1024 }'
done
