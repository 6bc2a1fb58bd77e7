#!/usr/bin/env bash
# Benchmark (issue 10, "a fast start"): in one run, on one machine,
#   torchup --version and detect --json   against a trivial C program (built here) and
#                                          python3 -m torch.utils.collect_env (Debian's python3-torch);
#   torchup install --dry-run              against python3 -m pip config list (what it used to run).
# With a second binary (BASE, e.g. a build of the tree before the change) the same
# commands run for it too, interleaved, and the speed-ups are printed.
# Prints medians of wall time (N runs, cheap commands 4*N) and the shared objects each
# loads. Usage: bench/start/run.sh BIN [N] [BASE]
# Goals (issue 10): detect --json >= 400x faster than collect_env; install --dry-run
# >= 5x faster than before.
set -euo pipefail
bin=$(realpath "${1:-./build-rel/torchup}"); n=${2:-7}; base=${3:-}
[ -n "$base" ] && base=$(realpath "$base")
python=/usr/bin/python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Microseconds from bash's own clock ($EPOCHREALTIME, bash >= 5): no `date` process in the interval.
usec() { local t=${EPOCHREALTIME/[.,]/}; echo "${t}"; }
wall() { local s e; s=$(usec); "$@" >/dev/null 2>&1 || true; e=$(usec); echo $(( e - s )); }
runs() { local k=$1; shift; for _ in $(seq "$k"); do wall "$@"; done | median; }
# Shared objects the dynamic loader maps for a command (glibc's LD_DEBUG).
libs() { LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -c 'generating link map' || true; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a / b}'; }

# The trivial C program: what any native process costs to start on this machine.
printf 'int main(void) { return 0; }\n' >"$work/trivial.c"
cc -O2 -o "$work/trivial" "$work/trivial.c"
# A clean, repeatable setting for install --dry-run: no pip.conf of this machine's user.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" NO_COLOR=1
mkdir -p "$HOME"
install_args=(install --dry-run --python "$python" --platform cpu --yes)

# Warm the page cache for every program measured, as a person's second run would be.
for b in "$bin" ${base:+"$base"}; do
  "$b" --version >/dev/null; "$b" detect --json >/dev/null; "$b" "${install_args[@]}" >/dev/null 2>&1 || true
done
"$python" -m pip config list >/dev/null 2>&1 || true

declare -A t
t[trivial]=$(runs $((4 * n)) "$work/trivial")
t[version]=$(runs $((4 * n)) "$bin" --version)
t[detect]=$(runs $((4 * n)) "$bin" detect --json)
t[install]=$(runs "$n" "$bin" "${install_args[@]}")
if [ -n "$base" ]; then
  t[base_version]=$(runs $((4 * n)) "$base" --version)
  t[base_detect]=$(runs $((4 * n)) "$base" detect --json)
  t[base_install]=$(runs "$n" "$base" "${install_args[@]}")
fi
t[pip_config]=$(runs "$n" "$python" -m pip config list)
if "$python" -c 'import torch' 2>/dev/null; then
  t[collect_env]=$(runs "$n" "$python" -m torch.utils.collect_env)
fi

printf '%-44s %10s %8s\n' "command" "median us" "objects"
row() { printf '%-44s %10s %8s\n' "$1" "$2" "${3:-}"; }
row "trivial C program" "${t[trivial]}" "$(libs "$work/trivial")"
row "torchup --version" "${t[version]}" "$(libs "$bin" --version)"
row "torchup detect --json" "${t[detect]}" "$(libs "$bin" detect --json)"
row "torchup ${install_args[*]}" "${t[install]}"
if [ -n "$base" ]; then
  row "before: torchup --version" "${t[base_version]}" "$(libs "$base" --version)"
  row "before: torchup detect --json" "${t[base_detect]}" "$(libs "$base" detect --json)"
  row "before: torchup install --dry-run ..." "${t[base_install]}"
fi
row "python3 -m pip config list" "${t[pip_config]}"
[ -n "${t[collect_env]:-}" ] && row "python3 -m torch.utils.collect_env" "${t[collect_env]}"
echo
echo "--version / trivial C:               $(ratio "${t[version]}" "${t[trivial]}")"
echo "detect --json / trivial C:           $(ratio "${t[detect]}" "${t[trivial]}")"
[ -n "${t[collect_env]:-}" ] && echo "collect_env / detect --json:         $(ratio "${t[collect_env]}" "${t[detect]}")  (goal: >= 400x)"
echo "pip config list / install --dry-run: $(ratio "${t[pip_config]}" "${t[install]}")"
if [ -n "$base" ]; then
  echo "speed-up --version:                  $(ratio "${t[base_version]}" "${t[version]}")"
  echo "speed-up detect --json:              $(ratio "${t[base_detect]}" "${t[detect]}")"
  [ -n "${t[collect_env]:-}" ] && echo "before: collect_env / detect --json: $(ratio "${t[collect_env]}" "${t[base_detect]}")"
  echo "speed-up install --dry-run:          $(ratio "${t[base_install]}" "${t[install]}")  (goal: >= 5x)"
fi
