#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job.
# With a display: the studio on its bundled default design. Without one:
# the same default job (iris, eps 0.1, variation-aware) in the terminal.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root"
if [ -x build/src/ui/pnstudio ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec build/src/ui/pnstudio "$@"
fi
echo "No display: running the default design's training headless (pnc train --dataset iris --epsilon 0.1)." >&2
exec build/src/cli/pnc train --dataset iris --epsilon 0.1 --seeds 0 "$@"
