// The persistence readers over real hives of the corpus, compared with RegRipper run on the
// same files: services (plugins services and svcdll) of regipy_SYSTEM and the Run keys
// (plugin run) of two NTUSER.DAT hives; and the corrupted SYSTEM hive read without a crash.
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <regex>
#include <sstream>

#include "../unit/registry_persistence_support.hpp"
#include "artifacts/registry/extract.hpp"

namespace fs = std::filesystem;
using sqltriage::Finding;
using sqltriage::registry::HiveKind;
using sqltriage::test::run;
using sqltriage::test::run_hive_reader;
using sqltriage::test::shell_quote;

namespace {

std::string regripper(const fs::path& hive, const std::string& plugin) {
  const auto r =
      run("regripper -r " + shell_quote(hive.string()) + " -p " + plugin + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

/// A field as RegRipper prints it: REG_MULTI_SZ strings (our JSON arrays) joined with a space,
/// as Parse::Win32Registry's get_data gives them in scalar context.
std::string text(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + s.get<std::string>();
    return out;
  }
  return v.dump();
}

struct RrService {
  std::int64_t lastwrite = 0;
  std::map<std::string, std::string> fields;
};

/// RegRipper services: blocks of "<ctime> Z" then "  Name      = ..." lines.
std::map<std::string, RrService> parse_services(const std::string& out) {
  std::map<std::string, RrService> services;
  std::istringstream lines(out);
  std::string line;
  std::int64_t when = 0;
  RrService* current = nullptr;
  const std::regex time_line(R"(^\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4} Z$)");
  const std::regex field(R"(^  (Name|Display|ImagePath|Type|Start|Group) += ?(.*)$)");
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, time_line)) {
      std::tm tm{};
      std::istringstream in(line);
      in >> std::get_time(&tm, "%a %b %d %H:%M:%S %Y");
      when = static_cast<std::int64_t>(timegm(&tm));
    } else if (std::regex_match(line, m, field)) {
      if (m[1] == "Name") {
        current = &services[m[2]];
        current->lastwrite = when;
      } else if (current) {
        current->fields[m[1]] = m[2];
      }
    }
  }
  return services;
}

std::string rr_type(const nlohmann::ordered_json& type) {
  if (!type.is_number()) return "";
  switch (type.get<std::uint32_t>()) {
    case 0x1:
      return "Kernel driver";
    case 0x2:
      return "File system driver";
    case 0x10:
      return "Own_Process";
    case 0x20:
      return "Share_Process";
    case 0x100:
      return "Interactive";
    default:
      return "?";  // RegRipper prints "0x0" for types outside its table (a bug)
  }
}

std::string rr_start(const nlohmann::ordered_json& start) {
  if (!start.is_number()) return "";
  switch (start.get<std::uint32_t>()) {
    case 0:
      return "Boot Start";
    case 1:
      return "System Start";
    case 2:
      return "Auto Start";
    case 3:
      return "Manual";
    case 4:
      return "Disabled";
    default:
      return std::to_string(start.get<std::uint32_t>());
  }
}

}  // namespace

TEST_CASE("services of regipy_SYSTEM agree with RegRipper's services and svcdll",
          "[registry][persistence][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/regipy_SYSTEM");
  if (!sqltriage::test::tool_or_skip("regripper")) return;
  const auto out = run_hive_reader(hive, HiveKind::system, sqltriage::registry::read_services);
  CHECK(out.errors.empty());
  std::map<std::string, const Finding*> current;
  std::size_t sets = 0;
  for (const auto& f : out.findings)
    if (f.data["Current"] == true)
      current[f.data["ServiceName"].get<std::string>()] = &f;
    else
      ++sets;
  const auto rr = parse_services(regripper(hive, "services"));
  REQUIRE(rr.size() > 300);
  CHECK(current.size() == rr.size());
  std::size_t compared = 0, type_outside_table = 0;
  for (const auto& [name, r] : rr) {
    INFO("service " << name);
    REQUIRE(current.count(name) == 1);
    const auto& d = current.at(name)->data;
    CHECK(r.fields.at("Display") == text(d["DisplayName"]));
    CHECK(r.fields.at("ImagePath") == text(d["ImagePath"]));
    CHECK(r.fields.at("Group") == text(d["Group"]));
    CHECK(r.fields.at("Start") == rr_start(d["Start"]));
    const std::string type = rr_type(d["Type"]);
    if (type == "?") {
      ++type_outside_table;
      CHECK(r.fields.at("Type") == "0x0");
    } else {
      CHECK(r.fields.at("Type") == type);
    }
    REQUIRE(current.at(name)->time.has_value());
    CHECK(sqltriage::filetime_to_unix_seconds(*current.at(name)->time) == r.lastwrite);
    ++compared;
  }
  CHECK(compared == rr.size());
  WARN("services compared with RegRipper: " << compared
                                            << " (types outside its table: " << type_outside_table
                                            << "); other control sets: " << sets);

  // svcdll: "<date>Z" then "  Name -> Parameters\ServiceDll"
  std::istringstream lines(regripper(hive, "svcdll"));
  std::string line;
  const std::regex dll(R"(^  (\S+) -> (.*)$)");
  std::smatch m;
  std::size_t dlls = 0;
  while (std::getline(lines, line))
    if (std::regex_match(line, m, dll)) {
      INFO(line);
      REQUIRE(current.count(m[1]) == 1);
      CHECK(text(current.at(m[1])->data["ServiceDll"]) == m[2].str());
      ++dlls;
    }
  CHECK(dlls > 20);
}

TEST_CASE("Run keys of the corpus NTUSER.DAT hives agree with RegRipper's run",
          "[registry][persistence][corpus]") {
  for (const std::string name : {"regipy_NTUSER.DAT", "plaso_NTUSER.DAT"}) {
    SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/" + name);
    if (!sqltriage::test::tool_or_skip("regripper")) return;
    INFO(name);
    const auto out = run_hive_reader(hive, HiveKind::ntuser, sqltriage::registry::read_autoruns,
                                     "S-1-5-21-1-2-3-1000", "user");
    CHECK(out.errors.empty());
    // RegRipper: a key path line, "LastWrite Time ...Z", then "  name - data" lines.
    std::map<std::string, std::string> rr;  // "key|name" -> data
    std::map<std::string, std::string> rr_time;
    std::istringstream lines(regripper(hive, "run"));
    std::string line, key, previous;
    const std::regex time_line(R"(^LastWrite Time (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)Z$)");
    const std::regex value_line(R"(^  (.*?) - (.*)$)");
    std::smatch m;
    while (std::getline(lines, line)) {
      if (std::regex_match(line, m, time_line)) {
        key = previous;  // the key path is the line before its LastWrite
        rr_time[key] = m[1];
      } else if (line.empty()) {
        key.clear();
      } else if (std::regex_match(line, m, value_line) && !key.empty()) {
        rr[key + "|" + m[1].str()] = m[2];
      }
      previous = line;
    }
    std::size_t ours_in_rr_keys = 0;
    for (const auto& f : out.findings) {
      const std::string k = f.data["KeyPath"].get<std::string>();
      if (!rr_time.count(k)) continue;  // locations RegRipper's run plugin does not read
      // RegRipper leaves out a value whose name and data are both empty
      if (f.data["ValueName"] == "" && text(f.data["Data"]).empty()) continue;
      ++ours_in_rr_keys;
      const std::string id = k + "|" + f.data["ValueName"].get<std::string>();
      INFO(id);
      REQUIRE(rr.count(id) == 1);
      CHECK(rr.at(id) == text(f.data["Data"]));
      std::string ours = f.data["LastWrite"].get<std::string>().substr(0, 19);
      ours[10] = ' ';
      CHECK(rr_time.at(k) == ours);
    }
    CHECK(ours_in_rr_keys == rr.size());
    CHECK(rr.size() >= 1);
  }
}

TEST_CASE("the corrupted SYSTEM hive: errors with offsets, the rest still read",
          "[registry][persistence][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/regipy_corrupted_system_hive");
  sqltriage::test::ReaderOutput out;
  try {
    out = run_hive_reader(hive, HiveKind::system, sqltriage::registry::read_services);
  } catch (const sqltriage::ArtifactError& e) {
    // libregf 20201007 refuses this hive when it opens it (it cannot read the hive bin of
    // the root key's subkey list), so no reader gets to run: the error must name the file
    // and the list's file offset — the cell offset in the root nk record (at 0x1C of the
    // record, 4 bytes after the cell size) plus the 4096-byte base block.
    std::ifstream in(hive, std::ios::binary);
    std::vector<unsigned char> head(0x1000);
    in.read(reinterpret_cast<char*>(head.data()), 0x1000);
    const auto le32 = [](const unsigned char* p) {
      return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
             std::uint32_t{p[3]} << 24;
    };
    std::vector<unsigned char> nk(0x50);
    in.seekg(0x1000 + le32(head.data() + 0x24));
    in.read(reinterpret_cast<char*>(nk.data()), nk.size());
    REQUIRE(nk[4] == 'n');
    CHECK(e.path() == hive.string());
    CHECK(e.offset() == std::optional<std::uint64_t>(0x1000u + le32(nk.data() + 4 + 0x1C)));
    WARN("corrupted hive not opened: " << e.what());
    return;
  }
  WARN("corrupted hive: " << out.findings.size() << " services, " << out.errors.size()
                          << " errors");
  CHECK(out.findings.size() > 100);
  for (const auto& e : out.errors) {
    INFO(e.message);
    CHECK(e.artifact.path == hive.string());
    CHECK(!e.message.empty());
  }
}
