#!/usr/bin/env bash
# The power budget at half power (docs/POWER.md section 3.7): Both
# (learnable circuits, eps 0.1, default training); every run learns
# unconstrained, is evaluated, then holds half of that design's expected
# power (pnc train --power-budget-fraction 0.5). One run per process
# (--jobs 1), seeds outer, datasets inner, so that two instances with
# different dataset lists share two cores and any stop leaves whole seeds.
# Seed 0's constrained designs are saved to OUT/designs/budget-<dataset>.pnsd.
#   scripts/power-budget-check.sh OUT train "SEEDS" "DATASETS"
#       -> OUT/runs/<dataset>-s<seed>.json
#   scripts/power-budget-check.sh OUT spice [MC]
#       -> OUT/verify/<dataset>.json: pnc verify --mc MC (default 5) --jobs 1
#          --json of every saved design
#   scripts/power-budget-check.sh OUT table [REFERENCE.csv]
#       -> OUT/results.csv, OUT/table.md (scripts/power-budget-table.py)
# Outputs that exist are skipped (a rerun resumes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
usage="usage: power-budget-check.sh OUT train SEEDS DATASETS | OUT spice [MC] | OUT table [REF.csv]"
out=${1:?$usage}
mode=${2:?$usage}
mkdir -p "$out/runs" "$out/designs" "$out/verify"
case $mode in
  train)
    seeds=${3:?$usage}
    datasets=${4:?$usage}
    for s in $seeds; do
      for d in $datasets; do
        f="$out/runs/$d-s$s.json"
        [ -f "$f" ] && continue
        save=()
        [ "$s" = 0 ] && save=(--save "$out/designs/budget-$d.pnsd")
        "$PNC" train --dataset "$d" --seeds "$s" --power-budget-fraction 0.5 --jobs 1 --quiet \
          --out "$f" "${save[@]}" 2> "$out/runs/$d-s$s.log"
      done
    done
    ;;
  spice)
    mc=${3:-5}
    for f in "$out"/designs/budget-*.pnsd; do
      [ -e "$f" ] || continue
      d=$(basename "$f" .pnsd); d=${d#budget-}
      [ -s "$out/verify/$d.json" ] && continue
      if "$PNC" verify "$f" --mc "$mc" --jobs 1 --json > "$out/verify/$d.json.part" \
          2> "$out/verify/$d.log"; then
        mv "$out/verify/$d.json.part" "$out/verify/$d.json"
      fi
    done
    ;;
  table)
    python3 "$root/scripts/power-budget-table.py" "$out" ${3:+"$3"}
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
