#!/usr/bin/env bash
# Regenerates the shipped SPICE characterisations bit for bit:
#   data/characterization/ptanh.csv and data/characterization/inv.csv
#
# Everything that decides the numbers is fixed here or in the sources:
# seed 1, 6000 feasible samples per circuit, the DC sweep -2:2:0.002 V
# (2001 points: a 10 mV step cannot resolve the steepest ptanh curves' eta4)
# fitted alone (--refine 0: these files predate the refined default sweep), 250 circuits per netlist, the device model
# data/models/pn-egt.lib, ngspice's options (src/spice/pn-spice-netlist.c:
# reltol=1e-6 abstol=1e-15 vntol=1e-9 gmin=1e-15) and the fit's tolerances
# (src/engine/pn-fit.c). The number of jobs does not change the result.
# Same ngspice (39) and libm give the same bytes; docs/CIRCUITS.md.
#
# Usage: scripts/regenerate-characterization.sh [--check]
#   --check   regenerate into a temporary directory and compare with the
#             shipped files (exit status 1 if they differ)
#   PNC=...   use this pnc binary (default: build with scripts/build.sh)
#   JOBS=...  ngspice processes at once (default: one per core)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
dest="$root/data/characterization"
out="$dest"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for circuit in ptanh inv; do
  "$PNC" characterize --circuit "$circuit" --samples 6000 --seed 1 \
    --sweep -2:2:0.002 --refine 0 --chunk 250 --jobs "${JOBS:-$(nproc)}" \
    --model "$root/data/models/pn-egt.lib" --out "$out/$circuit.csv"
done
if [ "$check" = 1 ]; then
  status=0
  for circuit in ptanh inv; do
    if cmp -s "$out/$circuit.csv" "$dest/$circuit.csv"; then
      echo "$circuit.csv: identical to the shipped file"
    else
      echo "$circuit.csv: DIFFERS from the shipped file" >&2
      status=1
    fi
  done
  exit "$status"
fi
sha256sum "$dest/ptanh.csv" "$dest/inv.csv"
