// registry.autorun over SOFTWARE and NTUSER.DAT hives written by hivexregedit --merge: every
// autostart location holds a distinctive value, decoys sit next to them, and the findings
// must be exactly the planted ones. LastWrite is checked against hivex's own reading.
#include <algorithm>
#include <map>
#include <set>

#include "artifacts/registry/extract.hpp"
#include "registry_persistence_support.hpp"

namespace fs = std::filesystem;
using sqltriage::Finding;
using sqltriage::format_filetime;
using sqltriage::registry::HiveKind;
using sqltriage::registry::read_autoruns;
using sqltriage::test::RegText;
using sqltriage::test::run_hive_reader;

namespace {

/// One planted autorun: what a correct reader must report.
struct Planted {
  std::string category;
  std::string key;
  std::string value;
  std::string command;  // "" when the data is not a string
  bool wow64;
};

std::string describe(const Planted& p) {
  return p.category + " | " + p.key + " | " + p.value + " | " + p.command + " | " +
         (p.wow64 ? "wow" : "native");
}

std::string describe(const Finding& f) {
  const auto& d = f.data;
  return d["Category"].get<std::string>() + " | " + d["KeyPath"].get<std::string>() + " | " +
         d["ValueName"].get<std::string>() + " | " +
         (d["Command"].is_string() ? d["Command"].get<std::string>() : std::string()) + " | " +
         (d["Wow6432Node"].get<bool>() ? "wow" : "native");
}

/// Plants one string value and records it.
void plant(RegText& reg, std::vector<Planted>& planted, const std::string& category,
           const std::string& key, const std::string& value, const std::string& command,
           bool wow64) {
  reg.sz(key, value, command);
  planted.push_back({category, key, value, command, wow64});
}

/// Compares the findings with the planted entries as sets of lines.
void require_exactly(const std::vector<Finding>& findings, const std::vector<Planted>& planted) {
  std::multiset<std::string> got, want;
  for (const auto& f : findings) got.insert(describe(f));
  for (const auto& p : planted) want.insert(describe(p));
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  for (const auto& m : missing) UNSCOPED_INFO("missing: " << m);
  for (const auto& e : extra) UNSCOPED_INFO("unexpected: " << e);
  CHECK(missing.empty());
  CHECK(extra.empty());
  CHECK(findings.size() == planted.size());
}

/// Every finding's LastWrite (time and data) equals hivex's timestamp of its key.
void require_lastwrite_from_hivex(const fs::path& hive, const std::vector<Finding>& findings) {
  std::set<std::string> keys;
  for (const auto& f : findings) keys.insert(f.data["KeyPath"].get<std::string>());
  const auto stamps = sqltriage::test::hivex_timestamps(hive, keys);
  for (const auto& f : findings) {
    const std::string key = f.data["KeyPath"].get<std::string>();
    INFO(key);
    REQUIRE(stamps.count(key) == 1);
    REQUIRE(f.time.has_value());
    CHECK(*f.time == stamps.at(key));
    CHECK(f.data["LastWrite"] == format_filetime(stamps.at(key)));
  }
}

const Finding& only(const std::vector<Finding>& findings, const std::string& key,
                    const std::string& value) {
  const Finding* found = nullptr;
  for (const auto& f : findings)
    if (f.data["KeyPath"] == key && f.data["ValueName"] == value) {
      REQUIRE(found == nullptr);
      found = &f;
    }
  INFO(key << " " << value);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_CASE("autoruns: every SOFTWARE location, native and Wow6432Node, and nothing else",
          "[registry][persistence]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir tmp;
  RegText reg;
  std::vector<Planted> planted;
  for (const std::string prefix : {"", "Wow6432Node\\"}) {
    const bool wow = !prefix.empty();
    const std::string tag = wow ? "wow" : "nat";
    const std::string cv = prefix + "Microsoft\\Windows\\CurrentVersion\\";
    const std::string nt = prefix + "Microsoft\\Windows NT\\CurrentVersion\\";
    plant(reg, planted, "Run", cv + "Run", "Updater",
          "C:\\ProgramData\\sqlserver.exe -k run-" + tag, wow);
    plant(reg, planted, "Run", cv + "Run", "Second", "\"C:\\Program Files\\x\\" + tag + ".exe\"",
          wow);
    plant(reg, planted, "Run", cv + "Run", "Empty", "", wow);  // empty values are findings too
    plant(reg, planted, "RunOnce", cv + "RunOnce", "Once",
          "C:\\Users\\Public\\once-" + tag + ".exe", wow);
    plant(reg, planted, "RunOnceEx", cv + "RunOnceEx\\0001", "Line1",
          "||C:\\ProgramData\\ex-" + tag + ".dll|DllMain", wow);
    plant(reg, planted, "RunOnceEx", cv + "RunOnceEx\\0001\\Depend", "1",
          "C:\\ProgramData\\depend-" + tag + ".dll", wow);
    reg.dword(cv + "RunOnceEx", "Flags", 0x80);  // a setting of RunOnceEx itself, not an entry
    plant(reg, planted, "Policies\\Explorer\\Run", cv + "Policies\\Explorer\\Run", "Pol",
          "C:\\ProgramData\\policy-" + tag + ".exe", wow);
    plant(reg, planted, "IFEO Debugger", nt + "Image File Execution Options\\sethc.exe", "Debugger",
          "C:\\Windows\\System32\\cmd.exe /c " + tag, wow);
    // an IFEO key with only GlobalFlag is no debugger
    reg.dword(nt + "Image File Execution Options\\notepad.exe", "GlobalFlag", 0x200);
    plant(reg, planted, "SilentProcessExit", nt + "SilentProcessExit\\notepad.exe",
          "MonitorProcess", "C:\\ProgramData\\monitor-" + tag + ".exe", wow);
    reg.dword(nt + "SilentProcessExit\\notepad.exe", "ReportingMode", 1);
    reg.dword(nt + "SilentProcessExit\\calc.exe", "ReportingMode", 1);  // no MonitorProcess
    if (!wow) {
      plant(reg, planted, "AppInit_DLLs", nt + "Windows", "AppInit_DLLs",
            "C:\\ProgramData\\appinit.dll", wow);
      reg.dword(nt + "Windows", "LoadAppInit_DLLs", 1);
    } else {
      reg.sz(nt + "Windows", "AppInit_DLLs", "");  // empty: not an entry
      reg.dword(nt + "Windows", "LoadAppInit_DLLs", 0);
    }
    const std::string as = prefix + "Microsoft\\Active Setup\\Installed Components\\";
    plant(reg, planted, "Active Setup", as + "{11111111-2222-3333-4444-555555555555}", "StubPath",
          "C:\\ProgramData\\stub-" + tag + ".exe /install", wow);
    reg.sz(as + "{11111111-2222-3333-4444-555555555555}", "", "Evil Component " + tag);
    reg.sz(as + "{66666666-2222-3333-4444-555555555555}", "", "No stub");  // no StubPath
    // not an autorun location
    reg.sz(cv + "RunNot", "Decoy", "C:\\decoy.exe");
  }
  plant(reg, planted, "Winlogon", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon", "Shell",
        "explorer.exe, C:\\ProgramData\\shell.exe", false);
  plant(reg, planted, "Winlogon", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon", "Userinit",
        "C:\\Windows\\system32\\userinit.exe,C:\\ProgramData\\ui.exe", false);
  reg.sz("Microsoft\\Windows NT\\CurrentVersion\\Winlogon", "AutoAdminLogon", "0");  // decoy
  plant(reg, planted, "Winlogon", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\Notify\\evil",
        "DllName", "C:\\ProgramData\\notify.dll", false);
  // a Run value that is not a string: a finding with Data but no Command
  reg.dword("Microsoft\\Windows\\CurrentVersion\\Run", "Number", 7);
  planted.push_back({"Run", "Microsoft\\Windows\\CurrentVersion\\Run", "Number", "", false});

  const fs::path hive = tmp.path() / "SOFTWARE";
  sqltriage::test::write_hive(hive, reg.str());
  const auto out = run_hive_reader(hive, HiveKind::software, read_autoruns);
  CHECK(out.errors.empty());
  require_exactly(out.findings, planted);
  require_lastwrite_from_hivex(hive, out.findings);

  const Finding& number = only(out.findings, "Microsoft\\Windows\\CurrentVersion\\Run", "Number");
  CHECK(number.data["Data"] == 7);
  CHECK(number.data["Command"].is_null());
  const Finding& run = only(out.findings, "Microsoft\\Windows\\CurrentVersion\\Run", "Updater");
  CHECK(run.type == "registry.autorun");
  CHECK(run.data["Hive"] == "SOFTWARE");
  CHECK(run.data["RegistryPath"] == "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
  CHECK(run.data["Data"] == "C:\\ProgramData\\sqlserver.exe -k run-nat");
  CHECK(run.artifact.path == hive.string());
  CHECK(run.artifact.offset.has_value());
  CHECK(run.summary.find("sqlserver.exe -k run-nat") != std::string::npos);
  const Finding& spe =
      only(out.findings,
           "Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion\\SilentProcessExit\\notepad.exe",
           "MonitorProcess");
  CHECK(spe.data["Executable"] == "notepad.exe");
  CHECK(spe.data["ReportingMode"] == 1);
  CHECK(spe.data["GlobalFlag"] == 0x200);
  const Finding& appinit =
      only(out.findings, "Microsoft\\Windows NT\\CurrentVersion\\Windows", "AppInit_DLLs");
  CHECK(appinit.data["LoadAppInit_DLLs"] == 1);
  CHECK(appinit.data["RequireSignedAppInit_DLLs"].is_null());
  const Finding& stub = only(out.findings,
                             "Microsoft\\Active Setup\\Installed Components\\"
                             "{11111111-2222-3333-4444-555555555555}",
                             "StubPath");
  CHECK(stub.data["Name"] == "Evil Component nat");
  const Finding& dbg = only(
      out.findings,
      "Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe", "Debugger");
  CHECK(dbg.data["Executable"] == "sethc.exe");
}

TEST_CASE("autoruns: NTUSER.DAT locations carry the user's SID and name",
          "[registry][persistence]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir tmp;
  RegText reg;
  std::vector<Planted> planted;
  const std::string cv = "Software\\Microsoft\\Windows\\CurrentVersion\\";
  plant(reg, planted, "Run", cv + "Run", "OneDrive", "C:\\Users\\jdoe\\AppData\\od.exe /background",
        false);
  plant(reg, planted, "Run", "Software\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run",
        "W32", "C:\\Users\\jdoe\\w32.exe", true);
  plant(reg, planted, "RunOnce", cv + "RunOnce", "Once", "C:\\Users\\jdoe\\once.exe", false);
  plant(reg, planted, "RunOnceEx", cv + "RunOnceEx\\0002", "", "user runonceex title", false);
  plant(reg, planted, "Policies\\Explorer\\Run", cv + "Policies\\Explorer\\Run", "1",
        "C:\\Users\\jdoe\\pol.exe", false);
  const std::string nt = "Software\\Microsoft\\Windows NT\\CurrentVersion\\";
  plant(reg, planted, "Winlogon", nt + "Winlogon", "Shell", "C:\\Users\\jdoe\\shell.exe", false);
  reg.sz(nt + "Winlogon", "Userinit", "C:\\not-read-for-users.exe");  // machine-only value
  plant(reg, planted, "Windows\\Load", nt + "Windows", "Load", "C:\\Users\\jdoe\\load.exe", false);
  plant(reg, planted, "Windows\\Run", nt + "Windows", "Run", "C:\\Users\\jdoe\\wrun.exe", false);
  reg.sz(nt + "Windows", "Device", "decoy");
  // machine-only locations placed in a user hive are not read
  reg.sz(nt + "Image File Execution Options\\sethc.exe", "Debugger", "C:\\decoy.exe");
  reg.sz("Software\\Microsoft\\Active Setup\\Installed Components\\{X}", "StubPath",
         "C:\\decoy.exe");
  // SOFTWARE-rooted paths (no Software\ prefix) are not user locations
  reg.sz("Microsoft\\Windows\\CurrentVersion\\Run", "Decoy", "C:\\decoy.exe");

  const fs::path hive = tmp.path() / "NTUSER.DAT";
  sqltriage::test::write_hive(hive, reg.str());
  const std::string sid = "S-1-5-21-1-2-3-1001";
  const auto out = run_hive_reader(hive, HiveKind::ntuser, read_autoruns, sid, "WEB01\\jdoe");
  CHECK(out.errors.empty());
  require_exactly(out.findings, planted);
  require_lastwrite_from_hivex(hive, out.findings);
  for (const auto& f : out.findings) {
    CHECK(f.data["Hive"] == "NTUSER.DAT");
    CHECK(f.data["UserSid"] == sid);
    CHECK(f.data["UserName"] == "WEB01\\jdoe");
    CHECK(f.data["RegistryPath"] == "HKU\\" + sid + "\\" + f.data["KeyPath"].get<std::string>());
  }
}

TEST_CASE("autoruns: hives of other kinds give nothing", "[registry][persistence]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir tmp;
  RegText reg;
  reg.sz("Microsoft\\Windows\\CurrentVersion\\Run", "X", "C:\\x.exe");
  const fs::path hive = tmp.path() / "SYSTEM";
  sqltriage::test::write_hive(hive, reg.str());
  const auto out = run_hive_reader(hive, HiveKind::system, read_autoruns);
  CHECK(out.findings.empty());
  const auto as_software = run_hive_reader(hive, HiveKind::software, read_autoruns);
  CHECK(as_software.findings.size() == 1);  // the same hive read as SOFTWARE does have it
}
