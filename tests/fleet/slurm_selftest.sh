#!/usr/bin/env bash
# slurm_selftest.sh - prove that slurm_cluster.sh gives a working 3-node cluster.
#
#   usage: slurm_selftest.sh        (root; exits 77 = skipped without slurm/munge)
#
# Inside the cluster: (a) `srun -N3` must reach three distinct nodes, and
# (b) a 3-task array job (`--nodes=1 --ntasks=1 --exclusive`) must put exactly
# one task on each of n1, n2, n3, which is the shape a per-node torchup
# detect/install job has. FLEET_SELFTEST_ARRAYS=N repeats (b) N times in the
# same cluster, to measure how reliably tasks spread (not SLURM_*: the harness
# scrubs those from COMMAND's environment). Prints timings; exits non-zero on
# any failure and then keeps the work directory for its logs.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Skip (not fail) where the cluster cannot exist at all, so a generic test run
# on a developer machine stays green.
if [[ $(id -u) != 0 ]]; then echo "SKIP: needs root"; exit 77; fi
for tool in slurmctld slurmd sbatch munged unshare setpriv ip; do
    command -v "$tool" >/dev/null || { echo "SKIP: '$tool' not installed"; exit 77; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/slurm_selftest.XXXXXX")
t0=$(date +%s.%N)

# The checks run inside the cluster; quoted so that nothing expands here.
checks=$(cat <<'EOF'
set -euo pipefail
ms() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f s", b - a }'; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# (a) one step across all nodes; SLURMD_NODENAME is the node's Slurm name
# (hostname would print `localhost` three times).
t=$(date +%s.%N)
nodes=$(srun -N3 -n3 bash -c 'echo "$SLURMD_NODENAME"' | sort | paste -sd' ')
[[ $nodes == 'n1 n2 n3' ]] || fail "srun -N3 ran on '$nodes', want 'n1 n2 n3'"
echo "srun -N3: $nodes in $(ms "$t")"

# (b) one array task per node, as a fleet-wide detect would be submitted.
for round in $(seq 1 "${FLEET_SELFTEST_ARRAYS:-1}"); do
    out=$SLURM_CLUSTER_WORKDIR/out.$round
    mkdir -p "$out"
    # Append, not overwrite: two tasks on one node must show up as two lines.
    cat >"$out/job.sh" <<JOB
#!/bin/bash
echo "\$SLURM_ARRAY_TASK_ID" >>"$out/\$SLURMD_NODENAME.txt"
JOB
    t=$(date +%s.%N)
    job=$(sbatch --parsable --array=0-2 --nodes=1 --ntasks=1 --exclusive \
        --output="$out/slurm-%A_%a.out" "$out/job.sh")
    # Poll squeue: `sbatch --wait` checks only every ~10 s.
    deadline=$((SECONDS + 60))
    while [[ -n $(squeue -h -j "$job" -o %i 2>/dev/null) ]]; do
        ((SECONDS < deadline)) || { squeue -j "$job" >&2; fail "array job $job still queued after 60 s"; }
        sleep 0.1
    done
    elapsed=$(ms "$t")
    # Every task must have finished well (the job records stay for MinJobAge).
    states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' \n' ' ')
    [[ $states == ' 3 JobState=COMPLETED ' ]] || fail "array $job task states:$states"
    placement=$(scontrol -o show job "$job" | sed -n 's/.*ArrayTaskId=\([0-9]*\).* NodeList=\([^ ]*\).*/\2/p' | sort | paste -sd' ')
    files=$(cd "$out" && ls -- *.txt 2>/dev/null | paste -sd' ' || true)
    lines=$(cat "$out"/*.txt 2>/dev/null | wc -l || true)
    if [[ $files != 'n1.txt n2.txt n3.txt' || $lines != 3 ]]; then
        fail "array $job (round $round): files '$files', $lines task lines, nodes '$placement'; want one task on each of n1 n2 n3"
    fi
    echo "array 0-2 (round $round): one task on each of $placement in $elapsed"
done
EOF
)

set +e
FLEET_SELFTEST_ARRAYS=${FLEET_SELFTEST_ARRAYS:-1} "$here/slurm_cluster.sh" "$work" -- bash -c "$checks"
rc=$?
set -e

# The harness already checks inside its namespace; this checks from outside
# that nothing of this run (daemons carry WORKDIR on their command line) is left.
if pgrep -af -- "$work" >&2; then
    echo "FAIL: processes of this run survived (above)" >&2
    rc=1
fi
total=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
if ((rc == 0)); then
    rm -rf -- "$work"
    echo "PASS: slurm selftest in $total s"
else
    echo "FAIL: slurm selftest (status $rc) after $total s; logs in $work/log" >&2
fi
exit "$rc"
