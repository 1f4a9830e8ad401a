// A realistic investigation report for the HTML report tests, built by hand: two subjects
// with pivots 30 minutes apart (windows of ±2 h), the four questions with points, findings
// and missing artifacts, a few dozen findings of several types and severities, errors, and
// timeline events from seven sources spread over the 4.5 hours of the windows. Evidence text
// is hostile on purpose: markup, quotes, bytes that are not UTF-8, a genuine U+EF80
// character, control characters, a 20,000-character line.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sqltriage/investigate.hpp"

namespace sqltriage::test::html_fixture {

inline constexpr Filetime kSecond = 10000000ULL;
inline constexpr Filetime kHour = 3600ULL * kSecond;

/// 2026-03-02T14:03:11Z and 30 minutes later.
inline Filetime pivot1() { return *parse_iso8601("2026-03-02T14:03:11Z"); }
inline Filetime pivot2() { return pivot1() + kHour / 2; }

inline const char* kScript = "<script>alert(1)</script>";
inline const char* kStyleBreak = "</style><h1>style broken</h1>";
inline const char* kPreBreak = "</pre><script>alert(2)</script><pre>";
inline const char* kQuotes = "a\"b'c&d<e>f";
/// Bytes FF FE (not UTF-8), a genuine U+EF80 (EE BE 80), NUL and 0x01.
inline std::string odd_bytes() {
  return std::string("bytes:\xff\xfe|\xee\xbe\x80|") + '\0' + "\x01|";
}
inline const std::vector<std::string>& sources() {
  static const std::vector<std::string> s = {"MFT",     "USN",      "EVTX", "Registry",
                                             "Web log", "Webshell", "PE"};
  return s;
}

inline Finding make_finding(std::string type, Severity severity, Filetime time, std::string summary,
                            std::string path) {
  Finding f;
  f.type = std::move(type);
  f.severity = severity;
  f.time = time;
  f.summary = std::move(summary);
  f.artifact.path = std::move(path);
  return f;
}

/// The report; `events` timeline events (at least 1) spread over both windows.
inline InvestigationReport sample_report(std::size_t events = 240) {
  InvestigationReport r;
  r.header.command = "investigate";
  r.header.evidence = {{"web01.img", "image", "GPT partition 2 at offset 1048576"},
                       {"aws-exports", "folder", ""}};
  r.header.started = *parse_iso8601("2026-03-03T09:00:00Z");
  r.targets = {"sqlserver.exe"};

  // Findings: a few dozen of several types and severities.
  const Filetime p = pivot1();
  auto& fs = r.findings;
  fs.push_back(make_finding("mft.entry", Severity::high, p,
                            "C:\\Windows\\Temp\\sqlserver.exe created", "C:\\$MFT"));
  fs.back().artifact.record = 48213;
  fs.back().artifact.offset = 49370112;
  fs.back().data = {{"path", "C:\\Windows\\Temp\\sqlserver.exe"},
                    {"owner", "IIS APPPOOL\\DefaultAppPool"}};
  fs.push_back(
      make_finding("pe.file", Severity::high, p, kScript, "C:\\Windows\\Temp\\sqlserver.exe"));
  fs.back().data = {{"sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                    {"version_info", {{"OriginalFilename", kScript}, {"CompanyName", kQuotes}}},
                    {"hostile", kPreBreak}};
  CheckHit masquerade;
  masquerade.id = "masquerade_name";
  masquerade.severity = Severity::high;
  masquerade.attack = {"T1036.005"};
  masquerade.reason = std::string("OriginalFilename ") + kScript + " differs from sqlserver.exe";
  fs.back().add_check(masquerade);
  fs.push_back(make_finding("pe.file", Severity::medium, p, std::string("unsigned ") + kQuotes,
                            "C:\\Windows\\Temp\\sqlserver.exe"));
  fs.back().data = {
      {"odd", odd_bytes()}, {"numbers", {1, 2.5, -3}}, {"none", nullptr}, {"flag", true}};
  fs.push_back(make_finding(
      "evtx.file_create", Severity::critical, p,
      "w3wp.exe created C:\\Windows\\Temp\\sqlserver.exe",
      "C:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-Sysmon%4Operational.evtx"));
  fs.back().artifact.record = 1187;
  CheckHit web_parent;
  web_parent.id = "web_server_parent";
  web_parent.severity = Severity::critical;
  web_parent.attack = {"T1505.003", "T1105"};
  web_parent.reason = "A web server process wrote an executable";
  fs.back().add_check(web_parent);
  fs.push_back(make_finding("weblog.upload", Severity::high, p - 40 * kSecond,
                            "POST /upload.aspx 200 from 203.0.113.5 (http://203.0.113.5/x)",
                            "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex260302.log"));
  fs.back().artifact.offset = 88211;
  fs.push_back(make_finding("webshell.match", Severity::critical, p - kHour, kStyleBreak,
                            "C:\\inetpub\\wwwroot\\upload.aspx"));
  fs.back().data = {{"rule", "aspx_upload"}, {"excerpt", std::string(20000, 'A') + kScript}};
  fs.push_back(make_finding("evtx.logon", Severity::medium, p - 2 * kHour + 5 * kSecond,
                            "RDP logon (type 10) by WEB01\\admin from 198.51.100.23",
                            "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx"));
  fs.push_back(make_finding("mft.usn", Severity::info, p, odd_bytes(), "C:\\$Extend\\$UsnJrnl:$J"));
  fs.push_back(make_finding(
      "evtx.process_creation", Severity::critical, p + 10 * kSecond,
      "sqlserver.exe started by services.exe",
      "C:\\Windows\\System32\\winevt\\Logs\\Microsoft-Windows-Sysmon%4Operational.evtx"));
  fs.push_back(make_finding("registry.service", Severity::high, p + 5 * kSecond,
                            "Service MSSQLUpdate runs C:\\Windows\\Temp\\sqlserver.exe",
                            "C:\\Windows\\System32\\config\\SYSTEM"));
  fs.push_back(make_finding("registry.autorun", Severity::high, p + 6 * kSecond,
                            "Run key SQLUpdate -> C:\\Windows\\Temp\\sqlserver.exe",
                            "C:\\Windows\\System32\\config\\SOFTWARE"));
  fs.back().time.reset();  // a finding without a time
  const Severity cycle[] = {Severity::info, Severity::low, Severity::medium, Severity::high,
                            Severity::info};
  const char* types[] = {"mft.entry", "evtx.logon", "registry.shimcache", "weblog.request",
                         "evtx.service_install"};
  while (fs.size() < 36) {
    const std::size_t i = fs.size();
    fs.push_back(make_finding(types[i % 5], cycle[i % 5],
                              p + static_cast<Filetime>(i) * 60 * kSecond,
                              "finding number " + std::to_string(i) + (i % 7 == 0 ? kScript : ""),
                              "C:\\evidence\\" + std::to_string(i)));
    fs.back().data = {{"index", i}, {"text", i % 4 == 0 ? std::string(kQuotes) : odd_bytes()}};
  }

  // Subjects.
  for (int s = 0; s < 2; ++s) {
    Subject subject;
    subject.path = s == 0 ? "C:\\Windows\\Temp\\sqlserver.exe" : "D:\\backup\\sqlserver.exe";
    subject.found = true;
    subject.finding = s == 0 ? 0 : 1;
    const Filetime pt = s == 0 ? pivot1() : pivot2();
    subject.pivot.time = pt;
    subject.pivot.source = "$FILE_NAME CreationTime";
    subject.pivot.reason =
        "The earliest trustworthy creation time: $FILE_NAME agrees with the "
        "USN create record within 1 s.";
    subject.pivot.since = pt - 2 * kHour;
    subject.pivot.until = pt + 2 * kHour;
    PivotCandidate fn;
    fn.source = "$FILE_NAME CreationTime";
    fn.time = pt;
    fn.artifact.path = "C:\\$MFT";
    fn.artifact.record = 48213;
    fn.finding = 0;
    PivotCandidate si = fn;
    si.source = "$STANDARD_INFORMATION CreationTime";
    si.time = pt - 400 * 24 * kHour;
    si.trusted = false;
    si.note = std::string("timestomped: ") + kQuotes;
    PivotCandidate usn;
    usn.source = "USN_REASON_FILE_CREATE";
    usn.time = pt + kSecond;
    usn.artifact.path = "C:\\$Extend\\$UsnJrnl:$J";
    usn.artifact.offset = 123456;
    usn.finding = 7;
    subject.pivot.candidates = {fn, si, usn};

    auto& q = subject.questions;
    q[0].id = "what";
    q[0].question = "What is this executable?";
    q[0].answer = Answer::answered;
    q[0].severity = Severity::high;
    q[0].summary = "A look-alike of SQL Server: unsigned, OriginalFilename mismatch.";
    q[0].points = {"SHA-256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                   std::string("OriginalFilename is ") + kScript, odd_bytes()};
    q[0].findings = {1, 2};
    q[1].id = "dropped";
    q[1].question = "Who dropped it, and how?";
    q[1].answer = Answer::partly;
    q[1].severity = Severity::critical;
    q[1].summary = "w3wp.exe wrote it 40 s after a POST to /upload.aspx from 203.0.113.5.";
    q[1].points = {"Sysmon 11: w3wp.exe created the file", kStyleBreak, kPreBreak};
    q[1].findings = {3, 4, 5, 6, 7};
    q[1].missing = {"USN journal ($Extend\\$UsnJrnl:$J)"};
    q[2].id = "ran";
    q[2].question = "Who runs it?";
    q[2].answer = Answer::answered;
    q[2].severity = Severity::critical;
    q[2].summary = "Started by services.exe as service MSSQLUpdate; a Run key also points at it.";
    q[2].points = {"Sysmon 1: services.exe -> sqlserver.exe", "Service MSSQLUpdate (auto start)"};
    q[2].findings = {8, 9, 10};
    q[3].id = "reach";
    q[3].question = "How far did it go?";
    q[3].answer = Answer::no_evidence;
    q[3].severity = Severity::info;
    q[3].summary = "No AWS exports were given.";
    q[3].missing = {"AWS exports (--aws)"};
    subject.severity = Severity::critical;
    subject.assessment = s == 0 ? "Dropped through the upload webshell and persisted as a service."
                                : "A copy of the same file.";
    r.subjects.push_back(subject);
  }
  r.overall = Severity::critical;
  r.assessment =
      "Likely intrusion: sqlserver.exe was dropped through an ASPX webshell and runs "
      "as a service.";

  // Timeline: events from seven sources spread over [pivot1 - 2 h, pivot2 + 2 h].
  std::mt19937 g(20260302);
  const Filetime since = pivot1() - 2 * kHour;
  const Filetime span = pivot2() + 2 * kHour - since;
  std::vector<TimelineEvent> timeline;
  for (std::size_t i = 0; i < events; ++i) {
    TimelineEvent e;
    e.time = since + (static_cast<Filetime>(g()) * 4096 + g() % 4096) % (span + 1);
    e.source = sources()[i % sources().size()];
    e.timestamp_desc = i % 2 == 0 ? "Event Recorded" : "$FILE_NAME CreationTime";
    e.message = "event " + std::to_string(i) +
                (i % 11 == 0   ? std::string(" ") + kScript
                 : i % 13 == 0 ? odd_bytes()
                               : "");
    e.severity = static_cast<Severity>(g() % 5);
    e.finding = i % fs.size();
    e.finding_type = fs[*e.finding].type;
    e.artifact = fs[*e.finding].artifact;
    timeline.push_back(std::move(e));
  }
  timeline.front().time = since;  // the edges of the window are inside it
  timeline.back().time = since + span;
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });
  r.timeline = std::move(timeline);

  r.errors = {make_error("C:\\Windows\\System32\\winevt\\Logs\\System.evtx", "record",
                         std::string("chunk checksum mismatch ") + kScript, 65536),
              make_error("C:\\$Extend\\$UsnJrnl:$J", "missing", "not in the image"),
              make_error(odd_bytes(), "open_failed", kQuotes)};
  r.stats.files = 17;
  r.stats.records = 123456;
  r.stats.findings = r.findings.size();
  r.stats.errors = r.errors.size();
  r.stats.elapsed_s = 1.25;
  r.max_severity = Severity::critical;
  return r;
}

}  // namespace sqltriage::test::html_fixture
