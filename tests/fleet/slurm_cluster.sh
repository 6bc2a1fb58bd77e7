#!/usr/bin/env bash
# slurm_cluster.sh - run a command against a throw-away three-node Slurm cluster.
#
#   usage: slurm_cluster.sh WORKDIR -- COMMAND [ARGS...]
#
# Starts munged, slurmctld and three slurmd (n1, n2, n3, one CPU each) on this
# machine, waits until every node is idle, runs COMMAND with SLURM_CONF set,
# then stops everything and exits with COMMAND's status (125 if the cluster
# itself could not be brought up or torn down cleanly).
#
# Needs root, util-linux unshare, iproute2 (ip), munge and slurm-wlm (Debian 12:
# slurm-wlm 22.05, whose slurmd is built with multiple-slurmd support).
# The recipe and the reasons behind each setting are in
# shared/research/fleet.md ("Slurm").
#
# Isolation: the script re-executes itself in fresh network, UTS, mount and PID
# namespaces. The network namespace has only loopback, so the fixed Slurm
# ports cannot clash with other runs; the UTS namespace lets the hostname be
# `localhost` (slurmctld only starts if it matches SlurmctldHost); the PID
# namespace makes the kernel kill every leftover process (daemons, slurmstepd,
# anything COMMAND left behind) when the script exits, even on SIGKILL.
# Everything on disk lives under WORKDIR, which is kept afterwards for its logs.
#
# Environment knobs: SLURM_CLUSTER_TIMEOUT (seconds to wait for idle nodes,
# default 30), SLURM_CLUSTER_QUIET=1 (no progress lines on stderr).

# Functions called only from traps look unreachable to shellcheck.
# shellcheck disable=SC2317

set -euo pipefail

readonly ME=slurm_cluster
readonly HARNESS_FAIL=125
readonly INNER_MARKER=SLURM_CLUSTER_INNER_3F9C   # unlikely to be set by accident
readonly NODES=(n1 n2 n3)

log() { [[ ${SLURM_CLUSTER_QUIET:-0} == 1 ]] || printf '%s: %s\n' "$ME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$ME" "$*" >&2; exit "$HARNESS_FAIL"; }
usage() { printf 'usage: %s WORKDIR -- COMMAND [ARGS...]\n' "$0" >&2; exit 2; }
# date, not $EPOCHREALTIME: the latter uses the locale's decimal separator.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------- outer part
if [[ ${!INNER_MARKER:-} != 1 ]]; then
    [[ $# -ge 3 && $2 == -- ]] || usage
    [[ $(id -u) == 0 ]] || die "must run as root (namespaces, SlurmUser=root)"
    for tool in unshare setpriv ip hostname flock setsid pgrep munged slurmctld slurmd sinfo; do
        command -v "$tool" >/dev/null || die "missing '$tool' (apt: util-linux iproute2 munge slurm-wlm slurm-client)"
    done
    command -v mungekey >/dev/null || command -v dd >/dev/null || die "need mungekey or dd for the munge key"
    mkdir -p -- "$1" || die "cannot create WORKDIR '$1'"
    workdir=$(realpath -- "$1")   # absolute: it ends up in slurm.conf
    shift 2
    self=$(realpath -- "${BASH_SOURCE[0]}")

    # Not `exec unshare`: while it waits, unshare blocks SIGTERM and SIGINT,
    # so `timeout 60 slurm_cluster.sh ...` or a plain kill would do nothing.
    # This shell stays, forwards those signals to the namespace's PID 1 and
    # waits for its teardown. If this shell is SIGKILLed instead, pdeathsig
    # kills unshare, --kill-child then sends SIGTERM to PID 1, which tears
    # down as usual; the kernel kills whatever is left when PID 1 exits.
    # Bash starts background jobs with stdin from /dev/null and with SIGINT
    # and SIGQUIT ignored (which a shell then cannot trap); hand over our
    # stdin and give the signals back with env --default-signal.
    exec {stdin_fd}<&0
    env --default-signal=INT,QUIT "$INNER_MARKER=1" setpriv --pdeathsig KILL \
        unshare --net --uts --mount --pid --mount-proc --fork \
        --kill-child=TERM --propagation private \
        bash "$self" "$workdir" -- "$@" <&"$stdin_fd" {stdin_fd}<&- &
    upid=$!
    exec {stdin_fd}<&-
    forward() {
        local inner
        read -r inner _ 2>/dev/null <"/proc/$upid/task/$upid/children" || inner=$(pgrep -P "$upid" || true)
        if [[ -n $inner ]]; then
            kill "-$1" "$inner" 2>/dev/null
        else                  # not forked yet: --kill-child covers it
            kill -KILL "$upid" 2>/dev/null
        fi
        return 0
    }
    trap 'forward TERM' TERM
    trap 'forward INT' INT
    trap 'forward HUP' HUP
    # A trapped signal interrupts `wait`; keep waiting until unshare is gone.
    rc=0
    while kill -0 "$upid" 2>/dev/null; do
        wait "$upid" && rc=0 || rc=$?
    done
    exit "$rc"
fi

# ---------------------------------------------------------------- inner part
# From here on we are PID 1 of a private PID namespace.
# Unset the marker so that a COMMAND which calls this script again gets its own
# cluster in its own namespaces instead of fighting over this one's ports.
unset "$INNER_MARKER"
workdir=$1
shift 2

t_start=$(now)
ip link set lo up || die "cannot bring up loopback in the network namespace"
hostname localhost || die "cannot set the hostname in the UTS namespace"

# Refuse to scribble over a directory we did not make (the marker file says
# we did), before creating anything in it.
subdirs=(etc spool log munge run)
if [[ ! -e $workdir/.slurm_cluster && -n $(find "$workdir" -mindepth 1 -maxdepth 1 ! -name .slurm_cluster.lock -print -quit) ]]; then
    die "WORKDIR $workdir is not empty and was not made by $ME; use a fresh directory"
fi
# One cluster per WORKDIR at a time: the munge socket and spool are plain files
# and would be shared by two runs even though their networks are separate.
# The lock fd is inherited by the daemons, so it is only released once every
# process of this run is gone.
exec 9>>"$workdir/.slurm_cluster.lock"
flock -n 9 || die "WORKDIR $workdir is in use by another slurm_cluster.sh"
# Re-running in the same WORKDIR: start from scratch, but wipe only our own.
for d in "${subdirs[@]}"; do rm -rf -- "${workdir:?}/$d"; done
: >"$workdir/.slurm_cluster"
for d in "${subdirs[@]}"; do mkdir -p "$workdir/$d"; done
for n in "${NODES[@]}"; do mkdir -p "$workdir/spool/$n"; done
mkdir -p "$workdir/spool/ctld"

# Slurm resolves SlurmctldHost=localhost; a container whose /etc/hosts lacks
# localhost would fail obscurely, so give it one, visible only inside our
# private mount namespace. (Not `getent ahostsv4`: AI_ADDRCONFIG makes it find
# nothing in a loopback-only namespace, the same trap as EnableIPv6 below.)
if ! getent hosts localhost 2>/dev/null | grep -q '^127\.0\.0\.1'; then
    printf '127.0.0.1 localhost\n' >"$workdir/etc/hosts"
    mount --bind "$workdir/etc/hosts" /etc/hosts || die "localhost does not resolve and /etc/hosts cannot be replaced"
    log "localhost did not resolve; using a private /etc/hosts"
fi

# ------------------------------------------------------------------ teardown
pids=()          # daemons we started, in start order
names=()         # their names, same order
cmd_pid=
cleaned=0

tail_logs() {
    local f
    for f in "$workdir"/log/*; do
        [[ -s $f ]] || continue
        # slurm daemons in -D mode write the same lines to NAME.log and stderr
        [[ $f == *.out && -s ${f%.out}.log ]] && continue
        printf '%s: ---- tail of %s ----\n' "$ME" "$f" >&2
        tail -n 15 -- "$f" >&2 || true
    done
}

# True while PID runs; a zombie is dead already and only waits to be reaped.
live() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }                         # the name may hold spaces
    [[ ${stat%% *} != Z ]]
}

any_live() {
    local p
    for p; do live "$p" && return 0; done
    return 1
}

# Fill the array `left` with every live process in the namespace but us
# (PID 1). Done in this shell, without pgrep or a subshell, so that no helper
# of ours is counted.
others() {
    local p
    left=()
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [[ $p != 1 ]] && live "$p" && left+=("$p")
    done
    return 0
}

# True while some slurmstepd (job step manager) is alive.
stepds() {
    local p comm
    for p in /proc/[0-9]*; do
        read -r comm 2>/dev/null <"$p/comm" || continue
        [[ $comm == slurmstepd ]] && live "${p#/proc/}" && return 0
    done
    return 1
}

# Wait up to $1 tenths of a second for `others` to come back empty.
drain() {
    local i
    for ((i = 0; i < $1; i++)); do
        others
        ((${#left[@]} == 0)) && return 0
        sleep 0.1
    done
    others
    ((${#left[@]} == 0))
}

cleanup() {
    local rc=$? i t0 stage group jobs
    [[ $cleaned == 1 ]] && return
    cleaned=1
    set +e
    trap '' INT TERM HUP
    t0=$(now)
    # Order matters; each step is skipped in ~0 s when there is nothing to do.
    # 1. COMMAND, if a signal brought us here.
    [[ -n $cmd_pid ]] && kill -TERM "$cmd_pid" 2>/dev/null
    # 2. Jobs. A slurmstepd still reporting a finished step (common right after
    #    `srun` returns) makes its slurmd hang ~2-4 s on shutdown, and a job
    #    COMMAND left running should end the way jobs end, not by SIGKILL.
    if stepds; then
        mapfile -t jobs < <(timeout 5 squeue -h -o %i 2>/dev/null || true)
        ((${#jobs[@]})) && timeout 5 scancel --quiet "${jobs[@]}" 2>/dev/null
        for ((i = 0; i < 40; i++)); do
            stepds || break
            sleep 0.1
        done
    fi
    # 3. The Slurm daemons, with SIGTERM, so slurmctld saves state and all log
    #    a normal exit (~0.1 s); munged (pids[0]) only after them: slurmd still
    #    signs replies to slurmctld's shutdown messages, and without munged
    #    each reply stalls ~2 s in munge retries.
    for stage in slurm munge; do
        if [[ $stage == slurm ]]; then group=("${pids[@]:1}"); else group=("${pids[@]:0:1}"); fi
        ((${#group[@]})) || continue
        kill -TERM "${group[@]}" 2>/dev/null
        for ((i = 0; i < 30; i++)); do
            any_live "${group[@]}" || break
            sleep 0.1
        done
    done
    # 4. The rest: stray job processes, a slurmstepd that would not finish
    #    (it ignores SIGTERM, hence the short grace), whatever COMMAND left
    #    behind in the background.
    if ! drain 1; then
        kill -TERM "${left[@]}" 2>/dev/null
        if ! drain 10; then
            log "sending SIGKILL to: $(ps -o pid=,comm= -p "$(IFS=,; echo "${left[*]}")" 2>/dev/null | tr -s ' \n' ' ')"
            kill -KILL "${left[@]}" 2>/dev/null
            drain 20
        fi
    fi
    wait 2>/dev/null
    # 5. Proof, not hope: nothing may be left. (The kernel would kill leftovers
    # when we exit anyway; this makes a teardown bug visible.) Not pgrep: it
    # also lists the zombies of daemonized slurmstepd, reparented to us and
    # not reaped until we exit.
    others
    if ((${#left[@]} > 0)); then
        printf '%s: error: processes survived teardown: %s\n' "$ME" "${left[*]}" >&2
        ps -o pid=,stat=,args= -p "$(IFS=,; echo "${left[*]}")" >&2
        rc=$HARNESS_FAIL
    fi
    log "stopped in $(since "$t0") s"
    exit "$rc"
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap runs (PID 1 would otherwise
# ignore SIGTERM/SIGINT entirely). A ^C reaches us twice, directly and
# forwarded by the outer shell; the second one must not cut the teardown short.
on_signal() { [[ $cleaned == 1 ]] || exit "$1"; }
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

# Start a daemon in its own session (a terminal ^C should reach COMMAND, not
# tear the daemons down under it) with its console output in log/NAME.out.
# Disowned, so that bash does not print "Killed ..." for one we had to
# SIGKILL; we track them through /proc, not `wait`.
start() {
    local name=$1; shift
    setsid "$@" </dev/null >>"$workdir/log/$name.out" 2>&1 &
    pids+=($!)
    names+=("$name")
    disown "$!"
}

# --------------------------------------------------------------------- munge
msock=$workdir/munge/munge.socket
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$workdir/munge/munge.key" >/dev/null 2>&1 ||
        die "mungekey --create failed"
else
    dd if=/dev/urandom of="$workdir/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 0600 "$workdir/munge/munge.key"
# munged wants every directory above its socket searchable by all users
# (clients run as anyone); WORKDIR from mktemp -d is 0700 and may sit under
# /root. All clients here run as root, so --force turns that refusal into a
# warning rather than us loosening the caller's directories.
chmod 0711 "$workdir/munge"
# In the foreground munged logs to stderr, i.e. log/munged.out.
start munged munged --foreground --force \
    --socket="$msock" --key-file="$workdir/munge/munge.key" \
    --pid-file="$workdir/run/munged.pid" \
    --seed-file="$workdir/munge/munge.seed"
munged_pid=${pids[-1]}
for ((i = 0; i < 100; i++)); do
    [[ -S $msock ]] && break
    live "$munged_pid" || { tail_logs; die "munged exited during start"; }
    sleep 0.05
done
[[ -S $msock ]] || { tail_logs; die "munged socket $msock did not appear within 5 s"; }
munge -n -S "$msock" | unmunge -S "$msock" >/dev/null 2>&1 ||
    { tail_logs; die "munged does not issue/verify credentials"; }

# --------------------------------------------------------------- slurm.conf
conf=$workdir/etc/slurm.conf
cat >"$conf" <<EOF
# Generated by $ME for a single-machine, three-node test cluster.
ClusterName=fleet
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$msock
# A loopback-only namespace makes glibc's AF_INET lookups with AI_ADDRCONFIG
# return nothing, so slurmctld cannot bind; EnableIPv6 switches to AF_UNSPEC.
CommunicationParameters=EnableIPv6
# No cgroups in containers: plain /proc process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
# The default 3 s batch delay makes array jobs crawl.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
StateSaveLocation=$workdir/spool/ctld
SlurmdSpoolDir=$workdir/spool/%n
SlurmctldPidFile=$workdir/run/slurmctld.pid
SlurmdPidFile=$workdir/run/slurmd.%n.pid
SlurmctldLogFile=$workdir/log/slurmctld.log
SlurmdLogFile=$workdir/log/slurmd.%n.log
SlurmctldDebug=info
SlurmdDebug=info
# Multiple-slurmd mode: three nodes share the host, told apart by port.
NodeName=n[1-3] NodeHostname=localhost NodeAddr=127.0.0.1 Port=17001-17003 CPUs=1 State=UNKNOWN
PartitionName=debug Nodes=n[1-3] Default=YES MaxTime=INFINITE State=UP
EOF

# Stale client settings from an enclosing real Slurm job (SLURM_JOB_ID,
# SBATCH_PARTITION, ...) would leak into COMMAND's srun/sbatch calls. Our own
# SLURM_CLUSTER_* knobs stay.
while read -r v; do unset "$v"; done < <(compgen -e |
    grep -E '^(SLURM|SBATCH|SRUN|SALLOC|SQUEUE|SINFO|SCONTROL)_' | grep -v '^SLURM_CLUSTER_' || true)
export SLURM_CONF=$conf

# ------------------------------------------------------------------ daemons
# -f on the command line too, so `pgrep -f WORKDIR` finds this run's daemons.
start slurmctld slurmctld -D -i -f "$conf"
for n in "${NODES[@]}"; do start "slurmd.$n" slurmd -D -N "$n" -f "$conf"; done

timeout_s=${SLURM_CLUSTER_TIMEOUT:-30}
deadline=$((SECONDS + timeout_s))
states=
while :; do
    for i in "${!pids[@]}"; do
        live "${pids[i]}" || { tail_logs; die "${names[i]} exited during start-up (see $workdir/log)"; }
    done
    states=$(timeout 5 sinfo -h -N -o '%N=%T' 2>/dev/null | sort -u | paste -sd' ' || true)
    [[ $states == 'n1=idle n2=idle n3=idle' ]] && break
    if ((SECONDS >= deadline)); then
        tail_logs
        die "nodes not all idle after ${timeout_s} s (last sinfo: ${states:-no answer from slurmctld})"
    fi
    sleep 0.1
done
log "cluster up in $(since "$t_start") s ($states) SLURM_CONF=$SLURM_CONF"

# ------------------------------------------------------------------ COMMAND
export SLURM_CLUSTER_WORKDIR=$workdir SLURM_CLUSTER_MUNGE_SOCKET=$msock
# In the background so a signal reaches our trap at once instead of after
# COMMAND finishes; as in the outer part, give it our stdin and default
# SIGINT/SIGQUIT handling (a test may well rely on ^C or on SIGINT).
exec {stdin_fd}<&0
set +e
env --default-signal=INT,QUIT -- "$@" <&"$stdin_fd" {stdin_fd}<&- &
cmd_pid=$!
wait "$cmd_pid"
rc=$?
set -e
cmd_pid=
exec {stdin_fd}<&-
log "command exited with status $rc"
exit "$rc"
