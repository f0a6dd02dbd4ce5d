#!/bin/sh
# pnstudio --screenshot DIR writes one PNG per main view (and the sweep plot,
# the BOM table, the power histogram) and exits 0;
# a design that cannot be opened makes it fail.
set -eu
bin="$1"
tmp=$(mktemp -d) || exit 1
cleanup() { [ -n "${tmp:-}" ] && [ -d "$tmp" ] && rm -rf -- "$tmp"; }
trap cleanup EXIT
# the studio's temporary files go to this test's own directory
TMPDIR="$tmp" "$bin" --screenshot "$tmp/shots"
for v in 1-schematic 2-circuits 3-training 4-yield 5-export 6-pareto 7-sweep 8-bom 9-power; do
  f="$tmp/shots/$v.png"
  [ -s "$f" ] || { echo "missing $f"; exit 1; }
  [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "$f is not a PNG"; exit 1; }
  [ "$(wc -c < "$f")" -gt 10000 ] || { echo "$f is too small to hold a view"; exit 1; }
done
echo '{' > "$tmp/bad.pnsd"
if "$bin" --screenshot "$tmp/bad" "$tmp/bad.pnsd" 2>/dev/null; then
  echo "a malformed design was screenshot without an error"; exit 1
fi
left=$(find "$tmp" -maxdepth 1 -name 'pnstudio-layout-*' | wc -l)
[ "$left" -eq 0 ] || { echo "the studio left $left layout previews in its temporary directory"; exit 1; }
echo "6 views, the sweep plot, the BOM table and the power histogram rendered"
