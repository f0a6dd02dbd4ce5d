#!/usr/bin/env bash
# Time the PyTorch reference next to `pnc bench`, side by side on this machine.
#
# Optional and never part of the tests: it needs the network (git clone of the
# paper's public code) and Debian's python3-torch (apt-get install python3-torch).
#
# The reference is the DATE 2023 paper's code, github.com/Neuromophic/
# LearnableNonlinearCircuits at the pinned commit below (the one the bundled
# datasets were exported from, data/datasets/README.md). Its network module is
# driven by a timing loop written here, on the configuration `pnc bench` times:
# [n_features, 3, n_classes], eps 0.1, 20 Monte Carlo samples (config.N), full-
# batch epochs, Adam with lr 0.1 on theta and the circuits fixed (lr 0).
# An epoch is timed two ways:
#   with accuracy passes: what the reference's own training loop does (training
#     step, then an accuracy pass over the training data, then the validation
#     forward and an accuracy pass over the validation data);
#   without: the training step and the validation forward only (pnc's epoch).
# Median over REF_EPOCHS epochs after 3 untimed ones. Torch runs one thread,
# pendigits two (REF_THREADS_PENDIGITS); pnc always one.
#
# Usage: scripts/bench-reference.sh [DATASETS]   (default: the five of pnc bench)
# Environment: REF_DIR (checkout, default a temporary directory), REF_EPOCHS (21),
# REF_MODULE (pNN_NetLevel_LNC_variation_circuit), REF_THREADS_PENDIGITS (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commit=d01d7c0
datasets=${1:-iris,seeds,breastcancerwisc,cardiotocography3clases,pendigits}
ref_dir=${REF_DIR:-$(mktemp -d)}
epochs=${REF_EPOCHS:-21}
module=${REF_MODULE:-pNN_NetLevel_LNC_variation_circuit}
threads_pd=${REF_THREADS_PENDIGITS:-2}

python3 -c 'import torch' 2>/dev/null || {
  echo "bench-reference: python3-torch is missing (apt-get install python3-torch)" >&2
  exit 1
}
if [ ! -d "$ref_dir/ref/.git" ]; then
  git clone --quiet https://github.com/Neuromophic/LearnableNonlinearCircuits "$ref_dir/ref"
fi
git -C "$ref_dir/ref" checkout --quiet "$commit"

"$root/scripts/build.sh" >/dev/null
pnc="$root/build/src/cli/pnc"
pnc_json=$("$pnc" bench --datasets "$datasets" --json)

cd "$ref_dir/ref/LNC"
PNC_JSON="$pnc_json" python3 - "$datasets" "$epochs" "$module" "$threads_pd" <<'EOF'
import importlib, json, os, pickle, statistics, sys, time
import torch

datasets, epochs, module, threads_pd = sys.argv[1].split(','), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sys.path.insert(0, os.getcwd())
import config
import evaluation as E
pNN = importlib.import_module(module)
torch.set_default_tensor_type(torch.FloatTensor)
pnc = {r['dataset']: r['seconds_per_epoch'] for r in json.loads(os.environ['PNC_JSON'])}

def median_epoch(model, opt, d, accuracy):
    def epoch():
        pred = model(d['X_train'])
        loss = pNN.lossfunction(pred, d['y_train'])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if accuracy:
            E.BASIC_variation(model, d['X_train'], d['y_train'])
        with torch.no_grad():
            pv = model(d['X_valid'])
            pNN.lossfunction(pv, d['y_valid']).item()
            if accuracy:
                E.BASIC_variation(model, d['X_valid'], d['y_valid'])
    for _ in range(3):
        epoch()
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)

print(f'reference: {module} at commit {os.popen("git rev-parse --short HEAD").read().strip()}, '
      f'torch {torch.__version__}')
print(f'{"dataset":26s} {"threads":>7s} {"ref s/epoch":>12s} {"ref no acc":>12s} '
      f'{"pnc s/epoch":>12s} {"speed-up":>9s} {"no acc":>9s}')
for name in datasets:
    with open(f'./dataset/Dataset_{name}.p', 'rb') as f:
        d = pickle.load(f)
    threads = threads_pd if name == 'pendigits' else 1
    torch.set_num_threads(threads)
    res = []
    for accuracy in (True, False):
        config.SetSeed(0)
        model = pNN.pNN([d['n_feature'], 3, d['n_class']], config.N, 0.1)
        opt = torch.optim.Adam([{'params': model.GetParam('theta'), 'lr': 0.1},
                                {'params': model.GetParam('rt'), 'lr': 0.0}])
        res.append(median_epoch(model, opt, d, accuracy))
    p = pnc.get(name)
    sp = f'{res[0] / p:8.0f}x {res[1] / p:8.0f}x' if p else '-'
    print(f'{name:26s} {threads:7d} {res[0]:12.4f} {res[1]:12.4f} {p or 0:12.6f} {sp}')
EOF
