#!/usr/bin/env bash
# The power budget at half power on the 13 datasets (docs/POWER.md section 3):
# Both (learnable circuits, eps 0.1, default training), every seed's run
# learns unconstrained, is evaluated, then holds half of that design's
# expected power (pnc train --power-budget-fraction 0.5). Seed 0's
# constrained designs are saved and verified in SPICE (pnc verify --mc MC).
# Writes OUT/seed0.json, OUT/seeds1-9.json, OUT/designs/budget-<dataset>.pnsd,
# OUT/verify/<dataset>.json, OUT/results.csv and OUT/table.md.
#   scripts/power-budget-check.sh OUT [JOBS] [MC]
# Steps whose output exists are skipped (a rerun resumes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
out=${1:?usage: power-budget-check.sh OUT [JOBS] [MC]}
jobs=${2:-2}
mc=${3:-5}
mkdir -p "$out/designs" "$out/verify"
if [ ! -f "$out/seed0.json" ]; then
  "$PNC" train --dataset all --seeds 0 --power-budget-fraction 0.5 --jobs "$jobs" --quiet \
    --out "$out/seed0.json" --save "$out/designs/budget.pnsd" 2> "$out/seed0.log"
fi
# SPICE on seed 0's designs (one job) while the other seeds train
(
  for f in "$out"/designs/budget-*.pnsd; do
    d=$(basename "$f" .pnsd); d=${d#budget-}
    [ -s "$out/verify/$d.json" ] && continue
    if "$PNC" verify "$f" --mc "$mc" --jobs 1 --json > "$out/verify/$d.json.part" \
        2> "$out/verify/$d.log"; then
      mv "$out/verify/$d.json.part" "$out/verify/$d.json"
    fi
  done
) &
spice=$!
if [ ! -f "$out/seeds1-9.json" ]; then
  "$PNC" train --dataset all --seeds 1-9 --power-budget-fraction 0.5 --jobs "$jobs" --quiet \
    --out "$out/seeds1-9.json" 2> "$out/seeds1-9.log"
fi
wait "$spice"
python3 "$root/scripts/power-budget-table.py" "$out"
