// registry.scheduled_task from TaskCache: Actions blobs built here per the documented layout
// (task_actions.hpp), stored in a SOFTWARE hive written by hivexregedit --merge, joined
// Tree -> Tasks; DynamicInfo times compared with RegRipper's tasks plugin (which decodes
// DynamicInfo but not Actions).
#include <map>
#include <regex>
#include <sstream>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/task_actions.hpp"
#include "registry_persistence_support.hpp"

namespace fs = std::filesystem;
using sqltriage::Finding;
using sqltriage::format_filetime;
using sqltriage::registry::HiveKind;
using sqltriage::registry::parse_task_actions;
using sqltriage::registry::read_task_cache;
using sqltriage::test::RegText;
using sqltriage::test::run_hive_reader;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
/// u32 byte count + UTF-16LE.
void bstr(Bytes& b, const std::string& s) {
  put32(b, static_cast<std::uint32_t>(2 * s.size()));
  const Bytes u = sqltriage::test::utf16le(s);
  b.insert(b.end(), u.begin(), u.end());
}
void exec(Bytes& b, int version, const std::string& id, const std::string& cmd,
          const std::string& args, const std::string& dir) {
  put16(b, 0x6666);
  bstr(b, id);
  bstr(b, cmd);
  bstr(b, args);
  bstr(b, dir);
  if (version >= 3) put16(b, 0);
}

const std::string kTaskCache = "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\";
const std::string kGuid1 = "{0A1B2C3D-0000-4000-8000-000000000001}";
const std::string kGuid2 = "{0A1B2C3D-0000-4000-8000-000000000002}";
const std::string kGuid3 = "{0A1B2C3D-0000-4000-8000-000000000003}";
const std::string kGuid4 = "{0A1B2C3D-0000-4000-8000-000000000004}";

// 2023-02-20T14:03:11Z, one hour later, and two hours later (FILETIMEs, with fractions).
constexpr std::uint64_t kT1 = 133213465911234567ULL;
constexpr std::uint64_t kT2 = kT1 + 36000000000ULL;
constexpr std::uint64_t kT3 = kT1 + 72000000000ULL;

Bytes all_actions_v3() {
  Bytes b;
  put16(b, 3);
  bstr(b, "Author");
  exec(b, 3, "", "C:\\ProgramData\\sqlserver.exe", "-k x", "C:\\ProgramData");
  put16(b, 0x7777);
  bstr(b, "com1");
  put32(b, 0x01234567);
  put16(b, 0x89AB);
  put16(b, 0xCDEF);
  for (std::uint8_t x : {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF}) b.push_back(x);
  bstr(b, "<data/>");
  put16(b, 0x9999);
  bstr(b, "");
  bstr(b, "Hello");
  bstr(b, "World");
  put16(b, 0x8888);
  bstr(b, "mail");
  for (const char* s : {"a@x", "b@x", "", "", "r@x", "smtp.x", "Subj", "Body"}) bstr(b, s);
  put32(b, 1);
  bstr(b, "C:\\att.txt");
  put32(b, 1);
  bstr(b, "X-Tag");
  bstr(b, "v");
  return b;
}

Bytes dynamic_info(bool long_form) {
  Bytes b;
  put32(b, 3);
  put64(b, kT1);
  put64(b, kT2);
  put32(b, 0);
  put32(b, 0);
  if (long_form) put64(b, kT3);
  return b;
}

const Finding& by_path(const std::vector<Finding>& findings, const std::string& path) {
  for (const auto& f : findings)
    if (f.data["TaskPath"] == path) return f;
  FAIL("no finding for " << path);
  throw 0;
}

/// RegRipper's tasks plugin: Path -> {"Task Reg Time", "Task Last Run", "Task Completed"}.
std::map<std::string, std::map<std::string, std::string>> regripper_tasks(const fs::path& hive) {
  const auto r = sqltriage::test::run(
      "regripper -r " + sqltriage::test::shell_quote(hive.string()) + " -p tasks 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream lines(r.out);
  std::string line, path;
  const std::regex kv(R"(^(Path|Task Reg Time|Task Last Run|Task Completed)\s*:\s*(.*?)Z?$)");
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_match(line, m, kv)) {
      if (m[1] == "Path")
        path = m[2];
      else
        out[path][m[1]] = m[2];
    }
  return out;
}

/// "2023-02-20T14:03:11.1234567Z" -> "2023-02-20 14:03:11" (RegRipper's form).
std::string seconds(const nlohmann::ordered_json& iso) {
  if (!iso.is_string()) return "";
  std::string s = iso.get<std::string>().substr(0, 19);
  s[10] = ' ';
  return s;
}

}  // namespace

TEST_CASE("task cache: Actions of every kind decoded from a blob built per the format",
          "[registry][persistence]") {
  const Bytes blob = all_actions_v3();
  const auto parsed = parse_task_actions(blob.data(), blob.size());
  CHECK_FALSE(parsed.error.has_value());
  CHECK(parsed.version == 3);
  CHECK(parsed.context == "Author");
  REQUIRE(parsed.actions.size() == 4);
  CHECK(parsed.actions[0]["Type"] == "Exec");
  CHECK(parsed.actions[0]["Id"].is_null());
  CHECK(parsed.actions[0]["Command"] == "C:\\ProgramData\\sqlserver.exe");
  CHECK(parsed.actions[0]["Arguments"] == "-k x");
  CHECK(parsed.actions[0]["WorkingDirectory"] == "C:\\ProgramData");
  CHECK(parsed.actions[1]["Type"] == "ComHandler");
  CHECK(parsed.actions[1]["Id"] == "com1");
  CHECK(parsed.actions[1]["ClassId"] == "{01234567-89AB-CDEF-0123-456789ABCDEF}");
  CHECK(parsed.actions[1]["Data"] == "<data/>");
  CHECK(parsed.actions[2]["Type"] == "ShowMessage");
  CHECK(parsed.actions[2]["Caption"] == "Hello");
  CHECK(parsed.actions[2]["Content"] == "World");
  CHECK(parsed.actions[3]["Type"] == "SendEmail");
  CHECK(parsed.actions[3]["To"] == "b@x");
  CHECK(parsed.actions[3]["Cc"].is_null());
  CHECK(parsed.actions[3]["Server"] == "smtp.x");
  CHECK(parsed.actions[3]["Attachments"] == nlohmann::ordered_json::array({"C:\\att.txt"}));
  CHECK(parsed.actions[3]["Headers"]["X-Tag"] == "v");

  // Version 1 (Windows 7): no context string, no flags after an Exec action.
  Bytes v1;
  put16(v1, 1);
  exec(v1, 1, "", "cmd.exe", "/c whoami", "");
  exec(v1, 1, "", "second.exe", "", "");
  const auto p1 = parse_task_actions(v1.data(), v1.size());
  CHECK_FALSE(p1.error.has_value());
  CHECK(p1.context.empty());
  REQUIRE(p1.actions.size() == 2);
  CHECK(p1.actions[1]["Command"] == "second.exe");
  CHECK(p1.actions[1]["WorkingDirectory"].is_null());
}

TEST_CASE("task cache: damaged Actions stop with the offset, earlier actions kept",
          "[registry][persistence]") {
  Bytes b;
  put16(b, 3);
  bstr(b, "Author");
  exec(b, 3, "", "good.exe", "", "");
  const std::size_t second = b.size();
  put16(b, 0x6666);
  bstr(b, "");
  const std::size_t bad_length = b.size();
  put32(b, 1000);  // a command of 1000 bytes in a blob that ends here
  b.push_back('x');
  auto p = parse_task_actions(b.data(), b.size());
  REQUIRE(p.error.has_value());
  CHECK(p.error_offset == bad_length);
  REQUIRE(p.actions.size() == 1);
  CHECK(p.actions[0]["Command"] == "good.exe");

  Bytes unknown(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(second));
  put16(unknown, 0x1234);
  p = parse_task_actions(unknown.data(), unknown.size());
  REQUIRE(p.error.has_value());
  CHECK(p.error_offset == second);
  CHECK(p.error->find("0x1234") != std::string::npos);

  // odd lengths, every truncation point: never a crash, never past the end
  const Bytes full = all_actions_v3();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto cut = parse_task_actions(full.data(), n);
    CHECK(cut.error_offset <= n);
    // a cut at an action boundary is a valid shorter list; anywhere else is an error
    CHECK((cut.error.has_value() || cut.actions.size() < 4));
  }
  Bytes too_many;
  put16(too_many, 1);
  for (int i = 0; i < 70; ++i) exec(too_many, 1, "", "a", "", "");
  p = parse_task_actions(too_many.data(), too_many.size());
  CHECK(p.actions.size() == sqltriage::registry::kMaxTaskActions);
  CHECK(p.error.has_value());
}

TEST_CASE("task cache: Tree joined with Tasks, orphans, DynamicInfo as RegRipper reads it",
          "[registry][persistence]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir tmp;
  RegText reg;
  const std::string tree = kTaskCache + "Tree\\";
  const std::string tasks = kTaskCache + "Tasks\\";
  reg.add_key(tree + "Microsoft\\Windows");  // folders without Id: no findings
  reg.sz(tree + "Microsoft\\Windows\\Updater", "Id", kGuid1);
  reg.dword(tree + "Microsoft\\Windows\\Updater", "Index", 3);
  reg.binary(tree + "Microsoft\\Windows\\Updater", "SD", {1, 0, 4, 0x80});
  reg.sz(tree + "Evil", "Id", kGuid2);  // no SD, Index 0: hidden the Tarrask way
  reg.dword(tree + "Evil", "Index", 0);
  reg.sz(tree + "Dangling", "Id", kGuid4);  // no Tasks key
  reg.sz(tasks + kGuid1, "Path", "\\Microsoft\\Windows\\Updater");
  reg.sz(tasks + kGuid1, "URI", "\\Microsoft\\Windows\\Updater");
  reg.sz(tasks + kGuid1, "Author", "CONTOSO\\admin");
  reg.sz(tasks + kGuid1, "Description", "Keeps things updated");
  reg.sz(tasks + kGuid1, "Date", "2023-02-20T14:03:11");
  reg.binary(tasks + kGuid1, "Actions", all_actions_v3());
  reg.binary(tasks + kGuid1, "Triggers", {0x17, 0, 0, 0});
  reg.binary(tasks + kGuid1, "DynamicInfo", dynamic_info(true));
  Bytes bad;
  put16(bad, 3);
  bstr(bad, "Author");
  exec(bad, 3, "", "C:\\Users\\Public\\evil.exe", "", "");
  put16(bad, 0x6666);
  bstr(bad, "");
  put32(bad, 5000);
  reg.sz(tasks + kGuid2, "Path", "\\Evil");
  reg.binary(tasks + kGuid2, "Actions", bad);
  reg.binary(tasks + kGuid2, "DynamicInfo", dynamic_info(false));
  Bytes v1;
  put16(v1, 1);
  exec(v1, 1, "", "C:\\orphan.exe", "-x", "");
  reg.sz(tasks + kGuid3, "Path", "\\Orphan");
  reg.binary(tasks + kGuid3, "Actions", v1);
  const fs::path hive = tmp.path() / "SOFTWARE";
  sqltriage::test::write_hive(hive, reg.str());

  const auto out = run_hive_reader(hive, HiveKind::software, read_task_cache);
  REQUIRE(out.findings.size() == 4);
  const Finding& up = by_path(out.findings, "\\Microsoft\\Windows\\Updater");
  CHECK(up.type == "registry.scheduled_task");
  CHECK(up.data["Source"] == "TaskCache");
  CHECK(up.data["Id"] == kGuid1);
  CHECK(up.data["InTree"] == true);
  CHECK(up.data["KeyPath"] == tree + "Microsoft\\Windows\\Updater");
  CHECK(up.data["TasksKeyPath"] == tasks + kGuid1);
  CHECK(up.data["Index"] == 3);
  CHECK(up.data["SD"] == "01000480");
  CHECK(up.data["Author"] == "CONTOSO\\admin");
  CHECK(up.data["Description"] == "Keeps things updated");
  CHECK(up.data["RegistrationDate"] == "2023-02-20T14:03:11");
  CHECK(up.data["ActionsVersion"] == 3);
  CHECK(up.data["ActionsContext"] == "Author");
  REQUIRE(up.data["Actions"].size() == 4);
  CHECK(up.data["Actions"][0]["Command"] == "C:\\ProgramData\\sqlserver.exe");
  CHECK(up.data["Triggers"] == "17000000");
  CHECK(up.data["Created"] == format_filetime(kT1));
  CHECK(up.data["LastRun"] == format_filetime(kT2));
  CHECK(up.data["LastCompleted"] == format_filetime(kT3));
  CHECK(up.summary.find("sqlserver.exe -k x") != std::string::npos);

  const Finding& evil = by_path(out.findings, "\\Evil");
  CHECK(evil.data["SD"].is_null());
  CHECK(evil.data["Index"] == 0);
  REQUIRE(evil.data["Actions"].size() == 1);
  CHECK(evil.data["Actions"][0]["Command"] == "C:\\Users\\Public\\evil.exe");
  CHECK(evil.data["LastCompleted"].is_null());
  const Finding& dangling = by_path(out.findings, "\\Dangling");
  CHECK(dangling.data["TasksKeyPath"].is_null());
  CHECK(dangling.data["Actions"].is_null());
  const Finding& orphan = by_path(out.findings, "\\Orphan");
  CHECK(orphan.data["InTree"] == false);
  CHECK(orphan.data["KeyPath"] == tasks + kGuid3);
  CHECK(orphan.data["Actions"][0]["Command"] == "C:\\orphan.exe");

  // the damaged Actions value: one error naming the hive, the key and the byte in the data
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].artifact.path == hive.string());
  CHECK(out.errors[0].artifact.offset.has_value());
  CHECK(out.errors[0].message.find(kGuid2) != std::string::npos);
  CHECK(out.errors[0].message.find("at byte " + std::to_string(bad.size() - 4)) !=
        std::string::npos);

  // times: the Tree key's LastWrite as hivex reads it
  const auto stamps =
      sqltriage::test::hivex_timestamps(hive, {tree + "Microsoft\\Windows\\Updater"});
  CHECK(up.time == stamps.at(tree + "Microsoft\\Windows\\Updater"));

  if (!sqltriage::test::tool_or_skip("regripper")) return;
  const auto rr = regripper_tasks(hive);
  REQUIRE(rr.count("\\Microsoft\\Windows\\Updater") == 1);
  REQUIRE(rr.count("\\Evil") == 1);
  for (const auto* f : {&up, &evil}) {
    const auto& r = rr.at(f->data["TaskPath"].get<std::string>());
    INFO(f->data["TaskPath"]);
    CHECK(r.at("Task Reg Time") == seconds(f->data["Created"]));
    CHECK(r.at("Task Last Run") == seconds(f->data["LastRun"]));
    if (f->data["LastCompleted"].is_string())
      CHECK(r.at("Task Completed") == seconds(f->data["LastCompleted"]));
    else
      CHECK(r.count("Task Completed") == 0);
  }
}
