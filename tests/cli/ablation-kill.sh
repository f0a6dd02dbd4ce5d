#!/usr/bin/env bash
# ablation-kill.sh: kill -9 `pnc ablation --designs` at random moments and
# resume it; the resumed ablation must be complete and the same as one that
# was never interrupted.
#
#   tests/cli/ablation-kill.sh [SCENARIOS] [SEED]      (default 50, 1)
#
# PNC is the pnc binary (default build/src/cli/pnc). One uninterrupted
# reference ablation of 18 fast iris runs, then per scenario: start the
# same ablation in a fresh directory, kill -9 it after a random delay in
# [0, 1.2 x the reference's wall time], run the same command again, and
# check that it exits 0, that every run record has its design file (and
# every design parses as XML), that no temporary file (*.XXXXXX) is left
# and that results.csv is byte-identical to the reference's. Prints one
# line per scenario and a summary; exits non-zero if any scenario failed.
set -uo pipefail
n=${1:-50}
seed=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
pnc=${PNC:-$root/build/src/cli/pnc}
export PNC_NO_TTY=1 LC_ALL=C.UTF-8
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pnc-ablation-kill-XXXXXX") || exit 1
# clean-up only ever removes this mktemp directory (never an empty path)
cleanup() { [ -n "${tmp:-}" ] && [ -d "$tmp" ] && rm -rf -- "$tmp"; }
trap cleanup EXIT
grid=(ablation --datasets iris --variants base,lnc,va,both --seeds 0-2 --epsilons 0.05,0.1
      --mc-test 10 --patience 30 --max-epochs 150 --jobs 2 --designs)

t0=$(date +%s%N)
if ! "$pnc" "${grid[@]}" --out "$tmp/ref" >/dev/null 2>"$tmp/ref.err"; then
  echo "reference ablation failed:"; cat "$tmp/ref.err"; exit 1
fi
ref_ns=$(( $(date +%s%N) - t0 ))
n_runs=$(ls "$tmp/ref/runs" | grep -c '\.json$')
echo "reference: $n_runs runs in $(( ref_ns / 1000000 )) ms"

RANDOM=$seed
failed=0 killed_mid=0 temps_seen=0 orphans_seen=0
for i in $(seq 1 "$n"); do
  out="$tmp/k$i"
  delay_us=$(( (RANDOM * 32768 + RANDOM) % (ref_ns * 12 / 10000) ))
  "$pnc" "${grid[@]}" --out "$out" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%06d' $(( delay_us / 1000000 )) $(( delay_us % 1000000 )))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rc_kill=$?
  # what the kill left behind
  records=$(ls "$out/runs" 2>/dev/null | grep -c '\.json$')
  designs=$(ls "$out/designs" 2>/dev/null | grep -c '\.pnsd$')
  temps=$(find "$out" -regextype posix-extended -regex '.*\.[A-Za-z0-9]{6}$' 2>/dev/null | wc -l)
  orphan=0
  for f in "$out"/runs/*.json; do
    [ -e "$f" ] || continue
    b=$(basename "$f" .json)
    [ -e "$out/designs/$b.pnsd" ] || orphan=$(( orphan + 1 ))
  done
  [ "$rc_kill" -eq 137 ] && [ "$records" -lt "$n_runs" ] && killed_mid=$(( killed_mid + 1 ))
  [ "$temps" -gt 0 ] && temps_seen=$(( temps_seen + 1 ))
  [ "$orphan" -gt 0 ] && orphans_seen=$(( orphans_seen + 1 ))
  # resume
  problems=""
  if ! "$pnc" "${grid[@]}" --out "$out" >/dev/null 2>"$out.err"; then
    problems+=" resume-exit-nonzero($(tail -n1 "$out.err"))"
  fi
  for f in "$tmp"/ref/runs/*.json; do
    b=$(basename "$f" .json)
    [ -s "$out/runs/$b.json" ] || problems+=" missing-record:$b"
    if [ ! -s "$out/designs/$b.pnsd" ]; then
      problems+=" missing-design:$b"
    elif ! xmllint --noout --nonet "$out/designs/$b.pnsd" 2>/dev/null; then
      problems+=" bad-design:$b"
    fi
  done
  left=$(find "$out" -regextype posix-extended -regex '.*\.[A-Za-z0-9]{6}$' | wc -l)
  [ "$left" -eq 0 ] || problems+=" temp-files-left:$left"
  cmp -s "$tmp/ref/results.csv" "$out/results.csv" || problems+=" results.csv-differs"
  printf 'scenario %2d: kill after %4d ms (exit %d): %2d records, %2d designs, %d orphan records, %d temp files -> ' \
    "$i" $(( delay_us / 1000 )) "$rc_kill" "$records" "$designs" "$orphan" "$temps"
  if [ -z "$problems" ]; then
    echo "resumed: ok"
  else
    echo "resumed: FAILED:$problems"
    failed=$(( failed + 1 ))
  fi
  case "$out" in "$tmp"/k*) rm -rf -- "$out" "$out.err" ;; esac
done
echo "$n scenarios: $(( n - failed )) ok, $failed failed; killed mid-ablation $killed_mid," \
     "temp files left by the kill in $temps_seen, run records without their design in $orphans_seen"
[ "$failed" -eq 0 ]
