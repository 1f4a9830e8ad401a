// web_identity_shell: a shell or reconnaissance tool running as a web application's identity.
#include <array>
#include <string>

#include "checks/evtx_parts.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks::detail {

namespace {

// What a webshell runs; what a web application never needs. csc.exe and vbc.exe are left
// out: ASP.NET compiles pages with them under the application pool's identity.
constexpr std::array<std::string_view, 26> kShellsAndRecon = {
    "cmd.exe",      "powershell.exe", "pwsh.exe",       "cscript.exe",  "wscript.exe",  "mshta.exe",
    "certutil.exe", "bitsadmin.exe",  "rundll32.exe",   "regsvr32.exe", "whoami.exe",   "net.exe",
    "net1.exe",     "nltest.exe",     "systeminfo.exe", "ipconfig.exe", "tasklist.exe", "curl.exe",
    "wmic.exe",     "reg.exe",        "sc.exe",         "schtasks.exe", "quser.exe",    "query.exe",
    "netstat.exe",  "bash.exe"};

// The identities web servers run applications as.
bool is_web_identity(std::string_view account) {
  const auto slash = account.find('\\');
  const auto domain =
      slash == std::string_view::npos ? std::string_view() : account.substr(0, slash);
  const auto user = slash == std::string_view::npos ? account : account.substr(slash + 1);
  return iequals(domain, "IIS APPPOOL") || iequals(user, "IUSR") ||
         iequals(user, "DefaultAppPool") || iequals(user, "apache") || iequals(user, "www-data") ||
         iequals(user, "nginx");
}

}  // namespace

void check_web_identity_shell(Finding& f, std::string_view image, std::string_view account) {
  if (account.empty() || !is_web_identity(account)) return;
  const auto name = basename(image);
  bool listed = false;
  for (auto tool : kShellsAndRecon) listed = listed || iequals(name, tool);
  if (!listed) return;
  f.add_check({"web_identity_shell",
               Severity::high,
               {"T1505.003"},
               std::string(image) + " ran as " + std::string(account) +
                   ", a web application's identity: web applications do not start shells or "
                   "reconnaissance tools; a webshell does."});
}

}  // namespace sqltriage::checks::detail
