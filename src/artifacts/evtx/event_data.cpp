// The typed `data` object of an EVTX finding (see evtx.hpp and docs/findings.md).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "sqltriage/evtx.hpp"
#include "sqltriage/zone_identifier.hpp"

namespace sqltriage::evtx {

namespace {

using Json = nlohmann::ordered_json;

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string hex_id(std::uint64_t v) {
  std::array<char, 20> buf{};
  auto [p, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, 16);
  (void)ec;
  return "0x" + std::string(buf.data(), p);
}

bool is_guid(std::string_view s) {
  if (s.size() != 38 || s.front() != '{' || s.back() != '}') return false;
  for (std::size_t i = 1; i < 37; ++i) {
    char c = s[i];
    if (i == 9 || i == 14 || i == 19 || i == 24) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string_view logon_type_name(std::uint64_t t) {
  switch (t) {
    case 0:
      return "System";
    case 2:
      return "Interactive";
    case 3:
      return "Network";
    case 4:
      return "Batch";
    case 5:
      return "Service";
    case 7:
      return "Unlock";
    case 8:
      return "NetworkCleartext";
    case 9:
      return "NewCredentials";
    case 10:
      return "RemoteInteractive";
    case 11:
      return "CachedInteractive";
    case 12:
      return "CachedRemoteInteractive";
    case 13:
      return "CachedUnlock";
    default:
      return "";
  }
}

std::string_view elevation_type_name(std::string_view v) {
  if (v == "%%1936") return "TokenElevationTypeDefault (1)";
  if (v == "%%1937") return "TokenElevationTypeFull (2)";
  if (v == "%%1938") return "TokenElevationTypeLimited (3)";
  return "";
}

std::string_view mandatory_label_name(std::string_view sid) {
  if (sid == "S-1-16-0") return "Untrusted";
  if (sid == "S-1-16-4096") return "Low";
  if (sid == "S-1-16-8192") return "Medium";
  if (sid == "S-1-16-8448") return "MediumPlus";
  if (sid == "S-1-16-12288") return "High";
  if (sid == "S-1-16-16384") return "System";
  if (sid == "S-1-16-20480") return "ProtectedProcess";
  return "";
}

// Decimal counters and ports: numbers when the text is all digits.
bool is_decimal_field(std::string_view n) {
  return one_of(n, {"LogonType", "TerminalSessionId", "SourcePort", "DestinationPort", "IpPort",
                    "SessionID", "KeyLength", "ServiceStartType", "ThreadId", "EventType"});
}

// Process ids: Security events write them in hex, Sysmon in decimal; both become numbers.
bool is_process_id_field(std::string_view n) {
  return one_of(n, {"ProcessId", "NewProcessId", "ParentProcessId", "CallerProcessId",
                    "SourceProcessId", "TargetProcessId", "ClientProcessId"});
}

bool is_logon_id_field(std::string_view n) { return ends_with(n, "LogonId") || n == "LogonID"; }

// Appends name: value, turning repeated names into arrays so nothing is lost.
void put(Json& obj, const std::string& name, Json value) {
  auto it = obj.find(name);
  if (it == obj.end()) {
    obj[name] = std::move(value);
  } else if (it->is_array()) {
    it->push_back(std::move(value));
  } else {
    Json arr = Json::array({std::move(*it), std::move(value)});
    *it = std::move(arr);
  }
}

void put_typed(Json& obj, const std::string& name, const std::string& raw) {
  if (is_decimal_field(name)) {
    if (auto v = parse_unsigned(raw); v && raw.find_first_of("xX") == std::string::npos) {
      put(obj, name, *v);
      if (name == "LogonType") {
        if (auto label = logon_type_name(*v); !label.empty()) put(obj, "LogonTypeName", label);
      }
      return;
    }
  } else if (is_process_id_field(name)) {
    if (auto v = parse_unsigned(raw)) {
      put(obj, name, *v);
      return;
    }
  } else if (is_logon_id_field(name)) {
    if (auto v = parse_unsigned(raw); v && raw.size() > 2 && (raw[1] == 'x' || raw[1] == 'X')) {
      put(obj, name, hex_id(*v));
      return;
    }
  } else if (ends_with(name, "Guid") || ends_with(name, "GUID")) {
    if (is_guid(raw)) {
      std::string up = raw;
      std::transform(up.begin(), up.end(), up.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      put(obj, name, up);
      return;
    }
  }
  put(obj, name, raw);
  if (name == "Hashes") {
    // Sysmon: "SHA1=...,MD5=...,SHA256=...,IMPHASH=..."
    std::string_view rest = raw;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto part = rest.substr(0, comma);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && eq > 0)
        put(obj, std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (name == "TokenElevationType") {
    if (auto label = elevation_type_name(raw); !label.empty())
      put(obj, "TokenElevationTypeName", label);
  } else if (name == "Contents") {
    // Sysmon 15: the Zone.Identifier text of a downloaded file.
    if (auto zone = parse_zone_identifier(raw)) {
      if (zone->zone_id) {
        put(obj, "ZoneId", *zone->zone_id);
        if (auto label = zone_name(*zone->zone_id); !label.empty()) put(obj, "ZoneName", label);
      }
      if (!zone->referrer_url.empty()) put(obj, "ReferrerUrl", zone->referrer_url);
      if (!zone->host_url.empty()) put(obj, "HostUrl", zone->host_url);
    }
  } else if (name == "MandatoryLabel") {
    if (auto label = mandatory_label_name(raw); !label.empty())
      put(obj, "MandatoryLabelName", label);
  }
}

}  // namespace

nlohmann::ordered_json event_data(const Event& e) {
  Json d = Json::object();
  d["EventID"] = e.event_id;
  if (e.qualifiers) d["Qualifiers"] = *e.qualifiers;
  d["EventRecordID"] = e.record_id;
  d["TimeCreated"] = format_filetime(e.time_created);
  d["Provider"] = e.provider;
  if (!e.provider_guid.empty()) d["ProviderGuid"] = e.provider_guid;
  d["Channel"] = e.channel;
  d["Computer"] = e.computer;
  if (e.level) d["Level"] = *e.level;
  if (e.task) d["Task"] = *e.task;
  if (e.keywords) d["Keywords"] = hex_id(*e.keywords);
  if (e.process_id) d["ExecutionProcessID"] = *e.process_id;
  if (e.thread_id) d["ExecutionThreadID"] = *e.thread_id;
  if (!e.user_id.empty()) d["UserID"] = e.user_id;
  if (e.recovered) d["Recovered"] = true;
  // An event field named like a System field (System 104 has a "Channel": the log that was
  // cleared) is kept as "<Section>.<Name>", so the System value stays where checks read it.
  std::vector<std::string> system_keys;
  for (auto it = d.begin(); it != d.end(); ++it) system_keys.push_back(it.key());
  const std::string section = e.data_section.empty() ? "EventData" : e.data_section;
  for (const auto& [name, raw] : e.fields) {
    const bool clash = std::find(system_keys.begin(), system_keys.end(), name) != system_keys.end();
    put_typed(d, clash ? section + "." + name : name, raw);
  }
  return d;
}

}  // namespace sqltriage::evtx
