#!/bin/sh
# A relocatable install: `meson install` into a DESTDIR, the installed tree
# moved somewhere else, then `pnc train` and `pnc export` run from it.
# $PNSTUDIO_DATADIR is unset and the binaries are outside the build tree,
# so the source tree's data must not be used: taking the moved tree's
# dataset and device model away must make pnc fail, not find them
# elsewhere.
# Usage: check-install.sh BUILD_DIR PREFIX BINDIR DATADIR
set -eu
build=$1
prefix=$2
bindir=$3
datadir=$4
case "$bindir$datadir" in
  /*) echo "bindir or datadir outside the prefix: an install that cannot move"; exit 77 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset PNSTUDIO_DATADIR PNSTUDIO_LOCALEDIR

meson install -C "$build" --no-rebuild --destdir "$tmp/dest" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  exit 1
}
# the installed tree, moved away from where it was installed
mv "$tmp/dest$prefix" "$tmp/moved"
rm -rf "$tmp/dest"
root="$tmp/moved"
pnc="$root/$bindir/pnc"
data="$root/$datadir/pnstudio"
test -x "$pnc"
test -f "$data/datasets/iris.csv"

mkdir "$tmp/work"
cd "$tmp/work"
"$pnc" train --dataset iris --circuits learnable --max-epochs 3 --mc-train 2 --mc-test 2 \
  --jobs 1 --quiet --save iris.pnsd --out iris.json
"$pnc" export iris.pnsd --netlist iris.cir --bom iris.csv --layout iris.svg
for f in iris.pnsd iris.json iris.cir iris.csv iris.svg; do
  test -s "$f" || { echo "pnc wrote no $f" >&2; exit 1; }
done
grep -q '^\* ---- device model pn-egt.lib' iris.cir
echo "ok: pnc train and pnc export ran from the moved install"

# without the moved tree's dataset, iris is not found anywhere else
mv "$data/datasets/iris.csv" "$tmp/iris.csv"
if "$pnc" train --dataset iris --max-epochs 1 --mc-test 1 --jobs 1 --quiet \
     >"$tmp/out" 2>"$tmp/err"; then
  echo "pnc train found iris without the installed dataset (the source tree's?)" >&2
  exit 1
fi
grep -q iris "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
mv "$tmp/iris.csv" "$data/datasets/iris.csv"

# without the moved tree's device model, the export cannot write a netlist
mv "$data/models/pn-egt.lib" "$tmp/pn-egt.lib"
if "$pnc" export iris.pnsd --netlist again.cir >"$tmp/out" 2>"$tmp/err"; then
  echo "pnc export found the device model without the installed one" >&2
  exit 1
fi
grep -q "pn-egt.lib" "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
echo "ok: the moved install uses its own data only"
