#!/usr/bin/env bash
# `sqltriage investigate` on the bundled sample evidence (scripts/make-sample.sh: the 96 MiB
# disk image and the AWS exports), as the README's first command runs it: wall time and peak
# RSS. Target: under 5 s. Run on demand after scripts/build.sh; needs /usr/bin/time, and
# hyperfine when installed (otherwise a loop of RUNS timed runs).
#
#   bench/investigate_bench.sh [RUNS]
#
# RUNS (default 5) runs of `sqltriage investigate DISK --target sqlserver.exe --aws AWS
# --noise NOISE -o report.json --html report.html`, then one under /usr/bin/time -v for the
# peak RSS; the quiet scenario (--target agent.exe) the same. SQLTRIAGE=path overrides the
# binary (default build/release/sqltriage), SQLTRIAGE_BUILD the build folder whose ntfsgen
# writes the sample (default build/release); KEEP=DIR keeps the sample and reports in DIR.
set -euo pipefail

RUNS="${1:-5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"
export SQLTRIAGE_BUILD="${SQLTRIAGE_BUILD:-$ROOT/build/release}"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time" >&2; exit 2; }

if [[ -n "${KEEP:-}" ]]; then
  WORK="$KEEP"
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/investigate-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi

echo "writing the sample evidence into $WORK ..." >&2
"$ROOT/scripts/make-sample.sh" "$WORK/sample"
"$ROOT/scripts/make-sample.sh" "$WORK/quiet" --quiet-scenario

bench() {  # NAME TARGET DIR EXTRA...
  local name=$1 target=$2 dir=$3
  shift 3
  local cmd=("$SQLTRIAGE" -q investigate "$dir/disk.raw" --target "$target" --aws "$dir/aws"
    --noise "$dir/noise.csv" "$@" -o "$WORK/$name.json" --html "$WORK/$name.html")
  local quoted
  quoted=$(printf '%q ' "${cmd[@]}")
  echo "== investigate, $name scenario ($(du -m --apparent-size "$dir/disk.raw" | cut -f1) MiB image)"
  if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$RUNS" -N "$quoted" --export-json "$WORK/$name-hyperfine.json" \
      >/dev/null 2>&1 || hyperfine --warmup 1 --runs "$RUNS" "$quoted" \
      --export-json "$WORK/$name-hyperfine.json" >/dev/null
    /usr/bin/python3 - "$WORK/$name-hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("wall: mean %.2f s, min %.2f s, max %.2f s over %d runs; CPU: user %.2f s, system %.2f s"
      % (r["mean"], r["min"], r["max"], len(r["times"]), r["user"], r["system"]))
PY
  else
    local total=0 start end
    for _ in $(seq "$RUNS"); do
      start=$(date +%s.%N)
      "${cmd[@]}" >/dev/null || true
      end=$(date +%s.%N)
      total=$(echo "$total + $end - $start" | bc)
    done
    echo "wall: mean $(echo "scale=2; $total / $RUNS" | bc) s over $RUNS runs"
  fi
  /usr/bin/time -v "${cmd[@]}" 2>"$WORK/$name-time.txt" >/dev/null || true
  awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %.1f MiB\n", $2 / 1024}
              /Elapsed \(wall clock\)/ {print "one run under time -v: " $2}' "$WORK/$name-time.txt"
}

bench malicious sqlserver.exe "$WORK/sample"
bench quiet agent.exe "$WORK/quiet" --ca-file "$WORK/quiet/root.pem"
