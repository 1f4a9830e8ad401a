// The findings model and the JSON / JSON Lines writers. Output is read back by Python's strict
// json module (and nlohmann) and compared, key by key and in order, with documents written out
// by hand here.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/error.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage;
using Json = nlohmann::ordered_json;

namespace {

/// Reads the file strictly (UTF-8, JSON, no duplicate keys) and writes it back as ASCII JSON,
/// one line per document: the whole file ("doc") or each line ("jsonl").
constexpr const char* kPythonReader = R"PY(
import json, sys

def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)

def load(raw):
    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)

mode, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    data = f.read()
docs = [load(data)] if mode == "doc" else [load(line) for line in data.split(b"\n")[:-1]]
for d in docs:
    print(json.dumps(d, ensure_ascii=True, separators=(",", ":")))
)PY";

/// Output of kPythonReader over `text`, each line parsed by nlohmann.
std::vector<Json> read_with_python(const std::string& mode, const std::string& text) {
  REQUIRE(test::have_tool("/usr/bin/python3"));
  test::TempDir tmp;
  std::ofstream(tmp.path() / "read.py") << kPythonReader;
  std::ofstream(tmp.path() / "out.json", std::ios::binary) << text;
  const auto r =
      test::run("/usr/bin/python3 " + test::shell_quote((tmp.path() / "read.py").string()) + " " +
                mode + " " + test::shell_quote((tmp.path() / "out.json").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<Json> docs;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) docs.push_back(Json::parse(line));
  return docs;
}

std::string bytes(std::initializer_list<unsigned> list) {
  std::string s;
  for (unsigned b : list) s += static_cast<char>(b);
  return s;
}

/// The text the writers must give for a string holding byte b >= 0x80 that is not UTF-8:
/// U+EF00 + b in UTF-8.
std::string mapped(unsigned b) { return bytes({0xEE, 0xBC | (b >> 6), 0x80 | (b & 0x3F)}); }

// --- fixtures -----------------------------------------------------------------------------

constexpr Filetime k20230220 = 133213753911234567;  // 2023-02-20T14:03:11.1234567Z
constexpr Filetime k20261129 = 134404200000000000;  // 2026-11-29T10:00:00Z

DocumentHeader header() {
  DocumentHeader h;
  h.command = "evtx";
  h.evidence = {{"/cases/host1", "directory", {}},
                {"disk.raw", "image", "MBR partition 1 at offset 1048576"}};
  h.started = k20261129;
  return h;
}

Finding full_finding() {
  Finding f;
  f.type = "evtx.process_creation";
  f.time = k20230220;
  f.summary = "w3wp.exe started C:\\ProgramData\\sqlserver.exe";
  f.artifact = {"C:\\Windows\\System32\\winevt\\Logs\\Security.evtx", 1234, 65536};
  f.data["EventID"] = 4688;
  f.data["NewProcessName"] = "C:\\ProgramData\\sqlserver.exe";
  f.data["ParentProcessName"] = "C:\\Windows\\System32\\inetsrv\\w3wp.exe";
  f.add_check({"web_server_parent", Severity::high, {"T1505.003"}, "parent is w3wp.exe"});
  f.add_check({"masquerade", Severity::medium, {"T1036.005", "T1505.003"}, "looks like sqlservr"});
  return f;
}

Finding bare_finding() {
  Finding f;
  f.type = "evtx.log_cleared";
  f.summary = "plain";
  f.artifact.path = "Security.evtx";
  return f;
}

Finding invalid_utf8_finding() {
  Finding f;
  f.type = "evtx.service_install";
  f.severity = Severity::low;
  f.time = 0;
  f.summary = "bad " + bytes({0xC0, 0x80}) + " name";
  f.artifact = {"C:\\Temp\\" + bytes({0xFF}) + ".evtx", 0, std::nullopt};
  f.data["CommandLine"] = "cmd" + bytes({0xFF, 0xFE}) + " /c";
  f.data["Raw"] = bytes({0xED, 0xA0, 0x80});  // a lone surrogate, WTF-8 style
  return f;
}

ErrorEntry record_error() {
  return {{"C:\\Windows\\System32\\winevt\\Logs\\System.evtx", std::nullopt, 4096},
          "record",
          "chunk CRC mismatch; 37 records skipped"};
}

ErrorEntry missing_error() {
  return {{"C:\\Windows\\System32\\config\\SAM", {}, {}}, "missing", "absent"};
}

RunStats stats() { return {3, 120034, 3, 2, 1.9}; }

// --- the same, written out by hand as the JSON they must become ----------------------------

Json expected_header_fields() {
  return Json::parse(R"({"schema":"sqltriage.findings/1",
    "tool":{"name":"sqltriage","version":")" SQLTRIAGE_VERSION R"("},
    "command":"evtx",
    "evidence":[{"path":"/cases/host1","kind":"directory"},{"path":"disk.raw","kind":"image","layout":"MBR partition 1 at offset 1048576"}],
    "started":"2026-11-29T10:00:00.0000000Z"})");
}

Json expected_full() {
  return Json::parse(R"({"type":"evtx.process_creation","severity":"high",
    "time":"2023-02-20T14:03:11.1234567Z",
    "summary":"w3wp.exe started C:\\ProgramData\\sqlserver.exe",
    "artifact":{"path":"C:\\Windows\\System32\\winevt\\Logs\\Security.evtx","record":1234,
                "offset":65536},
    "data":{"EventID":4688,"NewProcessName":"C:\\ProgramData\\sqlserver.exe",
            "ParentProcessName":"C:\\Windows\\System32\\inetsrv\\w3wp.exe"},
    "attack":["T1505.003","T1036.005"],
    "checks":[{"id":"web_server_parent","severity":"high","attack":["T1505.003"],
               "reason":"parent is w3wp.exe"},
              {"id":"masquerade","severity":"medium","attack":["T1036.005","T1505.003"],
               "reason":"looks like sqlservr"}]})");
}

Json expected_bare() {
  return Json::parse(R"({"type":"evtx.log_cleared","severity":"info","time":null,
    "summary":"plain","artifact":{"path":"Security.evtx"},"data":{},"attack":[],"checks":[]})");
}

Json expected_invalid_utf8() {
  Json j = Json::object();
  j["type"] = "evtx.service_install";
  j["severity"] = "low";
  j["time"] = "1601-01-01T00:00:00.0000000Z";
  j["summary"] = "bad " + mapped(0xC0) + mapped(0x80) + " name";
  j["artifact"] = {{"path", "C:\\Temp\\" + mapped(0xFF) + ".evtx"}, {"record", 0}};
  j["data"] = {{"CommandLine", "cmd" + mapped(0xFF) + mapped(0xFE) + " /c"},
               {"Raw", mapped(0xED) + mapped(0xA0) + mapped(0x80)}};
  j["attack"] = Json::array();
  j["checks"] = Json::array();
  return j;
}

Json expected_record_error() {
  return Json::parse(R"({"artifact":{"path":"C:\\Windows\\System32\\winevt\\Logs\\System.evtx",
    "offset":4096},"code":"record","message":"chunk CRC mismatch; 37 records skipped"})");
}

Json expected_missing_error() {
  return Json::parse(
      R"({"artifact":{"path":"C:\\Windows\\System32\\config\\SAM"},"code":"missing","message":"absent"})");
}

Json expected_stats() {
  return Json::parse(R"({"files":3,"records":120034,"findings":3,"errors":2,"elapsed_s":1.9})");
}

/// {"record_type": type} followed by the members of `object`.
Json tagged(const char* type, const Json& object) {
  Json j = {{"record_type", type}};
  for (auto it = object.begin(); it != object.end(); ++it) j[it.key()] = *it;
  return j;
}

/// A string buffer that counts flushes.
class CountingBuffer : public std::stringbuf {
 public:
  int syncs = 0;

 protected:
  int sync() override {
    ++syncs;
    return std::stringbuf::sync();
  }
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

// --- the model -----------------------------------------------------------------------------

TEST_CASE("severity names", "[finding]") {
  CHECK(to_string(Severity::info) == "info");
  CHECK(to_string(Severity::low) == "low");
  CHECK(to_string(Severity::medium) == "medium");
  CHECK(to_string(Severity::high) == "high");
  CHECK(to_string(Severity::critical) == "critical");
  CHECK(parse_severity("critical") == Severity::critical);
  CHECK(parse_severity("HIGH") == Severity::high);
  CHECK(parse_severity("Medium") == Severity::medium);
  CHECK(parse_severity("low") == Severity::low);
  CHECK(parse_severity("info") == Severity::info);
  for (const char* bad : {"", "none", "hi", "high ", "informational", "3"}) {
    INFO(bad);
    CHECK_FALSE(parse_severity(bad).has_value());
  }
  CHECK(Severity::critical > Severity::high);
  CHECK(Severity::low > Severity::info);
}

TEST_CASE("Finding::add_check raises severity and merges techniques", "[finding]") {
  Finding f;
  f.add_check({"a", Severity::medium, {"T1", "T2"}, "first"});
  CHECK(f.severity == Severity::medium);
  f.add_check({"b", Severity::low, {"T3", "T1"}, "second"});
  CHECK(f.severity == Severity::medium);  // never lowered
  f.add_check({"c", Severity::critical, {}, "third"});
  CHECK(f.severity == Severity::critical);
  f.add_check({"d", Severity::info, {"T2", "T4", "T4"}, "fourth"});
  CHECK(f.severity == Severity::critical);
  CHECK(f.attack == std::vector<std::string>{"T1", "T2", "T3", "T4"});
  REQUIRE(f.checks.size() == 4);
  CHECK(f.checks[0].id == "a");
  CHECK(f.checks[1].attack == std::vector<std::string>{"T3", "T1"});  // the hit as given
  CHECK(f.checks[3].reason == "fourth");

  Finding g;
  g.severity = Severity::high;
  g.attack = {"T9"};
  g.add_check({"e", Severity::low, {"T9", "T8"}, ""});
  CHECK(g.severity == Severity::high);
  CHECK(g.attack == std::vector<std::string>{"T9", "T8"});
}

TEST_CASE("ArtifactError names the artifact and the offset", "[finding]") {
  const ArtifactError with_offset("C:\\x.evtx", "bad chunk", 65536);
  CHECK(std::string(with_offset.what()) == "C:\\x.evtx: bad chunk (offset 65536)");
  CHECK(with_offset.detail() == "bad chunk");
  CHECK(with_offset.path() == "C:\\x.evtx");
  CHECK(with_offset.offset() == std::uint64_t{65536});

  const ArtifactError zero("f", "m", 0);
  CHECK(std::string(zero.what()) == "f: m (offset 0)");

  const ArtifactError without("evidence/a.evtx", "cannot open");
  CHECK(std::string(without.what()) == "evidence/a.evtx: cannot open");
  CHECK(without.detail() == "cannot open");
  CHECK_FALSE(without.offset().has_value());

  const std::runtime_error& base = with_offset;  // catchable as the standard type
  CHECK(std::string(base.what()).find("(offset 65536)") != std::string::npos);
}

// --- object forms --------------------------------------------------------------------------

TEST_CASE("to_json of findings and errors", "[writers]") {
  CHECK(to_json(full_finding()) == expected_full());
  CHECK(to_json(bare_finding()) == expected_bare());
  CHECK(to_json(record_error()) == expected_record_error());
  CHECK(to_json(missing_error()) == expected_missing_error());
  // Key order is part of the format: ordered_json compares it, and so does this text.
  CHECK(to_json(bare_finding()).dump() ==
        R"({"type":"evtx.log_cleared","severity":"info","time":null,"summary":"plain",)"
        R"("artifact":{"path":"Security.evtx"},"data":{},"attack":[],"checks":[]})");
}

// --- the JSON document ---------------------------------------------------------------------

TEST_CASE("JSON writer: the whole document, read back by Python", "[writers]") {
  std::ostringstream out;
  auto w = make_json_writer(out);
  w->begin(header());
  w->finding(full_finding());
  w->error(record_error());
  w->finding(bare_finding());
  w->error(missing_error());
  w->finding(invalid_utf8_finding());
  w->end(stats());

  Json expected = expected_header_fields();
  expected["findings"] = {expected_full(), expected_bare(), expected_invalid_utf8()};
  expected["errors"] = {expected_record_error(), expected_missing_error()};
  expected["stats"] = expected_stats();

  const auto docs = read_with_python("doc", out.str());
  REQUIRE(docs.size() == 1);
  CHECK(docs[0] == expected);
  CHECK(Json::parse(out.str()) == expected);  // nlohmann agrees

  // One finding per line inside the array; errors after it, one per line; a final newline.
  const auto lines = split_lines(out.str());
  REQUIRE(lines.size() == 8);
  CHECK(lines[0].substr(lines[0].size() - 13) == ",\"findings\":[");
  CHECK(Json::parse(lines[1].substr(0, lines[1].size() - 1)) == expected_full());
  CHECK(Json::parse(lines[2].substr(0, lines[2].size() - 1)) == expected_bare());
  CHECK(Json::parse(lines[3]) == expected_invalid_utf8());
  CHECK(lines[4] == "],\"errors\":[");
  CHECK(Json::parse(lines[5].substr(0, lines[5].size() - 1)) == expected_record_error());
  CHECK(Json::parse(lines[6]) == expected_missing_error());
  CHECK(lines[7].rfind("],\"stats\":", 0) == 0);
  CHECK(out.str().back() == '\n');
}

TEST_CASE("JSON writer: empty runs are valid documents", "[writers]") {
  std::ostringstream out;
  auto w = make_json_writer(out);
  w->begin(DocumentHeader{"evtx", {}, 0});
  w->end(RunStats{});
  CHECK(out.str() ==
        "{\"schema\":\"sqltriage.findings/1\",\"tool\":{\"name\":\"sqltriage\","
        "\"version\":\"" SQLTRIAGE_VERSION
        "\"},\"command\":\"evtx\",\"evidence\":[],"
        "\"started\":\"1601-01-01T00:00:00.0000000Z\",\"findings\":[],\"errors\":[],"
        "\"stats\":{\"files\":0,\"records\":0,\"findings\":0,\"errors\":0,"
        "\"elapsed_s\":0.0}}\n");
  REQUIRE(read_with_python("doc", out.str()).size() == 1);

  // Only errors; only findings.
  std::ostringstream errors_only;
  auto e = make_json_writer(errors_only);
  e->begin(header());
  e->error(missing_error());
  e->end(RunStats{0, 0, 0, 1, 0.25});
  const auto doc = read_with_python("doc", errors_only.str()).at(0);
  CHECK(doc["findings"] == Json::array());
  CHECK(doc["errors"] == Json::array({expected_missing_error()}));
  CHECK(doc["stats"]["elapsed_s"] == 0.25);

  std::ostringstream findings_only;
  auto f = make_json_writer(findings_only);
  f->begin(header());
  f->finding(bare_finding());
  f->end(RunStats{});
  const auto doc2 = read_with_python("doc", findings_only.str()).at(0);
  CHECK(doc2["findings"] == Json::array({expected_bare()}));
  CHECK(doc2["errors"] == Json::array());
}

TEST_CASE("JSON writer: streams findings, holds errors, flushes at the end", "[writers]") {
  CountingBuffer buffer;
  std::ostream out(&buffer);
  auto w = make_json_writer(out);
  w->begin(header());
  w->finding(full_finding());
  CHECK(buffer.str().find("w3wp.exe started") != std::string::npos);  // already written
  w->error(record_error());
  CHECK(buffer.str().find("chunk CRC mismatch") == std::string::npos);  // held until end()
  w->finding(bare_finding());
  CHECK(buffer.str().find("evtx.log_cleared") != std::string::npos);
  const int syncs_before_end = buffer.syncs;
  w->end(stats());
  CHECK(buffer.syncs > syncs_before_end);
  CHECK(buffer.str().find("chunk CRC mismatch") != std::string::npos);
}

TEST_CASE("JSON writer: 10,000 findings", "[writers]") {
  std::ostringstream out;
  auto w = make_json_writer(out);
  w->begin(header());
  for (int i = 0; i < 10000; ++i) {
    Finding f = bare_finding();
    f.summary = "finding " + std::to_string(i);
    f.artifact.record = static_cast<std::uint64_t>(i);
    f.data["Index"] = i;
    if (i % 1000 == 7) f.data["Bytes"] = bytes({0x80, 0x80 | static_cast<unsigned>(i % 128)});
    w->finding(f);
  }
  w->end(RunStats{1, 10000, 10000, 0, 12.5});

  const auto docs = read_with_python("doc", out.str());
  REQUIRE(docs.size() == 1);
  const Json& doc = docs[0];
  REQUIRE(doc["findings"].size() == 10000);
  for (std::size_t i = 0; i < 10000; ++i) {
    const Json& f = doc["findings"][i];
    if (f["data"]["Index"] != i || f["artifact"]["record"] != i ||
        f["summary"] != "finding " + std::to_string(i))
      FAIL("finding " << i << " is " << f.dump());
  }
  CHECK(doc["findings"][7]["data"]["Bytes"] == mapped(0x80) + mapped(0x80 | 7));
  CHECK(doc["stats"] ==
        Json::parse(R"({"files":1,"records":10000,"findings":10000,"errors":0,"elapsed_s":12.5})"));
  CHECK(doc["errors"] == Json::array());
  CHECK(split_lines(out.str()).size() == 1 + 10000 + 1);  // header, findings, the rest
  CHECK(Json::parse(out.str())["findings"].size() == 10000);
}

// --- JSON Lines ----------------------------------------------------------------------------

TEST_CASE("JSONL writer: one record per line, read back by Python", "[writers]") {
  CountingBuffer buffer;
  std::ostream out(&buffer);
  auto w = make_jsonl_writer(out);

  w->begin(header());
  CHECK(buffer.syncs >= 1);
  int syncs = buffer.syncs;
  auto flushed_one_more_line = [&](std::size_t expected_lines) {
    const bool flushed = buffer.syncs > syncs;
    syncs = buffer.syncs;
    return flushed && split_lines(buffer.str()).size() == expected_lines;
  };
  w->finding(full_finding());
  CHECK(flushed_one_more_line(2));
  w->error(record_error());
  CHECK(flushed_one_more_line(3));
  w->finding(invalid_utf8_finding());
  CHECK(flushed_one_more_line(4));
  w->finding(bare_finding());
  CHECK(flushed_one_more_line(5));
  w->error(missing_error());
  CHECK(flushed_one_more_line(6));
  w->end(stats());
  CHECK(flushed_one_more_line(7));

  const std::vector<Json> expected = {
      tagged("header", expected_header_fields()), tagged("finding", expected_full()),
      tagged("error", expected_record_error()),   tagged("finding", expected_invalid_utf8()),
      tagged("finding", expected_bare()),         tagged("error", expected_missing_error()),
      tagged("stats", expected_stats())};

  const auto lines = read_with_python("jsonl", buffer.str());
  REQUIRE(lines.size() == expected.size());
  const auto raw_lines = split_lines(buffer.str());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("line " << i << ": " << raw_lines[i]);
    CHECK(lines[i] == expected[i]);
    CHECK(Json::parse(raw_lines[i]) == expected[i]);
  }
  CHECK(buffer.str().back() == '\n');
  // record_type comes first, so `head -c` and grep-based tools see it at once.
  for (const auto& line : raw_lines) CHECK(line.rfind("{\"record_type\":\"", 0) == 0);
}

TEST_CASE("JSONL writer: an empty run is a header and a stats line", "[writers]") {
  std::ostringstream out;
  auto w = make_jsonl_writer(out);
  w->begin(header());
  w->end(RunStats{});
  const auto lines = read_with_python("jsonl", out.str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == tagged("header", expected_header_fields()));
  CHECK(lines[1] == Json::parse(R"({"record_type":"stats","files":0,"records":0,"findings":0,
                                    "errors":0,"elapsed_s":0.0})"));
}
