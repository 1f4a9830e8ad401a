#!/usr/bin/env bash
# `sqltriage mft` on a large NTFS volume against sleuthkit's `fls -r -m` and libfsntfs's
# `fsntfsinfo -H`: MFT entries per second and peak RSS, plus the time of one targeted
# lookup. Run on demand after scripts/build.sh (it needs ntfsgen from the test fixtures).
#
#   bench/mft_bench.sh [FOLDERS] [RUNS]
#
# FOLDERS x 500 files are written into a fresh volume by ntfsgen (default 420: about 210,000
# MFT entries), every 100th file with a Zone.Identifier stream, plus one "needle.exe" for
# the --target lookup. Every tool runs RUNS times (default 3) with its output to /dev/null;
# the table shows the fastest run and its peak RSS (from /usr/bin/time). The volume lives in
# a temporary folder that is removed at the end.
set -euo pipefail

FOLDERS="${1:-420}"
RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="$ROOT/build/release/sqltriage"
NTFSGEN="$ROOT/build/release/tests/fixtures/ntfsgen"
PYTHON=/usr/bin/python3

for tool in "$SQLTRIAGE" "$NTFSGEN"; do
  [[ -x "$tool" ]] || { echo "missing $tool: run scripts/build.sh first" >&2; exit 2; }
done
for tool in fls fsntfsinfo fsstat /usr/bin/time "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mft-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
IMAGE="$WORK/big.img"

"$PYTHON" - "$FOLDERS" > "$WORK/spec.json" <<'EOF'
import json, sys
folders = int(sys.argv[1])
entries = []
for d in range(folders):
    for f in range(500):
        e = {"file": "\\d%03d\\s%d\\f_%05d.txt" % (d, d % 7, f), "text": "x" * (f % 50)}
        if f % 100 == 0:
            e["streams"] = {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\n"}
        entries.append(e)
entries.append({"file": "\\inetpub\\wwwroot\\uploads\\needle.exe", "text": "MZ"})
print(json.dumps({"label": "BENCH", "entries": entries}))
EOF
size_mb=$(( FOLDERS * 5 + 256 ))
"$NTFSGEN" image "$IMAGE" --spec "$WORK/spec.json" --size-mb "$size_mb" >/dev/null 2>&1
ENTRIES="$(fsstat "$IMAGE" | sed -n 's/^Range: 0 - \([0-9]*\)$/\1/p')"
echo "volume: $(( $(stat -c %s "$IMAGE") / 1048576 )) MiB, $ENTRIES MFT entries"
echo

# best-of-RUNS wall seconds and the peak RSS (KiB) of that run
measure() {
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || {
      echo "failed: $*" >&2; cat "$WORK/stderr" >&2; exit 1; }
    read -r s m < "$WORK/time"
    if [[ -z "$best" ]] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best="$s"; rss="$m"
    fi
  done
  echo "$best $rss"
}

row() {
  local label="$1"; shift
  read -r s kb < <(measure "$@")
  local rate
  rate="$(awk -v n="$ENTRIES" -v s="$s" 'BEGIN{ if (s > 0) printf "%.0f", n / s; else print "-" }')"
  printf '| %s | %s | %s | %.1f |\n' "$label" "$s" "$rate" "$(awk -v k="$kb" 'BEGIN{print k/1024}')"
}

echo "| command | s | entries/s | peak RSS MB |"
echo "|---|---|---|---|"
row "sqltriage mft --all --jsonl" "$SQLTRIAGE" mft "$IMAGE" --all --jsonl --no-usn -o /dev/null
row "sqltriage mft --all --bodyfile" "$SQLTRIAGE" mft "$IMAGE" --all --bodyfile --no-usn -o /dev/null
row "fls -r -m C:/" fls -r -m C:/ "$IMAGE"
row "fsntfsinfo -H" fsntfsinfo -H "$IMAGE"
read -r s kb < <(measure "$SQLTRIAGE" mft "$IMAGE" --target needle.exe --no-usn -o /dev/null)
printf '| sqltriage mft --target needle.exe | %s | (one lookup) | %.1f |\n' "$s" \
  "$(awk -v k="$kb" 'BEGIN{print k/1024}')"
