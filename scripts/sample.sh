#!/usr/bin/env bash
# The main job on the bundled sample evidence: installs what is missing, builds, writes the
# sample evidence (scripts/make-sample.sh: a raw MBR disk image of an IIS server made by our
# own NTFS and EVTX writers, and the AWS exports of its instance) into build/release/sample/
# and runs sqltriage on it.
#
# Usage: scripts/sample.sh [SUBCOMMAND] [ARGS...]
#   no subcommand: `sqltriage investigate` on the disk with the AWS exports and the noise
#     list, for sqlserver.exe: report.json and report.html in the repository root, then the
#     verdict (one line per question) on stdout.
#   evtx|mft|pe|registry|webshell|weblog|timeline ARGS: that subcommand on the disk (mft, pe
#     and registry without ARGS look for sqlserver.exe; webshell and timeline without ARGS use
#     the scenario's pivot, the start of sqlserver.exe, and a 2 h window; weblog without ARGS
#     matches sqlserver.exe's size around that pivot, with the sample's noise list).
#   aws iam|cloudtrail|flowlogs ARGS: that subcommand on the AWS exports (without ARGS: the
#     instance i-01a840fe4d183f01b, its address 10.0.1.15 and the pivot).
#   investigate ARGS: investigate on the disk with ARGS instead of the defaults.
# ARGS go to sqltriage and replace the defaults, e.g. `scripts/sample.sh evtx --target
# sqlserver.exe`. SQLTRIAGE_SAMPLE_QUIET=1 writes the quiet scenario instead (the file to
# look at is then agent.exe).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
sample=build/release/sample
if [ "${SQLTRIAGE_SAMPLE_QUIET:-0}" = 1 ]; then
  scripts/make-sample.sh "$sample" --quiet-scenario
else
  scripts/make-sample.sh "$sample"
fi
disk=$sample/disk.raw
aws=$sample/aws
pivot=2023-02-20T14:03:11Z
sqltriage=build/release/sqltriage

which=investigate-main
if [ $# -gt 0 ]; then
  case "$1" in
    evtx | mft | pe | registry | webshell | weblog | timeline | investigate) which=$1; shift ;;
    aws)
      case "${2:-}" in
        iam | cloudtrail | flowlogs) which="aws $2"; shift 2 ;;
        *) echo "usage: scripts/sample.sh aws iam|cloudtrail|flowlogs [ARGS...]" >&2; exit 2 ;;
      esac
      ;;
    *) echo "scripts/sample.sh: unknown subcommand $1" >&2; exit 2 ;;
  esac
fi
args=("$@")
defaults() { if [ ${#args[@]} -eq 0 ]; then args=("$@"); fi; }

case "$which" in
  investigate-main)
    rc=0
    "$sqltriage" investigate "$disk" --target sqlserver.exe --aws "$aws" \
      --noise "$sample/noise.csv" -o report.json \
      --html report.html || rc=$?
    if [ -s report.json ]; then
      jq -r '.verdict | "overall: \(.overall)\n\(.assessment)",
        (.subjects[] | "\(.path):", (.questions[] | "  \(.question) \(.answer) (\(.severity)): \(.summary)"))' \
        report.json
      echo "report.json and report.html written"
    fi
    exit "$rc"
    ;;
  evtx) exec "$sqltriage" evtx "$disk" "${args[@]}" ;;
  mft | pe | registry)
    defaults --target sqlserver.exe
    exec "$sqltriage" "$which" "$disk" "${args[@]}"
    ;;
  webshell | timeline)
    defaults --pivot "$pivot" --window 2h
    exec "$sqltriage" "$which" "$disk" "${args[@]}"
    ;;
  weblog)
    defaults --target 'C:\ProgramData\sqlserver.exe' --pivot "$pivot" --window 2h \
      --noise "$sample/noise.csv"
    exec "$sqltriage" weblog "$disk" "${args[@]}"
    ;;
  investigate)
    defaults --target sqlserver.exe --aws "$aws" --noise "$sample/noise.csv"
    exec "$sqltriage" investigate "$disk" "${args[@]}"
    ;;
  "aws iam")
    defaults --instance-id i-01a840fe4d183f01b
    exec "$sqltriage" aws iam "$aws" "${args[@]}"
    ;;
  "aws cloudtrail")
    defaults --instance-id i-01a840fe4d183f01b
    exec "$sqltriage" aws cloudtrail "$aws" "${args[@]}"
    ;;
  "aws flowlogs")
    defaults --host-ip 10.0.1.15 --pivot "$pivot"
    exec "$sqltriage" aws flowlogs "$aws" "${args[@]}"
    ;;
esac
