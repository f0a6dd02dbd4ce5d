#!/usr/bin/env bash
# README command 2: install what is missing, build (warnings as errors) and
# run the whole test suite under a virtual X server; then the same suite
# again in build-sanitize/ under ASan + UBSan with leak detection
# (-Db_sanitize=address,undefined), and the libFuzzer harnesses for a few
# seconds each in build-fuzz/ (clang, -Dfuzzing=true). Ends with the line
# "N passed, N failed" counting all three and exits non-zero if any test
# failed. PN_TEST_PLAIN_ONLY=1 runs only the first (plain) suite.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" || exit 1
"$root/scripts/build.sh" || exit 1
cd "$root"
log=$(mktemp) || exit 1
passed=0 failed=0 skipped=0 rc_all=0

# run_suite BUILDDIR [meson test options...]: adds to the counts
run_suite () {
  local dir="$1"; shift
  xvfb-run -a -s "-screen 0 1280x1024x24" \
    env GTK_A11Y=none GSETTINGS_BACKEND=memory GDK_BACKEND=x11 LC_ALL=C.UTF-8 \
    meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local ok expfail fail unexp timeout skip
  ok=$(sed -n 's/^Ok:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  expfail=$(sed -n 's/^Expected Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  fail=$(sed -n 's/^Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  unexp=$(sed -n 's/^Unexpected Pass:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  timeout=$(sed -n 's/^Timeout:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  skip=$(sed -n 's/^Skipped:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n1)
  local p=$(( ${ok:-0} + ${expfail:-0} ))
  local f=$(( ${fail:-0} + ${unexp:-0} + ${timeout:-0} ))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$(( passed + p )); failed=$(( failed + f )); skipped=$(( skipped + ${skip:-0} ))
  [ "$rc" -eq 0 ] || rc_all=1
}

# configure_build DIR CC [meson options...]: one-time setup, then ninja
configure_build () {
  local dir="$1" cc="$2"; shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    CC="$cc" meson setup "$dir" --werror "$@" >&2 || return 1
  fi
  ninja -C "$dir" >&2
}

echo "== plain build"
run_suite build "$@"

if [ -z "${PN_TEST_PLAIN_ONLY:-}" ]; then
  echo "== ASan + UBSan (leak detection on): build-sanitize"
  # (without MPI: Open MPI's dlopen()ed components leak in ways LSan cannot
  # attribute; the plain run covers pnc ablation over MPI)
  if configure_build build-sanitize gcc -Db_sanitize=address,undefined -Db_lundef=false \
       -Doptimization=1 -Dmpi=disabled; then
    run_suite build-sanitize --timeout-multiplier 3 "$@"
  else
    echo "the sanitizer build failed"; failed=$(( failed + 1 )); rc_all=1
  fi
  echo "== libFuzzer harnesses (a few seconds each): build-fuzz"
  fuzz_targets=()
  for h in csv pnsd surrogate char netlist-escape; do fuzz_targets+=("tests/fuzz/fuzz-$h"); done
  if { [ -f build-fuzz/build.ninja ] ||
       CC=clang meson setup build-fuzz --werror -Dfuzzing=true -Db_sanitize=address,undefined \
         -Db_lundef=false -Doptimization=1 -Dui=disabled -Dmpi=disabled >&2; } &&
     ninja -C build-fuzz "${fuzz_targets[@]}" >&2; then
    # only the harnesses are built (the rest of the suite ran above)
    run_suite build-fuzz --no-rebuild --suite fuzz
  else
    echo "the fuzzing build failed"; failed=$(( failed + 1 )); rc_all=1
  fi
fi
[ -n "$log" ] && rm -f -- "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$rc_all" -eq 0 ] && [ "$failed" -eq 0 ]
