// web_identity_shell: shells started under a web application's identity, whatever the parent.
#include "sqltriage/checks.hpp"
#include "support.hpp"

using namespace sqltriage;

namespace {
Finding sysmon1(const std::string& image, const std::string& parent, const std::string& user) {
  Finding f;
  f.data = {{"EventID", 1},
            {"Provider", "Microsoft-Windows-Sysmon"},
            {"Channel", "Microsoft-Windows-Sysmon/Operational"},
            {"Image", image},
            {"ParentImage", parent},
            {"User", user}};
  return f;
}

Finding security4688(const std::string& image, const std::string& subject_domain,
                     const std::string& subject_user) {
  Finding f;
  f.data = {{"EventID", 4688},
            {"Provider", "Microsoft-Windows-Security-Auditing"},
            {"Channel", "Security"},
            {"SubjectUserName", subject_user},
            {"SubjectDomainName", subject_domain},
            {"NewProcessName", image},
            {"TargetUserName", "-"},
            {"TargetDomainName", "-"},
            {"ParentProcessName", "C:\\Windows\\System32\\cmd.exe"}};
  return f;
}

bool fired(const Finding& f, const std::string& id) {
  for (const auto& c : f.checks)
    if (c.id == id) return true;
  return false;
}
}  // namespace

TEST_CASE("web_identity_shell: a shell two levels below w3wp.exe is still caught") {
  // cmd.exe started PowerShell: the parent is not the web server, the identity still is.
  auto f = sysmon1("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                   "C:\\Windows\\System32\\cmd.exe", "IIS APPPOOL\\DefaultAppPool");
  checks::apply_evtx_checks(f);
  CHECK(fired(f, "web_identity_shell"));
  CHECK_FALSE(fired(f, "web_server_parent"));
  CHECK(f.severity == Severity::high);
  CHECK(f.attack == std::vector<std::string>{"T1505.003"});

  // 4688 with an empty Target account: the Subject is the process's account.
  auto s = security4688("C:\\Windows\\System32\\whoami.exe", "IIS APPPOOL", "DefaultAppPool");
  checks::apply_evtx_checks(s);
  CHECK(fired(s, "web_identity_shell"));
  CHECK(s.checks.back().reason.find("IIS APPPOOL\\DefaultAppPool") != std::string::npos);
}

TEST_CASE("web_identity_shell: not for other identities or for ASP.NET's compiler") {
  auto admin =
      sysmon1("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\explorer.exe", "CORP\\Administrator");
  checks::apply_evtx_checks(admin);
  CHECK_FALSE(fired(admin, "web_identity_shell"));

  auto csc = sysmon1("C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
                     "C:\\Windows\\System32\\inetsrv\\w3wp.exe", "IIS APPPOOL\\DefaultAppPool");
  checks::apply_evtx_checks(csc);
  CHECK_FALSE(fired(csc, "web_identity_shell"));

  auto w3wp = sysmon1("C:\\Windows\\System32\\inetsrv\\w3wp.exe",
                      "C:\\Windows\\System32\\svchost.exe", "IIS APPPOOL\\DefaultAppPool");
  checks::apply_evtx_checks(w3wp);
  CHECK(w3wp.checks.empty());
}
