#include "artifacts/evtx/event_catalog.hpp"

#include <array>

namespace sqltriage::evtx {

namespace {

using provider::kEventlog;
using provider::kSecurity;
using provider::kSysmon;
constexpr std::string_view kScm = provider::kServiceControlManager;
constexpr std::string_view kRcm = provider::kRemoteConnectionManager;
constexpr std::string_view kLsm = provider::kLocalSessionManager;

struct Entry {
  std::string_view provider;
  std::uint16_t event_id;
  std::string_view type;
};

constexpr std::array kCatalog{
    Entry{kSecurity, 4624, "evtx.logon"},
    Entry{kSecurity, 4625, "evtx.logon_failed"},
    Entry{kSecurity, 4672, "evtx.special_privileges"},
    Entry{kSecurity, 4688, "evtx.process_creation"},
    Entry{kSecurity, 4697, "evtx.service_installed"},
    Entry{kEventlog, 1102, "evtx.log_cleared"},
    Entry{kEventlog, 104, "evtx.log_cleared"},
    Entry{kScm, 7045, "evtx.service_installed"},
    Entry{kRcm, 1149, "evtx.rdp_authentication"},
    Entry{kLsm, 21, "evtx.rdp_session"},
    Entry{kLsm, 22, "evtx.rdp_session"},
    Entry{kLsm, 24, "evtx.rdp_session"},
    Entry{kLsm, 25, "evtx.rdp_session"},
    Entry{kSysmon, 1, "evtx.process_creation"},
    Entry{kSysmon, 3, "evtx.network_connection"},
    Entry{kSysmon, 11, "evtx.file_created"},
    Entry{kSysmon, 13, "evtx.registry_value_set"},
    Entry{kSysmon, 15, "evtx.file_stream_created"},
};

const Entry* lookup(std::string_view provider, std::uint16_t event_id) {
  for (const auto& e : kCatalog)
    if (e.event_id == event_id && e.provider == provider) return &e;
  return nullptr;
}

std::string field(const Event& e, std::string_view name, std::string_view fallback = "?") {
  const std::string* v = find_field(e, name);
  if (v == nullptr || v->empty()) return std::string(fallback);
  return *v;
}

std::string account(const Event& e, std::string_view domain_field, std::string_view user_field) {
  std::string user = field(e, user_field, "");
  std::string domain = field(e, domain_field, "");
  if (user.empty() || user == "-") return "?";
  if (domain.empty() || domain == "-") return user;
  return domain + "\\" + user;
}

std::string base(const std::string& path) {
  auto pos = path.find_last_of("\\/");
  return pos == std::string::npos ? path : path.substr(pos + 1);
}

std::string summarize(const Event& e) {
  const auto id = e.event_id;
  if (e.provider == kSecurity) {
    switch (id) {
      case 4624:
      case 4625: {
        std::string s = id == 4624 ? "Logon" : "Failed logon";
        s += " type " + field(e, "LogonType") + " of " +
             account(e, "TargetDomainName", "TargetUserName");
        std::string ip = field(e, "IpAddress", "-");
        if (ip != "-") s += " from " + ip;
        std::string ws = field(e, "WorkstationName", "-");
        if (ws != "-") s += " (workstation " + ws + ")";
        return s;
      }
      case 4672:
        return "Special privileges assigned to " +
               account(e, "SubjectDomainName", "SubjectUserName") + " (logon " +
               field(e, "SubjectLogonId") + ")";
      case 4688: {
        std::string who = account(e, "TargetDomainName", "TargetUserName");
        if (who == "?") who = account(e, "SubjectDomainName", "SubjectUserName");
        return base(field(e, "ParentProcessName")) + " started " + field(e, "NewProcessName") +
               " as " + who;
      }
      case 4697:
        return "Service " + field(e, "ServiceName") + " installed: " + field(e, "ServiceFileName") +
               " (by " + account(e, "SubjectDomainName", "SubjectUserName") + ")";
      default:
        break;
    }
  } else if (e.provider == kEventlog && (id == 1102 || id == 104)) {
    std::string log = id == 1102 ? "Security" : field(e, "Channel", "System");
    return log + " log cleared by " + account(e, "SubjectDomainName", "SubjectUserName");
  } else if (e.provider == kScm && id == 7045) {
    return "Service " + field(e, "ServiceName") + " installed: " + field(e, "ImagePath") + " (" +
           field(e, "StartType") + ", " + field(e, "AccountName") + ")";
  } else if (e.provider == kRcm && id == 1149) {
    std::string who = field(e, "Param1", "");
    std::string domain = field(e, "Param2", "");
    if (!domain.empty()) who = domain + "\\" + who;
    return "RDP authentication succeeded for " + who + " from " + field(e, "Param3");
  } else if (e.provider == kLsm) {
    std::string_view what = id == 21   ? "RDP session logon"
                            : id == 22 ? "RDP shell start"
                            : id == 24 ? "RDP session disconnected"
                            : id == 25 ? "RDP session reconnected"
                                       : "Session event";
    return std::string(what) + ": " + field(e, "User") + ", session " + field(e, "SessionID") +
           ", from " + field(e, "Address");
  } else if (e.provider == kSysmon) {
    switch (id) {
      case 1:
        return base(field(e, "ParentImage")) + " started " + field(e, "Image") + " as " +
               field(e, "User");
      case 3:
        return field(e, "Image") + " connected to " + field(e, "DestinationIp") + ":" +
               field(e, "DestinationPort") + " (" + field(e, "Protocol") + ")";
      case 11:
        return field(e, "Image") + " created " + field(e, "TargetFilename");
      case 13:
        return field(e, "Image") + " set " + field(e, "TargetObject") + " = " + field(e, "Details");
      case 15:
        return field(e, "Image") + " created stream " + field(e, "TargetFilename");
      default:
        break;
    }
  }
  return "EventID " + std::to_string(id) + " from " + e.provider;
}

}  // namespace

bool in_default_set(std::string_view provider, std::uint16_t event_id) {
  return lookup(provider, event_id) != nullptr;
}

std::string_view finding_type(std::string_view provider, std::uint16_t event_id) {
  const Entry* e = lookup(provider, event_id);
  return e != nullptr ? e->type : "evtx.event";
}

Finding make_finding(const Event& e, const std::string& artifact_path) {
  Finding f;
  f.type = std::string(finding_type(e.provider, e.event_id));
  f.time = e.time_created;
  f.summary = summarize(e);
  f.artifact.path = artifact_path;
  f.artifact.record = e.record_id;
  f.artifact.offset = e.offset;
  f.data = event_data(e);
  return f;
}

}  // namespace sqltriage::evtx
