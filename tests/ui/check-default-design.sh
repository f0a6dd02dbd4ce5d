#!/bin/sh
# The bundled default design (resources/default.pnsd) is printable and is
# what its command makes:
#  1. pnc export takes it without --force: every part inside the process
#     window (0 unprintable), netlist, BOM, layout and GDSII written (the
#     suite's test default-design);
#  2. with --retrain: pnstudio --retrain-default (docs/STUDIO.md)
#     reproduces it byte for byte. About 7 s of CPU, but its training
#     threads run at low priority, so on a loaded machine it can take
#     minutes: a documented check (docs/TESTING.md), not part of the suite.
# usage: check-default-design.sh PNSTUDIO PNC SOURCE_ROOT [--retrain]
set -eu
studio="$1"
pnc="$2"
root="$3"
retrain="${4:-}"
tmp=$(mktemp -d) || exit 1
cleanup() { [ -n "${tmp:-}" ] && [ -d "$tmp" ] && rm -rf -- "$tmp"; }
trap cleanup EXIT
design="$root/resources/default.pnsd"

"$pnc" export "$design" --json --netlist "$tmp/d.cir" --bom "$tmp/d.csv" \
  --layout "$tmp/d.svg" --gds "$tmp/d.gds" > "$tmp/export.json"
grep -q '"unprintable" : 0' "$tmp/export.json" || {
  echo "the default design has parts outside the process window:"; cat "$tmp/export.json"; exit 1; }
for f in d.cir d.csv d.svg d.gds; do
  [ -s "$tmp/$f" ] || { echo "pnc export wrote no $f"; exit 1; }
done
if grep -q ',no$' "$tmp/d.csv"; then
  echo "the default design's BOM has unprintable rows"; exit 1
fi
echo "ok: pnc export takes the default design without --force (0 unprintable)"
[ "$retrain" = "--retrain" ] || exit 0

TMPDIR="$tmp" "$studio" --retrain-default "$tmp/retrained.pnsd" > "$tmp/retrain.log"
if ! cmp -s "$design" "$tmp/retrained.pnsd"; then
  echo "pnstudio --retrain-default does not reproduce resources/default.pnsd:"
  cat "$tmp/retrain.log"
  diff "$design" "$tmp/retrained.pnsd" | head -20
  exit 1
fi
echo "ok: pnstudio --retrain-default reproduces resources/default.pnsd byte for byte"
cat "$tmp/retrain.log"
