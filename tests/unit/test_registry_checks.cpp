// The registry checks on findings built by hand (docs/checks.md#registry): each check fires on
// its case and stays quiet on the near misses.
#include <catch2/catch.hpp>
#include <set>

#include "sqltriage/checks.hpp"

namespace {

using sqltriage::Finding;
using sqltriage::Severity;
using sqltriage::checks::apply_registry_checks;
using sqltriage::checks::RegistryCheckOptions;

std::set<std::string> ids(const Finding& f) {
  std::set<std::string> out;
  for (const auto& c : f.checks) out.insert(c.id);
  return out;
}

Finding service(const std::string& image_path, const std::string& dll = "") {
  Finding f;
  f.type = "registry.service";
  f.data["ServiceName"] = "X";
  f.data["ImagePath"] = image_path;
  f.data["ServiceDll"] =
      dll.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(dll);
  return f;
}

Finding autorun(const std::string& category, const std::string& command) {
  Finding f;
  f.type = "registry.autorun";
  f.data["Category"] = category;
  f.data["ValueName"] = "v";
  f.data["Command"] = command;
  return f;
}

RegistryCheckOptions target(const std::string& t) {
  RegistryCheckOptions o;
  o.targets = {t};
  return o;
}

}  // namespace

TEST_CASE("persistence_target names the technique of the location", "[registry][checks]") {
  Finding s = service("C:\\Windows\\sqlserver.exe");
  apply_registry_checks(s, target("sqlserver.exe"));
  CHECK(ids(s) == std::set<std::string>{"persistence_target"});
  CHECK(s.severity == Severity::high);
  CHECK(s.attack == std::vector<std::string>{"T1543.003"});

  Finding ifeo = autorun("IFEO Debugger", "C:\\Windows\\sqlserver.exe");
  apply_registry_checks(ifeo, target("C:\\Windows\\sqlserver.exe"));
  CHECK(ifeo.attack == std::vector<std::string>{"T1546.012"});

  Finding winlogon =
      autorun("Winlogon", "C:\\Windows\\system32\\userinit.exe,C:\\Windows\\sqlserver.exe");
  apply_registry_checks(winlogon, target("sqlserver.exe"));
  CHECK(winlogon.attack == std::vector<std::string>{"T1547.004"});

  // A name that only contains the target's name is not the target.
  Finding other = service("C:\\Windows\\mysqlserver.exe");
  apply_registry_checks(other, target("sqlserver.exe"));
  CHECK(ids(other).empty());
  CHECK(other.severity == Severity::info);
}

TEST_CASE("execution evidence with a device path names a drive-letter target",
          "[registry][checks]") {
  Finding bam;
  bam.type = "registry.bam";
  bam.data["Path"] = "\\Device\\HarddiskVolume2\\ProgramData\\sqlserver.exe";
  apply_registry_checks(bam, target("C:\\ProgramData\\sqlserver.exe"));
  CHECK(ids(bam).count("execution_of_target") == 1);
  CHECK(bam.severity == Severity::high);

  Finding elsewhere;
  elsewhere.type = "registry.bam";
  elsewhere.data["Path"] = "\\Device\\HarddiskVolume2\\Windows\\sqlserver.exe";
  apply_registry_checks(elsewhere, target("C:\\ProgramData\\sqlserver.exe"));
  CHECK(ids(elsewhere).count("execution_of_target") == 0);
}

TEST_CASE("persistence_user_writable and execution_user_writable", "[registry][checks]") {
  Finding dll =
      service("%SystemRoot%\\system32\\svchost.exe -k netsvcs", "C:\\Users\\Public\\evil.dll");
  apply_registry_checks(dll, {});
  CHECK(ids(dll) == std::set<std::string>{"persistence_user_writable"});
  CHECK(dll.severity == Severity::high);

  Finding system = service("%SystemRoot%\\system32\\svchost.exe -k netsvcs",
                           "%SystemRoot%\\system32\\wuaueng.dll");
  apply_registry_checks(system, {});
  CHECK(ids(system).empty());

  Finding shim;
  shim.type = "registry.shimcache";
  shim.data["Path"] = "C:\\inetpub\\wwwroot\\uploads\\x.exe";
  apply_registry_checks(shim, {});
  CHECK(ids(shim) == std::set<std::string>{"execution_user_writable"});
  CHECK(shim.severity == Severity::low);

  // A task whose action runs from ProgramData.
  Finding task;
  task.type = "registry.scheduled_task";
  task.data["TaskPath"] = "\\Updater";
  task.data["Actions"] = nlohmann::ordered_json::array(
      {{{"Type", "Exec"}, {"Command", "C:\\ProgramData\\u.exe"}, {"Arguments", nullptr}}});
  apply_registry_checks(task, {});
  CHECK(ids(task) == std::set<std::string>{"persistence_user_writable"});
  CHECK(task.attack == std::vector<std::string>{"T1053.005"});
}

TEST_CASE("written_in_window uses the key's LastWrite and the window's bounds",
          "[registry][checks]") {
  const auto pivot = *sqltriage::parse_iso8601("2023-02-20T14:04:00Z");
  RegistryCheckOptions o;
  o.since = pivot - 300 * sqltriage::kTicksPerSecond;
  o.until = pivot + 300 * sqltriage::kTicksPerSecond;
  Finding inside = autorun("Run", "C:\\Windows\\notepad.exe");
  inside.time = pivot + 299 * sqltriage::kTicksPerSecond;
  apply_registry_checks(inside, o);
  CHECK(ids(inside) == std::set<std::string>{"written_in_window"});
  CHECK(inside.severity == Severity::medium);

  Finding outside = autorun("Run", "C:\\Windows\\notepad.exe");
  outside.time = pivot + 301 * sqltriage::kTicksPerSecond;
  apply_registry_checks(outside, o);
  CHECK(ids(outside).empty());

  Finding no_time = autorun("Run", "C:\\Windows\\notepad.exe");
  apply_registry_checks(no_time, o);
  CHECK(ids(no_time).empty());
}

TEST_CASE("unquoted_service_path", "[registry][checks]") {
  Finding unquoted = service("C:\\Program Files\\Backup Agent\\agent.exe -run");
  apply_registry_checks(unquoted, {});
  CHECK(ids(unquoted) == std::set<std::string>{"unquoted_service_path"});
  CHECK(unquoted.severity == Severity::low);

  for (const char* fine :
       {"\"C:\\Program Files\\Backup Agent\\agent.exe\" -run",
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p", "System32\\drivers\\some driver.sys",
        "%SystemRoot%\\system32\\svchost.exe -k LocalService"}) {
    Finding f = service(fine);
    apply_registry_checks(f, {});
    INFO(fine);
    CHECK(ids(f).count("unquoted_service_path") == 0);
  }
}
