#!/usr/bin/env bash
# Retrain the shipped surrogates data/surrogates/{ptanh,inv}.surrogate from
# the shipped characterisations, bit for bit (fixed seed, single thread).
# `--check` trains into a temporary folder and compares with the shipped files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PNC:-}" ]; then
  "$root/scripts/build.sh"
  PNC="$root/build/src/cli/pnc"
fi
export PNSTUDIO_DATADIR="$root/data"
dest="$root/data/surrogates"
out="$dest"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
status=0
for circuit in ptanh inv; do
  (cd "$root" && "$PNC" surrogate --data "data/characterization/$circuit.csv" --seed 1 \
     --out "$out/$circuit.surrogate")
  if [ "$check" = 1 ]; then
    if cmp -s "$out/$circuit.surrogate" "$dest/$circuit.surrogate"; then
      echo "$circuit.surrogate: identical to the shipped file"
    else
      echo "$circuit.surrogate: DIFFERS from the shipped file" >&2
      status=1
    fi
  fi
done
exit $status
