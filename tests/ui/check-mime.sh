#!/bin/sh
# The shared-mime-info package for .pnsd: update-mime-database accepts it
# and maps *.pnsd to the type the desktop file declares.
# Usage: check-mime.sh MIME.xml DESKTOP_FILE
set -eu
xml=$1
desktop=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mime/packages"
cp "$xml" "$tmp/mime/packages/org.pnstudio.Studio.xml"
XDG_DATA_HOME="$tmp" XDG_DATA_DIRS="$tmp" update-mime-database "$tmp/mime" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
if [ -s "$tmp/err" ]; then
  echo "update-mime-database complained:" >&2
  cat "$tmp/err" >&2
  exit 1
fi
type=$(sed -n 's/^MimeType=\([^;]*\);.*/\1/p' "$desktop")
[ -n "$type" ] || { echo "no MimeType in $desktop" >&2; exit 1; }
grep -q ":$type:\*\.pnsd" "$tmp/mime/globs2" || {
  echo "*.pnsd is not mapped to $type:" >&2
  cat "$tmp/mime/globs2" >&2
  exit 1
}
[ -f "$tmp/mime/application/x-pnstudio-design.xml" ] || { echo "no type file" >&2; exit 1; }
echo "ok: *.pnsd is $type"
