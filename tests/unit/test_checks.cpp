// Tests of the check helpers and the EVTX checks (src/checks/).
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checks/expected_folder.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/known_binaries.hpp"

using nlohmann::ordered_json;
using sqltriage::CheckHit;
using sqltriage::Finding;
using sqltriage::Severity;
namespace checks = sqltriage::checks;

namespace {

constexpr const char* kSysmon = "Microsoft-Windows-Sysmon";
constexpr const char* kSysmonChannel = "Microsoft-Windows-Sysmon/Operational";
constexpr const char* kSecurity = "Microsoft-Windows-Security-Auditing";
constexpr const char* kW3wp = "C:\\Windows\\System32\\inetsrv\\w3wp.exe";
constexpr const char* kServices = "C:\\Windows\\System32\\services.exe";
constexpr const char* kSqlservr =
    "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe";

/// A finding as the EVTX reader builds it, run through the checks.
Finding checked(ordered_json data) {
  Finding f;
  f.type = "evtx.event";
  f.data = std::move(data);
  checks::apply_evtx_checks(f);
  return f;
}

std::vector<std::string> ids(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& c : f.checks) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

const CheckHit& hit(const Finding& f, std::string_view id) {
  const auto it =
      std::find_if(f.checks.begin(), f.checks.end(), [&](const CheckHit& c) { return c.id == id; });
  REQUIRE(it != f.checks.end());
  return *it;
}

using Ids = std::vector<std::string>;
using Attack = std::vector<std::string>;

ordered_json sysmon_process(const std::string& image, const std::string& parent,
                            const std::string& original_name) {
  return {{"EventID", 1},
          {"Provider", kSysmon},
          {"Channel", kSysmonChannel},
          {"RuleName", "-"},
          {"UtcTime", "2023-02-20 14:03:11.123"},
          {"ProcessGuid", "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"},
          {"ProcessId", 4242},
          {"Image", image},
          {"OriginalFileName", original_name},
          {"CommandLine", "\"" + image + "\""},
          {"CurrentDirectory", "C:\\Windows\\system32\\"},
          {"User", "IIS APPPOOL\\DefaultAppPool"},
          {"IntegrityLevel", "High"},
          {"ParentProcessId", 3100},
          {"ParentImage", parent},
          {"ParentCommandLine", parent}};
}

ordered_json security_4688(const std::string& image, const std::string& parent) {
  return {{"EventID", 4688},
          {"Provider", kSecurity},
          {"Channel", "Security"},
          {"SubjectUserSid", "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"},
          {"SubjectUserName", "DefaultAppPool"},
          {"SubjectDomainName", "IIS APPPOOL"},
          {"SubjectLogonId", "0x3e4"},
          {"NewProcessId", "0x1a2c"},
          {"NewProcessName", image},
          {"TokenElevationType", "%%1936"},
          {"ProcessId", "0xc1c"},
          {"CommandLine", ""},
          {"ParentProcessName", parent}};
}

ordered_json system_7045(const std::string& service, const std::string& image_path) {
  return {{"EventID", 7045},           {"Provider", "Service Control Manager"},
          {"Channel", "System"},       {"ServiceName", service},
          {"ImagePath", image_path},   {"ServiceType", "user mode service"},
          {"StartType", "auto start"}, {"AccountName", "LocalSystem"}};
}

ordered_json security_4624(int logon_type, const std::string& address) {
  return {{"EventID", 4624},
          {"Provider", kSecurity},
          {"Channel", "Security"},
          {"SubjectUserSid", "S-1-0-0"},
          {"TargetUserName", "Administrator"},
          {"TargetDomainName", "WEB01"},
          {"TargetLogonId", "0x5d3f1a"},
          {"LogonType", logon_type},
          {"LogonProcessName", "NtLmSsp "},
          {"AuthenticationPackageName", "NTLM"},
          {"WorkstationName", "kali"},
          {"ProcessId", 0},
          {"ProcessName", "-"},
          {"IpAddress", address},
          {"IpPort", "49812"}};
}

}  // namespace

// --- helpers ------------------------------------------------------------------------------

TEST_CASE("basename takes the last component and strips quotes", "[checks]") {
  CHECK(checks::basename("C:\\Windows\\System32\\svchost.exe") == "svchost.exe");
  CHECK(checks::basename("/usr/bin/env") == "env");
  CHECK(checks::basename("C:/ProgramData/a b.exe") == "a b.exe");
  CHECK(checks::basename("\"C:\\Program Files\\App\\app.exe\"") == "app.exe");
  CHECK(checks::basename("  sqlserver.exe ") == "sqlserver.exe");
  CHECK(checks::basename("C:\\Windows\\") == "");
  CHECK(checks::basename("") == "");
}

TEST_CASE("iequals compares ASCII case-insensitively", "[checks]") {
  CHECK(checks::iequals("SQLSERVR.EXE", "sqlservr.exe"));
  CHECK(checks::iequals("", ""));
  CHECK_FALSE(checks::iequals("sqlservr.exe", "sqlserver.exe"));
  CHECK_FALSE(checks::iequals("abc", "abcd"));
}

TEST_CASE("executable_from_command finds the program of a command line or ImagePath", "[checks]") {
  CHECK(checks::executable_from_command("\"C:\\Program Files\\My App\\svc.exe\" -k run") ==
        "C:\\Program Files\\My App\\svc.exe");
  CHECK(checks::executable_from_command("C:\\Program Files\\My App\\svc.exe -k run") ==
        "C:\\Program Files\\My App\\svc.exe");
  CHECK(checks::executable_from_command("C:\\Program Files\\My.App Dir\\svc.exe") ==
        "C:\\Program Files\\My.App Dir\\svc.exe");
  CHECK(checks::executable_from_command("%SystemRoot%\\system32\\svchost.exe -k netsvcs -p") ==
        "%SystemRoot%\\system32\\svchost.exe");
  CHECK(checks::executable_from_command(
            "C:\\Windows\\System32\\rundll32.exe C:\\Users\\Public\\x.dll,Start") ==
        "C:\\Windows\\System32\\rundll32.exe");
  CHECK(checks::executable_from_command("\\??\\C:\\Windows\\system32\\drivers\\x.sys") ==
        "C:\\Windows\\system32\\drivers\\x.sys");
  CHECK(checks::executable_from_command("\\SystemRoot\\System32\\drivers\\x.sys") ==
        "%SystemRoot%\\System32\\drivers\\x.sys");
  CHECK(checks::executable_from_command("System32\\DRIVERS\\fltmgr.sys") ==
        "%SystemRoot%\\System32\\DRIVERS\\fltmgr.sys");
  CHECK(checks::executable_from_command("  \"C:\\ProgramData\\sqlserver.exe\"") ==
        "C:\\ProgramData\\sqlserver.exe");
  CHECK(checks::executable_from_command("C:\\tools\\agent --run") == "C:\\tools\\agent");
  CHECK(checks::executable_from_command("\"C:\\unterminated\\a.exe") == "C:\\unterminated\\a.exe");
  CHECK(checks::executable_from_command("") == "");
  CHECK(checks::executable_from_command("   ") == "");
}

TEST_CASE("classify_ip names the address class", "[checks]") {
  struct Case {
    const char* address;
    const char* expected;
  };
  for (const auto& c : std::vector<Case>{{"203.0.113.7", "public"},
                                         {"8.8.8.8", "public"},
                                         {"10.0.1.20", "private"},
                                         {"172.16.0.1", "private"},
                                         {"172.31.255.254", "private"},
                                         {"172.32.0.1", "public"},
                                         {"172.15.255.255", "public"},
                                         {"192.168.1.10", "private"},
                                         {"192.169.0.1", "public"},
                                         {"100.64.0.1", "shared"},
                                         {"100.127.255.255", "shared"},
                                         {"100.128.0.1", "public"},
                                         {"169.254.10.3", "link-local"},
                                         {"127.0.0.1", "loopback"},
                                         {"127.8.8.8", "loopback"},
                                         {"0.0.0.0", "unspecified"},
                                         {"224.0.0.251", "invalid"},
                                         {"255.255.255.255", "invalid"},
                                         {"::1", "loopback"},
                                         {"::", "unspecified"},
                                         {"fe80::1c2d:3e4f:5a6b:7c8d", "link-local"},
                                         {"fe80::1%12", "link-local"},
                                         {"fd12:3456:789a::1", "private"},
                                         {"fc00::1", "private"},
                                         {"2001:db8::1", "public"},
                                         {"2606:4700:4700::1111", "public"},
                                         {"::ffff:10.0.1.20", "private"},
                                         {"::ffff:203.0.113.7", "public"},
                                         {"::ffff:127.0.0.1", "loopback"},
                                         {"[2001:db8::2]", "public"},
                                         {"ff02::1", "invalid"},
                                         {"LOCAL", "loopback"},
                                         {"local", "loopback"},
                                         {"-", "invalid"},
                                         {"", "invalid"},
                                         {"WEB01", "invalid"},
                                         {"10.0.1", "invalid"},
                                         {"203.0.113.7:3389", "invalid"},
                                         {" 203.0.113.7 ", "public"}}) {
    INFO(c.address);
    CHECK(checks::classify_ip(c.address) == c.expected);
  }
}

TEST_CASE("in_user_writable_or_web_folder recognises dropping grounds", "[checks]") {
  for (const char* path : {"C:\\ProgramData\\sqlserver.exe",
                           "c:\\programdata\\x\\y.exe",
                           "C:\\Users\\Public\\svc.exe",
                           "C:\\Windows\\Temp\\a.exe",
                           "C:\\Users\\jdoe\\AppData\\Local\\Temp\\a.exe",
                           "C:\\Users\\jdoe\\AppData\\Roaming\\Microsoft\\up.exe",
                           "C:\\inetpub\\wwwroot\\cmd.aspx",
                           "D:\\inetpub\\wwwroot\\bin\\x.exe",
                           "C:\\$Recycle.Bin\\S-1-5-21-1\\x.exe",
                           "C:\\PerfLogs\\x.exe",
                           "C:\\Users\\jdoe\\Downloads\\setup.exe",
                           "C:\\Users\\jdoe\\Desktop\\tool.exe",
                           "C:\\Temp\\x.exe",
                           "C:/ProgramData/x.exe",
                           "%ProgramData%\\x.exe",
                           "%TEMP%\\x.exe",
                           "%APPDATA%\\x.exe",
                           "%USERPROFILE%\\Downloads\\x.exe",
                           "\\Device\\HarddiskVolume3\\ProgramData\\x.exe",
                           "\"C:\\Users\\Public\\Documents\\x.exe\""}) {
    INFO(path);
    CHECK(checks::in_user_writable_or_web_folder(path));
  }
  for (const char* path :
       {"C:\\Windows\\System32\\svchost.exe", kSqlservr, "C:\\Program Files (x86)\\App\\a.exe",
        "C:\\Users\\jdoe\\Documents\\a.exe", "C:\\Users\\Publications\\a.exe",
        "C:\\Windows\\Temporary\\a.exe", "C:\\inetpubs\\a.exe", "C:\\MyProgramData\\a.exe",
        "C:\\Users\\Downloads.exe", "", "svchost.exe"}) {
    INFO(path);
    CHECK_FALSE(checks::in_user_writable_or_web_folder(path));
  }
}

TEST_CASE("is_web_server_worker knows the usual worker images", "[checks]") {
  for (const char* image :
       {kW3wp, "W3WP.EXE", "C:\\Apache24\\bin\\httpd.exe", "C:\\nginx\\nginx.exe",
        "C:\\php\\php-cgi.exe", "C:\\php\\php.exe", "C:\\Tomcat\\bin\\tomcat9.exe",
        "C:\\Tomcat\\bin\\tomcat.exe", "C:\\Program Files\\Java\\jre\\bin\\java.exe",
        "C:\\Program Files\\Java\\jre\\bin\\javaw.exe"}) {
    INFO(image);
    CHECK(checks::is_web_server_worker(image));
  }
  for (const char* image : {kServices, kSqlservr, "C:\\x\\w3wp.exe.bak", "C:\\x\\notw3wp.exe",
                            "C:\\x\\tomcat", "C:\\x\\javac.exe", "C:\\x\\mytomcat9.exe", ""}) {
    INFO(image);
    CHECK_FALSE(checks::is_web_server_worker(image));
  }
}

TEST_CASE("names_target matches paths and bare names on component boundaries", "[checks]") {
  // Bare name target.
  CHECK(checks::names_target("C:\\ProgramData\\sqlserver.exe", "sqlserver.exe"));
  CHECK(checks::names_target("C:\\ProgramData\\SQLSERVER.EXE", "sqlserver.exe"));
  CHECK(checks::names_target("\"C:\\ProgramData\\sqlserver.exe\" -k run", "sqlserver.exe"));
  CHECK(checks::names_target("sc create helper binPath= C:\\ProgramData\\sqlserver.exe",
                             "sqlserver.exe"));
  CHECK(checks::names_target("cmd /c sqlserver.exe", "SQLServer.exe"));
  CHECK(checks::names_target("C:/ProgramData/sqlserver.exe", "sqlserver.exe"));
  CHECK_FALSE(checks::names_target("C:\\ProgramData\\mysqlserver.exe", "sqlserver.exe"));
  CHECK_FALSE(checks::names_target("C:\\ProgramData\\sqlserver.exe.bak", "sqlserver.exe"));
  CHECK_FALSE(checks::names_target(kSqlservr, "sqlserver.exe"));
  // Path target.
  CHECK(checks::names_target("C:\\ProgramData\\sqlserver.exe", "c:\\programdata\\sqlserver.exe"));
  CHECK(checks::names_target("\"C:\\ProgramData\\sqlserver.exe\" -k",
                             "C:\\ProgramData\\sqlserver.exe"));
  CHECK(checks::names_target("C:\\ProgramData\\sqlserver.exe", "C:/ProgramData/sqlserver.exe"));
  CHECK(checks::names_target("C:\\ProgramData\\sqlserver.exe", "\\ProgramData\\sqlserver.exe"));
  CHECK(checks::names_target("C:\\ProgramData\\sqlserver.exe", "C:\\ProgramData"));
  CHECK_FALSE(checks::names_target("C:\\ProgramData2\\x.exe", "C:\\ProgramData"));
  CHECK_FALSE(
      checks::names_target("D:\\ProgramData\\sqlserver.exe", "C:\\ProgramData\\sqlserver.exe"));
  CHECK_FALSE(
      checks::names_target("C:\\ProgramData\\sqlserver.exe.bak", "C:\\ProgramData\\sqlserver.exe"));
  CHECK_FALSE(checks::names_target("C:\\ProgramData\\sqlserver.exe", ""));
  CHECK_FALSE(checks::names_target("", "sqlserver.exe"));
}

TEST_CASE("expected folders expand variables, ignore drives and match '*' in one component",
          "[checks]") {
  using sqltriage::checks::detail::folder_is_judgeable;
  using sqltriage::checks::detail::folder_matches;
  using sqltriage::checks::detail::in_expected_folder;
  const char* binn = "%ProgramFiles%\\Microsoft SQL Server\\*\\MSSQL\\Binn";
  CHECK(folder_matches("C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn",
                       binn));
  CHECK(
      folder_matches("d:\\program files\\microsoft sql server\\mssql16.sql1\\mssql\\binn\\", binn));
  CHECK_FALSE(folder_matches(
      "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.X\\Extra\\MSSQL\\Binn", binn));
  CHECK_FALSE(
      folder_matches("C:\\Program Files (x86)\\Microsoft SQL Server\\X\\MSSQL\\Binn", binn));
  CHECK(folder_matches("\\Device\\HarddiskVolume2\\Windows\\System32", "%SystemRoot%\\System32"));
  CHECK(folder_matches("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\System32",
                       "%SystemRoot%\\System32"));
  CHECK(folder_matches("\\\\?\\C:\\Windows\\System32", "%windir%\\system32"));
  CHECK(folder_matches("C:\\Windows\\System32\\..\\SysWOW64", "%SystemRoot%\\SysWOW64"));
  CHECK_FALSE(folder_matches("C:\\Windows\\System32\\..\\Temp", "%SystemRoot%\\System32"));
  CHECK_FALSE(folder_matches("C:\\Windows\\System32\\spool", "%SystemRoot%\\System32"));
  CHECK(folder_matches("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2302.7-0",
                       "%ProgramData%\\Microsoft\\Windows Defender\\Platform\\*"));

  const auto* svchost = sqltriage::find_known_binary("svchost.exe");
  REQUIRE(svchost != nullptr);
  CHECK(in_expected_folder("C:\\Windows\\System32\\svchost.exe", *svchost));
  CHECK(in_expected_folder("C:\\WINDOWS\\SysWOW64\\SVCHOST.EXE", *svchost));
  CHECK(in_expected_folder("%SystemRoot%\\system32\\svchost.exe", *svchost));
  CHECK_FALSE(in_expected_folder("C:\\Windows\\svchost.exe", *svchost));
  CHECK_FALSE(in_expected_folder("C:\\Windows\\System32\\x\\svchost.exe", *svchost));

  CHECK(folder_is_judgeable("C:\\ProgramData\\svchost.exe"));
  CHECK(folder_is_judgeable("%TEMP%\\svchost.exe"));
  CHECK_FALSE(folder_is_judgeable("svchost.exe"));
  CHECK_FALSE(folder_is_judgeable("tools\\svchost.exe"));
  CHECK_FALSE(
      folder_is_judgeable("C:\\PROGRA~1\\MICROS~1\\MSSQL1~1.MSS\\MSSQL\\Binn\\sqlservr.exe"));
}

// --- EVTX checks: the founding scenario ---------------------------------------------------

TEST_CASE("w3wp.exe starting C:/ProgramData/sqlserver.exe (Sysmon 1)", "[checks][evtx]") {
  const auto f = checked(sysmon_process("C:\\ProgramData\\sqlserver.exe", kW3wp, "sqlserver.exe"));
  CHECK(ids(f) == Ids{"lookalike_name", "user_writable_path", "web_server_parent"});
  CHECK(f.severity == Severity::high);

  const auto& parent = hit(f, "web_server_parent");
  CHECK(parent.severity == Severity::high);
  CHECK(parent.attack == Attack{"T1505.003"});
  CHECK_THAT(parent.reason,
             Catch::Contains("w3wp.exe") && Catch::Contains("C:\\ProgramData\\sqlserver.exe"));

  const auto& look = hit(f, "lookalike_name");
  CHECK(look.severity == Severity::high);
  CHECK(look.attack == Attack{"T1036.005"});
  CHECK_THAT(look.reason, Catch::Contains("sqlserver.exe is 1 edit from sqlservr.exe "
                                          "(Microsoft SQL Server Database Engine)"));

  const auto& writable = hit(f, "user_writable_path");
  CHECK(writable.severity == Severity::medium);
  CHECK(writable.attack.empty());
  CHECK_THAT(writable.reason, Catch::Contains("Process image C:\\ProgramData\\sqlserver.exe"));
}

TEST_CASE("the same start logged by Security 4688", "[checks][evtx]") {
  const auto f = checked(security_4688("C:\\ProgramData\\sqlserver.exe", kW3wp));
  CHECK(ids(f) == Ids{"lookalike_name", "user_writable_path", "web_server_parent"});
  // Windows before 10 has no ParentProcessName: the other checks still run.
  auto data = security_4688("C:\\ProgramData\\sqlserver.exe", kW3wp);
  data.erase("ParentProcessName");
  CHECK(ids(checked(data)) == Ids{"lookalike_name", "user_writable_path"});
}

TEST_CASE("benign process starts raise nothing", "[checks][evtx]") {
  CHECK(checked(sysmon_process(kSqlservr, kServices, "sqlservr.exe")).checks.empty());
  CHECK(checked(security_4688(kSqlservr, kServices)).checks.empty());
  CHECK(checked(sysmon_process("C:\\Windows\\System32\\svchost.exe", kServices, "svchost.exe"))
            .checks.empty());
  CHECK(checked(sysmon_process("C:\\Windows\\SysWOW64\\svchost.exe", kServices, "svchost.exe"))
            .checks.empty());
  CHECK(checked(sysmon_process(kW3wp, "C:\\Windows\\System32\\svchost.exe", "w3wp.exe"))
            .checks.empty());
  CHECK(checked(sysmon_process("C:\\Program Files\\Acme\\agent.exe", kServices, "agent.exe"))
            .checks.empty());
  auto interactive =
      sysmon_process("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                     "C:\\Windows\\explorer.exe", "PowerShell.EXE");
  interactive["User"] = "CORP\\alice";  // an administrator's own shell
  CHECK(checked(interactive).checks.empty());
  // Defender runs from ProgramData: a well-known binary at home is not "user-writable".
  CHECK(checked(sysmon_process(
                    "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23050.5-0\\"
                    "MsMpEng.exe",
                    kServices, "MsMpEng.exe"))
            .checks.empty());
  CHECK(checked(security_4688("C:\\Program Files\\WindowsApps\\"
                              "Microsoft.WindowsNotepad_11.2310.13.0_x64__8wekyb3d8bbwe\\"
                              "Notepad\\Notepad.exe",
                              "C:\\Windows\\explorer.exe"))
            .checks.empty());
}

TEST_CASE("web_server_parent: what a web server worker starts", "[checks][evtx]") {
  const auto shell = checked(sysmon_process("C:\\Windows\\System32\\cmd.exe", kW3wp, "Cmd.Exe"));
  // Its child runs as the application pool: web_identity_shell fires beside it.
  CHECK(ids(shell) == Ids{"web_identity_shell", "web_server_parent"});
  CHECK(checked(sysmon_process("C:\\Windows\\System32\\whoami.exe",
                               "C:\\Program Files\\Apache Software Foundation\\Tomcat 9.0\\bin\\"
                               "tomcat9.exe",
                               "whoami.exe"))
            .checks.size() == 2);
  // ASP.NET compiling pages and console hosts are normal children of w3wp.exe.
  CHECK(checked(sysmon_process("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
                               kW3wp, "csc.exe"))
            .checks.empty());
  CHECK(checked(sysmon_process("C:\\Windows\\System32\\conhost.exe", kW3wp, "CONHOST.EXE"))
            .checks.empty());
  // ...but not a csc.exe elsewhere.
  CHECK(ids(checked(sysmon_process("C:\\inetpub\\wwwroot\\bin\\roslyn\\csc.exe", kW3wp,
                                   "csc.exe"))) == Ids{"user_writable_path", "web_server_parent"});
}

TEST_CASE("known_name_wrong_folder: a well-known name outside its folders", "[checks][evtx]") {
  const auto f = checked(sysmon_process("C:\\ProgramData\\svchost.exe", kServices, "svchost.exe"));
  CHECK(ids(f) == Ids{"known_name_wrong_folder", "user_writable_path"});
  const auto& wrong = hit(f, "known_name_wrong_folder");
  CHECK(wrong.severity == Severity::high);
  CHECK(wrong.attack == Attack{"T1036.005"});
  CHECK_THAT(wrong.reason, Catch::Contains("C:\\ProgramData\\svchost.exe") &&
                               Catch::Contains("%SystemRoot%\\System32"));

  CHECK(ids(checked(sysmon_process("C:\\Windows\\svchost.exe", kServices, "svchost.exe"))) ==
        Ids{"known_name_wrong_folder"});
  CHECK(ids(checked(security_4688("D:\\Tools\\sqlservr.exe", kServices))) ==
        Ids{"known_name_wrong_folder"});
  // Any drive letter, any case, device paths: still at home.
  CHECK(checked(security_4688("E:\\Program Files\\Microsoft SQL Server\\MSSQL16.SQL1\\MSSQL\\"
                              "Binn\\SQLSERVR.EXE",
                              kServices))
            .checks.empty());
  CHECK(checked(security_4688("\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe",
                              "C:\\Windows\\System32\\wininit.exe"))
            .checks.empty());
  // 8.3 short names cannot be judged without the volume: no claim.
  CHECK(checked(security_4688("C:\\PROGRA~1\\MICROS~1\\MSSQL1~1.MSS\\MSSQL\\Binn\\sqlservr.exe",
                              kServices))
            .checks.empty());
}

TEST_CASE("renamed_binary: Sysmon OriginalFileName of a well-known binary", "[checks][evtx]") {
  const auto f = checked(
      sysmon_process("C:\\Users\\Public\\update.exe", "C:\\Windows\\explorer.exe", "Cmd.Exe"));
  CHECK(ids(f) == Ids{"renamed_binary", "user_writable_path"});
  const auto& renamed = hit(f, "renamed_binary");
  CHECK(renamed.severity == Severity::medium);
  CHECK(renamed.attack == Attack{"T1036.003"});
  CHECK_THAT(renamed.reason,
             Catch::Contains("C:\\Users\\Public\\update.exe") && Catch::Contains("Cmd.Exe"));

  CHECK(ids(checked(sysmon_process("C:\\Program Files\\Acme\\ps.exe", kServices,
                                   "PowerShell.EXE.MUI"))) == Ids{"renamed_binary"});
  for (const char* original : {"-", "?", "", "acme.exe", "sqlserver.exe"}) {
    INFO(original);
    CHECK(checked(sysmon_process("C:\\Program Files\\Acme\\ps.exe", kServices, original))
              .checks.empty());
  }
  // 4688 has no OriginalFileName.
  CHECK(checked(security_4688("C:\\Program Files\\Acme\\ps.exe", kServices)).checks.empty());
}

TEST_CASE("service installs (System 7045, Security 4697)", "[checks][evtx]") {
  const auto f = checked(system_7045("SQLServerHelper", "\"C:\\ProgramData\\sqlserver.exe\" -svc"));
  CHECK(ids(f) == Ids{"lookalike_name", "user_writable_path"});
  const auto& writable = hit(f, "user_writable_path");
  CHECK(writable.attack == Attack{"T1543.003"});
  CHECK_THAT(writable.reason, Catch::Contains("SQLServerHelper") &&
                                  Catch::Contains("C:\\ProgramData\\sqlserver.exe"));
  CHECK(hit(f, "lookalike_name").attack == Attack{"T1036.005"});

  CHECK(ids(checked(system_7045("Updater", "C:\\Windows\\Temp\\svchost.exe -k netsvcs"))) ==
        Ids{"known_name_wrong_folder", "user_writable_path"});
  CHECK(ids(checked(system_7045("Acme", "C:\\Program Files\\Acme Corp\\lsasss.exe /run"))) ==
        Ids{"lookalike_name"});
  CHECK(checked(system_7045("Dnscache", "%SystemRoot%\\system32\\svchost.exe -k NetworkService -p"))
            .checks.empty());
  CHECK(checked(system_7045("MSSQLSERVER", "\"" + std::string(kSqlservr) + "\" -sMSSQLSERVER"))
            .checks.empty());
  CHECK(checked(system_7045("mydrv", "\\SystemRoot\\System32\\drivers\\mydrv.sys")).checks.empty());
  CHECK(checked(system_7045("fltmgr", "System32\\drivers\\fltmgr.sys")).checks.empty());

  const ordered_json s4697 = {{"EventID", 4697},
                              {"Provider", kSecurity},
                              {"Channel", "Security"},
                              {"SubjectUserName", "Administrator"},
                              {"ServiceName", "Helper"},
                              {"ServiceFileName", "C:\\Users\\Public\\lsasss.exe"},
                              {"ServiceType", "0x10"},
                              {"ServiceStartType", "2"},
                              {"ServiceAccount", "LocalSystem"}};
  const auto g = checked(s4697);
  CHECK(ids(g) == Ids{"lookalike_name", "user_writable_path"});
  CHECK_THAT(hit(g, "lookalike_name").reason,
             Catch::Contains("lsasss.exe is 1 edit from lsass.exe"));
}

TEST_CASE("Sysmon 11 file creation: lookalike names only", "[checks][evtx]") {
  auto created = [](const std::string& target) {
    return ordered_json{{"EventID", 11},
                        {"Provider", kSysmon},
                        {"Channel", kSysmonChannel},
                        {"ProcessId", 3100},
                        {"Image", kW3wp},
                        {"TargetFilename", target},
                        {"CreationUtcTime", "2023-02-20 14:02:55.001"}};
  };
  const auto f = checked(created("C:\\inetpub\\wwwroot\\svch0st.exe"));
  CHECK(ids(f) == Ids{"lookalike_name"});
  CHECK_THAT(hit(f, "lookalike_name").reason,
             Catch::Contains("Created file C:\\inetpub\\wwwroot\\svch0st.exe") &&
                 Catch::Contains("svch0st.exe is 1 edit from svchost.exe"));
  CHECK(checked(created("C:\\ProgramData\\svchost.exe")).checks.empty());
  CHECK(checked(created("C:\\inetpub\\wwwroot\\upload\\shell.aspx")).checks.empty());
}

TEST_CASE("log_cleared: Security 1102 and System 104", "[checks][evtx]") {
  const auto f = checked({{"EventID", 1102},
                          {"Provider", "Microsoft-Windows-Eventlog"},
                          {"Channel", "Security"},
                          {"SubjectUserSid", "S-1-5-21-1-2-3-500"},
                          {"SubjectUserName", "Administrator"},
                          {"SubjectDomainName", "WEB01"},
                          {"SubjectLogonId", "0x5d3f1a"}});
  CHECK(ids(f) == Ids{"log_cleared"});
  CHECK(hit(f, "log_cleared").severity == Severity::high);
  CHECK(hit(f, "log_cleared").attack == Attack{"T1070.001"});
  CHECK_THAT(hit(f, "log_cleared").reason,
             Catch::Contains("Security log") && Catch::Contains("WEB01\\Administrator"));

  const auto g = checked({{"EventID", 104},
                          {"Provider", "Microsoft-Windows-Eventlog"},
                          {"Channel", "System"},
                          {"SubjectUserName", "Administrator"},
                          {"SubjectDomainName", "WEB01"},
                          {"BackupPath", ""}});
  CHECK(ids(g) == Ids{"log_cleared"});

  // Same numbers from other providers are other events.
  CHECK(
      checked(
          {{"EventID", 104}, {"Provider", "Microsoft-Windows-Kernel-Boot"}, {"Channel", "System"}})
          .checks.empty());
  CHECK(checked({{"EventID", 1102}, {"Provider", kSecurity}, {"Channel", "Security"}})
            .checks.empty());
  CHECK(
      checked(
          {{"EventID", 1100}, {"Provider", "Microsoft-Windows-Eventlog"}, {"Channel", "Security"}})
          .checks.empty());
}

TEST_CASE("public_remote_logon: Security 4624", "[checks][evtx]") {
  const auto net = checked(security_4624(3, "203.0.113.7"));
  CHECK(ids(net) == Ids{"public_remote_logon"});
  CHECK(hit(net, "public_remote_logon").severity == Severity::medium);
  CHECK(hit(net, "public_remote_logon").attack == Attack{"T1078"});
  CHECK_THAT(hit(net, "public_remote_logon").reason, Catch::Contains("type 3") &&
                                                         Catch::Contains("WEB01\\Administrator") &&
                                                         Catch::Contains("203.0.113.7"));

  const auto rdp = checked(security_4624(10, "::ffff:198.51.100.9"));
  CHECK(hit(rdp, "public_remote_logon").attack == Attack{"T1078", "T1021.001"});

  CHECK(checked(security_4624(3, "10.0.1.20")).checks.empty());
  CHECK(checked(security_4624(10, "192.168.4.2")).checks.empty());
  CHECK(checked(security_4624(5, "203.0.113.7")).checks.empty());
  CHECK(checked(security_4624(2, "203.0.113.7")).checks.empty());
  CHECK(checked(security_4624(3, "-")).checks.empty());
  CHECK(checked(security_4624(3, "::1")).checks.empty());
  CHECK(checked(security_4624(3, "127.0.0.1")).checks.empty());
  CHECK(checked(security_4624(3, "fe80::8d1:2c3:4e5f:6a7b")).checks.empty());
  CHECK(checked(security_4624(3, "100.64.3.3")).checks.empty());

  auto as_text = security_4624(10, "203.0.113.7");
  as_text["LogonType"] = "10";  // kept verbatim when a reader could not type it
  CHECK(ids(checked(as_text)) == Ids{"public_remote_logon"});
}

TEST_CASE("public_remote_logon: Remote Desktop events", "[checks][evtx]") {
  auto rcm = [](const std::string& address) {
    return ordered_json{
        {"EventID", 1149},
        {"Provider", "Microsoft-Windows-TerminalServices-RemoteConnectionManager"},
        {"Channel", "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"},
        {"Param1", "Administrator"},
        {"Param2", "WEB01"},
        {"Param3", address}};
  };
  const auto f = checked(rcm("203.0.113.7"));
  CHECK(ids(f) == Ids{"public_remote_logon"});
  CHECK(hit(f, "public_remote_logon").attack == Attack{"T1021.001"});
  CHECK_THAT(hit(f, "public_remote_logon").reason, Catch::Contains("1149") &&
                                                       Catch::Contains("WEB01\\Administrator") &&
                                                       Catch::Contains("203.0.113.7"));
  CHECK(checked(rcm("10.0.1.20")).checks.empty());

  auto lsm = [](int id, const std::string& address) {
    return ordered_json{
        {"EventID", id},
        {"Provider", "Microsoft-Windows-TerminalServices-LocalSessionManager"},
        {"Channel", "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"},
        {"User", "WEB01\\Administrator"},
        {"SessionID", "2"},
        {"Address", address}};
  };
  for (int id : {21, 22, 25}) {
    INFO(id);
    const auto g = checked(lsm(id, "198.51.100.23"));
    CHECK(ids(g) == Ids{"public_remote_logon"});
    CHECK(hit(g, "public_remote_logon").attack == Attack{"T1021.001"});
    CHECK_THAT(hit(g, "public_remote_logon").reason,
               Catch::Contains(std::to_string(id)) && Catch::Contains("WEB01\\Administrator"));
    CHECK(checked(lsm(id, "LOCAL")).checks.empty());
    CHECK(checked(lsm(id, "172.31.5.9")).checks.empty());
  }
  CHECK(checked(lsm(24, "198.51.100.23")).checks.empty());
  CHECK(checked(lsm(23, "198.51.100.23")).checks.empty());
}

TEST_CASE("events the checks do not know, or malformed data, raise nothing", "[checks][evtx]") {
  // Image-like fields under another provider mean something else.
  auto other = sysmon_process("C:\\ProgramData\\sqlserver.exe", kW3wp, "Cmd.Exe");
  other["Provider"] = "Acme-Agent";
  CHECK(checked(other).checks.empty());
  // Sysmon 3 (network connection) carries an Image too, but is not a process start.
  auto network = sysmon_process("C:\\ProgramData\\sqlserver.exe", kW3wp, "");
  network["EventID"] = 3;
  CHECK(checked(network).checks.empty());
  auto no_id = sysmon_process("C:\\ProgramData\\sqlserver.exe", kW3wp, "");
  no_id.erase("EventID");
  CHECK(checked(no_id).checks.empty());
  auto wrong_types = sysmon_process("C:\\ProgramData\\sqlserver.exe", kW3wp, "");
  wrong_types["Image"] = 12;
  wrong_types["ParentImage"] = nullptr;
  CHECK(checked(wrong_types).checks.empty());
  CHECK(checked(ordered_json::array()).checks.empty());
  CHECK(checked(ordered_json::object()).checks.empty());
}
