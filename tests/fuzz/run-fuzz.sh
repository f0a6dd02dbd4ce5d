#!/bin/sh
# run-fuzz.sh HARNESS SEED_DIR SECONDS [libFuzzer options...]
# Runs a libFuzzer harness for SECONDS from the seed corpus SEED_DIR (read
# only: new inputs go to a corpus in a temporary directory, removed at the
# end, as are crash artifacts after they are printed). Exits non-zero on a
# crash, a hang (10 s per input), a leak or a sanitizer report.
set -u
exe="$1"; seeds="$2"; secs="$3"; shift 3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pn-fuzz-XXXXXX") || exit 1
cleanup() { [ -n "${tmp:-}" ] && [ -d "$tmp" ] && rm -rf -- "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/corpus" || exit 1
"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$tmp/" -print_final_stats=1 "$@" "$tmp/corpus" "$seeds" 2>"$tmp/log"
rc=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$tmp/log"
if [ "$rc" -ne 0 ]; then
  tail -n 60 "$tmp/log"
  for f in "$tmp"/crash-* "$tmp"/timeout-* "$tmp"/leak-* "$tmp"/oom-*; do
    [ -f "$f" ] || continue
    echo "input $(basename "$f"):"; od -An -c "$f" | head -n 20
  done
fi
exit "$rc"
