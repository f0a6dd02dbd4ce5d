#!/bin/sh
# Export every design of a directory as GDSII + BOM (pnc export --json),
# run the process's KLayout DRC deck on each and compare the squares
# KLayout extracts from the polygons with the BOM (docs/PROCESS.md).
#   scripts/layout-check.sh DIR [PNC]
# Prints one line per design: name, components, unprintable, area (mm2),
# resistor area (mm2), largest resistor (squares), DRC violations, largest
# squares difference (%), export seconds.
set -eu
dir=$1
pnc=${2:-${PNC:-build/src/cli/pnc}}
here=$(cd "$(dirname "$0")/.." && pwd)
deck=$here/data/processes/egt-inkjet.drc
squares=$here/tests/layout/squares.rb
printf '%-28s %5s %5s %9s %9s %8s %4s %7s %6s\n' design parts unpr area_mm2 res_mm2 max_sq drc dsq_pct sec
for f in "$dir"/*.pnsd; do
  b=${f%.pnsd}
  t0=$(date +%s.%N)
  "$pnc" export "$f" --force --gds "$b.gds" --layout "$b.pdf" --bom "$b.csv" --json > "$b.json" 2> "$b.err"
  t1=$(date +%s.%N)
  drc=$(klayout -b -r "$deck" -rd input="$b.gds" -rd report="$b.lyrdb" | sed -n 's/^violations //p')
  klayout -b -r "$squares" -rd input="$b.gds" -rd width=20 > "$b.sq"
  python3 - "$b" "$drc" "$t0" "$t1" <<'PY'
import csv, json, sys
b, drc, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
j = json.load(open(b + ".json"))
bom = {r["designator"]: float(r["squares"]) for r in csv.DictReader(open(b + ".csv")) if r["squares"]}
ext = {l.split()[0]: float(l.split()[1]) for l in open(b + ".sq")}
assert set(bom) == set(ext), "resistors missing in the GDS"
d = max(abs(ext[k] / bom[k] - 1) for k in bom) * 100
print("%-28s %5d %5d %9.1f %9.2f %8.1f %4s %7.3f %6.2f" % (b.split("/")[-1], j["components"], j["unprintable"],
      j["area_mm2"], j["resistor_area_mm2"], j["max_squares"], drc, d, t1 - t0))
PY
done
