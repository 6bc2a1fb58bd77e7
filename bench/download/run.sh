#!/usr/bin/env bash
# Benchmark (issue 13, "downloads that survive the link"): in one run, on one machine,
# the same generated wheel (SIZE_MB, default 200) from a PEP 503 index on 127.0.0.1
# limited to RATE bytes/s per connection (default 10 MB/s), on a clean link and on a
# link that drops every DROP bytes sent (default 40 MB):
#   plain pip:  python3 -m pip download --no-deps --no-cache-dir (Debian's pip)
#   torchup:    its downloader (act/download.h: 8 range requests, resume after drops)
# and pip install of the local file (what torchup hands to pip afterwards).
# Prints seconds, whether it completed, bytes sent per byte of file, and the ratios.
# The server lives inside each bench_download run and stops with it; pip is killed
# after TIMEOUT_S. Usage: bench/download/run.sh BENCH_DOWNLOAD [SIZE_MB]
# Goals (issue 13): >= 4x faster than pip on the clean link; on the dropping link
# torchup completes with <= 1.05 bytes sent per byte of file.
set -euo pipefail
bin=$(realpath "${1:-./build/bench/bench_download}")
size_mb=${2:-200}
rate=${RATE:-$((10 << 20))}
drop=${DROP:-$((40 << 20))}
timeout_s=${TIMEOUT_S:-90}
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
read -r wheel _sha < <(/usr/bin/python3 "$here/make_big_wheel.py" "$work" "$size_mb")
wheel="$work/$wheel"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
row() {  # label mode drop
  local line
  line=$("$bin" "$wheel" "$2" "$rate" "$3" "$timeout_s" 2>"$work/err") || true
  [ -n "$line" ] || { echo "$1: no result"; cat "$work/err"; return; }
  printf '%-34s %8s s  completed=%s  sent/byte=%s  drops=%s\n' "$1" "$(field seconds "$line")" \
    "$(field completed "$line")" "$(field sent_per_byte "$line")" "$(field drops "$line")"
  echo "$line" >"$work/$2-$3"
}
echo "file: ${size_mb} MB wheel; link: $((rate >> 20)) MB/s per connection; drops every $((drop >> 20)) MB"
row "pip download, clean link" pip 0
row "torchup, clean link" torchup 0
row "pip download, dropping link" pip "$drop"
row "torchup, dropping link" torchup "$drop"
s=$(date +%s.%N)
/usr/bin/python3 -m pip install --no-deps --no-cache-dir --no-index --disable-pip-version-check \
  --target "$work/target" "$wheel" >/dev/null 2>&1
e=$(date +%s.%N)
printf '%-34s %8.2f s\n' "pip install of the local file" "$(echo "$e - $s" | bc)"
sec() { field seconds "$(cat "$work/$1")"; }
ok() { [ "$(field completed "$(cat "$work/$1")")" = 1 ]; }
echo
if ok pip-0 && ok torchup-0; then
  echo "clean link: pip / torchup = $(echo "scale=1; $(sec pip-0) / $(sec torchup-0)" | bc)x  (goal: >= 4x)"
fi
if ok "torchup-$drop"; then
  echo "dropping link: torchup sent $(field sent_per_byte "$(cat "$work/torchup-$drop")") bytes per byte (goal: <= 1.05);" \
    "pip $(ok "pip-$drop" && echo completed || echo "did not complete")"
fi
