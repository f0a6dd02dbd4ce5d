#!/usr/bin/env bash
# Benchmarks of the training engine, on an otherwise idle machine:
#  1. pnc bench: seconds per epoch (reference configuration, one thread)
#     next to the PyTorch reference;
#  2. a complete iris training at eps 0.1, seed 0, patience 5000.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
pnc="$root/build/src/cli/pnc"
echo "== pnc bench (one thread, [n, 3, c], eps 0.1, 20 MC samples)"
"$pnc" bench --datasets "${BENCH_DATASETS:-iris,seeds,breastcancerwisc,cardiotocography3clases,pendigits}"
echo
echo "== complete iris training (eps 0.1, seed 0, patience 5000)"
start=$(date +%s.%N)
"$pnc" train --dataset iris --epsilon 0.1 --circuits published --seeds 0 --jobs 1
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "wall time: %.2f s\n", b - a }'
