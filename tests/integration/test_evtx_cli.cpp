// `sqltriage evtx` end to end, through the built binary, on the sample evidence written by
// `evtxgen sample` (tests/fixtures/README.md tells its story).
//
// What the binary should report is worked out independently of our reader: libevtx's
// `evtxexport -f xml` lists every record of the same files, and the test applies the rules of
// docs/evtx.md (the default event set, the filters) to that listing. The checks expected on the
// scenario's key events come from docs/checks.md and the scenario's own description.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using sqltriage::test::CommandResult;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

// ---------------------------------------------------------------------------------------------
// Running the tools

using sqltriage::test::run_sqltriage;

bool have_evtxexport() { return sqltriage::test::tool_or_skip("evtxexport"); }

/// The findings document on stdout, parsed; fails the test when it is not one JSON document.
Json parse_document(const CommandResult& r) {
  INFO("stdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 2000));
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  REQUIRE(doc.is_object());
  REQUIRE(doc.contains("findings"));
  return doc;
}

/// The sample evidence in a temporary folder.
class Sample {
 public:
  Sample() {
    auto r = run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(root().string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& name : log_names()) REQUIRE(fs::is_regular_file(logs() / name));
  }
  fs::path root() const { return dir_.path() / "evidence"; }
  fs::path logs() const { return root() / "C" / "Windows" / "System32" / "winevt" / "Logs"; }
  static const std::vector<std::string>& log_names() {
    static const std::vector<std::string> names = {
        "Security.evtx",
        "System.evtx",
        "Microsoft-Windows-Sysmon%4Operational.evtx",
        "Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx",
        "Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx",
    };
    return names;
  }
  /// "evtx 'ROOT'": the subcommand and the evidence root, quoted.
  std::string evtx() const { return "evtx " + shell_quote(root().string()); }

 private:
  TempDir dir_;
};

// ---------------------------------------------------------------------------------------------
// Time: 100-ns ticks since 1601-01-01 (a FILETIME), computed here from the civil date

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;  // days since 1970-01-01
}

constexpr std::int64_t kTicksPerSecond = 10000000;
const std::int64_t kDays1601To1970 = -days_from_civil(1601, 1, 1);

/// "2023-02-20T14:03:11.123456700Z" (evtxexport's form: 9 fractional digits) to ticks.
std::int64_t ticks_of(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char frac[16] = {};
  REQUIRE(std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%15[0-9]Z", &y, &mo, &d, &h, &mi, &s,
                      frac) == 7);
  std::string digits = std::string(frac) + "0000000";
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days + kDays1601To1970) * 86400 + h * 3600 + mi * 60 + s) * kTicksPerSecond +
         std::stoll(digits.substr(0, 7));
}

/// Ticks to "2023-02-20T14:03:11.1234567Z", the form the command line accepts.
std::string iso_of(std::int64_t ticks) {
  std::int64_t secs = ticks / kTicksPerSecond;
  const std::int64_t frac = ticks % kTicksPerSecond;
  std::int64_t days = secs / 86400 - kDays1601To1970;
  secs %= 86400;
  // civil_from_days (H. Hinnant)
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%07lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(frac));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// What evtxexport says the logs hold

struct XEvent {
  std::string log;  // file name
  std::string provider;
  unsigned event_id = 0;
  std::uint64_t record = 0;
  std::string time_text;  // evtxexport's TimeCreated SystemTime
  std::int64_t ticks = 0;
  std::map<std::string, std::string> data;  // EventData Data by Name, or UserData leaves
};

std::vector<XEvent> evtxexport_events(const fs::path& file) {
  auto r = run("evtxexport -f xml " + shell_quote(file.string()));
  INFO("evtxexport " << file << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  pugi::xml_document doc;
  const auto parsed =
      doc.load_buffer(r.out.data(), r.out.size(), pugi::parse_default | pugi::parse_fragment);
  INFO(parsed.description());
  REQUIRE(parsed);
  std::vector<XEvent> events;
  for (auto ev : doc.children("Event")) {
    XEvent x;
    x.log = file.filename().string();
    auto sys = ev.child("System");
    x.provider = sys.child("Provider").attribute("Name").value();
    x.event_id = static_cast<unsigned>(std::stoul(sys.child_value("EventID")));
    x.record = std::stoull(sys.child_value("EventRecordID"));
    x.time_text = sys.child("TimeCreated").attribute("SystemTime").value();
    x.ticks = ticks_of(x.time_text);
    for (auto item : ev.child("EventData").children("Data"))
      x.data[item.attribute("Name").value()] = item.child_value();
    for (auto block : ev.child("UserData").children())
      for (auto leaf : block.children())
        if (leaf.type() == pugi::node_element) x.data[leaf.name()] = leaf.child_value();
    events.push_back(std::move(x));
  }
  return events;
}

std::vector<XEvent> evtxexport_sample(const Sample& s) {
  std::vector<XEvent> all;
  for (const auto& name : Sample::log_names()) {
    auto part = evtxexport_events(s.logs() / name);
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

/// The default event set of docs/evtx.md: (Provider, EventID) -> finding type.
std::optional<std::string> default_type(const std::string& provider, unsigned id) {
  static const std::map<std::pair<std::string, unsigned>, std::string> table = {
      {{"Microsoft-Windows-Security-Auditing", 4624}, "evtx.logon"},
      {{"Microsoft-Windows-Security-Auditing", 4625}, "evtx.logon_failed"},
      {{"Microsoft-Windows-Security-Auditing", 4672}, "evtx.special_privileges"},
      {{"Microsoft-Windows-Security-Auditing", 4688}, "evtx.process_creation"},
      {{"Microsoft-Windows-Security-Auditing", 4697}, "evtx.service_installed"},
      {{"Microsoft-Windows-Eventlog", 1102}, "evtx.log_cleared"},
      {{"Microsoft-Windows-Eventlog", 104}, "evtx.log_cleared"},
      {{"Service Control Manager", 7045}, "evtx.service_installed"},
      {{"Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1149},
       "evtx.rdp_authentication"},
      {{"Microsoft-Windows-TerminalServices-LocalSessionManager", 21}, "evtx.rdp_session"},
      {{"Microsoft-Windows-TerminalServices-LocalSessionManager", 22}, "evtx.rdp_session"},
      {{"Microsoft-Windows-TerminalServices-LocalSessionManager", 24}, "evtx.rdp_session"},
      {{"Microsoft-Windows-TerminalServices-LocalSessionManager", 25}, "evtx.rdp_session"},
      {{"Microsoft-Windows-Sysmon", 1}, "evtx.process_creation"},
      {{"Microsoft-Windows-Sysmon", 3}, "evtx.network_connection"},
      {{"Microsoft-Windows-Sysmon", 11}, "evtx.file_created"},
      {{"Microsoft-Windows-Sysmon", 13}, "evtx.registry_value_set"},
      {{"Microsoft-Windows-Sysmon", 15}, "evtx.file_stream_created"},
  };
  auto it = table.find({provider, id});
  if (it == table.end()) return std::nullopt;
  return it->second;
}

/// Type a finding of this event has with --all or --event-id.
std::string any_type(const XEvent& x) {
  return default_type(x.provider, x.event_id).value_or("evtx.event");
}

// ---------------------------------------------------------------------------------------------
// Findings

/// (log file name, EventRecordID, type): one finding, or one event it should come from.
using Key = std::tuple<std::string, std::uint64_t, std::string>;

std::string file_name_of(const std::string& path) {
  const auto cut = path.find_last_of("\\/");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

std::multiset<Key> keys_of(const Json& doc) {
  std::multiset<Key> keys;
  for (const auto& f : doc["findings"])
    keys.emplace(file_name_of(f["artifact"]["path"].get<std::string>()),
                 f["artifact"]["record"].get<std::uint64_t>(), f["type"].get<std::string>());
  return keys;
}

template <typename Pred>
std::multiset<Key> expected_keys(const std::vector<XEvent>& events, Pred keep, bool all_types) {
  std::multiset<Key> keys;
  for (const auto& x : events) {
    if (!keep(x)) continue;
    auto type = all_types ? any_type(x) : default_type(x.provider, x.event_id);
    if (type) keys.emplace(x.log, x.record, *type);
  }
  return keys;
}

std::string describe(const std::multiset<Key>& keys) {
  std::string s;
  for (const auto& [log, record, type] : keys)
    s += "\n  " + log + " " + std::to_string(record) + " " + type;
  return s;
}

/// Keys in `a` and not in `b`, for messages.
std::string missing_from(const std::multiset<Key>& a, const std::multiset<Key>& b) {
  std::multiset<Key> d;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(d, d.end()));
  return describe(d);
}

#define CHECK_SAME_KEYS(actual, expected)                                    \
  do {                                                                       \
    const auto& a_ = (actual);                                               \
    const auto& e_ = (expected);                                             \
    INFO("expected but absent:" << missing_from(e_, a_)                      \
                                << "\nunexpected:" << missing_from(a_, e_)); \
    CHECK(a_ == e_);                                                         \
  } while (false)

const XEvent& event_of(const std::vector<XEvent>& events, const Json& f) {
  const auto log = file_name_of(f["artifact"]["path"].get<std::string>());
  const auto record = f["artifact"]["record"].get<std::uint64_t>();
  for (const auto& x : events)
    if (x.log == log && x.record == record) return x;
  FAIL("no evtxexport record for " << log << " " << record);
  throw std::logic_error("unreachable");
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with_name(const std::string& path, const std::string& name) {
  return lower(file_name_of(path)) == lower(name);
}

std::string field(const Json& f, const char* name) {
  const auto& d = f["data"];
  return d.contains(name) && d[name].is_string() ? d[name].get<std::string>() : std::string();
}

/// The findings whose data satisfy `pred`.
template <typename Pred>
std::vector<Json> select(const Json& doc, Pred pred) {
  std::vector<Json> out;
  for (const auto& f : doc["findings"])
    if (pred(f)) out.push_back(f);
  return out;
}

bool is(const Json& f, const char* provider, unsigned id) {
  return f["data"]["Provider"] == provider && f["data"]["EventID"] == id;
}

std::vector<std::string> check_ids(const Json& f) {
  std::vector<std::string> ids;
  for (const auto& c : f["checks"]) ids.push_back(c["id"].get<std::string>());
  std::sort(ids.begin(), ids.end());
  return ids;
}

const Json* check_of(const Json& f, const std::string& id) {
  for (const auto& c : f["checks"])
    if (c["id"] == id) return &c;
  return nullptr;
}

bool has_attack(const Json& f, const std::string& technique) {
  for (const auto& t : f["attack"])
    if (t == technique) return true;
  return false;
}

/// A finding's severity is the highest of its checks', info without any (docs/findings.md).
std::string highest_check_severity(const Json& f) {
  static const std::vector<std::string> order = {"info", "low", "medium", "high", "critical"};
  std::size_t best = 0;
  for (const auto& c : f["checks"]) {
    auto it = std::find(order.begin(), order.end(), c["severity"].get<std::string>());
    REQUIRE(it != order.end());
    best = std::max(best, static_cast<std::size_t>(it - order.begin()));
  }
  return order[best];
}

// ---------------------------------------------------------------------------------------------
// --target, as docs/checks.md defines names_target, applied to evtxexport's text

bool is_separator(char c) {
  return std::string_view("\\/\"',;=|<>():`").find(c) != std::string_view::npos ||
         std::isspace(static_cast<unsigned char>(c));
}

bool names(const std::string& value, const std::string& target) {
  auto norm = [](std::string s) {
    s = lower(std::move(s));
    std::replace(s.begin(), s.end(), '/', '\\');
    return s;
  };
  const std::string v = norm(value), t = norm(target);
  for (auto at = v.find(t); at != std::string::npos; at = v.find(t, at + 1)) {
    const bool start_ok = at == 0 || is_separator(v[at - 1]);
    const bool end_ok = at + t.size() == v.size() || is_separator(v[at + t.size()]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

bool event_names(const XEvent& x, const std::string& target) {
  static const char* fields[] = {"Image",           "ParentImage",
                                 "CommandLine",     "ParentCommandLine",
                                 "NewProcessName",  "ParentProcessName",
                                 "TargetFilename",  "ImagePath",
                                 "ServiceFileName", "Details"};
  for (const char* name : fields) {
    auto it = x.data.find(name);
    if (it != x.data.end() && names(it->second, target)) return true;
  }
  return false;
}

}  // namespace

// =============================================================================================

TEST_CASE("evtx cli: findings per type and per EventID equal evtxexport's default-set records",
          "[evtx][cli]") {
  if (!have_evtxexport()) return;
  Sample s;
  const auto events = evtxexport_sample(s);
  REQUIRE(events.size() == 50);  // the five logs of tests/fixtures/README.md: 21+8+15+1+5

  auto r = run_sqltriage(s.evtx());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_document(r);

  std::map<std::string, std::size_t> want_types, got_types;
  std::map<std::pair<std::string, unsigned>, std::size_t> want_ids, got_ids;
  for (const auto& x : events) {
    if (auto type = default_type(x.provider, x.event_id)) {
      ++want_types[*type];
      ++want_ids[{x.provider, x.event_id}];
    }
  }
  for (const auto& f : doc["findings"]) {
    ++got_types[f["type"].get<std::string>()];
    ++got_ids[{f["data"]["Provider"].get<std::string>(), f["data"]["EventID"].get<unsigned>()}];
  }
  CHECK(got_types == want_types);
  CHECK(got_ids == want_ids);
  // Every finding is the record evtxexport lists (same log, same EventRecordID, same type).
  CHECK_SAME_KEYS(keys_of(doc), expected_keys(
                                    events, [](const XEvent&) { return true; }, false));

  // The envelope: artifact paths are the Windows paths of the logs, times are TimeCreated.
  for (const auto& f : doc["findings"]) {
    const auto path = f["artifact"]["path"].get<std::string>();
    CHECK(path.rfind("C:\\Windows\\System32\\winevt\\Logs\\", 0) == 0);
    const auto& x = event_of(events, f);
    CHECK(ticks_of(x.time_text) == ticks_of(f["time"].get<std::string>()));
    CHECK(f["data"]["EventRecordID"] == x.record);
    CHECK(f["severity"] == highest_check_severity(f));
  }
  CHECK(doc["evidence"].size() == 1);
  CHECK(doc["evidence"][0]["kind"] == "directory");
  CHECK(doc["errors"].empty());
  CHECK(doc["stats"]["files"] == 5);
  CHECK(doc["stats"]["records"] == events.size());  // examined, including the ones skipped
  CHECK(doc["stats"]["findings"] == doc["findings"].size());
  CHECK(doc["stats"]["errors"] == 0);
}

TEST_CASE("evtx cli: the scenario's key findings carry their checks, benign ones none",
          "[evtx][cli]") {
  if (!have_evtxexport()) return;
  Sample s;
  const auto events = evtxexport_sample(s);
  auto r = run_sqltriage(s.evtx());
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_document(r);

  // Each finding's data agree with evtxexport's text of the same record for the fields the
  // checks read.
  for (const auto& f : doc["findings"]) {
    const auto& x = event_of(events, f);
    for (const char* name : {"Image", "ParentImage", "NewProcessName", "ParentProcessName",
                             "ImagePath", "ServiceFileName", "IpAddress", "Param3", "Address"}) {
      auto it = x.data.find(name);
      if (it == x.data.end()) continue;
      INFO(x.log << " " << x.record << " " << name);
      CHECK(field(f, name) == it->second);
    }
  }

  auto expect_check = [](const Json& f, const std::string& id, const std::string& severity,
                         const std::vector<std::string>& attack) {
    INFO(f.dump());
    const Json* c = check_of(f, id);
    REQUIRE(c != nullptr);
    CHECK((*c)["severity"] == severity);
    for (const auto& t : attack) {
      CHECK(has_attack(f, t));
      CHECK(std::find((*c)["attack"].begin(), (*c)["attack"].end(), t) != (*c)["attack"].end());
    }
    CHECK(!(*c)["reason"].get<std::string>().empty());
    CHECK(f["severity"] == highest_check_severity(f));
  };

  SECTION("web_server_parent: w3wp.exe starting cmd.exe, in Sysmon 1 and in 4688") {
    auto sysmon = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-Sysmon", 1) &&
             ends_with_name(field(f, "ParentImage"), "w3wp.exe") &&
             ends_with_name(field(f, "Image"), "cmd.exe");
    });
    auto security = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-Security-Auditing", 4688) &&
             ends_with_name(field(f, "ParentProcessName"), "w3wp.exe") &&
             ends_with_name(field(f, "NewProcessName"), "cmd.exe");
    });
    REQUIRE(sysmon.size() == 1);
    REQUIRE(security.size() == 1);
    for (const auto& f : {sysmon[0], security[0]}) {
      expect_check(f, "web_server_parent", "high", {"T1505.003"});
      CHECK(f["severity"] == "high");
      // cmd.exe runs as IIS APPPOOL\DefaultAppPool: web_identity_shell fires too.
      CHECK(check_ids(f) == std::vector<std::string>{"web_identity_shell", "web_server_parent"});
      // The reason quotes the child it started.
      const auto child = field(f, f["data"].contains("Image") ? "Image" : "NewProcessName");
      CHECK(check_of(f, "web_server_parent")->at("reason").get<std::string>().find(child) !=
            std::string::npos);
    }
  }

  SECTION("lookalike_name and user_writable_path: C:\\ProgramData\\sqlserver.exe") {
    const std::string path = "C:\\ProgramData\\sqlserver.exe";
    auto services = select(doc, [&](const Json& f) {
      return (is(f, "Service Control Manager", 7045) && field(f, "ImagePath") == path) ||
             (is(f, "Microsoft-Windows-Security-Auditing", 4697) &&
              field(f, "ServiceFileName") == path);
    });
    auto processes = select(doc, [&](const Json& f) {
      return (is(f, "Microsoft-Windows-Sysmon", 1) && field(f, "Image") == path) ||
             (is(f, "Microsoft-Windows-Security-Auditing", 4688) &&
              field(f, "NewProcessName") == path);
    });
    REQUIRE(services.size() == 2);   // 7045 and 4697
    REQUIRE(processes.size() == 2);  // Sysmon 1 and 4688
    for (const auto& f : services) {
      CHECK(f["type"] == "evtx.service_installed");
      expect_check(f, "lookalike_name", "high", {"T1036.005"});
      expect_check(f, "user_writable_path", "medium", {"T1543.003"});  // services add T1543.003
      CHECK(f["severity"] == "high");
      CHECK(check_of(f, "lookalike_name")->at("reason").get<std::string>().find("sqlservr.exe") !=
            std::string::npos);
    }
    for (const auto& f : processes) {
      CHECK(f["type"] == "evtx.process_creation");
      expect_check(f, "lookalike_name", "high", {"T1036.005"});
      expect_check(f, "user_writable_path", "medium", {});
      CHECK(f["severity"] == "high");
      // A process start in ProgramData carries no technique of its own (docs/checks.md).
      CHECK(check_of(f, "user_writable_path")->at("attack").empty());
    }
  }

  SECTION("public_remote_logon: the RDP logon, 1149 and 21 from 203.0.113.45") {
    auto logon = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-Security-Auditing", 4624) && f["data"]["LogonType"] == 10;
    });
    REQUIRE(logon.size() == 1);
    CHECK(field(logon[0], "IpAddress") == "203.0.113.45");
    expect_check(logon[0], "public_remote_logon", "medium", {"T1078", "T1021.001"});
    CHECK(logon[0]["severity"] == "medium");

    auto rcm = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-TerminalServices-RemoteConnectionManager", 1149);
    });
    REQUIRE(rcm.size() == 1);
    CHECK(field(rcm[0], "Param3") == "203.0.113.45");
    expect_check(rcm[0], "public_remote_logon", "medium", {"T1021.001"});

    const char* lsm = "Microsoft-Windows-TerminalServices-LocalSessionManager";
    auto session = select(doc, [&](const Json& f) { return is(f, lsm, 21); });
    REQUIRE(session.size() == 1);
    CHECK(field(session[0], "Address") == "203.0.113.45");
    expect_check(session[0], "public_remote_logon", "medium", {"T1021.001"});
    // 24 (disconnected) is not among the events the check reads (21, 22, 25).
    auto disconnect = select(doc, [&](const Json& f) { return is(f, lsm, 24); });
    REQUIRE(disconnect.size() == 1);
    CHECK(field(disconnect[0], "Address") == "203.0.113.45");
    CHECK(disconnect[0]["checks"].empty());
  }

  SECTION("log_cleared: Security 1102 and System 104") {
    for (unsigned id : {1102u, 104u}) {
      auto cleared =
          select(doc, [&](const Json& f) { return is(f, "Microsoft-Windows-Eventlog", id); });
      INFO("EventID " << id);
      REQUIRE(cleared.size() == 1);
      CHECK(cleared[0]["type"] == "evtx.log_cleared");
      expect_check(cleared[0], "log_cleared", "high", {"T1070.001"});
      CHECK(cleared[0]["severity"] == "high");
      CHECK(check_of(cleared[0], "log_cleared")
                ->at("reason")
                .get<std::string>()
                .find("Administrator") != std::string::npos);
    }
  }

  SECTION("benign: service logons, the private-address network logon, genuine sqlservr.exe") {
    auto service_logons = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-Security-Auditing", 4624) && f["data"]["LogonType"] == 5;
    });
    CHECK(service_logons.size() == 4);  // SYSTEM twice, MSSQLSERVER, DefaultAppPool
    auto network = select(doc, [](const Json& f) {
      return is(f, "Microsoft-Windows-Security-Auditing", 4624) && f["data"]["LogonType"] == 3;
    });
    REQUIRE(network.size() == 1);
    CHECK(field(network[0], "IpAddress") == "10.0.1.20");
    auto genuine = select(doc, [](const Json& f) {
      return ends_with_name(field(f, "Image"), "sqlservr.exe") ||
             ends_with_name(field(f, "NewProcessName"), "sqlservr.exe");
    });
    CHECK(genuine.size() == 2);  // Sysmon 1 and 4688
    std::vector<Json> benign = service_logons;
    benign.insert(benign.end(), network.begin(), network.end());
    benign.insert(benign.end(), genuine.begin(), genuine.end());
    for (const auto& f : benign) {
      INFO(f.dump());
      CHECK(f["checks"].empty());
      CHECK(f["attack"].empty());
      CHECK(f["severity"] == "info");
    }
  }
}

TEST_CASE("evtx cli: --target keeps exactly the events whose path fields name the file",
          "[evtx][cli]") {
  if (!have_evtxexport()) return;
  Sample s;
  const auto events = evtxexport_sample(s);
  for (const std::string target :
       {"sqlserver.exe", "SQLSERVER.EXE", "C:\\ProgramData\\sqlserver.exe", "sqlservr.exe",
        "w3wp.exe", "c:/programdata/sqlserver.exe"}) {
    DYNAMIC_SECTION("--target " << target) {
      auto r = run_sqltriage(s.evtx() + " --target " + shell_quote(target));
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const Json doc = parse_document(r);
      const auto want = expected_keys(
          events, [&](const XEvent& x) { return event_names(x, target); }, false);
      CHECK_SAME_KEYS(keys_of(doc), want);
      CHECK(!want.empty());
    }
  }
  SECTION("the scenario's sqlserver.exe trail, and not the genuine sqlservr.exe") {
    auto r = run_sqltriage(s.evtx() + " --target sqlserver.exe");
    const Json doc = parse_document(r);
    // Download command line, file creation, Zone.Identifier stream, both service installs,
    // the Run of ImagePath into the registry, both process starts, the C2 connection.
    CHECK(doc["findings"].size() >= 9);
    for (const auto& f : doc["findings"]) {
      CHECK(field(f, "Image").find("sqlservr.exe") == std::string::npos);
      CHECK(field(f, "NewProcessName").find("sqlservr.exe") == std::string::npos);
    }
  }
}

TEST_CASE("evtx cli: --since/--until and --pivot/--window keep TimeCreated inclusively",
          "[evtx][cli]") {
  if (!have_evtxexport()) return;
  Sample s;
  const auto events = evtxexport_sample(s);
  // Default-set events in time order; the boundaries are events' own TimeCreated.
  std::vector<const XEvent*> set;
  for (const auto& x : events)
    if (default_type(x.provider, x.event_id)) set.push_back(&x);
  std::sort(set.begin(), set.end(), [](auto* a, auto* b) { return a->ticks < b->ticks; });
  REQUIRE(set.size() > 30);
  const XEvent& lo = *set[9];
  const XEvent& hi = *set[25];
  REQUIRE(lo.ticks < hi.ticks);

  auto in_range = [&](std::int64_t from, std::int64_t to) {
    return expected_keys(
        events, [&](const XEvent& x) { return x.ticks >= from && x.ticks <= to; }, false);
  };
  auto keys_for = [&](const std::string& args) {
    auto r = run_sqltriage(s.evtx() + " " + args);
    INFO(args << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return keys_of(parse_document(r));
  };
  auto has = [](const std::multiset<Key>& keys, const XEvent& x) {
    return std::any_of(keys.begin(), keys.end(), [&](const Key& k) {
      return std::get<0>(k) == x.log && std::get<1>(k) == x.record;
    });
  };

  SECTION("both boundaries are included") {
    const auto got = keys_for("--since " + iso_of(lo.ticks) + " --until " + iso_of(hi.ticks));
    CHECK_SAME_KEYS(got, in_range(lo.ticks, hi.ticks));
    CHECK(has(got, lo));
    CHECK(has(got, hi));
  }
  SECTION("100 ns past either boundary excludes its event") {
    const auto got =
        keys_for("--since " + iso_of(lo.ticks + 1) + " --until " + iso_of(hi.ticks - 1));
    CHECK_SAME_KEYS(got, in_range(lo.ticks + 1, hi.ticks - 1));
    CHECK(!has(got, lo));
    CHECK(!has(got, hi));
  }
  SECTION("--since alone, --until alone") {
    CHECK_SAME_KEYS(keys_for("--since " + iso_of(hi.ticks)), in_range(hi.ticks, INT64_MAX));
    CHECK_SAME_KEYS(keys_for("--until " + iso_of(lo.ticks)), in_range(0, lo.ticks));
  }
  SECTION("an offset means the same instant; a date alone is midnight UTC") {
    // lo's instant written in UTC+01:00 with a space instead of T.
    std::string local = iso_of(lo.ticks + 3600 * kTicksPerSecond);
    local[10] = ' ';
    local.back() = '+';
    local += "01:00";
    CHECK_SAME_KEYS(keys_for(shell_quote("--since=" + local)), in_range(lo.ticks, INT64_MAX));
    const std::int64_t day = ticks_of("2023-02-20T14:00:00.0Z");
    CHECK_SAME_KEYS(keys_for("--since 2023-02-20T14:00:00Z --until 2023-02-20T15:00:00Z"),
                    in_range(day, day + 3600 * kTicksPerSecond));
    CHECK_SAME_KEYS(keys_for("--until 2023-02-20"), in_range(0, day - 14 * 3600 * kTicksPerSecond));
  }
  SECTION("--pivot T --window 10m: T-10m and T+10m are included") {
    const std::int64_t ten_min = 600 * kTicksPerSecond;
    // The pivot 10 minutes after lo: lo sits exactly on the lower edge.
    const std::int64_t pivot = lo.ticks + ten_min;
    const auto got = keys_for("--pivot " + iso_of(pivot) + " --window 10m");
    CHECK_SAME_KEYS(got, in_range(pivot - ten_min, pivot + ten_min));
    CHECK(has(got, lo));
    // One tick later and lo falls out.
    const auto later = keys_for("--pivot " + iso_of(pivot + 1) + " --window 10m");
    CHECK(!has(later, lo));
    CHECK_SAME_KEYS(later, in_range(pivot + 1 - ten_min, pivot + 1 + ten_min));
    // The upper edge: hi exactly 10 minutes after the pivot.
    const auto upper = keys_for("--pivot " + iso_of(hi.ticks - ten_min) + " --window 10m");
    CHECK(has(upper, hi));
    CHECK_SAME_KEYS(upper, in_range(hi.ticks - 2 * ten_min, hi.ticks));
  }
  SECTION("--pivot without --window means 2h either side") {
    const std::int64_t pivot = ticks_of("2023-02-20T14:03:11.0Z");
    const std::int64_t two_h = 7200 * kTicksPerSecond;
    CHECK_SAME_KEYS(keys_for("--pivot 2023-02-20T14:03:11Z"),
                    in_range(pivot - two_h, pivot + two_h));
    CHECK_SAME_KEYS(
        keys_for("--pivot 2023-02-20T14:03:11Z --window 1h30m"),
        in_range(pivot - two_h + 1800 * kTicksPerSecond, pivot + two_h - 1800 * kTicksPerSecond));
  }
}

TEST_CASE("evtx cli: --event-id and --all select from every provider", "[evtx][cli]") {
  if (!have_evtxexport()) return;
  Sample s;
  const auto events = evtxexport_sample(s);

  SECTION("--event-id 4624,7045") {
    auto r = run_sqltriage(s.evtx() + " --event-id 4624,7045");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json doc = parse_document(r);
    const auto want = expected_keys(
        events, [](const XEvent& x) { return x.event_id == 4624 || x.event_id == 7045; }, true);
    CHECK_SAME_KEYS(keys_of(doc), want);
    CHECK(want.size() == 7);  // 4624 x6, 7045 x1 (tests/fixtures/README.md)
  }
  SECTION("--event-id repeated, and an EventID outside the default set") {
    // 7036 (service state) and 4634 (logoff) are not in the default set.
    auto r = run_sqltriage(s.evtx() + " --event-id 7036 --event-id 4634");
    REQUIRE(r.exit_code == 0);
    const Json doc = parse_document(r);
    const auto want = expected_keys(
        events, [](const XEvent& x) { return x.event_id == 7036 || x.event_id == 4634; }, true);
    CHECK_SAME_KEYS(keys_of(doc), want);
    CHECK(want.size() == 8);
    for (const auto& f : doc["findings"]) CHECK(f["type"] == "evtx.event");
  }
  SECTION("--all: one finding per record evtxexport reads") {
    auto r = run_sqltriage(s.evtx() + " --all");
    REQUIRE(r.exit_code == 0);
    const Json doc = parse_document(r);
    CHECK(doc["findings"].size() == events.size());
    CHECK(doc["stats"]["records"] == events.size());
    CHECK_SAME_KEYS(keys_of(doc), expected_keys(
                                      events, [](const XEvent&) { return true; }, true));
    std::map<unsigned, std::size_t> want_ids, got_ids;
    for (const auto& x : events) ++want_ids[x.event_id];
    for (const auto& f : doc["findings"]) ++got_ids[f["data"]["EventID"].get<unsigned>()];
    CHECK(got_ids == want_ids);
  }
}

TEST_CASE("evtx cli: --jsonl holds the document's findings, a header first and stats last",
          "[evtx][cli]") {
  Sample s;
  auto whole = run_sqltriage(s.evtx());
  REQUIRE(whole.exit_code == 0);
  const Json doc = parse_document(whole);
  auto r = run_sqltriage(s.evtx() + " --jsonl");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  std::vector<Json> lines;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    INFO("line " << lines.size() + 1 << ": " << line.substr(0, 300));
    REQUIRE_NOTHROW(lines.push_back(Json::parse(line)));
    REQUIRE(lines.back().is_object());
  }
  REQUIRE(lines.size() >= 2);
  CHECK(r.out.back() == '\n');
  const Json& header = lines.front();
  CHECK(header.begin().key() == "record_type");
  CHECK(header["record_type"] == "header");
  CHECK(header["schema"] == doc["schema"]);
  CHECK(header["tool"] == doc["tool"]);
  CHECK(header["command"] == "evtx");
  CHECK(header["evidence"] == doc["evidence"]);
  const Json& stats = lines.back();
  CHECK(stats["record_type"] == "stats");
  for (const char* key : {"files", "records", "findings", "errors"})
    CHECK(stats[key] == doc["stats"][key]);

  Json findings = Json::array();
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    CHECK(lines[i].begin().key() == "record_type");
    CHECK(lines[i]["record_type"] == "finding");
    Json f = lines[i];
    f.erase("record_type");
    findings.push_back(std::move(f));
  }
  CHECK(findings.size() == doc["findings"].size());
  // Same findings, same order, same keys in the same order.
  CHECK(findings.dump() == doc["findings"].dump());
}

TEST_CASE("evtx cli: --output writes the document to a file and nothing to stdout", "[evtx][cli]") {
  Sample s;
  TempDir out;
  auto reference = run_sqltriage(s.evtx());
  const Json doc = parse_document(reference);
  for (const char* option : {"--output", "-o"}) {
    DYNAMIC_SECTION(option) {
      const fs::path file = out.path() / (std::string(option) + ".json");
      auto r = run_sqltriage(s.evtx() + " " + option + " " + shell_quote(file.string()));
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(r.out.empty());
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      Json written;
      REQUIRE_NOTHROW(written = Json::parse(text.str()));
      CHECK(written["findings"].dump() == doc["findings"].dump());
      CHECK(written["stats"]["findings"] == doc["stats"]["findings"]);
    }
  }
  SECTION("--jsonl --output") {
    const fs::path file = out.path() / "out.jsonl";
    auto r = run_sqltriage(s.evtx() + " --jsonl --output " + shell_quote(file.string()));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    std::ifstream in(file);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) ++n;
    CHECK(n == doc["findings"].size() + 2);
  }
  SECTION("an output file that cannot be created is a usage error") {
    const fs::path file = out.path() / "no-such-folder" / "out.json";
    auto r = run_sqltriage(s.evtx() + " --output " + shell_quote(file.string()));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(!r.err.empty());
    CHECK(!fs::exists(file));
  }
}

TEST_CASE("evtx cli: --fail-on sets exit code 1 when a finding reaches the severity",
          "[evtx][cli]") {
  Sample s;
  const Json doc = parse_document(run_sqltriage(s.evtx()));
  std::set<std::string> severities;
  for (const auto& f : doc["findings"]) severities.insert(f["severity"].get<std::string>());
  // The sample's worst findings are high (web shell, lookalike, log clearing), none critical.
  REQUIRE(severities.count("high") == 1);
  REQUIRE(severities.count("critical") == 0);

  auto exit_of = [&](const std::string& args) {
    auto r = run_sqltriage(s.evtx() + " " + args);
    INFO(args << "\n" << r.err);
    // The document is written whatever the exit code.
    CHECK_NOTHROW(Json::parse(r.out));
    return r.exit_code;
  };
  CHECK(exit_of("--fail-on high") == 1);
  CHECK(exit_of("--fail-on HIGH") == 1);
  CHECK(exit_of("--fail-on medium") == 1);
  CHECK(exit_of("--fail-on critical") == 0);
  CHECK(exit_of("--fail-on info") == 1);
  CHECK(exit_of("") == 0);
  // Only 4672 (special privileges, all info): nothing reaches low.
  CHECK(exit_of("--event-id 4672 --fail-on low") == 0);
  CHECK(exit_of("--event-id 4672 --fail-on info") == 1);
  // The medium RDP findings alone reach medium but not high.
  CHECK(exit_of("--event-id 1149 --fail-on medium") == 1);
  CHECK(exit_of("--event-id 1149 --fail-on high") == 0);
}

TEST_CASE("evtx cli: usage errors exit 2 with a message on stderr and nothing on stdout",
          "[evtx][cli]") {
  Sample s;
  for (const std::string args : {
           "--no-such-option",
           "--since yesterday",
           "--until 2023-02-30T10:00:00Z",
           "--since 2023-02-20T25:00:00Z",
           "--window 10m",
           "--pivot 2023-02-20T14:03:11Z --window soon",
           "--pivot 2023-02-20T14:03:11Z --since 2023-02-20",
           "--since 2023-02-21 --until 2023-02-20",
           "--fail-on severe",
           "--event-id notanumber",
           "--all --event-id 4624",
           "--threads many",
       }) {
    DYNAMIC_SECTION(args) {
      auto r = run_sqltriage(s.evtx() + " " + args);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(!r.err.empty());
    }
  }
  SECTION("no evidence argument") {
    auto r = run_sqltriage("evtx");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(!r.err.empty());
  }
  SECTION("unknown subcommand") {
    auto r = run_sqltriage("no-such-subcommand " + shell_quote(s.root().string()));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(!r.err.empty());
  }
}

TEST_CASE("evtx cli: --version, --help", "[evtx][cli]") {
  Sample s;
  const Json doc = parse_document(run_sqltriage(s.evtx()));
  auto v = run_sqltriage("--version");
  CHECK(v.exit_code == 0);
  // The same version the documents carry.
  CHECK(v.out.find("sqltriage") != std::string::npos);
  CHECK(v.out.find(doc["tool"]["version"].get<std::string>()) != std::string::npos);
  CHECK(doc["tool"]["name"] == "sqltriage");
  CHECK(doc["schema"] == "sqltriage.findings/1");
  CHECK(doc["command"] == "evtx");

  auto h = run_sqltriage("evtx --help");
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("Examples") != std::string::npos);
  CHECK(h.out.find("sqltriage evtx ") != std::string::npos);
  for (const char* option : {"--target", "--since", "--pivot", "--window", "--fail-on", "--jsonl",
                             "--event-id", "--all", "--recover", "--threads"})
    CHECK(h.out.find(option) != std::string::npos);
}

TEST_CASE("evtx cli: stdout carries only the document, logs go to stderr", "[evtx][cli]") {
  Sample s;
  // A missing standard log makes the scan log something.
  fs::remove(s.logs() / "Microsoft-Windows-Sysmon%4Operational.evtx");
  // Section names must not hold the temporary path: it changes on every run of the case.
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"-v before the subcommand", "-v " + s.evtx()},
      {"-vv", "-vv " + s.evtx()},
      {"-v after the subcommand", s.evtx() + " -v"},
      {"-vv --jsonl", "-vv " + s.evtx() + " --jsonl"},
  };
  for (const auto& [label, args] : runs) {
    DYNAMIC_SECTION(label) {
      auto r = run_sqltriage(args);
      CHECK(r.exit_code == 0);
      CHECK(r.err.find("Sysmon") != std::string::npos);
      if (args.find("--jsonl") == std::string::npos) {
        CHECK_NOTHROW(Json::parse(r.out));
      } else {
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) CHECK_NOTHROW(Json::parse(line));
      }
    }
  }
  SECTION("-q: errors only, so nothing for a missing log") {
    auto r = run_sqltriage("-q " + s.evtx());
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    const Json doc = parse_document(r);
    CHECK(doc["errors"].size() == 1);
  }
}

TEST_CASE("evtx cli: the output order is stable across thread counts", "[evtx][cli]") {
  Sample s;
  // Beside the sample logs, a log big enough (12 MiB > 8 MiB) to be read in windows of chunks
  // by several threads.
  TempDir folder;
  for (const auto& name : Sample::log_names()) fs::copy_file(s.logs() / name, folder.path() / name);
  auto gen = run(shell_quote(SQLTRIAGE_EVTXGEN) + " big " +
                 shell_quote((folder.path() / "Big.evtx").string()) + " --size-mb 12 --seed 5");
  REQUIRE(gen.exit_code == 0);

  const std::string input = shell_quote(folder.path().string());
  auto one = run_sqltriage("evtx " + input + " --threads 1");
  auto two = run_sqltriage("evtx " + input + " --threads 2");
  auto four = run_sqltriage("evtx " + input + " --threads 4");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  REQUIRE(four.exit_code == 0);
  const Json a = parse_document(one), b = parse_document(two), c = parse_document(four);
  REQUIRE(a["findings"].size() > 1000);
  CHECK(a["findings"].dump() == b["findings"].dump());
  CHECK(a["findings"].dump() == c["findings"].dump());
  CHECK(a["errors"].dump() == b["errors"].dump());

  // The order itself: files in name order, records in file order (EventRecordIDs increase in
  // every one of these logs).
  std::vector<std::string> files_seen;
  std::map<std::string, std::uint64_t> last_record;
  for (const auto& f : a["findings"]) {
    const auto path = f["artifact"]["path"].get<std::string>();
    if (files_seen.empty() || files_seen.back() != path) files_seen.push_back(path);
    const auto record = f["artifact"]["record"].get<std::uint64_t>();
    CHECK(record > last_record[path]);
    last_record[path] = record;
  }
  CHECK(files_seen.size() == 6);
  CHECK(std::is_sorted(files_seen.begin(), files_seen.end()));
  CHECK(std::set<std::string>(files_seen.begin(), files_seen.end()).size() == files_seen.size());
}
