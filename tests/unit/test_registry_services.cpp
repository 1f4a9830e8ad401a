// registry.service over a SYSTEM hive written by hivexregedit --merge (two control sets,
// Select\Current = 1): every field is compared with what the test wrote, LastWrite with
// hivex's reading of the key.
#include <map>
#include <set>

#include "artifacts/registry/extract.hpp"
#include "registry_persistence_support.hpp"

namespace fs = std::filesystem;
using sqltriage::Finding;
using sqltriage::format_filetime;
using sqltriage::registry::HiveKind;
using sqltriage::registry::read_services;
using sqltriage::test::RegText;
using sqltriage::test::run_hive_reader;

TEST_CASE("services: every control set, ServiceDll under Parameters, names of Start and Type",
          "[registry][persistence]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir tmp;
  RegText reg;
  reg.dword("Select", "Current", 1);
  reg.dword("Select", "LastKnownGood", 2);
  const std::string s1 = "ControlSet001\\Services\\";
  reg.expand_sz(s1 + "SqlAgentX", "ImagePath", "C:\\ProgramData\\sqlserver.exe -k x");
  reg.sz(s1 + "SqlAgentX", "DisplayName", "SQL Agent X");
  reg.sz(s1 + "SqlAgentX", "Description", "Totally legit");
  reg.sz(s1 + "SqlAgentX", "ObjectName", "LocalSystem");
  reg.sz(s1 + "SqlAgentX", "FailureCommand", "C:\\ProgramData\\fail.cmd");
  reg.sz(s1 + "SqlAgentX", "Group", "SQLGroup");
  reg.dword(s1 + "SqlAgentX", "Start", 2);
  reg.dword(s1 + "SqlAgentX", "DelayedAutostart", 1);
  reg.dword(s1 + "SqlAgentX", "Type", 0x110);
  reg.expand_sz(s1 + "NetSvcX", "ImagePath", "%SystemRoot%\\System32\\svchost.exe -k netsvcs");
  reg.dword(s1 + "NetSvcX", "Start", 3);
  reg.dword(s1 + "NetSvcX", "Type", 0x20);
  reg.sz(s1 + "NetSvcX", "ObjectName", "NT AUTHORITY\\LocalService");
  reg.expand_sz(s1 + "NetSvcX\\Parameters", "ServiceDll", "C:\\ProgramData\\evil.dll");
  reg.expand_sz(s1 + "NetSvcX", "ServiceDll", "C:\\ignored-when-parameters-has-one.dll");
  reg.expand_sz(s1 + "OwnDll", "ServiceDll", "C:\\ProgramData\\own.dll");  // no Parameters key
  reg.dword(s1 + "OwnDll", "Start", 4);
  reg.expand_sz(s1 + "drv", "ImagePath", "system32\\drivers\\drv.sys");
  reg.dword(s1 + "drv", "Start", 0);
  reg.dword(s1 + "drv", "Type", 1);
  reg.add_key(s1 + "Bare");  // a key with no values is still a service key
  const std::string s2 = "ControlSet002\\Services\\";
  reg.expand_sz(s2 + "SqlAgentX", "ImagePath", "C:\\ProgramData\\old.exe");
  reg.dword(s2 + "SqlAgentX", "Start", 3);
  reg.dword(s2 + "SqlAgentX", "Type", 0x10);
  reg.add_key("ControlSetX01\\Services\\NotAControlSet");  // not ControlSet00N
  const fs::path hive = tmp.path() / "SYSTEM";
  sqltriage::test::write_hive(hive, reg.str());

  const auto out = run_hive_reader(hive, HiveKind::system, read_services);
  CHECK(out.errors.empty());
  std::map<std::string, const Finding*> by;
  for (const auto& f : out.findings) {
    CHECK(f.type == "registry.service");
    const std::string id =
        f.data["ControlSet"].get<std::string>() + "\\" + f.data["ServiceName"].get<std::string>();
    CHECK(by.count(id) == 0);
    by[id] = &f;
  }
  REQUIRE(by.size() == 6);
  REQUIRE(out.findings.size() == 6);

  const auto& a = by.at("ControlSet001\\SqlAgentX")->data;
  CHECK(a["KeyPath"] == "ControlSet001\\Services\\SqlAgentX");
  CHECK(a["RegistryPath"] == "HKLM\\SYSTEM\\ControlSet001\\Services\\SqlAgentX");
  CHECK(a["Current"] == true);
  CHECK(a["DisplayName"] == "SQL Agent X");
  CHECK(a["Description"] == "Totally legit");
  CHECK(a["ImagePath"] == "C:\\ProgramData\\sqlserver.exe -k x");
  CHECK(a["ServiceDll"].is_null());
  CHECK(a["Start"] == 2);
  CHECK(a["StartName"] == "Automatic");
  CHECK(a["DelayedAutostart"] == true);
  CHECK(a["Type"] == 0x110);
  CHECK(a["TypeName"] == "Own process, Interactive");
  CHECK(a["ObjectName"] == "LocalSystem");
  CHECK(a["FailureCommand"] == "C:\\ProgramData\\fail.cmd");
  CHECK(a["Group"] == "SQLGroup");

  const auto& n = by.at("ControlSet001\\NetSvcX")->data;
  CHECK(n["ServiceDll"] == "C:\\ProgramData\\evil.dll");
  CHECK(n["StartName"] == "Manual");
  CHECK(n["TypeName"] == "Share process");
  CHECK(n["ObjectName"] == "NT AUTHORITY\\LocalService");
  CHECK(n["DelayedAutostart"].is_null());
  CHECK(by.at("ControlSet001\\OwnDll")->data["ServiceDll"] == "C:\\ProgramData\\own.dll");
  CHECK(by.at("ControlSet001\\OwnDll")->data["StartName"] == "Disabled");
  CHECK(by.at("ControlSet001\\OwnDll")->data["ImagePath"].is_null());
  CHECK(by.at("ControlSet001\\drv")->data["StartName"] == "Boot");
  CHECK(by.at("ControlSet001\\drv")->data["TypeName"] == "Kernel driver");
  const auto& bare = by.at("ControlSet001\\Bare")->data;
  CHECK(bare["Start"].is_null());
  CHECK(bare["Type"].is_null());
  CHECK(bare["TypeName"].is_null());

  const auto& old = by.at("ControlSet002\\SqlAgentX")->data;
  CHECK(old["Current"] == false);
  CHECK(old["ImagePath"] == "C:\\ProgramData\\old.exe");
  CHECK(old["TypeName"] == "Own process");

  std::set<std::string> keys;
  for (const auto& f : out.findings) keys.insert(f.data["KeyPath"].get<std::string>());
  const auto stamps = sqltriage::test::hivex_timestamps(hive, keys);
  for (const auto& f : out.findings) {
    const std::string key = f.data["KeyPath"].get<std::string>();
    REQUIRE(f.time.has_value());
    CHECK(*f.time == stamps.at(key));
    CHECK(f.data["LastWrite"] == format_filetime(stamps.at(key)));
  }
}
