#!/usr/bin/env bash
# Records what libevtx's evtxexport makes of every EVTX corpus file, as reference data for
# tests/integration/test_evtx_corpus.cpp.
#
# Usage (from the repository root):
#   tests/reference/record_evtxexport.sh [CORPUS_EVTX_DIR] [OUT_DIR]
# Defaults: ../shared/corpus/evtx and tests/reference/evtxexport.
#
# evtxexport runs twice per file: `-f xml -m items` (the allocated records, in index order)
# and `-f xml -m recovered` (records libevtx recovers from free space). XML is used because
# the text format prints neither the EventRecordID (its "Event number" is the record header's
# number, which differs from <EventRecordID> in re-saved logs) nor the Channel, and its
# "Written time" is the record header's time, not <TimeCreated>.
#
# Writes:
#   OUT_DIR/summary.tsv    one line per (file, mode): size, evtxexport's exit status, the
#                          number of records libevtx indexes in that mode (from evtxinfo;
#                          empty when it cannot open the file), records exported, per-EventID
#                          counts ("id:n,id:n" sorted by id), the first line of the error report.
#   OUT_DIR/<file>.tsv     items mode, one line per exported record: EventRecordID, EventID
#   OUT_DIR/<file>.recovered.tsv   the same for recovered mode (only when it exported any).
set -euo pipefail
export LC_ALL=C

corpus=${1:-../shared/corpus/evtx}
out=${2:-tests/reference/evtxexport}

for tool in evtxexport evtxinfo; do
  command -v $tool >/dev/null || { echo "$tool not found (apt install libevtx-utils)" >&2; exit 1; }
done
[ -d "$corpus" ] || { echo "corpus folder not found: $corpus" >&2; exit 1; }

version=$(evtxexport -V 2>/dev/null | head -n 1 | tr -d '\r')
mkdir -p "$out"
rm -f "$out"/*.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

summary="$out/summary.tsv"
{
  printf '# %s -f xml; made by tests/reference/record_evtxexport.sh\n' "$version"
  printf 'file\tsize\tmode\texit_status\tindexed\trecords\tevent_id_counts\tmessage\n'
} >"$summary"

# Extracts "EventRecordID<TAB>EventID" for each <Event> of evtxexport's XML output. Only the
# first EventID / EventRecordID inside <System> counts (UserData may hold its own elements).
extract() {
  awk '
    /^<Event[ >]/ { in_sys = 0; rid = ""; eid = ""; next }
    /<System>/ { in_sys = 1 }
    in_sys && eid == "" && match($0, /<EventID[^>]*>[0-9]+<\/EventID>/) {
      s = substr($0, RSTART, RLENGTH); sub(/^<EventID[^>]*>/, "", s); sub(/<.*/, "", s); eid = s
    }
    in_sys && rid == "" && match($0, /<EventRecordID>[0-9]+<\/EventRecordID>/) {
      s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); rid = s
    }
    /<\/System>/ && in_sys {
      in_sys = 0
      if (rid == "" || eid == "") { print "incomplete System element" > "/dev/stderr"; exit 1 }
      print rid "\t" eid
    }
  ' "$1"
}

n_files=0
for path in "$corpus"/*; do
  [ -f "$path" ] || continue
  name=$(basename "$path")
  size=$(stat -c %s "$path")
  info=$(evtxinfo "$path" 2>/dev/null || true)
  indexed_items=$(printf '%s\n' "$info" | awk -F: '/Number of records/ {gsub(/[^0-9]/, "", $2); print $2}')
  indexed_recovered=$(printf '%s\n' "$info" |
                      awk -F: '/Number of recovered records/ {gsub(/[^0-9]/, "", $2); print $2}')
  for mode in items recovered; do
    set +e
    evtxexport -f xml -m "$mode" "$path" >"$tmp/xml" 2>"$tmp/err"
    rc=$?
    set -e
    extract "$tmp/xml" >"$tmp/rows"
    # Every exported <Event> must have given one row.
    events=$(grep -c '^<Event[ >]' "$tmp/xml" || true)
    rows=$(wc -l <"$tmp/rows")
    if [ "$events" -ne "$rows" ]; then
      echo "$name ($mode): $events events but $rows rows parsed" >&2
      exit 1
    fi
    counts=$(cut -f2 "$tmp/rows" | sort -n | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}')
    # First line of the error report; the corpus path is written relative to the corpus dir.
    message=$(grep -v '^evtxexport ' "$tmp/err" | grep -v '^$' | head -n 1 |
              sed "s|$corpus/||g" | tr '\t' ' ' || true)
    if [ "$mode" = items ]; then indexed=$indexed_items; else indexed=$indexed_recovered; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$mode" "$rc" "$indexed" "$rows" \
      "$counts" "$message" >>"$summary"
    if [ "$mode" = items ]; then
      cp "$tmp/rows" "$out/$name.tsv"
    elif [ "$rows" -gt 0 ]; then
      cp "$tmp/rows" "$out/$name.recovered.tsv"
    fi
  done
  n_files=$((n_files + 1))
done
echo "recorded $n_files files into $out" >&2
