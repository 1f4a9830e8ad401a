// `sqltriage timeline` end to end, through the built binary. What it should write comes from
// independent tools: The Sleuth Kit's fls -m and mactime (MFT times, and mactime reading our
// bodyfile), libevtx's evtxexport (how many events a log holds and their computer names),
// jq (Timesketch's required keys on every line), Python's csv module (RFC 4180) and sort(1)
// (the order).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using sqltriage::test::CommandResult;
using sqltriage::test::run;
using sqltriage::test::run_sqltriage;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult timeline(const std::string& args, int expected_exit = 0) {
  const auto r = run_sqltriage("timeline " + args, 300);
  INFO("sqltriage timeline " << args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return r;
}

/// A small NTFS image with known times (ntfsgen), a deleted file and a named stream.
const char* kSpec = R"J({"label": "WEB01",
 "entries": [
  {"dir": "\\Windows\\System32"},
  {"file": "\\inetpub\\wwwroot\\uploads\\up.aspx", "text": "<%@ Page %>",
   "si_times": {"creation": "2023-02-20T14:01:02Z", "modification": "2023-02-20T14:02:03Z",
                "entry_modification": "2023-02-20T14:03:04Z", "access": "2023-02-20T14:04:05Z"},
   "fn_times": {"creation": "2023-02-20T14:01:02.5Z", "modification": "2023-02-20T14:01:02.5Z",
                "entry_modification": "2023-02-20T14:01:02.5Z", "access": "2023-02-20T14:01:02.5Z"}},
  {"file": "\\ProgramData\\sqlserver.exe", "size": 6000,
   "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\n"},
   "si_times": {"creation": "2015-07-14T09:21:33Z", "modification": "2015-07-14T09:21:33Z",
                "entry_modification": "2023-02-20T14:03:15Z", "access": "2023-02-20T14:03:15Z"}},
  {"file": "\\Windows\\Temp\\deleted.tmp", "text": "gone", "deleted": true}
 ]})J";

/// (ISO date, one MACB letter, name) triples of a `mactime -b BODY -d -z UTC` listing:
/// each row's letters exploded, rows of names outside `keep` dropped.
using Triple = std::tuple<std::string, char, std::string>;
std::multiset<Triple> mactime_triples(const fs::path& body, const std::set<std::string>& keep) {
  // -y: ISO dates; -d: comma-separated (Date,Size,Type,Mode,UID,GID,Meta,File Name).
  const auto r = run("mactime -b " + shell_quote(body.string()) + " -d -y -z UTC");
  INFO("mactime stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::multiset<Triple> out;
  std::string date;
  for (const auto& line : lines_of(r.out)) {
    // Date,Size,Type,Mode,UID,GID,Meta,File Name — a row without a date repeats the last one.
    std::vector<std::string> f;
    std::size_t start = 0;
    for (int i = 0; i < 7; ++i) {
      const auto comma = line.find(',', start);
      if (comma == std::string::npos) break;
      f.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    if (f.size() != 7 || f[0] == "Date") continue;
    if (!f[0].empty()) date = f[0];
    // A one-time line's other columns are 0, which mactime lists at the epoch.
    if (date.rfind("0000-00-00", 0) == 0 || date.rfind("1970-01-01", 0) == 0) continue;
    std::string name = line.substr(start);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    if (!keep.count(name)) continue;
    for (char c : f[2])
      if (c != '.') out.insert({date, c, name});
  }
  return out;
}

}  // namespace

TEST_CASE("timeline cli: MFT times against fls -m and mactime, and mactime reads our bodyfile",
          "[timeline][cli]") {
  for (const char* tool : {"fls", "mactime"})
    if (!sqltriage::test::tool_or_skip(tool)) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, kSpec);
  const auto ours = dir.path() / "ours.body";
  timeline(shell_quote(image.string()) + " --format bodyfile -o " + shell_quote(ours.string()));
  const auto fls = run("fls -m C: -r " + shell_quote(image.string()));
  REQUIRE(fls.exit_code == 0);
  const auto theirs = dir.path() / "fls.body";
  sqltriage::test::write_file(theirs, fls.out);

  const std::set<std::string> keep = {"C:/inetpub/wwwroot/uploads/up.aspx",
                                      "C:/inetpub/wwwroot/uploads/up.aspx ($FILE_NAME)",
                                      "C:/ProgramData/sqlserver.exe",
                                      "C:/ProgramData/sqlserver.exe ($FILE_NAME)",
                                      "C:/Windows/Temp/deleted.tmp (deleted)",
                                      "C:/Windows/Temp/deleted.tmp ($FILE_NAME) (deleted)",
                                      "C:/Windows/System32",
                                      "C:/Windows/System32 ($FILE_NAME)",
                                      "C:/$MFT ($FILE_NAME)"};
  // Not C:/$MFT itself: ntfsgen leaves its $SI times 0 (1601), which fls wraps to 2076
  // ((0 - 1970 epoch) / 10^7 as 32-bit unsigned) and we write as 0.
  const auto a = mactime_triples(ours, keep);
  const auto b = mactime_triples(theirs, keep);
  // fls writes one line per $DATA attribute: the same times again for each stream; compare
  // the distinct triples.
  const std::set<Triple> sa(a.begin(), a.end());
  const std::set<Triple> sb(b.begin(), b.end());
  CHECK(sa.size() >= 36);  // nine names with four times each
  CHECK(sa == sb);
  // Spot check from the spec itself: up.aspx's $SI modification time is an "m" row.
  CHECK(sa.count({"2023-02-20T14:02:03Z", 'm', "C:/inetpub/wwwroot/uploads/up.aspx"}) == 1);
}

TEST_CASE("timeline cli: jsonl is time-sorted and every line has Timesketch's keys",
          "[timeline][cli]") {
  if (!sqltriage::test::tool_or_skip("jq")) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, kSpec);
  const auto out = dir.path() / "t.jsonl";
  timeline(shell_quote(image.string()) + " -o " + shell_quote(out.string()));
  const auto lines = lines_of(read_all(out));
  REQUIRE(lines.size() > 40);
  const auto missing = run(
      "jq -c 'select((has(\"message\") and has(\"datetime\") and has(\"timestamp_desc\") and "
      "has(\"source\") and has(\"artifact\") and (.datetime | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
      "T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{7}Z$\"))) | not)' " +
      shell_quote(out.string()));
  REQUIRE(missing.exit_code == 0);
  CHECK(missing.out.empty());
  // sort -C: the datetimes (fixed-width ISO text) are already in order.
  const auto sorted = run("(jq -r .datetime " + shell_quote(out.string()) + " | LC_ALL=C sort -C)");
  CHECK(sorted.exit_code == 0);
  const auto count = run("(jq -r .datetime " + shell_quote(out.string()) + " | wc -l)");
  CHECK(std::stoul(count.out) == lines.size());
}

TEST_CASE("timeline cli: EVTX events against evtxexport, csv through python's csv module",
          "[timeline][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "evtx/omer_security.evtx");
  if (!sqltriage::test::tool_or_skip("evtxexport")) return;
  const auto ref = run("evtxexport " + shell_quote(log.string()));
  REQUIRE(ref.exit_code == 0);
  std::size_t events = 0;
  std::multiset<std::string> computers;
  for (const auto& line : lines_of(ref.out)) {
    if (line.rfind("Event number", 0) == 0) ++events;
    if (line.rfind("Computer name", 0) == 0) computers.insert(line.substr(line.find(": ") + 2));
  }
  REQUIRE(events > 1000);

  TempDir dir;
  const auto out = dir.path() / "t.csv";
  timeline(shell_quote(log.string()) + " --format csv -o " + shell_quote(out.string()));
  const auto py = dir.path() / "read.py";
  sqltriage::test::write_file(py, R"J(import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
assert head == ["datetime", "timestamp_desc", "source", "message", "host", "user", "artifact",
                "record", "offset", "finding_type", "severity"], head
for r in rows[1:]:
    assert len(r) == 11, r
    if r[2] == "EVTX":
        print(r[4])
)J");
  const auto parsed =
      run("/usr/bin/python3 " + shell_quote(py.string()) + " " + shell_quote(out.string()));
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  const auto hosts = lines_of(parsed.out);
  CHECK(hosts.size() == events);
  CHECK(std::multiset<std::string>(hosts.begin(), hosts.end()) == computers);
}

TEST_CASE("timeline cli: tln and bodyfile lines have their five and eleven fields",
          "[timeline][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(pf, "prefetch");
  const auto tln = timeline(shell_quote(pf.string()) + " --format tln");
  const auto lines = lines_of(tln.out);
  REQUIRE(!lines.empty());
  for (const auto& l : lines) CHECK(std::count(l.begin(), l.end(), '|') == 4);
  // One "Last Run" row per run time the prefetch files record (the registry subcommand's
  // LastRunTimes, counted by jq).
  const auto expected =
      run("(" + shell_quote(SQLTRIAGE_BINARY) + " registry " + shell_quote(pf.string()) +
          " | jq '[.findings[] | select(.type == \"registry.prefetch\") | "
          ".data.LastRunTimes | length] | add')");
  REQUIRE(expected.exit_code == 0);
  const auto runs = std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("|Prefetch|") != std::string::npos && l.find("Last Run: ") != std::string::npos;
  });
  CHECK(runs > 7);
  CHECK(runs == std::stol(expected.out));
  const auto body = timeline(shell_quote(pf.string()) + " --format bodyfile");
  for (const auto& l : lines_of(body.out)) CHECK(std::count(l.begin(), l.end(), '|') == 10);
}

TEST_CASE("timeline cli: --since/--until keep the range inclusive", "[timeline][cli]") {
  if (!sqltriage::test::tool_or_skip("jq")) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, kSpec);
  const auto r = timeline(shell_quote(image.string()) +
                          " --since 2023-02-20T14:02:03Z --until 2023-02-20T14:03:04Z");
  const auto lines = lines_of(r.out);
  // up.aspx's $SI LastWriteTime and ChangeTime lie on the bounds.
  std::size_t on_bounds = 0;
  for (const auto& l : lines) {
    const auto j = nlohmann::json::parse(l);
    const std::string t = j.at("datetime");
    CHECK(t >= "2023-02-20T14:02:03.0000000Z");
    CHECK(t <= "2023-02-20T14:03:04.0000000Z");
    if (j.at("message").get<std::string>().find("up.aspx") != std::string::npos) ++on_bounds;
  }
  CHECK(on_bounds == 2);
}

TEST_CASE("timeline cli: hostile and wrong arguments", "[timeline][cli]") {
  TempDir dir;
  SECTION("an evidence that does not exist: exit 3, the error on stderr, nothing on stdout") {
    const auto missing = dir.path() / "nope.raw";
    const auto r = timeline(shell_quote(missing.string()), 3);
    CHECK(r.out.empty());
    CHECK(r.err.find("sqltriage: open_failed: " + missing.string()) != std::string::npos);
  }
  SECTION("a file that is nothing readable: exit 3") {
    const auto junk = dir.path() / "junk.bin";
    sqltriage::test::write_file(junk, std::string(4096, '\x07'));
    const auto r = timeline(shell_quote(junk.string()), 3);
    CHECK(r.out.empty());
    CHECK(r.err.find(junk.string()) != std::string::npos);
  }
  SECTION("a --temp-dir that is not a folder: exit 2 before any output file") {
    const auto f = dir.path() / "afile";
    sqltriage::test::write_file(f, "x");
    const auto out = dir.path() / "out.jsonl";
    const auto r = timeline(shell_quote(dir.path().string()) + " --temp-dir " +
                                shell_quote(f.string()) + " -o " + shell_quote(out.string()),
                            2);
    CHECK(r.err.find("--temp-dir") != std::string::npos);
    CHECK(!fs::exists(out));
  }
  SECTION("unknown format, and an output inside the evidence") {
    const auto r = timeline(shell_quote(dir.path().string()) + " --format xml", 2);
    CHECK(r.err.find("--format") != std::string::npos);
    const auto inside = dir.path() / "t.jsonl";
    const auto r2 =
        timeline(shell_quote(dir.path().string()) + " -o " + shell_quote(inside.string()), 2);
    CHECK(!fs::exists(inside));
  }
}

TEST_CASE("timeline on an evidence root says which artifacts it lacks even when the logs were read",
          "[timeline]") {
  // An evidence root holding only the sample's event logs: the events come out, and the
  // absent hives are reported, not held back because another source found something.
  TempDir tmp;
  const auto made = run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(tmp.path().string()));
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const auto out = tmp.path() / "timeline.jsonl";
  const auto r = timeline(shell_quote((tmp.path() / "C").string()) + " -o " + shell_quote(out.string()));
  std::size_t events = 0;
  for (const auto& line : lines_of(read_all(out)))
    events += !line.empty() && nlohmann::json::parse(line).value("source", "") == "EVTX";
  CHECK(events == 50);  // the five logs' records (tests/fixtures/README.md: 21 + 8 + 15 + 1 + 5)
  CHECK(r.err.find("missing: C:\\Windows\\System32\\config\\SYSTEM") != std::string::npos);
  CHECK(r.err.find("missing: C:\\Windows\\System32\\config\\SOFTWARE") != std::string::npos);
}

TEST_CASE("timeline names an unreadable evidence argument even when another one was read",
          "[timeline]") {
  TempDir tmp;
  const auto made = run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(tmp.path().string()));
  REQUIRE(made.exit_code == 0);
  const auto good = tmp.path() / "C" / "Windows" / "System32" / "winevt" / "Logs" / "System.evtx";
  const auto bad = tmp.path() / "bad.evtx";
  std::string junk(70000, '\0');
  junk.replace(0, 8, "ElfFilX\0", 8);  // not an EVTX header
  sqltriage::test::write_file(bad, junk);
  const auto out = tmp.path() / "t.jsonl";
  const auto r = timeline(shell_quote(good.string()) + " " + shell_quote(bad.string()) + " -o " +
                          shell_quote(out.string()));
  CHECK(lines_of(read_all(out)).size() >= 8);  // System.evtx's 8 records
  CHECK(r.err.find(bad.string()) != std::string::npos);
}

TEST_CASE("timeline refuses a --temp-dir inside the evidence", "[timeline]") {
  TempDir tmp;
  const auto evidence = tmp.path() / "evidence";
  fs::create_directories(evidence / "scratch");
  sqltriage::test::write_file(evidence / "a.txt", "x");
  const auto r = timeline(shell_quote(evidence.string()) + " --temp-dir " +
                              shell_quote((evidence / "scratch").string()) + " -o " +
                              shell_quote((tmp.path() / "t.jsonl").string()),
                          2);
  CHECK(r.err.find("--temp-dir") != std::string::npos);
  CHECK(fs::is_empty(evidence / "scratch"));
}
