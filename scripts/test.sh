#!/usr/bin/env bash
# README command 2: install what is missing, build (warnings as errors) and
# run the whole test suite under a virtual X server. Ends with the line
# "N passed, N failed" and exits non-zero if any test failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" || exit 1
"$root/scripts/build.sh" || exit 1
cd "$root"
log=$(mktemp)
xvfb-run -a -s "-screen 0 1280x1024x24" \
  env GTK_A11Y=none GSETTINGS_BACKEND=memory GDK_BACKEND=x11 LC_ALL=C.UTF-8 \
  meson test -C build --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
expfail=$(sed -n 's/^Expected Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
fail=$(sed -n 's/^Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
unexp=$(sed -n 's/^Unexpected Pass:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
timeout=$(sed -n 's/^Timeout:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
skipped=$(sed -n 's/^Skipped:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
rm -f "$log"
passed=$(( ${ok:-0} + ${expfail:-0} ))
failed=$(( ${fail:-0} + ${unexp:-0} + ${timeout:-0} ))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped:-0} skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
