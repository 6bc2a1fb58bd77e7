#!/usr/bin/env bash
# Fleet.SlurmJobsCollectFactsAndInstall: torchup's Slurm jobs on a real three-node
# cluster (slurm_cluster.sh: slurmctld, three slurmd and munged in a loopback-only
# network namespace). Each node is a different machine (a fixture root per node, the
# facts job's --root TEMPLATE): n1 and n2 a VM without GPU, n3 a 4x A100 server.
#   1. `torchup fleet slurm` writes the jobs; the facts job (an array, one task per node)
#      collects n1.json, n2.json and n3.json;
#   2. `fleet plan` groups them (n1+n2 CPU, n3 CUDA) and locks the wheels from a local
#      index (tests/fleet/ansible_index.py); `fleet fetch` downloads them once;
#   3. the install job installs each node's group into its own venv with the real pip
#      (n1 and n2 get the same bytes); run again, it changes nothing.
#   usage: slurm_test.sh TORCHUP     (root; exit 77 = skipped without slurm/munge)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
torchup=$(realpath "$1")
if [[ $(id -u) != 0 ]]; then echo "SKIP: needs root"; exit 77; fi
for tool in slurmctld slurmd sbatch munged unshare setpriv ip python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: '$tool' not installed"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/torchup-slurm.XXXXXX")
keep=1
trap '[[ $keep == 0 ]] && rm -rf "$work" || echo "kept $work for its logs" >&2' EXIT
fixtures=$here/../fixtures/machines
mkdir -p "$work/nodes"
cp -a "$fixtures/vm-no-gpu" "$work/nodes/n1"
cp -a "$fixtures/vm-no-gpu" "$work/nodes/n2"
cp -a "$fixtures/multi-gpu-server" "$work/nodes/n3"
python3 "$here/ansible_index.py" build "$work/index" >/dev/null

export TORCHUP="$torchup" WORK="$work" HERE="$here"
SLURM_CLUSTER_QUIET=1 "$here/slurm_cluster.sh" "$work/cluster" -- bash -c '
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
wait_job() {  # job id: poll squeue (sbatch --wait polls every ~10 s)
  local deadline=$((SECONDS + 120))
  while [[ -n $(squeue -h -j "$1" -o %i 2>/dev/null) ]]; do
    ((SECONDS < deadline)) || { squeue -j "$1" >&2; fail "job $1 still queued after 120 s"; }
    sleep 0.2
  done
}
# The index, inside the namespace (its loopback).
python3 "$HERE/ansible_index.py" serve "$WORK/index" > "$WORK/index.port" 2>"$WORK/index.log" &
for _ in $(seq 50); do [[ -s $WORK/index.port ]] && break; sleep 0.1; done
port=$(head -1 "$WORK/index.port")
mirror="http://127.0.0.1:$port/simple"
export XDG_CACHE_HOME=$WORK/cache PIP_CONFIG_FILE=/dev/null PIP_BREAK_SYSTEM_PACKAGES= PIP_FIND_LINKS=

"$TORCHUP" fleet slurm --out "$WORK/jobs" --facts "$WORK/facts" --lock "$WORK/lock.json" \
  --from "$WORK/wheels" --nodes 3 --partition debug --torchup "$TORCHUP" --root "$WORK/nodes/%n" \
  --install-arg=--python=/usr/bin/python3 --install-arg=--venv="$WORK/venvs/%n" \
  --install-arg=--no-verify >/dev/null

t=$SECONDS
job=$(sbatch --parsable "$WORK/jobs/torchup-facts.sbatch")
wait_job "$job"
ls "$WORK/facts"
[[ $(ls "$WORK/facts" | paste -sd" ") == "n1.json n2.json n3.json" ]] || fail "facts: $(ls "$WORK/facts")"
echo "facts job: 3 files in $((SECONDS - t)) s"

"$TORCHUP" fleet plan "$WORK/facts" --torch 2.12.0 --mirror "$mirror" --lock "$WORK/lock.json" \
  --json > "$WORK/plan.json" || fail "fleet plan: $(cat "$WORK/plan.json")"
python3 - "$WORK/plan.json" <<"PY"
import json, sys
j = json.load(open(sys.argv[1]))
groups = {g["platform"]: g["nodes"] for g in j["groups"]}
assert groups.get("cpu") == ["n1", "n2"], groups
assert groups.get("cu126") == ["n3"], groups
assert j["unplanned"] == [], j["unplanned"]
print("fleet plan:", groups)
PY
"$TORCHUP" fleet fetch "$WORK/lock.json" --dest "$WORK/wheels" --json > "$WORK/fetch.json"

install_round() {  # round -> the results are checked by the caller
  local t=$SECONDS
  local job
  job=$(sbatch --parsable "$WORK/jobs/torchup-install.sbatch")
  wait_job "$job"
  python3 - "$WORK/jobs/results" "$1" <<"PY"
import json, os, sys
results, round_ = sys.argv[1], sys.argv[2]
got = {}
for node in ("n1", "n2", "n3"):
    j = json.load(open(os.path.join(results, node + ".json")))
    assert j.get("ok") is True, (node, j)
    got[node] = (j["group"], j["changed"])
assert got["n1"][0] == got["n2"][0] != got["n3"][0], got
want = round_ == "1"
assert all(changed is want for _, changed in got.values()), got
print("install round", round_, got)
PY
  echo "install job round $1: $((SECONDS - t)) s"
}
install_round 1
rec() { cat "$WORK"/venvs/$1/lib/python3*/site-packages/torch-*.dist-info/RECORD; }
[[ -n $(rec n1) && "$(rec n1)" == "$(rec n2)" ]] || fail "n1 and n2 installed different files"
install_round 2
' || { echo "slurm test failed; logs in $work/cluster/log" >&2; exit 1; }
keep=0
echo "PASS: Slurm facts job, fleet plan, install job (twice)"
