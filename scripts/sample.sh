#!/usr/bin/env bash
# The main job on the bundled sample evidence: installs what is missing, builds, writes the
# sample evidence (a mounted-snapshot layout made by our own EVTX writer) and runs
# `sqltriage evtx` on it. The findings document goes to stdout; extra arguments are passed
# to sqltriage (e.g. --target sqlserver.exe, --jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
sample=build/release/sample-evidence
rm -rf "$sample"
build/release/tests/fixtures/evtxgen sample "$sample" >&2
status=0
build/release/sqltriage evtx "$sample" "$@" || status=$?
exit "$status"
