#!/usr/bin/env bash
# The model-vs-SPICE table of docs/BENCHMARKS.md ("Exported designs in SPICE", crossbar loading): every
# dataset's "Both" design at eps 0.1, seed 0, calibrated (pnc calibrate,
# output resistances included) and verified in ngspice with 100 Monte Carlo
# circuits over the whole test set.
#
#   scripts/calibration-table.sh DESIGNS OUT
#
# DESIGNS: a directory of designs as `pnc ablation --designs` writes them
# (<dataset>_both_eps0.1_seed0.pnsd); to make them:
#   pnc ablation --variants both --epsilons 0.1 --seeds 0 --designs --out A
#   (DESIGNS = A/designs). OUT gets per dataset the calibrated design, the
# JSON of calibrate and verify, their stderr, the times, and table.md
# (python3). Datasets run one after the other; verify uses both cores.
# pendigits' fine-tuning is capped at 600 epochs (patience 200): about 13
# minutes on the 2-core machine, against hours for the default 2000.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 DESIGNS OUT" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
designs=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
"$root/scripts/build.sh"
pnc="$root/build/src/cli/pnc"
: > "$out/times.txt"
for f in "$designs"/*_both_eps0.1_seed0.pnsd; do
  ds=$(basename "$f" _both_eps0.1_seed0.pnsd)
  extra=()
  [ "$ds" = pendigits ] && extra=(--epochs 600 --patience 200)
  echo "== $ds" >&2
  s=$(date +%s.%N)
  "$pnc" calibrate "$f" --out "$out/$ds.cal.pnsd" "${extra[@]}" --json \
    > "$out/$ds.cal.json" 2> "$out/$ds.cal.err"
  m=$(date +%s.%N)
  "$pnc" verify "$out/$ds.cal.pnsd" --mc 100 --jobs 2 --json \
    > "$out/$ds.verify.json" 2> "$out/$ds.verify.err"
  e=$(date +%s.%N)
  awk -v d="$ds" -v s="$s" -v m="$m" -v e="$e" \
    'BEGIN { printf "%s %.1f %.1f\n", d, m - s, e - m }' >> "$out/times.txt"
done
python3 - "$out" > "$out/table.md" <<'EOF'
import json, os, sys
out = sys.argv[1]
times = {l.split()[0]: l.split()[1:] for l in open(os.path.join(out, "times.txt"))}
pct = lambda x: 100 * x
print("| dataset | test examples | MC | nominal model / SPICE | diff | MC mean model / SPICE "
      "| diff | mean / max \\|dV\\| (mV) | test acc trained / calibrated | calibrate / verify (s) |")
print("|" + "---|" * 10)
ok_nom = ok_mc = n = 0
for ds in sorted(times):
    v = json.load(open(os.path.join(out, ds + ".verify.json")))
    c = json.load(open(os.path.join(out, ds + ".cal.json")))
    dn = pct(v["spice_acc_nominal"] - v["model_acc_nominal"])
    dm = pct(v["spice_acc_mc_mean"] - v["model_acc_mc_mean"])
    n += 1
    ok_nom += abs(dn) <= 1 + 1e-9
    ok_mc += abs(dm) <= 2 + 1e-9
    print(f"| {ds} | {v['examples']} | {v['mc']} "
          f"| {pct(v['model_acc_nominal']):.1f} / {pct(v['spice_acc_nominal']):.1f} | {dn:+.1f} "
          f"| {pct(v['model_acc_mc_mean']):.1f} +- {pct(v['model_acc_mc_std']):.1f} / "
          f"{pct(v['spice_acc_mc_mean']):.1f} +- {pct(v['spice_acc_mc_std']):.1f} | {dm:+.1f} "
          f"| {1e3 * v['mean_abs_dv']:.1f} / {1e3 * v['max_abs_dv']:.0f} "
          f"| {pct(c['test_acc_mean_before']):.1f} / {pct(c['test_acc_mean_after']):.1f} "
          f"| {times[ds][0]} / {times[ds][1]} |")
print(f"\nof {n}: nominal within 1 point {ok_nom}, MC mean within 2 points {ok_mc}")
EOF
cat "$out/table.md"
