#include "pipeline/aws/cloudtrail_finding.hpp"

#include "sqltriage/checks.hpp"

namespace sqltriage::aws {

namespace {

using nlohmann::ordered_json;

void put(ordered_json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

ordered_json identity_json(const UserIdentity& id) {
  ordered_json j = ordered_json::object();
  put(j, "type", id.type);
  put(j, "principal_id", id.principal_id);
  put(j, "arn", id.arn);
  put(j, "account_id", id.account_id);
  put(j, "access_key_id", id.access_key_id);
  put(j, "user_name", id.user_name);
  if (!id.session_issuer_type.empty() || !id.session_issuer_arn.empty()) {
    ordered_json issuer = ordered_json::object();
    put(issuer, "type", id.session_issuer_type);
    put(issuer, "arn", id.session_issuer_arn);
    j["session_context"]["session_issuer"] = std::move(issuer);
  }
  put(j, "invoked_by", id.invoked_by);
  return j;
}

/// Who made the call, in one phrase.
std::string who(const UserIdentity& id) {
  if (!id.arn.empty()) return id.arn;
  if (!id.user_name.empty()) return id.user_name;
  if (!id.invoked_by.empty()) return id.invoked_by;
  return id.type.empty() ? std::string("an unknown identity") : id.type;
}

/// Longest name list put in a summary, in bytes (cut at a UTF-8 boundary, "..." appended).
constexpr std::size_t kMaxReadNames = 200;

/// What a secret or parameter read names, from requestParameters: " (secretId: x)",
/// " (name: x)", " (names: a, b)"; "" for other calls or when requestParameters does not say
/// (absent, cut at 4 KiB, not JSON).
std::string what_was_read(const CloudTrailEvent& ev) {
  const char* key = nullptr;
  if (ev.event_source == "secretsmanager.amazonaws.com" && ev.event_name == "GetSecretValue")
    key = "secretId";
  else if (ev.event_source == "ssm.amazonaws.com" && ev.event_name == "GetParameter")
    key = "name";
  else if (ev.event_source == "ssm.amazonaws.com" && ev.event_name == "GetParameters")
    key = "names";
  if (!key || ev.request_parameters.empty()) return {};
  const auto params = ordered_json::parse(ev.request_parameters, nullptr, false);
  if (params.is_discarded() || !params.is_object() || !params.contains(key)) return {};
  const auto& v = params[key];
  std::string names;
  if (v.is_string()) {
    names = v.get<std::string>();
  } else if (v.is_array()) {
    for (const auto& n : v)
      if (n.is_string()) names += (names.empty() ? "" : ", ") + n.get<std::string>();
  }
  if (names.empty()) return {};
  if (names.size() > kMaxReadNames) {
    names.resize(kMaxReadNames);
    while (!names.empty() && (static_cast<unsigned char>(names.back()) & 0xC0) == 0x80)
      names.pop_back();
    if (!names.empty() && (static_cast<unsigned char>(names.back()) & 0x80)) names.pop_back();
    names += "...";
  }
  return " (" + std::string(key) + ": " + names + ")";
}

}  // namespace

std::string instance_of(const UserIdentity& identity) {
  const std::string session = identity.session_name();
  if (is_instance_id(session)) return session;
  const auto colon = identity.principal_id.find(':');
  if (colon != std::string::npos) {
    const auto tail = std::string_view(identity.principal_id).substr(colon + 1);
    if (is_instance_id(tail)) return std::string(tail);
  }
  return {};
}

std::string role_of(const UserIdentity& identity) {
  if (!identity.session_issuer_arn.empty()) return identity.session_issuer_arn;
  const auto slash = identity.arn.find_last_of('/');
  return identity.type == "AssumedRole" && slash != std::string::npos
             ? identity.arn.substr(0, slash)
             : std::string();
}

bool is_address(std::string_view source_ip) { return checks::classify_ip(source_ip) != "invalid"; }

Finding api_call_finding(const CloudTrailEvent& ev, const std::string& display) {
  Finding f;
  f.type = "aws.api_call";
  f.time = ev.time;
  f.artifact.path = display;
  f.artifact.offset = ev.offset;
  f.artifact.record = ev.index;
  const std::string instance = instance_of(ev.identity);

  ordered_json event = ordered_json::object();
  put(event, "action", ev.event_name);
  put(event, "provider", ev.event_source);
  event["outcome"] = ev.error_code.empty() ? "success" : "failure";
  put(event, "id", ev.event_id);
  put(event, "type", ev.event_type);
  f.data["event"] = std::move(event);

  ordered_json cloud = ordered_json::object();
  cloud["provider"] = "aws";
  put(cloud, "region", ev.aws_region);
  const std::string& account =
      !ev.recipient_account_id.empty() ? ev.recipient_account_id : ev.identity.account_id;
  if (!account.empty()) cloud["account"]["id"] = account;
  if (!instance.empty()) cloud["instance"]["id"] = instance;
  f.data["cloud"] = std::move(cloud);

  if (!ev.source_ip.empty()) {
    if (is_address(ev.source_ip))
      f.data["source"]["ip"] = ev.source_ip;
    else
      f.data["source"]["address"] = ev.source_ip;  // a service name ("AWS Internal", ...)
  }
  if (!ev.user_agent.empty()) f.data["user_agent"]["original"] = ev.user_agent;

  ordered_json ct = ordered_json::object();
  put(ct, "event_time", ev.event_time);
  ct["user_identity"] = identity_json(ev.identity);
  put(ct, "error_code", ev.error_code);
  put(ct, "error_message", ev.error_message);
  put(ct, "request_parameters", ev.request_parameters);
  if (ev.read_only) ct["read_only"] = *ev.read_only;
  f.data["aws"]["cloudtrail"] = std::move(ct);

  f.summary =
      (ev.event_name.empty() ? std::string("(no eventName)") : ev.event_name) + what_was_read(ev) +
      " on " + (ev.event_source.empty() ? std::string("(no eventSource)") : ev.event_source) +
      " by " + who(ev.identity) + (ev.source_ip.empty() ? std::string() : " from " + ev.source_ip) +
      (ev.error_code.empty() ? std::string() : ", failed: " + ev.error_code);
  return f;
}

}  // namespace sqltriage::aws
