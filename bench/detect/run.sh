#!/usr/bin/env bash
# Benchmark (issue 3): `torchup detect --json` vs `python3 -m torch.utils.collect_env`
# (Debian's python3-torch), same machine, same run. Prints median wall times, their ratio,
# peak memory (max RSS from /usr/bin/time if present) and the facts both report, side by
# side, so that "same facts" can be checked. Usage: bench/detect/run.sh BIN [N]
# detect runs 4*N times (it is cheap; more runs steady its median), collect_env N times.
set -euo pipefail
bin=${1:-./build/torchup}; n=${2:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Microseconds from bash's own clock ($EPOCHREALTIME, bash >= 5): no `date` process is
# started inside the measured interval.
usec() { local t=${EPOCHREALTIME/[.,]/}; echo "${t}"; }
wall() { local s e; s=$(usec); "$@" >/dev/null 2>&1 || true; e=$(usec); echo $(( e - s )); }
"$bin" detect --json >/dev/null  # warm the page cache for both, as a person's second run would be
t_detect=$(for _ in $(seq $((4 * n))); do wall "$bin" detect --json; done | median)
t_collect=$(for _ in $(seq "$n"); do wall /usr/bin/python3 -m torch.utils.collect_env; done | median)
echo "torchup detect --json: median ${t_detect} us ($((4 * n)) runs)"
echo "collect_env:           median ${t_collect} us (${n} runs)"
awk -v a="$t_collect" -v b="$t_detect" 'BEGIN {printf "ratio (collect_env / detect): %.1fx\n", a / b}'
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "detect peak RSS: %M KiB" "$bin" detect --json >/dev/null
  /usr/bin/time -f "collect_env peak RSS: %M KiB" /usr/bin/python3 -m torch.utils.collect_env >/dev/null
fi
echo "--- facts: collect_env"
/usr/bin/python3 -m torch.utils.collect_env 2>/dev/null |
  grep -E '^(PyTorch version|CUDA used to build PyTorch|ROCM used to build PyTorch|OS|Libc version|Python version|CUDA runtime version|GPU models and configuration|Nvidia driver version):' || true
echo "--- facts: torchup detect --json (the interpreter collect_env ran in, /usr/bin/python3)"
"$bin" detect --json | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)
o = m["os"]
print("OS:", o["name"], "(%s)" % o["arch"], "glibc", o["glibc"])
for p in m["pythons"]:
    if p["path"] == "/usr/bin/python3":
        t = p["torch"] or {}
        print("Python:", p["version"], "%d-bit" % p["bits"], "| torch:", t.get("version"), "cuda:", t.get("cuda"), "hip:", t.get("hip"))
print("CUDA toolkits:", ", ".join(k["version"] + " " + k["path"] for k in m["cuda_toolkits"]) or "none")
print("GPUs:", "; ".join(g["name"] for g in m["gpus"]) or "none")
print("NVIDIA driver:", (m["nvidia"] or {}).get("driver_version"), "max CUDA:", (m["nvidia"] or {}).get("max_cuda"))
'
