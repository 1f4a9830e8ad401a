// Checks on logons from public addresses and on cleared event logs (see docs/checks.md).
#include <string>

#include "checks/evtx_parts.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks::detail {
namespace {

std::string of_account(const std::string& who) { return who.empty() ? "" : " of " + who; }

}  // namespace

void check_4624_public_logon(Finding& f) {
  const auto type = number_field(f.data, "LogonType");
  if (!type || (*type != 3 && *type != 10)) return;
  const auto address = text_field(f.data, "IpAddress");
  if (!address || classify_ip(*address) != "public") return;
  const auto who = account(f.data, "TargetDomainName", "TargetUserName");
  CheckHit hit{"public_remote_logon", Severity::medium, {"T1078"}, {}};
  if (*type == 10) {
    hit.attack.push_back("T1021.001");
    hit.reason = "Remote interactive (RDP) logon (type 10)" + of_account(who) +
                 " from public address " + *address + ".";
  } else {
    hit.reason =
        "Network logon (type 3)" + of_account(who) + " from public address " + *address + ".";
  }
  f.add_check(std::move(hit));
}

void check_rdp_public_address(Finding& f, std::int64_t event_id, bool remote_connection_manager) {
  std::optional<std::string> address;
  std::string who;
  std::string what;
  if (remote_connection_manager) {
    if (event_id != 1149) return;
    address = text_field(f.data, "Param3");
    who = account(f.data, "Param2", "Param1");
    what = "Remote Desktop connection (RemoteConnectionManager 1149)";
  } else {
    if (event_id == 21) {
      what = "Remote Desktop session logon (LocalSessionManager 21)";
    } else if (event_id == 22) {
      what = "Remote Desktop shell start (LocalSessionManager 22)";
    } else if (event_id == 25) {
      what = "Remote Desktop session reconnection (LocalSessionManager 25)";
    } else {
      return;
    }
    address = text_field(f.data, "Address");
    who = account(f.data, "", "User");
  }
  if (!address || classify_ip(*address) != "public") return;
  f.add_check({"public_remote_logon",
               Severity::medium,
               {"T1021.001"},
               what + of_account(who) + " from public address " + *address + "."});
}

void check_log_cleared(Finding& f, std::int64_t event_id) {
  std::string what;
  if (event_id == 1102) {
    what = "The Security log was cleared (Security 1102)";
  } else if (event_id == 104) {
    what = "An event log was cleared (System 104)";
  } else {
    return;
  }
  const auto who = account(f.data, "SubjectDomainName", "SubjectUserName");
  f.add_check({"log_cleared",
               Severity::high,
               {"T1070.001"},
               what + (who.empty() ? "" : " by " + who) + "."});
}

}  // namespace sqltriage::checks::detail
