#!/usr/bin/env bash
# Benchmark of the USN change journal reader (usn::scan) on large $J streams.
# Run on demand, not in CI:  bench/usn_bench.sh [SIZE_MB]   (default 1024)
#
# Inputs, written by tests/fixtures/usn/usngen from the records of
# ../shared/corpus/ntfs/dfir_ntfs_usnjrnlj.bin (made-up V2 records when the corpus is absent),
# repeated with rising USNs and Windows' page padding:
#   records   SIZE_MB of records
#   sparse    a 16 GiB sparse hole, then 64 MiB of records (a live journal's $J)
#   zeros     SIZE_MB of written zero bytes, then 64 MiB of records (a $J copied without
#             keeping it sparse)
# For each, usnscan streams it through usn::scan once; wall seconds and peak RSS come from
# /usr/bin/time, the rest from usnscan. `cat FILE >/dev/null` gives the read speed of the same
# bytes for scale. No reference tool reads a loose $J on Debian (fsntfsinfo -U needs a volume).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
gen=build/release/tests/fixtures/usn/usngen
scan=build/release/tests/fixtures/usn/usnscan
[ -x "$gen" ] && [ -x "$scan" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

template=()
corpus=../shared/corpus/ntfs/dfir_ntfs_usnjrnlj.bin
[ -f "$corpus" ] && template=(--template "$corpus")
"$gen" "$work/records.J" --size-mb "$size_mb" "${template[@]}" >/dev/null
"$gen" "$work/sparse.J" --hole-mb 16384 --size-mb 64 "${template[@]}" >/dev/null
"$gen" "$work/zeros.J" --zero-mb "$size_mb" --size-mb 64 "${template[@]}" >/dev/null

echo "| input | size MB | data MB on disk | records | s | MB/s | records/s | peak RSS MB | cat s |"
echo "|---|---|---|---|---|---|---|---|---|"
for name in records sparse zeros; do
  f="$work/$name.J"
  /usr/bin/time -f '%e %M' -o "$work/time" "$scan" "$f" >"$work/out"
  read -r secs rss_kb <"$work/time"
  json=$(cat "$work/out")
  field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<<"$json"; }
  start=$(date +%s.%N)
  cat "$f" >/dev/null
  cat_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  awk -v n="$name" -v size="$(field size)" -v read_b="$(field bytes_read)" -v rec="$(field records)" \
      -v s="$(field seconds)" -v wall="$secs" -v rss="$rss_kb" -v c="$cat_s" \
    'BEGIN { if (s < 0.001) s = 0.001;
             printf "| %s | %.0f | %.0f | %d | %.2f (wall %.2f) | %.0f | %.0f | %.1f | %.2f |\n",
                    n, size/1e6, read_b/1e6, rec, s, wall, size/1e6/s, rec/s, rss/1024, c }'
done
