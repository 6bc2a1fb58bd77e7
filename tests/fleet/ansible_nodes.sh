#!/usr/bin/env bash
# Local "nodes" for testing Ansible over real ssh (docs: /work/shared/research/fleet.md).
#
# usage: ansible_nodes.sh start WORKDIR NAME=SRVDIR...
#        ansible_nodes.sh stop WORKDIR
#
# start: one sshd per node on 127.0.0.(10+i):2222 (NODE_PORT overrides the port), each under
#   unshare --uts --mount --propagation private --pid --kill-child, with its own hostname (NAME)
#   and SRVDIR bind-mounted over /srv: every node has the same paths (/srv/torchup, /srv/root)
#   but its own machine. The PID namespace makes stopping reliable: when sshd (PID 1 there)
#   exits, the kernel kills every session process it started (and unshare SIGKILLs sshd if
#   unshare itself is killed).
#   Writes WORKDIR/inventory.ini (group torchup_nodes), WORKDIR/ansible.cfg, WORKDIR/env.sh
#   (source it: ANSIBLE_CONFIG, ANSIBLE_HOME, ANSIBLE_LOCAL_TEMP, ANSIBLE_REMOTE_TEMP and
#   ANSIBLE_COLLECTIONS_PATH, all under WORKDIR or this repository) and a client key.
# stop: closes the ssh control masters, SIGTERMs each node's sshd (SIGKILL after 3 s), and fails (exit 1) when any process
#   that names WORKDIR, or any process of a node's namespace, survives.
# Needs root (unshare, mount), /usr/sbin/sshd, ssh, ssh-keygen.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
port=${NODE_PORT:-2222}

die() { echo "ansible_nodes.sh: $*" >&2; exit 1; }

# 0 when PID is a live process (a zombie counts as gone: PID 1 here may not reap).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# This shell and its ancestors (their command lines may name WORKDIR too).
ancestors() {
  local pid=$BASHPID
  while [ -n "$pid" ] && [ "$pid" != 0 ]; do
    echo "$pid"
    pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || break
  done
}

# Every live process, not this shell or an ancestor, whose command line names the directory
# $1 or whose PID namespace is one of the rest of the arguments (ns inodes); "PID COMM ARGS".
survivors() {
  local dir=$1 pid args ns skip
  shift
  skip=" $(ancestors | tr '\n' ' ') "
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    case "$skip" in *" $pid "*) continue ;; esac
    alive "$pid" || continue
    args=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
    ns=$(readlink "$d/ns/pid" 2>/dev/null) || ns=
    case "$args" in
      *"$dir"*) echo "$pid $(cat "$d/comm" 2>/dev/null) $args"; continue ;;
    esac
    for want in "$@"; do
      [ -n "$want" ] && [ "$ns" = "$want" ] && echo "$pid $(cat "$d/comm" 2>/dev/null) $args" && break
    done
  done
  return 0
}

wait_for_port() {  # HOST PORT: up to 5 s
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

start() {
  [ $# -ge 2 ] || die "usage: ansible_nodes.sh start WORKDIR NAME=SRVDIR..."
  [ "$(id -u)" = 0 ] || die "needs root (unshare --mount, mount --bind)"
  mkdir -p "$1"
  local work
  work=$(cd "$1" && pwd)
  shift
  [ ! -e "$work/nodes.list" ] || die "$work already has nodes (stop them first)"
  mkdir -p "$work/ssh" "$work/nodes" "$work/cp" "$work/ansible/local" "$work/ansible/remote" \
           "$work/ansible/home" /run/sshd
  chmod 700 "$work/ssh" "$work/cp"
  [ -f "$work/ssh/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C torchup-test-client -f "$work/ssh/client_key"
  [ -f "$work/ssh/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C torchup-test-host -f "$work/ssh/host_key"
  cp "$work/ssh/client_key.pub" "$work/ssh/authorized_keys"

  local i=0 spec name srv ip dir
  : >"$work/nodes.list"
  {
    echo "[torchup_nodes]"
  } >"$work/inventory.ini"
  for spec in "$@"; do
    i=$((i + 1))
    name=${spec%%=*}
    srv=${spec#*=}
    [[ "$spec" == *=* && "$name" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || die "bad node spec '$spec' (NAME=SRVDIR)"
    [ -d "$srv" ] || die "$srv (node $name) is not a directory"
    srv=$(cd "$srv" && pwd)
    [ $i -le 200 ] || die "at most 200 nodes"
    ip=127.0.0.$((10 + i))
    dir="$work/nodes/$name"
    mkdir -p "$dir"
    cat >"$dir/sshd_config" <<EOF
ListenAddress $ip:$port
HostKey $work/ssh/host_key
AuthorizedKeysFile $work/ssh/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
X11Forwarding no
PrintMotd no
MaxStartups 50:30:100
MaxSessions 50
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    /usr/sbin/sshd -t -f "$dir/sshd_config" || die "sshd rejects $dir/sshd_config"
    # unshare is the process this shell starts and records; --kill-child SIGKILLs sshd (PID 1
    # of the new PID namespace) when unshare dies, and the kernel then kills the namespace.
    # shellcheck disable=SC2016  # $1..$3 are the inner sh's arguments
    unshare --uts --mount --propagation private --pid --kill-child \
      sh -c 'hostname "$1" && mount --bind "$2" /srv && exec /usr/sbin/sshd -D -e -f "$3"' \
      node "$name" "$srv" "$dir/sshd_config" </dev/null >"$dir/sshd.log" 2>&1 &
    echo $! >"$dir/unshare.pid"
    echo "$name $ip $srv $!" >>"$work/nodes.list"
    echo "$name ansible_host=$ip" >>"$work/inventory.ini"
  done
  cat >>"$work/inventory.ini" <<EOF

[torchup_nodes:vars]
ansible_port=$port
ansible_user=root
ansible_ssh_private_key_file=$work/ssh/client_key
ansible_python_interpreter=/usr/bin/python3
EOF

  cat >"$work/ansible.cfg" <<EOF
[defaults]
inventory = $work/inventory.ini
collections_path = $repo/ansible
host_key_checking = False
retry_files_enabled = False
local_tmp = $work/ansible/local
remote_tmp = $work/ansible/remote
interpreter_python = /usr/bin/python3
forks = 20
gathering = explicit

[ssh_connection]
pipelining = True
control_path_dir = $work/cp
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes -o LogLevel=ERROR
EOF
  cat >"$work/env.sh" <<EOF
export ANSIBLE_CONFIG=$work/ansible.cfg
export ANSIBLE_HOME=$work/ansible/home
export ANSIBLE_LOCAL_TEMP=$work/ansible/local
export ANSIBLE_REMOTE_TEMP=$work/ansible/remote
export ANSIBLE_COLLECTIONS_PATH=$repo/ansible
export ANSIBLE_NOCOLOR=1
EOF

  local pid child
  while read -r name ip srv pid; do
    if ! wait_for_port "$ip" "$port"; then
      cat "$work/nodes/$name/sshd.log" >&2 || true
      stop "$work" || true
      die "node $name: sshd did not listen on $ip:$port"
    fi
    # The namespace's PID 1 (sshd), to find every process of the node at stop.
    child=$(awk '{print $1}' "/proc/$pid/task/$pid/children" 2>/dev/null || true)
    if [ -n "$child" ]; then
      echo "$child" >"$work/nodes/$name/sshd.hostpid"
      readlink "/proc/$child/ns/pid" >"$work/nodes/$name/pidns" || true
    fi
  done <"$work/nodes.list"
  echo "started $i node(s); inventory $work/inventory.ini; source $work/env.sh"
}

stop() {
  [ $# -eq 1 ] || die "usage: ansible_nodes.sh stop WORKDIR"
  [ -d "$1" ] || die "$1 is not a directory"
  local work
  work=$(cd "$1" && pwd)
  local sock name ip srv pid i
  # ssh control masters (ControlPersist) are controller processes: close them first.
  for sock in "$work"/cp/*; do
    [ -S "$sock" ] || continue
    ssh -o ControlPath="$sock" -O exit dummy >/dev/null 2>&1 || true
  done
  if [ -f "$work/nodes.list" ]; then
    # unshare ignores SIGTERM; sshd (PID 1 of the node's namespace) handles it: when it exits
    # the kernel kills the rest of the namespace and unshare returns. SIGKILL for what is left.
    local child
    while read -r name ip srv pid; do
      child=$(cat "$work/nodes/$name/sshd.hostpid" 2>/dev/null || true)
      if [ -n "$child" ] && alive "$child"; then kill -TERM "$child" 2>/dev/null || true; fi
    done <"$work/nodes.list"
    for i in $(seq 1 60); do
      local waiting=0
      while read -r name ip srv pid; do alive "$pid" && waiting=1; done <"$work/nodes.list"
      [ $waiting = 0 ] && break
      sleep 0.05
    done
    while read -r name ip srv pid; do
      if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done <"$work/nodes.list"
  fi
  # Anything left: a process naming WORKDIR (a control master, an sshd session) or one in a
  # node's PID namespace.
  local namespaces=() left
  for f in "$work"/nodes/*/pidns; do [ -f "$f" ] && namespaces+=("$(cat "$f")"); done
  for i in $(seq 1 40); do
    left=$(survivors "$work" "${namespaces[@]}")
    [ -z "$left" ] && break
    sleep 0.05
  done
  local status=0
  if [ -n "$left" ]; then
    echo "ansible_nodes.sh: processes survived stop:" >&2
    echo "$left" >&2
    # Kill only what this tool's nodes and their ssh clients are made of.
    echo "$left" | while read -r pid comm _; do
      case "$comm" in ssh|sshd|sshd-session|unshare|sftp-server) kill -KILL "$pid" 2>/dev/null || true ;; esac
    done
    status=1
  fi
  if [ -f "$work/nodes.list" ]; then
    while read -r name ip srv pid; do
      if alive "$pid"; then echo "ansible_nodes.sh: node $name (unshare $pid) survived" >&2; status=1; fi
      if (exec 3<>"/dev/tcp/$ip/$port") 2>/dev/null; then
        echo "ansible_nodes.sh: something still listens on $ip:$port" >&2
        status=1
      fi
    done <"$work/nodes.list"
    mv "$work/nodes.list" "$work/nodes.stopped"
  fi
  [ $status = 0 ] && echo "stopped; no process names $work"
  return $status
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: ansible_nodes.sh start WORKDIR NAME=SRVDIR... | stop WORKDIR" ;;
esac
