#!/usr/bin/python3
"""Records python-evtx's reading of EVTX corpus files, as reference data for
tests/integration/test_evtx_corpus.cpp.

Run with the interpreter that has python-evtx 0.6.1 (Debian's python3-evtx):
    /usr/bin/python3 tests/reference/record_pyevtx.py [CORPUS_EVTX_DIR] [OUT_DIR]
Defaults: ../shared/corpus/evtx and tests/reference (run from the repository root).

python-evtx walks every 64 KiB chunk of a file and every record in it. The script renders
each record's XML on its own, so one bad record does not hide the others, and writes:

  OUT_DIR/pyevtx_files.tsv      per file: size, sha256, records rendered with an
                                EventRecordID, records that failed, records rendered without
                                one, the first failure, per-EventID counts of the rendered.
  OUT_DIR/pyevtx/<file>.tsv     only for files with failed or unidentified records: per
                                record in python-evtx's order, the header record number,
                                EventRecordID, EventID (empty when unknown) and what went
                                wrong. (For the other files the counts say enough.)
  OUT_DIR/pyevtx_samples.jsonl  chosen records (see SAMPLED and pick()), one JSON object per
                                line: System fields and every EventData/UserData field.

Time: python-evtx 0.6.1 turns a FILETIME into a datetime through a double
(BinaryParser.parse_filetime: float(qword) * 1e-7 - 11644473600). A FILETIME of today needs 57
bits, a double holds 53, so the printed microseconds are often 1-2 us off (1.9 us seen in this
corpus). The script swaps that one function for exact integer arithmetic on the same qword, so
TimeCreated is the exact 100-ns value with 7 fractional digits, and checks that python-evtx's
own value is within 4 us of it.
"""

import datetime
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

import Evtx.BinaryParser as binary_parser
import Evtx.Evtx as evtx

# (channel, EventID) pairs the triage subcommands look at by default.
SAMPLED = {
    "Security": {4624, 4625, 4672, 4688, 4697, 1102},
    "System": {7045, 104},
    "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational": {1149},
    "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational": {21, 22, 24, 25},
    "Microsoft-Windows-Sysmon/Operational": {1, 3, 11, 13, 15},
}
PER_KEY = 5  # records per (channel, EventID) per file (plus one per missed 4624 LogonType)

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
TICKS_PER_DAY = 864000000000
EPOCH_1601 = datetime.datetime(1601, 1, 1)
_original_parse_filetime = binary_parser.parse_filetime


class ExactFiletime:
    """Stands in for the datetime python-evtx makes of a FILETIME; prints all 7 digits."""

    def __init__(self, qword):
        self.qword = qword

    def isoformat(self, sep="T"):
        days, rest = divmod(self.qword, TICKS_PER_DAY)
        try:
            date = (EPOCH_1601 + datetime.timedelta(days=days)).date()
        except OverflowError:
            return _original_parse_filetime(self.qword).isoformat(sep)
        secs, ticks = divmod(rest, 10_000_000)
        hh, mm, ss = secs // 3600, secs // 60 % 60, secs % 60
        exact = "%s%s%02d:%02d:%02d.%07d" % (date.isoformat(), sep, hh, mm, ss, ticks)
        # python-evtx's own (double-based) value must agree to within its rounding error.
        theirs = _original_parse_filetime(self.qword)
        if theirs != datetime.datetime.min:
            mine = EPOCH_1601 + datetime.timedelta(microseconds=self.qword // 10)
            if abs((mine - theirs).total_seconds()) > 4e-6:
                raise AssertionError("FILETIME %d: %s vs %s" % (self.qword, exact, theirs))
        return exact


def exact_parse_filetime(qword):
    return ExactFiletime(qword)


binary_parser.parse_filetime = exact_parse_filetime


def local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def text(el):
    return "" if el is None or el.text is None else el.text


def parse(xml_text):
    """Extracts the System fields and the event's own fields from python-evtx's XML."""
    root = ET.fromstring(xml_text)
    system = root.find(NS + "System")
    if system is None:
        raise ValueError("no System element")

    def sys_el(name):
        return system.find(NS + name)

    eid_el = sys_el("EventID")
    tc = sys_el("TimeCreated")
    prov = sys_el("Provider")
    sec = sys_el("Security")
    qualifiers = eid_el.get("Qualifiers") if eid_el is not None else None
    def int_or_none(s):
        return int(s) if s else None

    rec = {
        "EventRecordID": int_or_none(text(sys_el("EventRecordID"))),
        "EventID": int_or_none(text(eid_el)),
        "Qualifiers": int(qualifiers) if qualifiers else None,
        "TimeCreated": tc.get("SystemTime", "") if tc is not None else "",
        "Provider": prov.get("Name", "") if prov is not None else "",
        "Channel": text(sys_el("Channel")),
        "Computer": text(sys_el("Computer")),
        "Level": int_or_none(text(sys_el("Level"))),
        "UserID": sec.get("UserID", "") if sec is not None else "",
    }
    # The event's own fields, named as evtx::Event::fields names them: EventData <Data Name=>
    # items by name, unnamed <Data> items "Data1", "Data2", ... (counting unnamed items),
    # <Binary> "Binary"; for UserData, every leaf element by its local name, document order.
    section, fields = "", []
    event_data = root.find(NS + "EventData")
    user_data = root.find(NS + "UserData")
    if event_data is not None:
        section, unnamed = "EventData", 0
        for child in event_data:
            tag = local(child.tag)
            if tag == "Data":
                name = child.get("Name")
                if not name:
                    unnamed += 1
                    name = "Data%d" % unnamed
                fields.append([name, text(child)])
            else:
                fields.append([tag, text(child)])
    elif user_data is not None:
        section = "UserData"
        for el in user_data.iter():
            if el is not user_data and len(el) == 0:
                fields.append([local(el.tag), text(el)])
    rec["DataSection"] = section
    rec["Fields"] = fields
    return rec


def records_of(log):
    """Yields (chunk number, record) for every record python-evtx finds, chunk by chunk."""
    for chunk_no, chunk in enumerate(log.chunks()):
        try:
            for record in chunk.records():
                yield chunk_no, record
        except Exception as exc:  # a chunk python-evtx cannot walk ends that chunk
            yield chunk_no, exc


def pick(indices):
    """Up to PER_KEY evenly spaced items of a list, in order (first and last included)."""
    n = len(indices)
    if n <= PER_KEY:
        return list(indices)
    chosen = sorted({round(i * (n - 1) / (PER_KEY - 1)) for i in range(PER_KEY)})
    return [indices[i] for i in chosen]


def record_file(path, out_dir):
    name = os.path.basename(path)
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        sha256 = hashlib.sha256(fh.read()).hexdigest()
    rows, parsed, failures, unidentified = [], [], [], 0
    try:
        with evtx.Evtx(path) as log:
            for chunk_no, item in records_of(log):
                if isinstance(item, Exception):
                    failures.append("chunk %d: %s: %s" % (chunk_no, type(item).__name__, item))
                    rows.append(["", "", "", failures[-1]])
                    continue
                try:
                    header_no = item.record_num()
                except Exception:
                    header_no = ""
                try:
                    rec = parse(item.xml())
                except Exception as exc:
                    msg = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
                    failures.append("record %s (chunk %d): %s" % (header_no, chunk_no, msg))
                    rows.append([str(header_no), "", "", msg])
                    continue
                if rec["EventRecordID"] is None:
                    # Rendered, but with an empty <System> (e.g. a zeroed record): listed, not
                    # sampled, since nothing identifies it.
                    rows.append([str(header_no), "", str(rec["EventID"] or ""),
                                 "rendered without EventRecordID"])
                    unidentified += 1
                    continue
                rows.append([str(header_no), str(rec["EventRecordID"]), str(rec["EventID"]), ""])
                parsed.append(rec)
    except Exception as exc:
        failures.append("file: %s: %s" % (type(exc).__name__, exc))

    if failures or unidentified:
        with open(os.path.join(out_dir, "pyevtx", name + ".tsv"), "w", encoding="utf-8") as out:
            for row in rows:
                out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row) + "\n")

    # Samples: up to PER_KEY per sampled (channel, EventID), plus the first and last record.
    keys = {}
    for i, rec in enumerate(parsed):
        if rec["EventID"] in SAMPLED.get(rec["Channel"], ()):
            keys.setdefault((rec["Channel"], rec["EventID"]), []).append(i)
    chosen = set()
    for idx in keys.values():
        chosen.update(pick(idx))
    # Security 4624: also the first record of each LogonType the even spacing missed (RDP's
    # type 10 is rare but matters most).
    logon_types = {}
    for i in keys.get(("Security", 4624), []):
        fields = dict((n, v) for n, v in parsed[i]["Fields"])
        logon_types.setdefault(fields.get("LogonType"), []).append(i)
    for idx in logon_types.values():
        if not chosen.intersection(idx):
            chosen.add(idx[0])
    if parsed:
        chosen.update({0, len(parsed) - 1})
    samples = []
    for i in sorted(chosen):
        rec = dict(parsed[i])
        why = []
        if i == 0:
            why.append("first")
        if i == len(parsed) - 1:
            why.append("last")
        if rec["EventID"] in SAMPLED.get(rec["Channel"], ()):
            why.append("default")
        samples.append({"file": name, "why": "+".join(why), **rec})

    counts = {}
    for rec in parsed:
        counts[rec["EventID"]] = counts.get(rec["EventID"], 0) + 1
    summary = [name, str(size), sha256, str(len(parsed)), str(len(failures)), str(unidentified),
               failures[0] if failures else "",
               ",".join("%d:%d" % kv for kv in sorted(counts.items()))]
    return summary, samples


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/evtx"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "tests/reference"
    if not os.path.isdir(corpus):
        sys.exit("corpus folder not found: %s" % corpus)
    os.makedirs(os.path.join(out_dir, "pyevtx"), exist_ok=True)
    for old in os.listdir(os.path.join(out_dir, "pyevtx")):
        os.remove(os.path.join(out_dir, "pyevtx", old))
    summaries, samples = [], []
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        if not os.path.isfile(path):
            continue
        print("python-evtx:", name, file=sys.stderr, flush=True)
        summary, file_samples = record_file(path, out_dir)
        summaries.append(summary)
        samples.extend(file_samples)
    with open(os.path.join(out_dir, "pyevtx_files.tsv"), "w", encoding="utf-8") as out:
        out.write("# python-evtx 0.6.1; made by tests/reference/record_pyevtx.py\n")
        out.write("file\tsize\tsha256\trecords\tfailures\tunidentified\tfirst_failure\t"
                  "event_id_counts\n")
        for s in summaries:
            out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in s) + "\n")
    with open(os.path.join(out_dir, "pyevtx_samples.jsonl"), "w", encoding="utf-8") as out:
        for s in samples:
            out.write(json.dumps(s, ensure_ascii=False, sort_keys=False) + "\n")
    print("recorded %d files, %d samples" % (len(summaries), len(samples)), file=sys.stderr)


if __name__ == "__main__":
    main()
