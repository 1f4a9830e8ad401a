// registry.bam and registry.amcache: a SYSTEM hive the test writes (bam and dam keys) against
// the values it wrote and RegRipper's bam plugin; the corpus Amcache.hve (both the
// InventoryApplicationFile and the older File layout) against RegRipper's amcache plugin.
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "registry_execution_support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test::execution;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
using sqltriage::test::write_hive;

namespace {

struct BamValue {
  std::string sid;
  std::string path;
  Filetime ft;
};

const std::vector<BamValue> kBam = {
    {"S-1-5-18", "\\Device\\HarddiskVolume2\\Windows\\System32\\cmd.exe", 133210000012345671ULL},
    {"S-1-5-18", "\\Device\\HarddiskVolume2\\inetpub\\wwwroot\\up\\sqlserver.exe",
     133210000099999999ULL},
    {"S-1-5-21-1111-2222-3333-1001", "\\Device\\HarddiskVolume2\\Users\\jdoe\\x.exe",
     132900000011111111ULL},
};

std::string reg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

/// bam\State\UserSettings\<SID> values: FILETIME + 16 more bytes, as Windows writes them.
std::string bam_reg(const char* service, const std::vector<BamValue>& values) {
  std::string reg = "[\\ControlSet001\\Services\\" + std::string(service) + "]\n\n" +
                    "[\\ControlSet001\\Services\\" + service + "\\State]\n\n" +
                    "[\\ControlSet001\\Services\\" + service + "\\State\\UserSettings]\n\n";
  std::set<std::string> sids;
  for (const auto& v : values) sids.insert(v.sid);
  for (const std::string& sid : sids) {
    reg += "[\\ControlSet001\\Services\\" + std::string(service) + "\\State\\UserSettings\\" + sid +
           "]\n\"SequenceNumber\"=dword:00000007\n\"Version\"=dword:00000001\n";
    for (const auto& v : values) {
      if (v.sid != sid) continue;
      Bytes data;
      put64(data, v.ft);
      put64(data, 0);
      put64(data, 2);
      reg += "\"" + reg_escape(v.path) + "\"=" + reg_hex(data) + "\n";
    }
    reg += "\n";
  }
  return reg;
}

}  // namespace

TEST_CASE("bam: bam and dam values of a written SYSTEM hive, RegRipper's bam agrees",
          "[registry][bam]") {
  TempDir dir;
  const fs::path hive = dir.path() / "SYSTEM";
  const std::vector<BamValue> dam = {{"S-1-5-21-1111-2222-3333-1001",
                                      "\\Device\\HarddiskVolume2\\Windows\\notepad.exe",
                                      132000000000000001ULL}};
  write_hive(hive,
             "[\\Select]\n\"Current\"=dword:00000001\n\n[\\ControlSet001]\n\n"
             "[\\ControlSet001\\Services]\n\n" +
                 bam_reg("bam", kBam) + bam_reg("dam", dam));
  const Collected got = read_hive(hive, registry::HiveKind::system,
                                  [](auto& ctx, auto& sink) { registry::read_bam(ctx, sink); });
  CHECK(got.errors.empty());
  REQUIRE(got.findings.size() == kBam.size() + dam.size());

  std::set<std::tuple<std::string, std::string, std::string, std::string>> expected, seen;
  for (const auto& v : kBam) expected.insert({"bam", v.sid, v.path, format_filetime(v.ft)});
  for (const auto& v : dam) expected.insert({"dam", v.sid, v.path, format_filetime(v.ft)});
  for (const Finding& f : got.findings) {
    CHECK(f.type == "registry.bam");
    CHECK(f.data["ControlSet"] == "ControlSet001");
    CHECK(f.time.has_value());
    CHECK(f.data["LastExecution"] == format_filetime(*f.time));
    seen.insert({f.data["Service"].get<std::string>(), f.data["UserSid"].get<std::string>(),
                 f.data["Path"].get<std::string>(), f.data["LastExecution"].get<std::string>()});
    if (f.data["UserSid"] == "S-1-5-18")
      CHECK(f.data["UserName"] == "NT AUTHORITY\\SYSTEM");
    else
      CHECK(f.data["UserName"].is_null());
  }
  CHECK(seen == expected);

  if (!tool_or_skip("regripper")) return;
  const auto out = run("regripper -r " + shell_quote(hive.string()) + " -p bam");
  REQUIRE(out.exit_code == 0);
  // "<SID>" then "  YYYY-MM-DD hh:mm:ssZ - <path>" lines.
  std::set<std::tuple<std::string, std::string, std::string>> rip, ours;
  static const std::regex line(R"(^  (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})Z - (.*)$)");
  std::istringstream in(out.out);
  std::string text, sid;
  std::smatch m;
  while (std::getline(in, text)) {
    if (text.rfind("S-1-", 0) == 0) sid = text;
    if (std::regex_match(text, m, line)) rip.insert({sid, m[2], m[1]});
  }
  for (const Finding& f : got.findings)
    if (f.data["Service"] == "bam")
      ours.insert({f.data["UserSid"].get<std::string>(), f.data["Path"].get<std::string>(),
                   seconds_text(f.data["LastExecution"].get<std::string>())});
  CHECK(rip.size() == kBam.size());
  CHECK(ours == rip);
}

TEST_CASE("bam: a value too short for a FILETIME is an error, the others are read",
          "[registry][bam]") {
  TempDir dir;
  const fs::path hive = dir.path() / "SYSTEM";
  write_hive(hive,
             "[\\Select]\n\"Current\"=dword:00000001\n\n[\\ControlSet001]\n\n"
             "[\\ControlSet001\\Services]\n\n" +
                 bam_reg("bam", kBam) +
                 "[\\ControlSet001\\Services\\bam\\State\\UserSettings\\S-1-5-18]\n"
                 "\"\\\\Device\\\\HarddiskVolume2\\\\short.exe\"=hex:01,02,03\n\n");
  const Collected got = read_hive(hive, registry::HiveKind::system,
                                  [](auto& ctx, auto& sink) { registry::read_bam(ctx, sink); });
  CHECK(got.findings.size() == kBam.size());
  REQUIRE(got.errors.size() == 1);
  CHECK(got.errors[0].artifact.path == hive.string());
  CHECK(got.errors[0].artifact.offset.has_value());
  CHECK(got.errors[0].message.find("short.exe") != std::string::npos);
}

namespace {

struct RipFile {
  std::map<std::string, std::string> fields;  // "Path", "SHA-1", "LastWrite", ...
};

/// RegRipper's amcache output: InventoryApplicationFile (path, LastWrite, hash) and the
/// File entries by file reference.
void parse_amcache(const std::string& out,
                   std::multiset<std::tuple<std::string, std::string, std::string>>& inventory,
                   std::map<std::string, RipFile>& files) {
  std::istringstream in(out);
  std::string line, section, pending_path, pending_time, reference;
  static const std::regex iaf(R"(^(.*)  LastWrite: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})Z$)");
  static const std::regex field(R"(^([A-Za-z0-9 -]+?) *: (.*)$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("***", 0) == 0) {
      section = line;
      continue;
    }
    if (section == "***InventoryApplicationFile***") {
      if (std::regex_match(line, m, iaf)) {
        pending_path = m[1];
        pending_time = m[2];
      } else if (line.rfind("Hash: ", 0) == 0) {
        inventory.insert({pending_path, line.substr(6), pending_time});
      }
    } else if (section == "***Files***" && std::regex_match(line, m, field)) {
      const std::string name = m[1], value = m[2];
      if (name == "File Reference")
        reference = value;
      else if (!reference.empty())
        files[reference].fields[name] = value;
    }
  }
}

std::string rip_time(const nlohmann::ordered_json& iso) {
  return iso.is_null() ? std::string("(none)") : seconds_text(iso.get<std::string>()) + "Z";
}

std::string field_or(const RipFile& f, const std::string& name) {
  auto it = f.fields.find(name);
  return it == f.fields.end() ? std::string("(none)") : it->second;
}

std::string text_or(const nlohmann::ordered_json& j) {
  return j.is_null() ? std::string("(none)") : j.get<std::string>();
}

}  // namespace

TEST_CASE("amcache: the corpus Amcache.hve equals RegRipper's amcache, both layouts",
          "[registry][amcache]") {
  SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/plaso_Amcache.hve");
  if (!tool_or_skip("regripper")) return;
  const auto out = run("regripper -r " + shell_quote(hive.string()) + " -p amcache");
  REQUIRE(out.exit_code == 0);
  std::multiset<std::tuple<std::string, std::string, std::string>> rip_inventory;
  std::map<std::string, RipFile> rip_files;
  parse_amcache(out.out, rip_inventory, rip_files);
  REQUIRE(rip_inventory.size() > 100);
  REQUIRE(rip_files.size() > 100);

  const Collected got = read_hive(hive, registry::HiveKind::amcache,
                                  [](auto& ctx, auto& sink) { registry::read_amcache(ctx, sink); });
  CHECK(got.errors.empty());
  std::multiset<std::tuple<std::string, std::string, std::string>> inventory;
  std::size_t file_entries = 0, compared_times = 0;
  for (const Finding& f : got.findings) {
    CHECK(f.type == "registry.amcache");
    REQUIRE(f.time.has_value());
    const std::string last_write = seconds_text(format_filetime(*f.time));
    if (f.data["Layout"] == "InventoryApplicationFile") {
      inventory.insert({text_or(f.data["Path"]), text_or(f.data["SHA1"]), last_write});
      CHECK((f.data["Size"].is_number() || f.data["Size"].is_null()));
      continue;
    }
    REQUIRE(f.data["Layout"] == "File");
    ++file_entries;
    const std::string reference = f.data["FileReference"];
    INFO("file reference " << reference);
    REQUIRE(rip_files.count(reference) == 1);
    const RipFile& r = rip_files.at(reference);
    CHECK(field_or(r, "LastWrite") == last_write + "Z");
    CHECK(field_or(r, "Path") == text_or(f.data["Path"]));
    CHECK(field_or(r, "SHA-1") ==
          (f.data["SHA1"].is_null() ? std::string("(none)") : "0000" + text_or(f.data["SHA1"])));
    CHECK(field_or(r, "Company Name") == text_or(f.data["Publisher"]));
    CHECK(field_or(r, "Product Name") == text_or(f.data["ProductName"]));
    CHECK(field_or(r, "Last Mod Time") == rip_time(f.data["LastModified"]));
    CHECK(field_or(r, "Last Mod Time2") == rip_time(f.data["LastModified2"]));
    CHECK(field_or(r, "Create Time") == rip_time(f.data["Created"]));
    CHECK(field_or(r, "Compile Time") == rip_time(f.data["LinkDate"]));
    if (!f.data["LastModified2"].is_null()) ++compared_times;
  }
  CHECK(inventory == rip_inventory);
  CHECK(file_entries == rip_files.size());
  CHECK(compared_times > 100);
}
