#!/usr/bin/env bash
# The main job on the bundled sample evidence: installs what is missing, builds, writes the
# sample evidence (a raw MBR disk image of an IIS server, made by our own NTFS and EVTX
# writers) and runs sqltriage on it. The findings documents go to stdout, one after the
# other (`jq` reads them as a stream).
#
# Usage: scripts/sample.sh [evtx|mft] [ARGS...]
#   no subcommand: `sqltriage evtx DISK ARGS` then `sqltriage mft DISK ARGS`
#   (mft without ARGS looks for sqlserver.exe). ARGS go to sqltriage, e.g. --jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
disk=build/release/sample-disk.raw
rm -f "$disk"
build/release/tests/fixtures/ntfsgen sample "$disk" >/dev/null

which=all
case "${1:-}" in
  evtx | mft) which=$1; shift ;;
esac
mft_args=("$@")
if [ ${#mft_args[@]} -eq 0 ]; then mft_args=(--target sqlserver.exe); fi

status=0
run() {
  local rc=0
  build/release/sqltriage "$@" || rc=$?
  if [ "$rc" -gt "$status" ]; then status=$rc; fi
}
if [ "$which" != mft ]; then run evtx "$disk" "$@"; fi
if [ "$which" != evtx ]; then run mft "$disk" "${mft_args[@]}"; fi
exit "$status"
