#!/bin/sh
# The German translation covers every current message: extract the
# messages from the sources listed in POTFILES.in, merge de.po against
# them, and fail on any untranslated or fuzzy entry.
set -eu
src="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments \
  --files-from=po/POTFILES.in --output="$tmp/pnstudio.pot" 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log"; exit 1; }
msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/de.po" po/de.po "$tmp/pnstudio.pot"
stats=$(LC_ALL=C msgfmt --check --statistics --output-file=/dev/null "$tmp/de.po" 2>&1)
echo "de: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy --no-obsolete "$tmp/de.po" | grep '^msgid ' | head -20
    exit 1 ;;
esac
