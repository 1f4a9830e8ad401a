#!/usr/bin/env bash
# `sqltriage timeline` on the largest corpus material and on a large generated volume: events
# per second, wall seconds and peak RSS, against reference pipelines (`fls -r -m` piped into
# `mactime -b -d` for NTFS volumes, `evtxexport` for event logs). Run on demand after
# scripts/build.sh (the generated volume needs ntfsgen from the test fixtures).
#
#   bench/timeline_bench.sh [FOLDERS]
#
# FOLDERS x 500 files are written into a fresh volume by ntfsgen (default 200: about 100,000
# MFT entries, about 800,000 timeline events), so that peak RSS can be compared between a
# small and a large input: the external merge keeps it flat. Each command runs once with
# its output to /dev/null; wall seconds and peak RSS come from /usr/bin/time. Override the
# binaries with SQLTRIAGE=... and NTFSGEN=...
set -euo pipefail

FOLDERS="${1:-200}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"
NTFSGEN="${NTFSGEN:-$ROOT/build/release/tests/fixtures/ntfsgen}"
CORPUS="$ROOT/../shared/corpus"
PYTHON=/usr/bin/python3

for tool in "$SQLTRIAGE" "$NTFSGEN"; do
  [[ -x "$tool" ]] || { echo "missing $tool: run scripts/build.sh first" >&2; exit 2; }
done
for tool in fls mmls mactime evtxexport /usr/bin/time "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[[ -d "$CORPUS" ]] || { echo "missing the corpus at $CORPUS" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/timeline-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Inputs: the corpus NTFS image, the largest corpus event log, every corpus log, hive,
# prefetch and web log in one folder, and the generated volume.
NTFS="$WORK/ntfs-lastaccess.raw"
gzip -dc "$CORPUS/ntfs/msuhanov_ntfs-lastaccess.raw.gz" > "$NTFS"
BIGEVTX="$(ls -S "$CORPUS"/evtx/*.evtx | head -1)"
MIX="$WORK/mix"
mkdir -p "$MIX"
cp "$CORPUS"/evtx/*.evtx "$CORPUS"/prefetch/*.pf "$CORPUS"/weblogs/*.log "$MIX"/
for h in regipy_SYSTEM regipy_SAM regipy_NTUSER.DAT plaso_Amcache.hve; do
  cp "$CORPUS/registry/$h" "$MIX/"
done
"$PYTHON" - "$FOLDERS" > "$WORK/spec.json" <<'PY'
import json, sys
folders = int(sys.argv[1])
entries = [{"file": "\\d%03d\\f_%05d.txt" % (d, f), "text": "x" * (f % 50)}
           for d in range(folders) for f in range(500)]
print(json.dumps({"label": "BENCH", "entries": entries}))
PY
BIG="$WORK/big.img"
"$NTFSGEN" image "$BIG" --spec "$WORK/spec.json" --size-mb $(( FOLDERS * 5 + 256 )) >/dev/null 2>&1

# Runs "$@" once, output to $WORK/out; prints "seconds peak_rss_kib lines".
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/stderr" || {
    local rc=$?
    # exit 3 (nothing readable) is not expected here; anything else non-zero is a failure
    echo "failed ($rc): $*" >&2; tail -5 "$WORK/stderr" >&2; exit 1; }
  read -r s m < "$WORK/time"
  echo "$s $m $(wc -l < "$WORK/out")"
}

row() {
  local input="$1" label="$2" events="$3"; shift 3
  read -r s kb lines < <(measure "$@")
  [[ "$events" == "-" ]] && events="$lines"
  local rate
  rate="$(awk -v n="$events" -v s="$s" 'BEGIN{ if (s > 0) printf "%.0f", n / s; else print "-" }')"
  printf '| %s | %s | %s | %s | %s | %.1f |\n' "$input" "$label" "$events" "$s" "$rate" \
    "$(awk -v k="$kb" 'BEGIN{print k/1024}')"
}

echo "| input | command | events (lines) | s | events/s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for input in "$NTFS" "$BIG"; do
  name="$(basename "$input")"
  row "$name" "sqltriage timeline (jsonl)" - "$SQLTRIAGE" timeline "$input"
  row "$name" "sqltriage timeline --format bodyfile" - "$SQLTRIAGE" timeline "$input" --format bodyfile
  row "$name" "sqltriage timeline --threads 1" - "$SQLTRIAGE" timeline "$input" --threads 1
  # fls needs the volume's sector offset inside a partitioned disk (mmls finds it).
  sector="$(mmls "$input" 2>/dev/null | awk '/NTFS/ {print $3 + 0; exit}' || true)"
  row "$name" "fls -r -m C: then mactime -b -d" - /bin/sh -c \
    "fls -o ${sector:-0} -r -m C: '$input' > '$WORK/fls.body' && mactime -b '$WORK/fls.body' -d -z UTC"
done
name="$(basename "$BIGEVTX")"
row "$name" "sqltriage timeline (jsonl)" - "$SQLTRIAGE" timeline "$BIGEVTX"
row "$name" "evtxexport (text)" "$(evtxexport "$BIGEVTX" 2>/dev/null | grep -c '^Event number')" \
  evtxexport "$BIGEVTX"
row "corpus mix ($(ls "$MIX" | wc -l) files)" "sqltriage timeline (jsonl)" - "$SQLTRIAGE" timeline "$MIX"
