// Our EVTX writer and evtxgen, checked against two independent readers: libevtx's
// `evtxexport -f xml` and python-evtx's `evtx_dump.py`. Every value we write must come back
// exactly (TimeCreated within python-evtx's float rounding); `evtxinfo` must not call the
// file corrupted; and tests/fixtures/check_evtx_structure.py (Python, zlib) must find the
// container consistent.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "evtx_events/sample_scenario.hpp"
#include "evtx_writer/evtx_writer.hpp"
#include "evtx_writer/filetime_text.hpp"
#include "support.hpp"

namespace {

namespace fx = sqltriage::fixtures;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

// python-evtx exists only for the system interpreter.
const std::string kPython = "/usr/bin/python3";
const std::string kEvtxDump = "/usr/bin/evtx_dump.py";

bool tool_or_skip(bool present, const std::string& what) {
  if (present) return true;
  if (sqltriage::test::running_in_ci()) FAIL("missing under CI=true: " << what);
  WARN("not installed, skipping: " << what);
  return false;
}

bool have_evtxexport() {
  return tool_or_skip(
      sqltriage::test::have_tool("evtxexport") && sqltriage::test::have_tool("evtxinfo"),
      "evtxexport/evtxinfo (libevtx-utils)");
}

bool have_python_evtx() {
  return tool_or_skip(run(kPython + " -c 'import Evtx' && test -f " + kEvtxDump).exit_code == 0,
                      "python-evtx (" + kEvtxDump + ")");
}

std::string evtxgen() { return SQLTRIAGE_EVTXGEN; }

// One event as a reader rendered it.
struct ReadEvent {
  std::map<std::string, std::string> system;  // "EventID", "Provider@Name", ...
  std::set<std::string> present;              // which "Element@Attr" exist
  std::string section;                        // "EventData" or "UserData"
  std::string userdata_element;
  std::string userdata_xmlns;
  std::vector<std::pair<std::string, std::string>> fields;
};

std::vector<ReadEvent> parse_events(const std::string& xml_text) {
  const auto start = xml_text.find('<');
  if (start == std::string::npos) return {};  // evtxexport prints no XML for an empty log
  pugi::xml_document doc;
  const auto ok =
      doc.load_string(xml_text.c_str() + start, pugi::parse_default | pugi::parse_fragment);
  INFO("XML: " << ok.description() << " at " << ok.offset);
  REQUIRE(ok);

  std::vector<ReadEvent> events;
  for (const auto& hit : doc.select_nodes("//Event")) {
    const pugi::xml_node ev = hit.node();
    ReadEvent r;
    for (const pugi::xml_node n : ev.child("System").children()) {
      if (n.type() != pugi::node_element) continue;
      r.system[n.name()] = n.child_value();
      for (const pugi::xml_attribute a : n.attributes()) {
        const std::string key = std::string(n.name()) + "@" + a.name();
        r.system[key] = a.value();
        r.present.insert(key);
      }
    }
    if (const auto data = ev.child("EventData")) {
      r.section = "EventData";
      for (const pugi::xml_node d : data.children("Data")) {
        r.fields.emplace_back(d.attribute("Name").value(), d.child_value());
      }
    } else if (const auto user = ev.child("UserData")) {
      r.section = "UserData";
      const pugi::xml_node element = user.first_child();
      r.userdata_element = element.name();
      r.userdata_xmlns = element.attribute("xmlns").value();
      for (const pugi::xml_node d : element.children()) {
        if (d.type() == pugi::node_element) r.fields.emplace_back(d.name(), d.child_value());
      }
    }
    events.push_back(std::move(r));
  }
  return events;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<ReadEvent> read_with_evtxexport(const std::filesystem::path& file) {
  const auto r = run("evtxexport -f xml " + shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.find("Unable") == std::string::npos);
  REQUIRE(r.out.find("Unable") == std::string::npos);  // it reports bad records on stdout
  return parse_events(r.out);
}

std::vector<ReadEvent> read_with_python_evtx(const std::filesystem::path& file) {
  const auto r = run(kPython + " " + kEvtxDump + " " + shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.empty());
  return parse_events(r.out);
}

enum class Reader { Libevtx, PythonEvtx };

// python-evtx prints FILETIMEs as "YYYY-MM-DD hh:mm:ss[.ffffff]", converted through a float.
std::uint64_t python_time(const std::string& text) {
  std::string iso = text;
  REQUIRE(iso.size() >= 19);
  iso[10] = 'T';
  auto t = fx::parse_utc(iso + "Z");
  REQUIRE(t.has_value());
  return *t;
}

std::string hex16(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Checks every value of `want` (written as record `id`) against what `reader` rendered.
void check_event(const ReadEvent& got, const fx::EventSpec& want, std::uint64_t id, Reader reader) {
  INFO("record " << id << ", EventID " << want.event_id);
  const auto sys = [&](const std::string& key) {
    const auto it = got.system.find(key);
    return it == got.system.end() ? std::string("<missing " + key + ">") : it->second;
  };
  CHECK(sys("EventID") == std::to_string(want.event_id));
  CHECK(got.present.count("EventID@Qualifiers") == (want.qualifiers ? 1U : 0U));
  if (want.qualifiers) CHECK(sys("EventID@Qualifiers") == std::to_string(*want.qualifiers));
  CHECK(sys("EventRecordID") == std::to_string(id));
  CHECK(sys("Version") == std::to_string(want.version));
  CHECK(sys("Level") == std::to_string(want.level));
  CHECK(sys("Task") == std::to_string(want.task));
  CHECK(sys("Opcode") == std::to_string(want.opcode));
  CHECK(sys("Keywords") == hex16(want.keywords));
  CHECK(sys("Provider@Name") == want.provider);
  CHECK(got.present.count("Provider@Guid") == (want.provider_guid.empty() ? 0U : 1U));
  if (!want.provider_guid.empty()) CHECK(sys("Provider@Guid") == want.provider_guid);
  CHECK(got.present.count("Correlation@ActivityID") == (want.activity_id.empty() ? 0U : 1U));
  if (!want.activity_id.empty()) CHECK(sys("Correlation@ActivityID") == want.activity_id);
  CHECK(sys("Execution@ProcessID") == std::to_string(want.process_id));
  CHECK(sys("Execution@ThreadID") == std::to_string(want.thread_id));
  CHECK(sys("Channel") == want.channel);
  CHECK(sys("Computer") == want.computer);
  CHECK(got.present.count("Security@UserID") == (want.user_sid.empty() ? 0U : 1U));
  if (!want.user_sid.empty()) CHECK(sys("Security@UserID") == want.user_sid);

  const std::string time = sys("TimeCreated@SystemTime");
  if (reader == Reader::Libevtx) {
    // libevtx prints 9 fractional digits: our 7 and "00".
    std::string expected = fx::format_utc(want.time_created);
    expected.insert(expected.size() - 1, "00");
    CHECK(time == expected);
  } else {
    // python-evtx goes through a double and microseconds: allow 5 microseconds.
    const std::uint64_t t = python_time(time);
    const std::uint64_t diff =
        t > want.time_created ? t - want.time_created : want.time_created - t;
    INFO("python-evtx TimeCreated " << time << " vs " << fx::format_utc(want.time_created));
    CHECK(diff <= 50);
  }

  const bool user_data = want.section == fx::EventSpec::Section::UserData;
  CHECK(got.section == (user_data ? "UserData" : "EventData"));
  if (user_data) {
    CHECK(got.userdata_element == want.userdata_element);
    CHECK(got.userdata_xmlns == want.userdata_xmlns);
  }
  REQUIRE(got.fields.size() == want.fields.size());
  for (std::size_t i = 0; i < want.fields.size(); ++i) {
    INFO("field " << want.fields[i].first);
    CHECK(got.fields[i].first == want.fields[i].first);
    CHECK(got.fields[i].second == want.fields[i].second);
  }
}

bool have_system_python() {
  return tool_or_skip(run("test -x " + kPython).exit_code == 0, kPython);
}

// The container structure checked by our independent Python checker: header fields, CRC-32s
// (zlib), record chains, consecutive record numbers, name hashes and buckets, template table.
void check_structure(const std::filesystem::path& file, std::uint64_t records) {
  if (!have_system_python()) return;
  const auto script =
      sqltriage::test::source_dir() / "tests" / "fixtures" / "check_evtx_structure.py";
  const auto r =
      run(kPython + " " + shell_quote(script.string()) + " " + shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("errors").empty());
  CHECK(j.at("records").get<std::uint64_t>() == records);
  if (records > 0) {
    CHECK(j.at("names").get<int>() > 0);
    CHECK(j.at("templates").get<int>() > 0);
  }
}

// evtxinfo verifies the checksums too; returns its record count.
std::uint64_t evtxinfo_records(const std::filesystem::path& file) {
  const auto r = run("evtxinfo " + shell_quote(file.string()));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Is corrupted") == std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("Number of records\\s*:\\s*(\\d+)")));
  CHECK(std::regex_search(r.out, std::regex("Number of recovered records\\s*:\\s*0\\b")));
  return std::stoull(m[1]);
}

// --- the events we write ---------------------------------------------------------------------

fx::EventSpec base_event(std::uint16_t id, std::uint64_t time) {
  fx::EventSpec e;
  e.event_id = id;
  e.time_created = time;
  e.provider = "Microsoft-Windows-Security-Auditing";
  e.provider_guid = "{54849625-5478-4994-A5BA-3E3B0328C30D}";
  e.version = 2;
  e.level = 0;
  e.task = 12544;
  e.keywords = 0x80200000000000abULL;
  e.process_id = 668;
  e.thread_id = 4242;
  e.channel = "Security";
  e.computer = "WEB01.corp.local";
  return e;
}

// Text that changes with n and is `length` characters long (ASCII and non-ASCII mixed).
std::string long_text(std::size_t n, std::size_t length) {
  static const std::string pieces[] = {
      "C:\\Windows\\System32\\", "Müller ", "用户 ", "<&>\"' ", "ÿ ", std::to_string(n) + " "};
  std::string s;
  for (std::size_t i = 0; s.size() < length * 2; ++i) s += pieces[(i + n) % 6];
  // Cut at a character boundary after `length` UTF-8 lead bytes' worth of text.
  std::size_t chars = 0, at = 0;
  while (at < s.size() && chars < length) {
    const auto c = static_cast<unsigned char>(s[at]);
    at += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  return "[" + s.substr(0, at) + "]";  // brackets keep edge whitespace inside
}

// Twelve shapes (EventData and UserData, optional parts on and off), repeated with different
// values until `count` events exist; long values make them span several chunks.
std::vector<fx::EventSpec> varied_events(std::size_t count) {
  std::vector<fx::EventSpec> out;
  std::uint64_t time = *fx::parse_utc("2023-02-20T14:03:11.1234567Z");
  for (std::size_t n = 0; out.size() < count; ++n) {
    time += 9'876'543 + n;  // about a second, never a round number of microseconds
    fx::EventSpec e = base_event(static_cast<std::uint16_t>(4600 + n % 12), time);
    switch (n % 12) {
      case 0:
        e.qualifiers = static_cast<std::uint16_t>(16384 + n);
        e.user_sid = "S-1-5-21-3623811015-3361044348-30300820-500";
        e.activity_id = "{9C1D44E0-7A3B-4E55-B1F2-5A0E2C7D0000}";
        e.fields = {{"SubjectUserSid", "S-1-5-18"},
                    {"TargetUserName", "Müller"},
                    {"TargetDomainName", "用户"},
                    {"Markup", "<script>alert(\"x\") & 'y'</script>"},
                    {"Entities", "&amp; &lt; ]]> --> <!-- %%1833"},
                    {"Empty", ""},
                    {"Tabs", "SeTcbPrivilege\n\t\t\tSeDebugPrivilege"},
                    {"Edges", "  leading and trailing  "},
                    {"Long", long_text(n, 1500)}};
        break;
      case 1:
        e.section = fx::EventSpec::Section::UserData;
        e.userdata_element = "LogFileCleared";
        e.userdata_xmlns = "http://manifests.microsoft.com/win/2004/08/windows/eventlog";
        e.fields = {{"SubjectUserSid", "S-1-5-21-1-2-3-1001"},
                    {"SubjectUserName", "Jürgen & <Ops>"},
                    {"SubjectDomainName", "ДОМЕН"},
                    {"SubjectLogonId", "0x" + std::to_string(n)}};
        break;
      case 2:
        e.section = fx::EventSpec::Section::UserData;
        e.userdata_xmlns.clear();
        e.provider_guid.clear();
        e.fields = {{"Param1", "Administrator"}, {"Param2", ""}, {"Param3", "203.0.113.45"}};
        break;
      case 3:
        e.provider_guid.clear();
        e.fields.clear();  // <EventData/>
        break;
      case 4:
        for (int i = 0; i < 60; ++i) {
          e.fields.emplace_back("Field" + std::to_string(i), std::to_string(i * n));
        }
        break;
      case 5:
        e.user_sid = "S-1-5-18";
        e.fields = {{"CommandLine", long_text(n, 4000)}, {"Short", "x"}};
        break;
      case 6:
        e.qualifiers = 0;
        e.keywords = 0;
        e.level = 4;
        e.opcode = 1;
        e.version = 0;
        e.fields = {{"param1", "Windows Update"}, {"param2", "running"}};
        break;
      case 7:
        e.record_id = 1000 + n;  // an explicit jump; the next events continue from it
        e.fields = {{"Jump", "yes"}};
        break;
      case 8:
        e.section = fx::EventSpec::Section::UserData;
        e.userdata_element = "EventXML";
        e.userdata_xmlns = "Event_NS";
        e.activity_id = "{F4205BAC-1B01-40FC-AEEF-3C971C730000}";
        e.user_sid = "S-1-5-20";
        e.fields = {{"User", "CORP\\Administrator"}, {"SessionID", "2"}, {"Address", "LOCAL"}};
        break;
      case 9:
        e.fields = {{"Huge", long_text(n, 30000)}};  // nearly a chunk by itself
        break;
      case 10:
        e.thread_id = 0xFFFFFFFF;
        e.process_id = 0;
        e.task = 0xFFFF;
        e.fields = {{"A", "1"}, {"B", "2"}, {"C", "3"}};
        break;
      case 11:
        e.fields = {{"Same", "as case 0 names but fewer"}, {"TargetUserName", long_text(n, 900)}};
        break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

struct Written {
  std::vector<fx::EventSpec> events;
  std::vector<std::uint64_t> ids;
  std::uint64_t chunks = 0;
};

Written write_file(const std::filesystem::path& path, std::size_t count) {
  Written w;
  w.events = varied_events(count);
  fx::EvtxWriter writer(path);
  for (const auto& e : w.events) w.ids.push_back(writer.add(e));
  writer.close();
  w.chunks = writer.chunks_written();
  return w;
}

}  // namespace

TEST_CASE("evtx writer: every value reads back with libevtx", "[evtx_writer]") {
  if (!have_evtxexport()) return;
  TempDir tmp;
  const auto path = tmp.path() / "varied.evtx";
  const Written w = write_file(path, 240);
  CHECK(w.chunks >= 4);
  CHECK(std::filesystem::file_size(path) == 4096 + w.chunks * fx::kChunkSize);
  CHECK(w.ids[7] == 1007);  // the explicit record id, and the sequence continuing after it
  CHECK(w.ids[8] == 1008);

  const auto got = read_with_evtxexport(path);
  REQUIRE(got.size() == w.events.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    check_event(got[i], w.events[i], w.ids[i], Reader::Libevtx);
  CHECK(evtxinfo_records(path) == w.events.size());
  check_structure(path, w.events.size());
}

TEST_CASE("evtx writer: every value reads back with python-evtx", "[evtx_writer]") {
  if (!have_python_evtx()) return;
  TempDir tmp;
  const auto path = tmp.path() / "varied.evtx";
  const Written w = write_file(path, 120);  // python-evtx reads about 200 records/s
  CHECK(w.chunks >= 3);
  const auto got = read_with_python_evtx(path);
  REQUIRE(got.size() == w.events.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    check_event(got[i], w.events[i], w.ids[i], Reader::PythonEvtx);
}

TEST_CASE("evtx writer: characters outside the BMP are written as surrogate pairs",
          "[evtx_writer]") {
  // libevtx 20181227 decodes surrogate pairs wrongly (U+1F600 comes back as U+1F201), so
  // python-evtx, which decodes UTF-16 with Python's codec, is the judge here.
  if (!have_python_evtx()) return;
  TempDir tmp;
  const auto path = tmp.path() / "emoji.evtx";
  fx::EventSpec e = base_event(1, *fx::parse_utc("2023-02-20T00:00:00Z"));
  e.fields = {{"Emoji", "smile \xF0\x9F\x98\x80 clef \xF0\x9D\x84\x9E end"}};
  {
    fx::EvtxWriter writer(path);
    writer.add(e);
  }  // the destructor closes
  const auto got = read_with_python_evtx(path);
  REQUIRE(got.size() == 1);
  check_event(got[0], e, 1, Reader::PythonEvtx);
}

TEST_CASE("evtx writer: refuses what the format cannot hold, and stays valid", "[evtx_writer]") {
  TempDir tmp;
  const auto path = tmp.path() / "errors.evtx";
  fx::EvtxWriter writer(path, 500);
  const auto good = base_event(4624, *fx::parse_utc("2023-02-20T10:00:00.5Z"));
  CHECK(writer.add(good) == 500);

  auto too_long = good;
  too_long.fields = {{"Value", std::string(fx::kMaxValueUtf16Units + 1, 'x')}};
  CHECK_THROWS_AS(writer.add(too_long), std::length_error);
  auto too_big = good;
  too_big.fields = {{"A", std::string(20000, 'a')}, {"B", std::string(20000, 'b')}};
  CHECK_THROWS_AS(writer.add(too_big), std::length_error);
  auto bad_sid = good;
  bad_sid.user_sid = "S-1-5-x";
  CHECK_THROWS_AS(writer.add(bad_sid), std::invalid_argument);
  auto no_provider = good;
  no_provider.provider.clear();
  CHECK_THROWS_AS(writer.add(no_provider), std::invalid_argument);
  auto empty_name = good;
  empty_name.section = fx::EventSpec::Section::UserData;
  empty_name.userdata_element.clear();
  CHECK_THROWS_AS(writer.add(empty_name), std::invalid_argument);
  auto empty_field = good;
  empty_field.fields = {{"", "value"}};
  CHECK_THROWS_AS(writer.add(empty_field), std::invalid_argument);

  CHECK(writer.add(good) == 501);
  writer.close();
  CHECK(writer.records_written() == 2);
  if (!have_evtxexport()) return;
  const auto got = read_with_evtxexport(path);
  REQUIRE(got.size() == 2);
  check_event(got[1], good, 501, Reader::Libevtx);
}

TEST_CASE("evtx writer: no record ends at the last byte of a chunk", "[evtx_writer]") {
  // libevtx 20181227 skips a record that ends exactly at the end of its chunk, so the writer
  // starts a new chunk instead. Find the longest value that still fits next to a first
  // record, and check that both records are read.
  if (!have_evtxexport()) return;
  TempDir tmp;
  const auto path = tmp.path() / "boundary.evtx";
  fx::EventSpec first = base_event(1, *fx::parse_utc("2023-02-20T10:00:00Z"));
  first.fields = {{"Text", long_text(1, 1500)}};
  fx::EventSpec second = first;
  second.event_id = 2;
  const auto write = [&](std::size_t length) {
    second.fields = {{"Fill", std::string(length, 'f')}};
    fx::EvtxWriter w(path);
    w.add(first);
    w.add(second);
    w.close();
    return w.chunks_written();
  };
  std::size_t fits = 0, spills = 31000;
  REQUIRE(write(fits) == 1);
  REQUIRE(write(spills) == 2);
  while (spills - fits > 1) {
    const std::size_t mid = (fits + spills) / 2;
    (write(mid) == 1 ? fits : spills) = mid;
  }
  for (const std::size_t length : {fits, spills}) {
    INFO("value length " << length);
    write(length);
    CHECK(evtxinfo_records(path) == 2);
    const auto got = read_with_evtxexport(path);
    REQUIRE(got.size() == 2);
    check_event(got[1], second, 2, Reader::Libevtx);
    check_structure(path, 2);
  }
}

TEST_CASE("evtx writer: an empty log is a valid file", "[evtx_writer]") {
  TempDir tmp;
  const auto path = tmp.path() / "empty.evtx";
  fx::EvtxWriter(path, 77).close();
  // Like a fresh log on Windows: the header and one empty chunk.
  CHECK(std::filesystem::file_size(path) == 4096 + fx::kChunkSize);
  if (have_evtxexport()) {
    CHECK(read_with_evtxexport(path).empty());
    CHECK(evtxinfo_records(path) == 0);
  }
  if (have_python_evtx()) CHECK(read_with_python_evtx(path).empty());
  check_structure(path, 0);
}

TEST_CASE("evtxgen sample: the bundled evidence reads back as the scenario table says",
          "[evtx_writer][sample]") {
  if (!have_evtxexport()) return;
  TempDir tmp;
  const auto r = run(shell_quote(evtxgen()) + " sample " + shell_quote(tmp.path().string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  // The README cites these totals.
  const std::map<std::string, std::size_t> totals = {
      {"Security.evtx", 21},
      {"System.evtx", 8},
      {"Microsoft-Windows-Sysmon%4Operational.evtx", 15},
      {"Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx", 1},
      {"Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx", 5}};
  const bool python = have_python_evtx();
  std::map<std::string, std::vector<ReadEvent>> by_file;
  for (const fx::LogInfo& log : fx::all_logs()) {
    const auto file = tmp.path() / fx::sample_log_path(log.log);
    INFO(file.string());
    REQUIRE(std::filesystem::exists(file));
    std::vector<const fx::SampleEvent*> want;
    std::map<std::string, int> want_counts, got_counts;
    for (const auto& e : fx::sample_events()) {
      if (e.log != log.log) continue;
      want.push_back(&e);
      ++want_counts[std::to_string(e.spec.event_id)];
    }
    CHECK(want.size() == totals.at(std::string(log.file_name)));
    CHECK(want.front()->spec.record_id == fx::sample_first_record_id(log.log));

    const auto got = read_with_evtxexport(file);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      ++got_counts[got[i].system.at("EventID")];
      check_event(got[i], want[i]->spec, want[i]->spec.record_id, Reader::Libevtx);
    }
    CHECK(got_counts == want_counts);
    check_structure(file, want.size());
    if (python) {
      const auto py = read_with_python_evtx(file);
      REQUIRE(py.size() == want.size());
      for (std::size_t i = 0; i < py.size(); ++i) {
        check_event(py[i], want[i]->spec, want[i]->spec.record_id, Reader::PythonEvtx);
      }
    }
    by_file[std::string(log.file_name)] = got;
  }

  // Facts the README and other tests rely on, read back from the files.
  const auto field = [](const ReadEvent& e, const std::string& name) {
    for (const auto& [n, v] : e.fields) {
      if (n == name) return v;
    }
    return std::string("<none>");
  };
  const auto& security = by_file["Security.evtx"];
  int rdp_logons = 0;
  for (const auto& e : security) {
    if (e.system.at("EventID") == "4624" && field(e, "LogonType") == "10") {
      ++rdp_logons;
      CHECK(field(e, "IpAddress") == "203.0.113.45");
      CHECK(field(e, "TargetUserName") == "Administrator");
      CHECK(field(e, "TargetDomainName") == "CORP");
      CHECK(e.system.at("EventRecordID") == "48225");
      CHECK(e.system.at("TimeCreated@SystemTime") == "2023-02-20T14:20:43.512000100Z");
    }
    if (e.system.at("EventID") == "1102") {
      CHECK(e.userdata_element == "LogFileCleared");
      CHECK(field(e, "SubjectUserName") == "Administrator");
    }
  }
  CHECK(rdp_logons == 1);
  int malware_starts = 0;
  for (const auto& e : by_file["Microsoft-Windows-Sysmon%4Operational.evtx"]) {
    if (e.system.at("EventID") == "1" && field(e, "Image") == "C:\\ProgramData\\sqlserver.exe") {
      ++malware_starts;
      CHECK(field(e, "Company") == "Unisys Corporation");
      CHECK(field(e, "OriginalFileName") == "sqlservr.exe");
      CHECK(field(e, "ParentImage") == "C:\\Windows\\System32\\services.exe");
      CHECK(field(e, "LogonId") == "0x3e7");
    }
    if (e.system.at("EventID") == "15") {
      CHECK(field(e, "Contents") ==
            "[ZoneTransfer]  ZoneId=3  HostUrl=http://198.51.100.23/sqlserver.exe");
    }
  }
  CHECK(malware_starts == 1);
  for (const auto& e : by_file["System.evtx"]) {
    if (e.system.at("EventID") == "7045") {
      CHECK(field(e, "ServiceName") == "SQLServerUpdate");
      CHECK(field(e, "ImagePath") == "C:\\ProgramData\\sqlserver.exe");
    }
  }

  const auto md = run(shell_quote(evtxgen()) + " sample --markdown");
  REQUIRE(md.exit_code == 0);
  CHECK(static_cast<std::size_t>(std::count(md.out.begin(), md.out.end(), '\n')) ==
        fx::sample_events().size() + 2);
}

TEST_CASE("evtxgen big: record count agrees with libevtx, same seed same bytes",
          "[evtx_writer][big]") {
  if (!have_evtxexport()) return;
  TempDir tmp;
  const auto a = tmp.path() / "a.evtx";
  const auto gen = [&](const std::filesystem::path& out, int seed) {
    const auto r = run(shell_quote(evtxgen()) + " big " + shell_quote(out.string()) +
                       " --size-mb 3 --seed " + std::to_string(seed));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(r.err, m, std::regex("evtxgen: (\\d+) records in (\\d+) chunks")));
    return std::make_pair(std::stoull(m[1]), std::stoull(m[2]));
  };
  const auto [records, chunks] = gen(a, 7);
  CHECK(std::filesystem::file_size(a) == 4096 + chunks * fx::kChunkSize);
  CHECK(std::filesystem::file_size(a) >= 3U * 1024 * 1024);
  CHECK(evtxinfo_records(a) == records);
  check_structure(a, records);

  const auto got = read_with_evtxexport(a);
  REQUIRE(got.size() == records);
  std::size_t default_set = 0;
  std::set<std::string> kinds;
  for (const auto& e : got) {
    const std::string key = e.system.at("Channel") + "/" + e.system.at("EventID");
    kinds.insert(key);
    static const std::set<std::string> kDefault = {"Security/4624",
                                                   "Security/4672",
                                                   "Security/4688",
                                                   "Microsoft-Windows-Sysmon/Operational/1",
                                                   "Microsoft-Windows-Sysmon/Operational/3",
                                                   "Microsoft-Windows-Sysmon/Operational/11"};
    default_set += kDefault.count(key);
  }
  const double share = static_cast<double>(default_set) / static_cast<double>(got.size());
  CHECK(share > 0.20);
  CHECK(share < 0.30);
  CHECK(kinds.size() == 13);

  const auto b = tmp.path() / "b.evtx";
  const auto c = tmp.path() / "c.evtx";
  gen(b, 7);
  gen(c, 8);
  CHECK(slurp(a) == slurp(b));
  CHECK(slurp(a) != slurp(c));
}

TEST_CASE("evtxgen events: JSON lines become records, mistakes are reported",
          "[evtx_writer][jsonl]") {
  TempDir tmp;
  const auto spec = tmp.path() / "events.jsonl";
  const auto out = tmp.path() / "events.evtx";
  {
    std::ofstream f(spec);
    f << R"({"event_id":4624,"time_created":"2023-02-20T14:20:43.5120001Z","provider":"Microsoft-Windows-Security-Auditing","channel":"Security","computer":"WEB01","level":0,"keywords":"0x8020000000000000","fields":[["LogonType","10"],["IpAddress","203.0.113.45"]]})"
      << "\n\n"
      << R"({"event_id":1102,"record_id":90,"time_created":"2023-02-20T14:55:10Z","provider":"Microsoft-Windows-Eventlog","channel":"Security","computer":"WEB01","user_sid":"S-1-5-18","section":"UserData","userdata_element":"LogFileCleared","userdata_xmlns":"http://manifests.microsoft.com/win/2004/08/windows/eventlog","fields":[["SubjectUserName","Administrator"]]})"
      << "\n";
  }
  const auto r = run(shell_quote(evtxgen()) + " events " + shell_quote(out.string()) + " " +
                     shell_quote(spec.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  if (have_evtxexport()) {
    const auto got = read_with_evtxexport(out);
    REQUIRE(got.size() == 2);
    fx::EventSpec first;
    first.event_id = 4624;
    first.time_created = *fx::parse_utc("2023-02-20T14:20:43.5120001Z");
    first.provider = "Microsoft-Windows-Security-Auditing";
    first.channel = "Security";
    first.computer = "WEB01";
    first.level = 0;
    first.keywords = 0x8020000000000000ULL;
    first.fields = {{"LogonType", "10"}, {"IpAddress", "203.0.113.45"}};
    check_event(got[0], first, 1, Reader::Libevtx);
    fx::EventSpec second;
    second.event_id = 1102;
    second.time_created = *fx::parse_utc("2023-02-20T14:55:10Z");
    second.provider = "Microsoft-Windows-Eventlog";
    second.channel = "Security";
    second.computer = "WEB01";
    second.user_sid = "S-1-5-18";
    second.section = fx::EventSpec::Section::UserData;
    second.userdata_element = "LogFileCleared";
    second.userdata_xmlns = "http://manifests.microsoft.com/win/2004/08/windows/eventlog";
    second.fields = {{"SubjectUserName", "Administrator"}};
    check_event(got[1], second, 90, Reader::Libevtx);
  }

  {
    std::ofstream f(spec);
    f << R"({"event_id":1,"time_created":"2023-02-20T00:00:00Z","provider":"P"})"
      << "\n"
      << R"({"event_id":1,"time_created":"2023-02-20T00:00:00Z","provider":"P","colour":"red"})"
      << "\n";
  }
  const auto bad = run(shell_quote(evtxgen()) + " events " + shell_quote(out.string()) + " " +
                       shell_quote(spec.string()));
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("line 2") != std::string::npos);
  CHECK(bad.err.find("unknown key: colour") != std::string::npos);

  const auto usage = run(shell_quote(evtxgen()) + " big " + shell_quote(out.string()));
  CHECK(usage.exit_code == 2);  // --size-mb missing
}
