#!/usr/bin/env bash
# Times `stroma checks run` over a generated registry (SQLite): issue #15 asks for 10^5 patients in under a minute.
# usage: bench/checks/run.sh [PATIENTS=100000] [SEED=7]
# Work files go to ${WORK:-/tmp/stroma-checks-bench}. No reference tool applies (no other program runs Stroma's checks),
# so the figure is a plain wall time, not a ratio.
set -euo pipefail
PATIENTS=${1:-100000}
SEED=${2:-7}
WORK=${WORK:-/tmp/stroma-checks-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
dotnet publish "$ROOT/src/Stroma.Cli" -c Release -r linux-x64 -o "$WORK/bin" > "$WORK/publish.log"   # ReadyToRun, as released
STROMA="$WORK/bin/stroma"
DB="$WORK/registry-$PATIENTS.db"
rm -f "$DB"
/usr/bin/time -f "demo: %e s wall" "$STROMA" demo --patients "$PATIENTS" --seed "$SEED" --database "$DB"
# The example checks protocol (docs/examples/protocol-checks.json) has Wang 2014's schedule; the throwaway registry's
# cohort is moved onto it with raw SQL (this bypasses the audit trail: never do this to a real registry).
"$STROMA" protocol define "$ROOT/docs/examples/protocol-checks.json" --database "$DB" --user bench > /dev/null
"$STROMA" protocol approve site_wang_2014_checks --version 1 --meaning approved --database "$DB" --user bench > /dev/null
sqlite3 "$DB" "UPDATE protocol_enrolments SET protocol_key = 'site_wang_2014_checks', protocol_version = '1' WHERE protocol_key = 'wang_2014';"
echo "enrolments on the checks protocol: $(sqlite3 "$DB" "SELECT count(*) FROM protocol_enrolments WHERE protocol_key = 'site_wang_2014_checks';")"
for run in first second; do
  /usr/bin/time -f "checks run ($run): %e s wall, %U s user, %S s sys, %M KB max RSS" "$STROMA" checks run --format json --database "$DB" --user bench \
    > "$WORK/findings-$run.json"
  grep -E '"(enrolments|queriesOpened)"' "$WORK/findings-$run.json"
  uptime
done
