// Sysmon 13 writing service and Run-key values: the data gets the executable checks.
#include "sqltriage/checks.hpp"
#include "support.hpp"

using namespace sqltriage;

namespace {
Finding sysmon13(const std::string& key, const std::string& details) {
  Finding f;
  f.data = {{"EventID", 13},
            {"Provider", "Microsoft-Windows-Sysmon"},
            {"Channel", "Microsoft-Windows-Sysmon/Operational"},
            {"EventType", "SetValue"},
            {"Image", "C:\\Windows\\System32\\services.exe"},
            {"TargetObject", key},
            {"Details", details}};
  checks::apply_evtx_checks(f);
  return f;
}

std::vector<std::string> ids(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& c : f.checks) out.push_back(c.id);
  return out;
}
}  // namespace

TEST_CASE("Sysmon 13: a service ImagePath in ProgramData named like sqlservr.exe") {
  auto f = sysmon13("HKLM\\System\\CurrentControlSet\\Services\\SQLServerUpdate\\ImagePath",
                    "C:\\ProgramData\\sqlserver.exe");
  CHECK(ids(f) == std::vector<std::string>{"user_writable_path", "lookalike_name"});
  CHECK(f.severity == Severity::high);
  CHECK(f.checks[0].reason.find(
            "Service \"SQLServerUpdate\" binary C:\\ProgramData\\sqlserver.exe") == 0);
  CHECK(f.attack == std::vector<std::string>{"T1543.003", "T1036.005"});
}

TEST_CASE("Sysmon 13: a Run key value starting a quoted command in a user folder") {
  auto f = sysmon13(
      "HKU\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater",
      "\"C:\\Users\\alice\\AppData\\Roaming\\upd.exe\" -silent");
  REQUIRE(ids(f) == std::vector<std::string>{"user_writable_path"});
  CHECK(f.severity == Severity::medium);
  CHECK(f.attack == std::vector<std::string>{"T1547.001"});
  CHECK(f.checks[0].reason.find("Run key value \"Updater\" starts C:\\Users\\alice\\AppData") == 0);
}

TEST_CASE("Sysmon 13: ordinary values raise nothing") {
  // A genuine service binary, a Start value, and a non-autorun key.
  CHECK(sysmon13("HKLM\\System\\CurrentControlSet\\Services\\MSSQLSERVER\\ImagePath",
                 "\"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\"
                 "sqlservr.exe\" -sMSSQLSERVER")
            .checks.empty());
  CHECK(sysmon13("HKLM\\System\\CurrentControlSet\\Services\\SQLServerUpdate\\Start",
                 "DWORD (0x00000002)")
            .checks.empty());
  CHECK(sysmon13("HKLM\\Software\\Acme\\InstallPath", "C:\\ProgramData\\acme.exe").checks.empty());
}
