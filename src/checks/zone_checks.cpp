// internet_download: a file whose Zone.Identifier says it came from the Internet.
#include <array>
#include <string>

#include "checks/evtx_parts.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/zone_identifier.hpp"

namespace sqltriage::checks::detail {

// Extensions Windows runs or a web server executes.
constexpr std::array<std::string_view, 22> kRunnable = {
    ".exe", ".dll", ".scr", ".com", ".pif", ".cpl", ".msi", ".sys", ".ps1",  ".psm1", ".bat",
    ".cmd", ".vbs", ".vbe", ".js",  ".jse", ".hta", ".wsf", ".jar", ".aspx", ".asp",  ".php"};

bool is_runnable(std::string_view path) {
  const auto file = basename(path);
  for (auto ext : kRunnable) {
    if (file.size() > ext.size() && iequals(file.substr(file.size() - ext.size()), ext))
      return true;
  }
  return false;
}

void check_internet_download(Finding& f) {
  const auto zone = number_field(f.data, "ZoneId");
  if (!zone || (*zone != 3 && *zone != 4)) return;
  std::string target = text_field(f.data, "TargetFilename").value_or("");
  // Sysmon names the stream ("C:\x\a.exe:Zone.Identifier"); the file is before the colon.
  if (auto colon = target.rfind(':'); colon != std::string::npos && colon > 1) target.resize(colon);
  const std::string host = text_field(f.data, "HostUrl").value_or("");
  const bool runnable = is_runnable(target);
  std::string reason = (target.empty() ? std::string("A file") : target) + " came from the " +
                       std::string(zone_name(static_cast<int>(*zone))) + " zone (ZoneId " +
                       std::to_string(*zone) + ")";
  if (!host.empty()) reason += ", HostUrl " + host;
  reason += runnable ? "; it is a file Windows or a web server runs." : ".";
  f.add_check({"internet_download", runnable ? Severity::medium : Severity::low,
               runnable ? std::vector<std::string>{"T1105"} : std::vector<std::string>{}, reason});
}

}  // namespace sqltriage::checks::detail
