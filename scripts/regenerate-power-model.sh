#!/usr/bin/env bash
# Regenerate the shipped power table data/surrogates/ptanh-power.table (the
# ptanh's first stage over the input and k = R1 W1/L1, docs/POWER.md) from
# the shipped device model, bit for bit (one ngspice run, fixed grid).
# `--check` writes into a temporary folder and compares with the shipped file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
dest="$root/data/surrogates"
out="$dest"
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
(cd "$root" && "$PNC" power-model --out "$out/ptanh-power.table")
if [ "$out" != "$dest" ]; then
  if cmp -s "$out/ptanh-power.table" "$dest/ptanh-power.table"; then
    echo "ptanh-power.table: identical to the shipped file"
  else
    echo "ptanh-power.table: DIFFERS from the shipped file" >&2
    exit 1
  fi
fi
