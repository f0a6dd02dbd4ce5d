#!/usr/bin/env bash
# The model's power against SPICE on every dataset's Both design
# (docs/POWER.md section 5): a short learnable-circuit training per dataset
# (eps 0.1, seed 0), then pnc verify --json (nominal and Monte Carlo power,
# model and SPICE). Writes OUT/<dataset>.pnsd, OUT/<dataset>.verify.json
# and OUT/table.md.
#   scripts/power-table.sh OUT [EPOCHS] [MC]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
out=${1:?usage: power-table.sh OUT [EPOCHS] [MC]}
epochs=${2:-500}
mc=${3:-10}
mkdir -p "$out"
datasets="acuteinflammation balancescale breastcancerwisc cardiotocography3clases energyy1
energyy2 iris mammographic pendigits seeds tictactoe vertebralcolumn2clases
vertebralcolumn3clases"
for d in $datasets; do
  [ -f "$out/$d.pnsd" ] || "$PNC" train --dataset "$d" --circuits learnable --epsilon 0.1 \
      --max-epochs "$epochs" --patience "$epochs" --jobs 1 --quiet --save "$out/$d.pnsd" \
      2> "$out/$d.train.log"
  m=$mc
  case $d in pendigits|cardiotocography3clases) m=3 ;; esac
  [ -f "$out/$d.verify.json" ] || "$PNC" verify "$out/$d.pnsd" --mc "$m" --jobs 2 --json \
      > "$out/$d.verify.json" 2> "$out/$d.verify.log"
done
python3 - "$out" $datasets <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
rows = ["| dataset | test examples | MC | model nominal (uW) | SPICE nominal (uW) | diff | model MC mean (uW) | SPICE MC mean (uW) | diff |",
        "|---|---|---|---|---|---|---|---|---|"]
worst = 0
for n in names:
    j = json.load(open(f"{out}/{n}.verify.json"))
    mn, sn = j["model_power_w"] * 1e6, j["spice_power_w"] * 1e6
    mm, sm = j["model_power_mc_mean_w"] * 1e6, j["spice_power_mc_mean_w"] * 1e6
    d1, d2 = 100 * (mn - sn) / sn, 100 * (mm - sm) / sm
    worst = max(worst, abs(d1))
    rows.append(f"| {n} | {j['examples']} | {j['mc']} | {mn:.2f} | {sn:.2f} | {d1:+.2f} % | {mm:.2f} | {sm:.2f} | {d2:+.2f} % |")
rows.append(f"\nlargest nominal |model - SPICE| / SPICE: {worst:.2f} %")
open(f"{out}/table.md", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
