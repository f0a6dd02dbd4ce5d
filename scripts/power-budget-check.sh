#!/usr/bin/env bash
# The power budget at half power on the 13 datasets (docs/POWER.md section 3.7):
# Both (learnable circuits, eps 0.1, default training); every seed's run
# learns unconstrained, is evaluated, then holds half of that design's
# expected power (pnc train --power-budget-fraction 0.5). Seed 0's
# constrained designs are saved and verified in SPICE (pnc verify --mc MC,
# one job, while the other seeds train).
# Writes OUT/seed<S>.json (one file per seed), OUT/designs/budget-<dataset>.pnsd,
# OUT/verify/<dataset>.json, OUT/results.csv and OUT/table.md.
#   scripts/power-budget-check.sh OUT [JOBS] [MC] [SEEDS]
# SEEDS: e.g. "0 1 2" (default 0-9). Steps whose output exists are skipped
# (a rerun resumes); the tables cover the seeds done.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
out=${1:?usage: power-budget-check.sh OUT [JOBS] [MC] [SEEDS]}
jobs=${2:-2}
mc=${3:-5}
seeds=${4:-0 1 2 3 4 5 6 7 8 9}
mkdir -p "$out/designs" "$out/verify"
spice=
for s in $seeds; do
  if [ ! -f "$out/seed$s.json" ]; then
    save=()
    [ "$s" = 0 ] && save=(--save "$out/designs/budget.pnsd")
    "$PNC" train --dataset all --seeds "$s" --power-budget-fraction 0.5 --jobs "$jobs" --quiet \
      --out "$out/seed$s.json" "${save[@]}" 2> "$out/seed$s.log"
  fi
  if [ "$s" = 0 ]; then
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
  fi
  python3 "$root/scripts/power-budget-table.py" "$out" > /dev/null
done
[ -n "$spice" ] && wait "$spice"
python3 "$root/scripts/power-budget-table.py" "$out"
