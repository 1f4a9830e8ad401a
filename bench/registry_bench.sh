#!/usr/bin/env bash
# `sqltriage registry` (persistence, execution evidence and accounts) on the corpus's SYSTEM,
# SAM and NTUSER.DAT plus a generated SOFTWARE, against RegRipper running the run, services
# and appcompatcache plugins on the same hives: wall time and peak RSS. Run on demand after
# scripts/build.sh; needs regripper, hivexregedit, hyperfine and /usr/bin/time.
#
#   bench/registry_bench.sh [RUNS] [TASKS]
#
# The generated SOFTWARE (tests/fixtures/registry/hive_tool.py) holds TASKS (default 2000)
# Run values, TaskCache tasks and ProfileList entries. Every command runs RUNS times (default
# 3) under hyperfine with its output to /dev/null; peak RSS is from one run of /usr/bin/time.
# RegRipper is one process per hive and plugin, as an analyst runs it; sqltriage reads all
# four hives (and replays none: they are clean) in one process.
# SQLTRIAGE=path overrides the binary (default build/release/sqltriage); KEEP=DIR keeps the
# hives in DIR.
set -euo pipefail

RUNS="${1:-3}"
TASKS="${2:-2000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"
CORPUS="$ROOT/../shared/corpus/registry"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
[[ -d "$CORPUS" ]] || { echo "missing the corpus at $CORPUS" >&2; exit 2; }
for tool in hyperfine /usr/bin/time regripper hivexregedit; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

if [[ -n "${KEEP:-}" ]]; then  # KEEP=DIR: work in DIR and leave the hives there
  WORK="$KEEP"
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/registry-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir "$WORK/hives"
cp "$CORPUS/regipy_SYSTEM" "$WORK/hives/SYSTEM"
cp "$CORPUS/regipy_SAM" "$WORK/hives/SAM"
cp "$CORPUS/regipy_NTUSER.DAT" "$WORK/hives/NTUSER.DAT"

# The generated SOFTWARE.
{
  echo "Windows Registry Editor Version 5.00"
  echo
  for k in Microsoft 'Microsoft\Windows' 'Microsoft\Windows\CurrentVersion' \
           'Microsoft\Windows\CurrentVersion\Run' 'Microsoft\Windows NT' \
           'Microsoft\Windows NT\CurrentVersion' 'Microsoft\Windows NT\CurrentVersion\Schedule' \
           'Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache' \
           'Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache\Tree' \
           'Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache\Tasks' \
           'Microsoft\Windows NT\CurrentVersion\ProfileList'; do
    echo "[\\$k]"
    echo
  done
  echo '[\Microsoft\Windows\CurrentVersion\Run]'
  for i in $(seq 1 "$TASKS"); do echo "\"Updater$i\"=\"C:\\\\Program Files\\\\Vendor$i\\\\update.exe /run\""; done
  echo
  for i in $(seq 1 "$TASKS"); do
    guid=$(printf '{%08X-0000-4000-8000-%012X}' "$i" "$i")
    echo "[\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Task$i]"
    echo "\"Id\"=\"$guid\""
    echo
    echo "[\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tasks\\$guid]"
    echo "\"Path\"=\"\\\\Task$i\""
    echo "\"Author\"=\"Vendor $i\""
    echo
    echo "[\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\S-1-5-21-1-2-3-$((1000 + i))]"
    echo "\"ProfileImagePath\"=\"C:\\\\Users\\\\user$i\""
    echo
  done
} > "$WORK/software.reg"
/usr/bin/python3 "$ROOT/tests/fixtures/registry/hive_tool.py" build "$WORK/hives/SOFTWARE" \
  "$WORK/software.reg"

cat > "$WORK/regripper.sh" <<EOF
#!/bin/sh
regripper -r "$WORK/hives/SYSTEM" -p services
regripper -r "$WORK/hives/SYSTEM" -p appcompatcache
regripper -r "$WORK/hives/SOFTWARE" -p run
regripper -r "$WORK/hives/NTUSER.DAT" -p run
EOF
chmod +x "$WORK/regripper.sh"

mean_seconds() {  # COMMAND...: hyperfine's mean wall time in seconds
  hyperfine --runs "$RUNS" --warmup 1 --style none --export-json "$WORK/h.json" \
    --command-name x "$(printf '%q ' "$@") >/dev/null 2>&1" >/dev/null 2>&1
  sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$WORK/h.json" | head -1
}

peak_rss_mb() {  # COMMAND...: peak RSS of one run, MB (the largest process for a script)
  /usr/bin/time -v -o "$WORK/time" "$@" >/dev/null 2>&1 || true
  awk '/Maximum resident set size/ { printf "%.1f", $NF / 1024 }' "$WORK/time"
}

bytes=$(du -cb "$WORK"/hives/* | tail -1 | cut -f1)
findings=$("$SQLTRIAGE" registry "$WORK/hives" --jsonl 2>/dev/null | grep -c '"record_type":"finding"' || true)
s_ours=$(mean_seconds "$SQLTRIAGE" registry "$WORK/hives")
s_rr=$(mean_seconds "$WORK/regripper.sh")
rss_ours=$(peak_rss_mb "$SQLTRIAGE" registry "$WORK/hives")
rss_rr=$(peak_rss_mb "$WORK/regripper.sh")

printf 'hives: %s bytes (SYSTEM, SAM, NTUSER.DAT from the corpus; SOFTWARE with %s Run values, tasks, profiles)\n' "$bytes" "$TASKS"
printf 'sqltriage registry: %d findings\n\n' "$findings"
printf '%-44s %10s %12s\n' "command" "seconds" "peak RSS MB"
printf '%-44s %10.3f %12s\n' "sqltriage registry (all readers)" "$s_ours" "$rss_ours"
printf '%-44s %10.3f %12s\n' "regripper run+services+appcompatcache" "$s_rr" "$rss_rr"
awk -v a="$s_ours" -v b="$s_rr" 'BEGIN { printf "\nsqltriage is %.1fx faster than regripper\n", b / a }'
