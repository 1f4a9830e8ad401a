#!/usr/bin/env bash
# The main job on the bundled sample evidence: installs what is missing, builds, writes the
# sample evidence (a raw MBR disk image of an IIS server, made by our own NTFS and EVTX
# writers) and runs sqltriage on it. The findings documents go to stdout, one after the
# other (`jq` reads them as a stream).
#
# Usage: scripts/sample.sh [evtx|mft|pe|registry|webshell|weblog] [ARGS...]
#   no subcommand: `sqltriage evtx DISK ARGS`, `sqltriage mft DISK ARGS`,
#   `sqltriage pe DISK ARGS`, `sqltriage registry DISK ARGS`, `sqltriage webshell DISK
#   ARGS`, then `sqltriage weblog DISK ARGS` (mft, pe and registry without ARGS look for
#   sqlserver.exe; webshell without ARGS uses the pivot of the scenario, the start of
#   sqlserver.exe; weblog without ARGS matches sqlserver.exe's size around that pivot, with
#   the sample's GreyNoise-style noise list). ARGS go to sqltriage and replace those
#   defaults, e.g. `weblog --jsonl --target sqlserver.exe --pivot 2023-02-20T14:03:11Z`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
disk=build/release/sample-disk.raw
programs=build/release/sample-programs
hives=build/release/sample-hives
rm -rf "$disk" "$programs" "$hives"
# The dropped program: a Windows program with the scenario's version info, signed.
tests/fixtures/pe/make_pes.sh "$programs" >/dev/null
# The server's hives and task files (service SQLServerUpdate, ShimCache, BAM, accounts).
/usr/bin/python3 tests/fixtures/registry/make_sample_hives.py "$hives" "$programs/sample-sqlserver.exe"
build/release/tests/fixtures/ntfsgen sample "$disk" --sqlserver "$programs/sample-sqlserver.exe" \
  --tree "$hives" >/dev/null

which=all
case "${1:-}" in
  evtx | mft | pe | registry | webshell | weblog) which=$1; shift ;;
esac
file_args=("$@")
if [ ${#file_args[@]} -eq 0 ]; then file_args=(--target sqlserver.exe); fi
web_args=("$@")
if [ ${#web_args[@]} -eq 0 ]; then web_args=(--pivot 2023-02-20T14:03:11Z --window 2h); fi
log_args=("$@")
if [ ${#log_args[@]} -eq 0 ]; then
  log_args=(--target 'C:\ProgramData\sqlserver.exe' --pivot 2023-02-20T14:03:11Z --window 2h
    --noise tests/fixtures/weblog/sample-noise.csv)
fi

status=0
run() {
  local rc=0
  build/release/sqltriage "$@" || rc=$?
  if [ "$rc" -gt "$status" ]; then status=$rc; fi
}
if [ "$which" = all ] || [ "$which" = evtx ]; then run evtx "$disk" "$@"; fi
if [ "$which" = all ] || [ "$which" = mft ]; then run mft "$disk" "${file_args[@]}"; fi
if [ "$which" = all ] || [ "$which" = pe ]; then run pe "$disk" "${file_args[@]}"; fi
if [ "$which" = all ] || [ "$which" = registry ]; then run registry "$disk" "${file_args[@]}"; fi
if [ "$which" = all ] || [ "$which" = webshell ]; then run webshell "$disk" "${web_args[@]}"; fi
if [ "$which" = all ] || [ "$which" = weblog ]; then run weblog "$disk" "${log_args[@]}"; fi
exit "$status"
