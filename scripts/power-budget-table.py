#!/usr/bin/env python3
"""The tables of scripts/power-budget-check.sh (docs/POWER.md section 3).

power-budget-table.py OUT: reads OUT/runs/*.json (the runs done) and
OUT/verify/<dataset>.json; writes OUT/results.csv (one
row per run) and OUT/table.md (per dataset: the means over its seeds), and
prints the table. With REFERENCE.csv (an ablation's results.csv: dataset,
variant, eps_train, eps_test, seed, test_acc_mean, test_acc_std, ..., epochs,
best_epoch) it also counts the runs whose unconstrained phase has that
run's accuracy, spread and epochs to the CSV's digits.

  power-budget-table.py OUT [REFERENCE.csv]"""
import csv
import glob
import json
import os
import sys

out = sys.argv[1]
runs = []
for path in sorted(glob.glob(os.path.join(out, "runs", "*.json"))):
    runs += [r for r in json.load(open(path))["runs"] if not r["interrupted"]]
runs.sort(key=lambda r: (r["dataset"], r["seed"]))

cols = ["dataset", "seed", "unc_test_acc_mean", "unc_power_w", "unc_epochs", "budget_w",
        "test_acc_mean", "power_w", "power_over_budget", "held", "epochs", "best_epoch"]
with open(os.path.join(out, "results.csv.part"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(cols)
    for r in runs:
        u = r["unconstrained"]
        w.writerow([r["dataset"], r["seed"], "%.6f" % u["test_acc_mean"], "%.6e" % u["power_w"],
                    u["epochs"], "%.6e" % r["power_budget_w"], "%.6f" % r["test_acc_mean"],
                    "%.6e" % r["power_w"], "%.4f" % (r["power_w"] / r["power_budget_w"]),
                    int(r["power_held"]), r["epochs"], r["best_epoch"]])
os.replace(os.path.join(out, "results.csv.part"), os.path.join(out, "results.csv"))

lines = ["| dataset | seeds | unconstrained acc (%) | budget acc (%) | diff | unconstrained power (uW) | power / budget (mean, max) | held | SPICE MC mean / budget (seed 0) |",
         "|---|---|---|---|---|---|---|---|---|"]
names = sorted({r["dataset"] for r in runs})
su = sb = 0.0
all_held = 0
spice_max = None
for n in names:
    rs = [r for r in runs if r["dataset"] == n]
    ua = 100 * sum(r["unconstrained"]["test_acc_mean"] for r in rs) / len(rs)
    ba = 100 * sum(r["test_acc_mean"] for r in rs) / len(rs)
    up = 1e6 * sum(r["unconstrained"]["power_w"] for r in rs) / len(rs)
    pb = [r["power_w"] / r["power_budget_w"] for r in rs]
    held = sum(1 for r in rs if r["power_held"])
    all_held += held
    sp = "-"
    vpath = os.path.join(out, "verify", n + ".json")
    r0 = [r for r in rs if r["seed"] == 0]
    if os.path.exists(vpath) and r0:
        v = json.load(open(vpath))
        ratio = v["spice_power_mc_mean_w"] / r0[0]["power_budget_w"]
        spice_max = ratio if spice_max is None else max(spice_max, ratio)
        sp = "%.3f" % ratio
    su += ua
    sb += ba
    lines.append("| %s | %d | %.2f | %.2f | %+.2f | %.1f | %.3f, %.3f | %d/%d | %s |" %
                 (n, len(rs), ua, ba, ba - ua, up, sum(pb) / len(pb), max(pb), held, len(rs), sp))
k = len(names)
if k:
    lines.append("| **mean** | %d runs | **%.2f** | **%.2f** | **%+.2f** | | | %d/%d | %s |" %
                 (len(runs), su / k, sb / k, (sb - su) / k, all_held, len(runs),
                  "-" if spice_max is None else "max %.3f" % spice_max))
text = "\n".join(lines) + "\n"
with open(os.path.join(out, "table.md.part"), "w") as f:
    f.write(text)
os.replace(os.path.join(out, "table.md.part"), os.path.join(out, "table.md"))
print(text, end="")
if len(sys.argv) > 2:
    ref = {}
    for row in csv.DictReader(open(sys.argv[2])):
        if row["variant"] == "both" and row["eps_train"] == "0.1" and row["eps_test"] == "0.1":
            ref[(row["dataset"], int(row["seed"]))] = row
    same = 0
    for r in runs:
        x = ref.get((r["dataset"], r["seed"]))
        u = r["unconstrained"]
        if x and ("%.6f" % u["test_acc_mean"] == x["test_acc_mean"] and
                  "%.6f" % u["test_acc_std"] == x["test_acc_std"] and
                  u["epochs"] == int(x["epochs"]) and u["best_epoch"] == int(x["best_epoch"])):
            same += 1
    print("unconstrained runs equal to %s: %d of %d" % (sys.argv[2], same, len(runs)))
