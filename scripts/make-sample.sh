#!/usr/bin/env bash
# Writes the bundled sample evidence into OUTDIR, from the generators in tests/fixtures/ and
# the built fixture tools; never writes outside OUTDIR.
#
# Usage: scripts/make-sample.sh OUTDIR [--quiet-scenario]
#   SQLTRIAGE_BUILD   the build folder holding tests/fixtures/ntfsgen (default build/release)
#
# OUTDIR afterwards:
#   disk.raw        the MBR disk image of WEB01's C: drive (ntfsgen sample): event logs,
#                   hives, IIS configuration and logs, the web root, C:\ProgramData\sqlserver.exe
#                   (signed, Zone.Identifier, timestomped) and C:\Program Files\Backup Agent\agent.exe
#   aws/            the AWS exports (describe-instances, the role and its policy, CloudTrail and
#                   VPC flow logs as delivered to S3)
#   noise.csv       the GreyNoise-style list of the internet scanners in the IIS logs
#   root.pem        the test root that signed agent.exe (give it to --ca-file)
#   programs/       the programs on the disk (sqlserver.exe, agent.exe) and their certificates
#   hives/          the hives and task file on the disk, as files
# --quiet-scenario: the same server on an ordinary day, without the attack: no webshell, no
# sqlserver.exe, no attacker requests, events, persistence or AWS calls; the file to
# investigate is C:\Program Files\Backup Agent\agent.exe.
set -euo pipefail
usage() { echo "usage: scripts/make-sample.sh OUTDIR [--quiet-scenario]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
quiet=()
case "${2:-}" in
  "") ;;
  --quiet-scenario) quiet=(--quiet) ;;
  *) usage ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${SQLTRIAGE_BUILD:-$repo/build/release}
ntfsgen=$build/tests/fixtures/ntfsgen
if [ ! -x "$ntfsgen" ]; then
  echo "make-sample.sh: $ntfsgen not found: build the ntfsgen target first" >&2
  exit 1
fi
python=/usr/bin/python3

# Only a folder this script wrote (or an empty one) is rewritten: OUTDIR may be a case folder.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -e "$out/.sqltriage-sample" ]; then
  echo "make-sample.sh: $out holds files this script did not write; give an empty or new folder" >&2
  exit 2
fi
mkdir -p "$out"
touch "$out/.sqltriage-sample"
out=$(cd "$out" && pwd)
rm -rf "$out/programs" "$out/hives" "$out/aws" "$out/disk.raw" "$out/.tmp"
# The generators' temporary files stay inside OUTDIR too.
mkdir -p "$out/.tmp"
export TMPDIR=$out/.tmp
trap 'rm -rf "$out/.tmp"' EXIT
# The programs: sqlserver.exe (Unisys-signed look-alike) and the vendor's agent.exe.
"$repo/tests/fixtures/pe/make_pes.sh" "$out/programs" >/dev/null
cp "$out/programs/root.pem" "$out/root.pem"
cp "$repo/tests/fixtures/weblog/sample-noise.csv" "$out/noise.csv"
# The hives and task file, then the disk.
"$python" "$repo/tests/fixtures/registry/make_sample_hives.py" "$out/hives" \
  "$out/programs/sample-sqlserver.exe" --agent "$out/programs/agent.exe" ${quiet[@]+"${quiet[@]}"}
# mkntfs says "not a block device ... forced anyway": shown only when ntfsgen fails.
if ! "$ntfsgen" sample "$out/disk.raw" --sqlserver "$out/programs/sample-sqlserver.exe" \
  --agent "$out/programs/agent.exe" --tree "$out/hives" ${quiet[@]+"${quiet[@]}"} \
  >/dev/null 2>"$out/.tmp/ntfsgen.err"; then
  cat "$out/.tmp/ntfsgen.err" >&2
  exit 1
fi
# The AWS exports.
"$python" "$repo/tests/fixtures/aws/make_sample_aws.py" "$out/aws" ${quiet[@]+"${quiet[@]}"}
