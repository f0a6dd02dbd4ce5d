#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job.
# With a display: the studio on its bundled default design. Without one:
# the same default job in the terminal, end to end: train the default
# design (iris, a [4, 3, 3] network with physical ptanh/inv circuits through
# the SPICE surrogates, 10 % printing variation), keep it as a design file,
# export it for fabrication (netlist, bill of materials, layout), verify
# the exported circuit in ngspice over 100 Monte Carlo circuits, then
# calibrate the model on the circuits' SPICE curves and output resistances
# and verify again (the model's promise against the circuit's).
# Extra arguments go to the studio, or to `pnc train` when headless.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root"
if [ -x build/src/ui/pnstudio ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec build/src/ui/pnstudio "$@"
fi
pnc=build/src/cli/pnc
out=build/default-job
mkdir -p "$out"
echo "No display: the default design's job headless; results in $out/." >&2
echo "== 1/4 train (pnc train --dataset iris --epsilon 0.1 --circuits fixed --seeds 0-3)" >&2
"$pnc" train --dataset iris --epsilon 0.1 --circuits fixed --seeds 0-3 \
  --save "$out/iris.pnsd" "$@"
echo "== 2/4 export (pnc export)" >&2
"$pnc" export "$out/iris.pnsd" --netlist "$out/iris.cir" --bom "$out/iris-bom.csv" \
  --layout "$out/iris-layout.pdf"
echo "== 3/4 verify in ngspice (pnc verify --mc 100)" >&2
"$pnc" verify "$out/iris.pnsd" --mc 100 --histogram "$out/iris-mc-accuracy.csv"
echo "== 4/4 calibrate in ngspice and verify again (pnc calibrate; pnc verify --mc 100)" >&2
"$pnc" calibrate "$out/iris.pnsd" --out "$out/iris-cal.pnsd"
"$pnc" verify "$out/iris-cal.pnsd" --mc 100 --histogram "$out/iris-cal-mc-accuracy.csv"
