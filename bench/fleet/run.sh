#!/usr/bin/env bash
# bench/fleet/run.sh TORCHUP [COUNT] [DISTINCT]: `torchup fleet plan DIR --json` over COUNT
# generated facts files (default 10,000), of which DISTINCT (default 200) are different
# machines (a cluster's node types times drivers and Pythons), the rest the same
# machines under other host names. Times COUNT/10 and COUNT files in the same run: the
# ratio per node says whether the cost is linear. Exit 1 when COUNT files take more than
# 2 s, or the time per node at COUNT is more than 2x the time per node at COUNT/10.
set -euo pipefail
torchup=$1 count=${2:-10000} distinct=${3:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$count" "$distinct" <<'PY'
import json, os, random, sys
work, count, distinct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20261201)
gpus = [None, ("NVIDIA A100-SXM4-80GB", "10de:20b2", "8.0"), ("Tesla V100-SXM2-32GB", "10de:1db5", "7.0"),
        ("NVIDIA H100 80GB HBM3", "10de:2330", "9.0"), ("NVIDIA GeForce RTX 4090", "10de:2684", "8.9"),
        ("amd", "AMD Instinct MI250X", "gfx90a")]
drivers = [("535.104.05", "12.2"), ("550.54.14", "12.4"), ("570.133.20", "12.8"), ("580.65.06", "13.0")]
pythons = ["3.10.14", "3.11.9", "3.12.4"]
kinds = []
for _ in range(distinct):
    g = rng.choice(gpus)
    m = {"schema": "torchup.machine/1",
         "os": {"family": "linux", "name": "Rocky Linux 9.4", "version": "9.4",
                "arch": "aarch64" if g and g[2] == "9.0" and rng.random() < 0.3 else "x86_64",
                "glibc": rng.choice(["2.28", "2.34", "2.35"]), "wsl": False},
         "gpus": [], "nvidia": None, "rocm": None, "cuda_toolkits": [],
         "pythons": [{"path": "/usr/bin/python3", "version": rng.choice(pythons), "bits": 64,
                      "torch": None, "active": True}], "warnings": []}
    if g and g[0] == "amd":
        m["gpus"] = [{"vendor": "amd", "name": g[1], "pci_id": None, "compute_capability": None, "gfx_target": g[2]}] * 4
        m["rocm"] = {"version": "6.4.1"}
    elif g:
        m["gpus"] = [{"vendor": "nvidia", "name": g[0], "pci_id": g[1], "compute_capability": g[2], "gfx_target": None}] * 8
        d = rng.choice(drivers)
        m["nvidia"] = {"driver_version": d[0], "max_cuda": d[1], "source": "nvidia-smi"}
    kinds.append(m)
for n in (count // 10, count):
    d = os.path.join(work, str(n))
    os.makedirs(d)
    for i in range(n):
        m = dict(kinds[i % len(kinds)])
        m["hostname"] = "node%05d" % i
        with open(os.path.join(d, "node%05d.json" % i), "w") as f:
            json.dump(m, f)
PY
run() {  # files -> "wall cpu" seconds (the best of 3; cpu = user + system)
  python3 - "$torchup" "$work/$1" "$work/out.json" <<'PY'
import os, resource, subprocess, sys, time
best = None
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(sys.argv[3], "w") as out:
        code = subprocess.run([sys.argv[1], "fleet", "plan", sys.argv[2], "--json"], stdout=out).returncode
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert code in (0, 1), code
    if best is None or wall < best[0]:
        best = (wall, cpu)
print(f"{best[0]:.3f} {best[1]:.3f}")
PY
}
read -r small small_cpu < <(run $((count / 10)))
read -r big big_cpu < <(run "$count")
groups=$(python3 -c "import json; j=json.load(open('$work/out.json')); print(len(j['groups']), j['nodes'])")
python3 - "$small" "$big" "$count" "$groups" "$big_cpu" <<'PY'
import sys
small, big, count = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
groups, nodes = sys.argv[4].split()
big_cpu = float(sys.argv[5])
per_small, per_big = small / (count // 10) * 1e6, big / count * 1e6
ratio = per_big / per_small
print(f"fleet plan: {count // 10} files {small:.3f} s ({per_small:.0f} us/node), "
      f"{count} files {big:.3f} s ({per_big:.0f} us/node; {big_cpu:.3f} s of CPU), {groups} groups of {nodes} nodes; "
      f"per-node ratio {ratio:.2f} (1.0 = linear)")
sys.exit(0 if big <= 2.0 and ratio <= 2.0 else 1)
PY
