#!/usr/bin/env bash
# `sqltriage pe` (PE reader, every hash in one pass, signature checks) on large PEs against
# sha256sum, md5sum and ssdeep on the same files: MB/s and peak RSS. Run on demand after
# scripts/build.sh; needs mingw-w64, osslsigncode and openssl (for the fixtures), hyperfine
# and /usr/bin/time.
#
#   bench/pe_bench.sh [SIZES_MB] [RUNS]
#
# For each size in SIZES_MB (default "50 200") two PEs are built in a temporary folder:
#   overlay-N.exe  plain.exe (tests/fixtures/pe/make_pes.sh) followed by N MB of random bytes
#   data-N.exe     a mingw program whose .data section holds an initialised N MB array
# Every command runs RUNS times (default 3) under hyperfine with its output to /dev/null; the
# table shows the mean wall time, MB/s = size / seconds, and the peak RSS of one run from
# /usr/bin/time. Two sizes show whether RSS depends on the file size.
# SQLTRIAGE=path overrides the binary (default build/release/sqltriage).
set -euo pipefail

SIZES="${1:-50 200}"
RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
for tool in hyperfine /usr/bin/time sha256sum md5sum ssdeep x86_64-w64-mingw32-gcc \
            osslsigncode openssl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pe-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$ROOT/tests/fixtures/pe/make_pes.sh" "$WORK/fixtures" >/dev/null

for mb in $SIZES; do
  head -c "$((mb * 1048576))" /dev/urandom > "$WORK/blob-$mb.bin"
  cat "$WORK/fixtures/plain.exe" "$WORK/blob-$mb.bin" > "$WORK/overlay-$mb.exe"
  cat > "$WORK/data-$mb.c" <<EOF
#include <stdio.h>
extern unsigned char blob[];
__asm__(".data\n.globl blob\nblob:\n.incbin \"$WORK/blob-$mb.bin\"\n.text\n");
int main(int argc, char **argv) { return blob[argc] + (argv[0][0] == 0); }
EOF
  x86_64-w64-mingw32-gcc -O2 -s -o "$WORK/data-$mb.exe" "$WORK/data-$mb.c"
  rm -f "$WORK/blob-$mb.bin"
done

mean_seconds() {  # COMMAND...: hyperfine's mean wall time in seconds
  hyperfine --runs "$RUNS" --warmup 1 --style none --export-json "$WORK/h.json" \
    --command-name x "$(printf '%q ' "$@") >/dev/null" >/dev/null 2>&1
  sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$WORK/h.json" | head -1
}

peak_rss_mb() {  # COMMAND...: peak RSS of one run, MB
  /usr/bin/time -v -o "$WORK/time" "$@" >/dev/null 2>&1 || true
  awk '/Maximum resident set size/ { printf "%.1f", $NF / 1024 }' "$WORK/time"
}

row() {  # LABEL FILE COMMAND...
  local label="$1" file="$2"
  shift 2
  local bytes s rss
  bytes="$(stat -c %s "$file")"
  s="$(mean_seconds "$@")"
  rss="$(peak_rss_mb "$@")"
  printf '| %s | %s | %.0f | %.2f | %.0f | %s |\n' "$label" "$(basename "$file")" \
    "$(awk -v b="$bytes" 'BEGIN{print b / 1e6}')" "$s" \
    "$(awk -v b="$bytes" -v s="$s" 'BEGIN{print b / 1e6 / s}')" "$rss"
}

echo "| command | file | MB | s | MB/s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for mb in $SIZES; do
  for kind in overlay data; do
    f="$WORK/$kind-$mb.exe"
    row "sqltriage pe" "$f" "$SQLTRIAGE" pe "$f"
    row "sha256sum" "$f" sha256sum "$f"
    row "md5sum" "$f" md5sum "$f"
    row "ssdeep" "$f" ssdeep "$f"
  done
done
