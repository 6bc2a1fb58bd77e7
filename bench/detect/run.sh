#!/usr/bin/env bash
# Benchmark (issue 3): `torchup detect --json` vs `python3 -m torch.utils.collect_env`
# (Debian's python3-torch), same machine, same run. Prints median wall times, their ratio
# and peak memory (max RSS from /usr/bin/time if present). Usage: bench/detect/run.sh BIN [N]
set -euo pipefail
bin=${1:-./build/torchup}; n=${2:-5}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
t_detect=$(for _ in $(seq "$n"); do wall "$bin" detect --json; done | median)
t_collect=$(for _ in $(seq "$n"); do wall /usr/bin/python3 -m torch.utils.collect_env; done | median)
echo "torchup detect --json: median ${t_detect} us"
echo "collect_env:           median ${t_collect} us"
awk -v a="$t_collect" -v b="$t_detect" 'BEGIN {printf "ratio (collect_env / detect): %.1fx\n", a / b}'
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "detect peak RSS: %M KiB" "$bin" detect --json >/dev/null
  /usr/bin/time -f "collect_env peak RSS: %M KiB" /usr/bin/python3 -m torch.utils.collect_env >/dev/null
fi
