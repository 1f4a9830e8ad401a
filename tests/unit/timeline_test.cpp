// The timeline's pieces: finding -> events (field names of docs/findings.md and the
// subcommand pages), the line formats (CSV read back by Python's csv module), and the
// external merge (many runs give the same bytes as one; run files removed).
#include "sqltriage/timeline.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using sqltriage::Finding;
using sqltriage::TimelineEvent;
using sqltriage::TimelineFormat;
using sqltriage::test::TempDir;

sqltriage::Filetime at(const char* iso) { return *sqltriage::parse_iso8601(iso); }

Finding mft_entry() {
  Finding f;
  f.type = "mft.entry";
  f.summary = "File C:\\x\\a.exe (entry 40, sequence 1)";
  f.artifact.path = "C:\\$MFT";
  f.artifact.record = 40;
  f.time = at("2023-02-20T14:00:00Z");
  f.data = ordered_json::parse(R"J({"Path": "C:\\x\\a.exe", "Entry": 40, "InUse": false,
    "Directory": false, "Size": 5120,
    "$STANDARD_INFORMATION": {"CreationTime": "2023-02-20T14:00:00.0000000Z",
      "LastWriteTime": "2023-02-20T14:00:01.0000000Z", "ChangeTime": "2023-02-20T14:00:02.0000000Z",
      "LastAccessTime": "2023-02-20T14:00:03.0000000Z", "FileAttributes": 32},
    "$FILE_NAME": [
      {"FileName": "A~1.EXE", "Namespace": "DOS", "CreationTime": "2020-01-01T00:00:00.0000000Z",
       "LastWriteTime": "2020-01-01T00:00:00.0000000Z", "ChangeTime": "2020-01-01T00:00:00.0000000Z",
       "LastAccessTime": "2020-01-01T00:00:00.0000000Z"},
      {"FileName": "a.exe", "Namespace": "Win32", "CreationTime": "2023-02-20T14:00:04.0000000Z",
       "LastWriteTime": "2023-02-20T14:00:05.0000000Z", "ChangeTime": "2023-02-20T14:00:06.0000000Z",
       "LastAccessTime": null}]})J");
  return f;
}

}  // namespace

TEST_CASE("timeline events: mft.entry gives one event per $SI and $FILE_NAME time present",
          "[timeline]") {
  const auto events = sqltriage::timeline_events(mft_entry());
  std::set<std::string> descs;
  for (const auto& e : events) {
    descs.insert(e.timestamp_desc);
    CHECK(e.source == "MFT");
    CHECK(e.file_path == "C:\\x\\a.exe");
    CHECK(e.file_mode == "-/rrwxrwxrwx");  // deleted (InUse false), not read-only or hidden
    CHECK(e.finding_type == "mft.entry");
  }
  // 4 $SI + 3 $FN (LastAccessTime null); the DOS name's times repeat the long name's.
  REQUIRE(events.size() == 7);
  CHECK(descs.count("$STANDARD_INFORMATION ChangeTime") == 1);
  CHECK(descs.count("$FILE_NAME LastWriteTime") == 1);
  CHECK(descs.count("$FILE_NAME LastAccessTime") == 0);
  CHECK(events[5].time == at("2023-02-20T14:00:05Z"));
}

TEST_CASE("timeline events: evtx host and user, prefetch runs, bam, cloudtrail identity",
          "[timeline]") {
  Finding ev;
  ev.type = "evtx.logon";
  ev.time = at("2023-02-20T14:03:11Z");
  ev.summary = "Logon type 10";
  ev.data = ordered_json::parse(R"J({"EventID": 4624, "Computer": "WEB01",
    "SubjectUserName": "WEB01$", "TargetUserName": "alice", "TargetDomainName": "CORP"})J");
  auto e = sqltriage::timeline_events(ev);
  REQUIRE(e.size() == 1);
  CHECK(e[0].source == "EVTX");
  CHECK(e[0].timestamp_desc == "Event Recorded");
  CHECK(e[0].host == "WEB01");
  CHECK(e[0].user == "CORP\\alice");
  CHECK(e[0].message == "Logon type 10");

  Finding pf;
  pf.type = "registry.prefetch";
  pf.time = at("2015-05-14T22:11:58Z");
  pf.data = ordered_json::parse(R"J({"LastRunTimes": ["2015-05-14T22:11:58.0911341Z",
    "2015-05-14T22:11:55.3576520Z", "not a time"]})J");
  e = sqltriage::timeline_events(pf);
  REQUIRE(e.size() == 2);
  CHECK(e[1].source == "Prefetch");
  CHECK(e[1].timestamp_desc == "Last Run");
  CHECK(e[1].time == at("2015-05-14T22:11:55.3576520Z"));

  Finding bam;
  bam.type = "registry.bam";
  bam.data = ordered_json::parse(R"J({"LastWrite": "2023-02-20T14:10:00.0000000Z",
    "LastExecution": "2023-02-20T14:09:00.0000000Z", "UserName": "Administrator"})J");
  e = sqltriage::timeline_events(bam);
  REQUIRE(e.size() == 2);
  CHECK(e[0].timestamp_desc == "Key Last Written");
  CHECK(e[1].timestamp_desc == "BAM Last Execution");
  CHECK(e[1].user == "Administrator");

  Finding call;
  call.type = "aws.api_call";
  call.time = at("2023-02-20T15:00:00Z");
  call.data = ordered_json::parse(R"J({"cloud": {"instance": {"id": "i-0123456789abcdef0"}},
    "aws": {"cloudtrail": {"user_identity": {"arn": "arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0"}}}})J");
  e = sqltriage::timeline_events(call);
  REQUIRE(e.size() == 1);
  CHECK(e[0].source == "CloudTrail");
  CHECK(e[0].host == "i-0123456789abcdef0");
  CHECK(e[0].user == "arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0");

  Finding none;
  none.type = "registry.dirty_hive";
  CHECK(sqltriage::timeline_events(none).empty());
  Finding pe;
  pe.type = "pe.file";
  pe.data = ordered_json::parse(R"J({"PE": {"TimeDateStamp": "1970-01-01T00:00:00.0000000Z",
    "TimeDateStampRaw": 0}})J");
  CHECK(sqltriage::timeline_events(pe).empty());
}

TEST_CASE("timeline formats: csv read back by python, bodyfile and tln escape the bar",
          "[timeline]") {
  TimelineEvent e;
  e.time = at("2023-02-20T14:03:11.1234567Z");
  e.source = "EVTX";
  e.timestamp_desc = "Event Recorded";
  e.message = "cmd.exe /c \"echo a, b | more\"\nnext";
  e.host = "WEB01";
  e.artifact.path = "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx";
  e.artifact.record = 7;
  e.finding_type = "evtx.process_creation";
  e.severity = sqltriage::Severity::high;

  TempDir dir;
  const auto csv = dir.path() / "e.csv";
  sqltriage::test::write_file(csv, sqltriage::timeline_header(TimelineFormat::csv) + "\n" +
                                       sqltriage::timeline_line(e, TimelineFormat::csv) + "\n");
  const auto r = sqltriage::test::run(
      "/usr/bin/python3 -c 'import csv,sys,json; "
      "print(json.dumps(list(csv.reader(open(sys.argv[1], "
      "newline=\"\")))))' " +
      sqltriage::test::shell_quote(csv.string()));
  REQUIRE(r.exit_code == 0);
  const auto rows = nlohmann::json::parse(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][0] == "2023-02-20T14:03:11.1234567Z");
  CHECK(rows[1][3] == "cmd.exe /c \"echo a, b | more\" next");  // the newline became a space
  CHECK(rows[1][7] == "7");
  CHECK(rows[1][8] == "");
  CHECK(rows[1][10] == "high");

  const auto tln = sqltriage::timeline_line(e, TimelineFormat::tln);
  CHECK(std::count(tln.begin(), tln.end(), '|') == 4);
  CHECK(tln.rfind(std::to_string(sqltriage::filetime_to_unix_seconds(e.time)) + "|EVTX|WEB01||",
                  0) == 0);
  CHECK(tln.find("\xC2\xA6 more") != std::string::npos);

  const auto j = nlohmann::json::parse(sqltriage::timeline_line(e, TimelineFormat::jsonl));
  CHECK(j.at("message") == e.message);
  CHECK(j.at("record") == 7);
  CHECK(!j.contains("offset"));

  // An MFT $FILE_NAME time goes to its own bodyfile column, named as fls names it.
  const auto events = sqltriage::timeline_events(mft_entry());
  const auto body = sqltriage::timeline_line(events[4], TimelineFormat::bodyfile);
  const auto secs = std::to_string(sqltriage::filetime_to_unix_seconds(events[4].time));
  CHECK(body == "0|C:/x/a.exe ($FILE_NAME) (deleted)|40|-/rrwxrwxrwx|0|0|5120|0|0|0|" + secs);
}

TEST_CASE("timeline merge: two events per run gives the bytes of one run, runs removed",
          "[timeline][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "evtx/velo_RDPAuth_Security.evtx");
  SQLTRIAGE_REQUIRE_CORPUS(pf, "prefetch");
  TempDir tmp;
  auto render = [&](std::size_t run_events, TimelineFormat format) {
    sqltriage::TimelineOptions o;
    o.inputs = {log, pf};
    o.format = format;
    o.run_events = run_events;
    o.temp_dir = tmp.path();
    o.threads = 1;
    std::ostringstream out;
    sqltriage::test::CollectingSink errors;
    const auto outcome = sqltriage::write_timeline(o, out, errors);
    CHECK(!outcome.nothing_readable);
    CHECK(fs::is_empty(tmp.path()));
    return out.str();
  };
  const auto one = render(1u << 30, TimelineFormat::jsonl);
  const auto many = render(2, TimelineFormat::jsonl);
  CHECK(std::count(one.begin(), one.end(), '\n') > 700);
  CHECK(one == many);
  // Equal times keep the order the sources produced them in: stable like sort -s.
  const auto tln = render(3, TimelineFormat::tln);
  const auto path = tmp.path() / "t.tln";
  sqltriage::test::write_file(path, tln);
  const auto sorted = sqltriage::test::run("LC_ALL=C sort -s -t'|' -k1,1n " +
                                           sqltriage::test::shell_quote(path.string()));
  CHECK(sorted.out == tln);
}

TEST_CASE("timeline merge: a temporary folder that cannot hold runs throws, naming it",
          "[timeline][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(pf, "prefetch");
  TempDir tmp;
  sqltriage::TimelineOptions o;
  o.inputs = {pf};
  o.run_events = 1;
  o.temp_dir = tmp.path() / "absent";
  std::ostringstream out;
  sqltriage::test::CollectingSink errors;
  CHECK_THROWS_WITH(sqltriage::write_timeline(o, out, errors),
                    Catch::Contains((tmp.path() / "absent").string()));
}
