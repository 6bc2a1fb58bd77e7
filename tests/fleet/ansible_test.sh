#!/usr/bin/env bash
# End-to-end test of the torchup Ansible collection (ansible/ansible_collections/torchup/fleet)
# and the example playbook (ansible/playbooks/torchup-fleet.yml) over real ssh.
#
# usage: tests/fleet/ansible_test.sh TORCHUP_BIN
#
# Three nodes (tests/fleet/ansible_nodes.sh: one sshd each on 127.0.0.11-13:2222, each in its own
# UTS, mount and PID namespace with its own /srv): /srv/torchup is TORCHUP_BIN, /srv/root a
# torchup fixture machine (node1, node2: vm-no-gpu; node3: multi-gpu-server, 4x A100, driver 535).
#
# Part 1 (torchup detect): the playbook's facts step gathers torchup facts on every node over ssh
# and writes one file per node on the controller; the files must show node1 = node2 (no GPU
# usable) and node3 with four A100s; a second run changes nothing; --check works.
# Part 2 (torchup fleet plan/fetch, install --lock, against a local index of stand-in wheels,
# ansible_index.py): a --check preview that writes nothing, the plan (node1 + node2 vs node3),
# the whole playbook twice (the second changed=0), --check, node1 and node2 byte-identical
# wheels, a node no group fits.
#
# COPY_BUNDLE=group copies each node only its group's wheels (the playbook's
# torchup_copy_bundle; default all: the whole bundle, as `torchup fleet fetch` wrote it).
# Needs root, ansible-core >= 2.14, openssh-server, python3 (/usr/bin/python3 with venv).
# Everything lives in one temp dir (KEEP=1 keeps it); every process started is stopped on exit.
set -euo pipefail

# Skipped (exit 77, ctest's SKIP_RETURN_CODE) only where the engine cannot run at all.
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
for tool in ansible-playbook sshd ssh unshare python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "SKIP: '$tool' not installed"; exit 77; }
done
[ $# -eq 1 ] || { echo "usage: $0 TORCHUP_BIN" >&2; exit 2; }
bin=$(readlink -f "$1")
[ -x "$bin" ] || { echo "ansible_test.sh: $1 is not an executable" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$repo/tests/fixtures/machines
playbook=$repo/ansible/playbooks/torchup-fleet.yml
started=$(date +%s.%N)

T=$(mktemp -d /tmp/torchup-ansible.XXXXXX)
index_pid=
cleanup() {
  local status=$?
  set +e
  if [ -n "$index_pid" ]; then kill "$index_pid" 2>/dev/null; wait "$index_pid" 2>/dev/null; fi
  if [ -f "$T/w/nodes.list" ]; then
    if ! "$here/ansible_nodes.sh" stop "$T/w" >"$T/stop.log" 2>&1; then
      cat "$T/stop.log" >&2
      echo "FAIL: processes survived the nodes' stop" >&2
      [ $status = 0 ] && status=1
    fi
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
elapsed() { awk -v a="$(date +%s.%N)" -v b="$started" 'BEGIN{printf "%.1f", a-b}'; }
step() { echo "== $* ($(elapsed) s)"; }

# --- nodes -----------------------------------------------------------------------------------
step "nodes"
cp "$bin" "$T/torchup"   # one copy, hard-linked into each node's /srv
declare -A machine=([node1]=vm-no-gpu [node2]=vm-no-gpu [node3]=multi-gpu-server)
specs=()
for n in node1 node2 node3; do
  mkdir -p "$T/srv/$n"
  ln "$T/torchup" "$T/srv/$n/torchup"
  cp -a "$fixtures/${machine[$n]}" "$T/srv/$n/root"
  specs+=("$n=$T/srv/$n")
done
cp -a "$fixtures/amd-rocm" "$T/srv/node3/rocm-root"   # a machine no group of the lock fits
"$here/ansible_nodes.sh" start "$T/w" "${specs[@]}" >"$T/start.log" 2>&1 || { cat "$T/start.log"; fail "nodes did not start"; }
# shellcheck disable=SC1091
. "$T/w/env.sh"

# The playbook's variables: per-node paths are the same on every node (/srv), the controller's
# files are under $T/fleet.
cat >"$T/vars.yml" <<EOF
torchup_bin: /srv/torchup
torchup_root: /srv/root
torchup_controller_bin: $bin
torchup_fleet_dir: $T/fleet
torchup_node_dir: /srv/torchup-node
torchup_python: /usr/bin/python3
torchup_venv: /srv/venv
torchup_torch: "2.12.0"
torchup_copy_bundle: ${COPY_BUNDLE:-all}
torchup_node_environment:
  XDG_CACHE_HOME: /srv/cache
  PIP_CONFIG_FILE: /dev/null
torchup_controller_environment:
  XDG_CACHE_HOME: $T/controller-cache
  PIP_CONFIG_FILE: /dev/null
EOF

# playbook NAME ARGS...: runs the example playbook, output in $T/NAME.log; fails on a non-zero exit.
playbook() {
  local name=$1
  shift
  if ! ansible-playbook "$playbook" -e "@$T/vars.yml" "$@" >"$T/$name.log" 2>&1; then
    cat "$T/$name.log" >&2
    fail "ansible-playbook $name exited non-zero"
  fi
}

# recap NAME FIELD: "host=value" for every node from the PLAY RECAP of $T/NAME.log.
recap() {
  awk -v f="$2" '/^PLAY RECAP/{r=1; next} r && / : ok=/{for(i=1;i<=NF;i++) if ($i ~ "^" f "=") {split($i,a,"="); print $1 "=" a[2]}}' "$T/$1.log" | sort | tr '\n' ' '
}
expect_recap() {  # NAME FIELD WANT
  local got
  got=$(recap "$1" "$2")
  [ "$got" = "$3" ] || { cat "$T/$1.log" >&2; fail "$1: $2 is '$got', want '$3'"; }
}

# --- part 1: facts over ssh ------------------------------------------------------------------
step "ssh: each node is its own host"
hosts=$(ansible torchup_nodes -o -m ansible.builtin.command -a 'hostname' 2>&1 | sed 's/ | .*(stdout) / /' | sort | tr '\n' ' ')
[ "$hosts" = "node1 node1 node2 node2 node3 node3 " ] || fail "hostnames over ssh: $hosts"

step "facts: first run"
playbook facts1 --tags facts
expect_recap facts1 failed "node1=0 node2=0 node3=0 "
expect_recap facts1 changed "node1=2 node2=1 node3=1 "   # 3 files (+ the directory, on node1's line)

step "facts: the controller's files"
python3 - "$T/fleet/facts" <<'EOF' || fail "facts files"
import json, os, sys
d = sys.argv[1]
files = sorted(os.listdir(d))
assert files == ["node1.json", "node2.json", "node3.json"], files
m = {f[:-5]: json.load(open(os.path.join(d, f))) for f in files}
for name, doc in m.items():
    assert doc["schema"] == "torchup.machine/1", (name, doc.get("schema"))
    assert doc["hostname"] == name, (name, doc.get("hostname"))
    assert doc["os"]["arch"] == "x86_64", doc["os"]
def strip(doc):
    return {k: v for k, v in doc.items() if k != "hostname"}
# node1 and node2 are the same machine (a VM whose only display device is QEMU's VGA).
assert strip(m["node1"]) == strip(m["node2"]), "node1 and node2 differ"
assert m["node1"]["nvidia"] is None, m["node1"]["nvidia"]
assert [g["vendor"] for g in m["node1"]["gpus"]] == ["other"], m["node1"]["gpus"]
assert m["node1"]["os"]["name"].startswith("Debian"), m["node1"]["os"]
# node3: four A100s (compute 8.0) on driver 535.183.01 (CUDA <= 12.2), conda Python 3.11.
g3 = m["node3"]["gpus"]
assert len(g3) == 4 and all(g["vendor"] == "nvidia" and g["compute_capability"] == "8.0"
                            and "A100" in g["name"] for g in g3), g3
assert m["node3"]["nvidia"]["driver_version"] == "535.183.01", m["node3"]["nvidia"]
assert m["node3"]["nvidia"]["max_cuda"] == "12.2", m["node3"]["nvidia"]
assert any(p["version"].startswith("3.11") for p in m["node3"]["pythons"]), m["node3"]["pythons"]
assert m["node3"]["os"]["name"] != m["node1"]["os"]["name"], "node3 should be the Ubuntu server"
print("facts: node1 = node2 (%s, no NVIDIA), node3 = 4x %s, driver %s" % (
    m["node1"]["gpus"][0]["name"], g3[0]["name"], m["node3"]["nvidia"]["driver_version"]))
EOF

step "facts: second run changes nothing"
playbook facts2 --tags facts
expect_recap facts2 changed "node1=0 node2=0 node3=0 "
expect_recap facts2 failed "node1=0 node2=0 node3=0 "

step "facts: --check"
rm "$T/fleet/facts/node2.json"
playbook facts3 --tags facts --check --diff
expect_recap facts3 failed "node1=0 node2=0 node3=0 "
expect_recap facts3 changed "node1=0 node2=1 node3=0 "   # would write node2's file again
[ ! -e "$T/fleet/facts/node2.json" ] || fail "--check wrote node2.json"
grep -q '"compute_capability": "8.0"' "$T/facts3.log" && fail "--check --diff showed node3's unchanged file"
grep -q 'torchup.machine/1' "$T/facts3.log" || fail "--check --diff did not show node2's file"
playbook facts4 --tags facts
expect_recap facts4 changed "node1=0 node2=1 node3=0 "

# A failing detect is a failed task whose exit status is not under "rc".
step "facts: a failure"
out=$(ansible node1 -m torchup.fleet.torchup_facts -a 'torchup=/srv/torchup root=/srv/no-such-root' 2>&1) && fail "detect on a missing root succeeded: $out"
echo "$out" | grep -q '"exit_status"' || fail "no exit_status in: $out"
echo "$out" | grep -q '"rc"' && fail "a result key named rc: $out"

part1=$(elapsed)
echo "part 1 (facts over ssh) passed in $part1 s"

# --- part 2: plan, fetch, install (the fleet commands) -------------------------------------

step "fleet: an index with torch 2.12.0 for cpu and cu126 (stand-in wheels)"
python3 "$here/ansible_index.py" build "$T/index" >"$T/index.list"
python3 "$here/ansible_index.py" serve "$T/index" >"$T/index.port" 2>"$T/index.log" &
index_pid=$!
for _ in $(seq 1 100); do [ -s "$T/index.port" ] && break; sleep 0.05; done
[ -s "$T/index.port" ] || fail "the index did not start"
mirror="http://127.0.0.1:$(cat "$T/index.port")/simple"
echo "torchup_mirror: $mirror" >>"$T/vars.yml"

step "fleet: torchup fleet plan (node1 + node2 vs node3)"
XDG_CACHE_HOME=$T/controller-cache PIP_CONFIG_FILE=/dev/null \
  "$bin" fleet plan "$T/fleet/facts" --lock "$T/plan-lock.json" --torch 2.12.0 --mirror "$mirror" --json \
  >"$T/plan.json" 2>"$T/plan.err" || { cat "$T/plan.json" "$T/plan.err"; fail "fleet plan exited non-zero"; }
python3 - "$T/plan.json" <<'EOF' || { cat "$T/plan.json"; fail "fleet plan's groups"; }
import json, sys
p = json.load(open(sys.argv[1]))
assert p["schema"] == "torchup.fleet/1", p.get("schema")
assert p["unplanned"] == [], p["unplanned"]
groups = {g["id"]: g for g in p["groups"]}
assert sorted(groups) == ["cpu-linux-x86_64-cp311", "cu126-linux-x86_64-cp311"], sorted(groups)
cpu, cu = groups["cpu-linux-x86_64-cp311"], groups["cu126-linux-x86_64-cp311"]
assert sorted(cpu["nodes"]) == ["node1", "node2"], cpu
assert cu["nodes"] == ["node3"], cu
for g in (cpu, cu):
    assert g["torch"] == "2.12.0" and g["python"] == "3.11", g
    assert g["reasons"], g
assert cpu["platform"] == "cpu" and cu["platform"] == "cu126", (cpu["platform"], cu["platform"])
print("plan: cpu -> %s; cu126 -> %s" % (cpu["nodes"], cu["nodes"]))
EOF
[ -s "$T/plan-lock.json" ] || fail "fleet plan wrote no lock"

step "fleet: --check before anything is planned (a preview that writes nothing)"
playbook fleet0 --check
expect_recap fleet0 failed "node1=0 node2=0 node3=0 "
grep -q 'cpu-linux-x86_64-cp311 (torch 2.12.0 cpu, Python 3.11): node1, node2' "$T/fleet0.log" \
  || { cat "$T/fleet0.log"; fail "the --check summary does not group node1 and node2"; }
for p in "$T/fleet/torchup-lock.json" "$T/fleet/torchup-lock.json.new" "$T/fleet/bundle" \
         "$T/srv/node1/torchup-node" "$T/srv/node1/venv"; do
  [ ! -e "$p" ] || fail "--check wrote $p"
done

step "fleet: the whole playbook (plan, fetch, copy, install)"
playbook fleet1
expect_recap fleet1 failed "node1=0 node2=0 node3=0 "
grep -q 'cpu-linux-x86_64-cp311 (torch 2.12.0 cpu, Python 3.11): node1, node2' "$T/fleet1.log" \
  || { cat "$T/fleet1.log"; fail "the summary does not group node1 and node2"; }
grep -q 'cu126-linux-x86_64-cp311 (torch 2.12.0 cu126, Python 3.11): node3' "$T/fleet1.log" \
  || { cat "$T/fleet1.log"; fail "the summary does not name node3's group"; }
grep -q 'inventory group torchup_build_cpu_linux_x86_64_cp311: node1, node2' "$T/fleet1.log" \
  || { cat "$T/fleet1.log"; fail "group_by did not put node1 and node2 in one group"; }
grep -q 'inventory group torchup_build_cu126_linux_x86_64_cp311: node3' "$T/fleet1.log" \
  || { cat "$T/fleet1.log"; fail "group_by did not put node3 in its group"; }
for n in node1 node2 node3; do
  grep -q "$n: [a-z0-9.]*-linux-x86_64-cp311, installed" "$T/fleet1.log" || { cat "$T/fleet1.log"; fail "$n: not installed"; }
done

step "fleet: what pip installed (node1 and node2 byte-identical, node3 its own build)"
python3 - "$T" <<'EOF' || fail "installed wheels"
import glob, hashlib, json, os, sys, zipfile
T = sys.argv[1]
def installed(node):
    """{dist: (version, RECORD lines without RECORD/INSTALLER/REQUESTED/__pycache__)}."""
    out = {}
    for rec in glob.glob(T + "/srv/%s/venv/lib/python3*/site-packages/torch*.dist-info/RECORD" % node):
        meta = open(os.path.join(os.path.dirname(rec), "METADATA")).read()
        version = [l.split(": ", 1)[1] for l in meta.splitlines() if l.startswith("Version: ")][0]
        name = os.path.basename(os.path.dirname(rec)).split("-")[0]
        out[name] = (version, set(open(rec).read().splitlines()))
    return out
def wheel_for(node, name, lines):
    """The bundle copy on the node whose RECORD pip installed: its sha256."""
    hits = []
    for whl in glob.glob(T + "/srv/%s/torchup-node/bundle/**/%s-*.whl" % (node, name), recursive=True):
        with zipfile.ZipFile(whl) as z:
            rec = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")][0]
            want = {l for l in z.read(rec).decode().splitlines() if not l.startswith(rec)}
        if want <= lines:
            hits.append(hashlib.sha256(open(whl, "rb").read()).hexdigest())
    assert len(hits) == 1, (node, name, hits)
    return hits[0]
got = {}
for node in ("node1", "node2", "node3"):
    dists = installed(node)
    assert set(dists) == {"torch", "torchvision"}, (node, sorted(dists))
    got[node] = {name: (v, wheel_for(node, name, lines)) for name, (v, lines) in dists.items()}
assert got["node1"] == got["node2"], (got["node1"], got["node2"])
assert got["node1"]["torch"][0] == "2.12.0+cpu", got["node1"]
assert got["node3"]["torch"][0] == "2.12.0+cu126", got["node3"]
index = dict(l.split()[1:3] for l in open(T + "/index.list"))
for node, dists in got.items():
    for name, (version, sha) in dists.items():
        assert index["%s-%s-py3-none-any.whl" % (name, version)] == sha, (node, name, sha)
print("installed: node1 = node2 = %s; node3 = %s" % (
    {n: v[0] + " " + v[1][:12] for n, v in got["node1"].items()},
    {n: v[0] + " " + v[1][:12] for n, v in got["node3"].items()}))
EOF

step "fleet: a second run installs nothing"
playbook fleet2
expect_recap fleet2 failed "node1=0 node2=0 node3=0 "
expect_recap fleet2 changed "node1=0 node2=0 node3=0 "
grep -q 'already installed' "$T/fleet2.log" || fail "the summary does not say already installed"

step "fleet: --check"
playbook fleet3 --check
expect_recap fleet3 failed "node1=0 node2=0 node3=0 "
expect_recap fleet3 changed "node1=0 node2=0 node3=0 "

step "fleet: a node no group fits fails alone (exit 2 from install --lock)"
out=$(ansible node3 -m torchup.fleet.torchup_install \
  -a "torchup=/srv/torchup lock=/srv/torchup-node/torchup-lock.json bundle=/srv/torchup-node/bundle root=/srv/rocm-root python=/usr/bin/python3 venv=/srv/venv2" 2>&1) \
  && fail "install --lock on a machine of no group succeeded: $out"
echo "$out" | grep -q '"exit_status": 2' || fail "want exit_status 2: $out"
echo "$out" | grep -q '"no_group": true' || fail "want no_group true: $out"
echo "$out" | grep -q '"rc"' && fail "a result key named rc: $out"

echo "PASS (part 1 $part1 s, total $(elapsed) s)"
