#!/usr/bin/env bash
# Configure (once) and build pnstudio in ./build, warnings as errors.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f build/build.ninja ]; then
  meson setup build --werror >&2
fi
ninja -C build >&2
