#!/usr/bin/env bash
# Benchmark of `sqltriage evtx` against evtxexport (libevtx-utils) and python-evtx.
# Run on demand, not in CI:  bench/evtx_bench.sh [SIZE_MB]   (default 512)
#
# Inputs: the largest logs of ../shared/corpus/evtx (when present) and one log of SIZE_MB made
# by our own writer (tests/fixtures evtxgen big). For each tool and input: wall seconds, MB/s,
# records/s and peak RSS, from /usr/bin/time, one run each, output to /dev/null.
# python-evtx reads about 0.3 MB/s, so it runs on the corpus logs only.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-512}
bin=build/release/sqltriage
gen=build/release/tests/fixtures/evtxgen
[ -x "$bin" ] && [ -x "$gen" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
command -v evtxexport >/dev/null || { echo "needs evtxexport (libevtx-utils)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

big="$work/big.evtx"
"$gen" big "$big" --size-mb "$size_mb" >&2
corpus=../shared/corpus/evtx
inputs=()
if [ -d "$corpus" ]; then
  for f in omer_security.evtx omer_sample-with-irregular-bool-values.evtx omer_system.evtx omer_sysmon.evtx; do
    [ -f "$corpus/$f" ] && inputs+=("$corpus/$f")
  done
fi
inputs+=("$big")

records_of() {  # number of records evtxexport reads (the reference count)
  evtxexport "$1" 2>/dev/null | grep -c '^Event number' || true
}

measure() {  # label input records command...
  local label=$1 input=$2 records=$3; shift 3
  local bytes out
  bytes=$(stat -c %s "$input")
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
  out=$(tail -1 "$work/time")
  local secs=${out% *} rss_kb=${out#* }
  awk -v l="$label" -v f="$(basename "$input")" -v b="$bytes" -v r="$records" -v s="$secs" -v m="$rss_kb" \
    'BEGIN { if (s < 0.01) s = 0.01; printf "| %s | %s | %.1f | %.2f | %.1f | %.0f | %.1f |\n", f, l, b/1048576, s, b/1048576/s, r/s, m/1024 }'
}

echo "| input | tool | MB | s | MB/s | records/s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
for input in "${inputs[@]}"; do
  n=$(records_of "$input")
  measure "sqltriage evtx (default set)" "$input" "$n" "$bin" evtx -q "$input"
  measure "sqltriage evtx --all" "$input" "$n" "$bin" evtx -q --all "$input"
  measure "sqltriage evtx --all --threads 1" "$input" "$n" "$bin" evtx -q --all --threads 1 "$input"
  measure "evtxexport -f xml" "$input" "$n" evtxexport -f xml "$input"
  if [ "$input" != "$big" ] && [ -x /usr/bin/evtx_dump.py ]; then
    measure "python-evtx evtx_dump.py" "$input" "$n" /usr/bin/python3 /usr/bin/evtx_dump.py "$input"
  fi
done
