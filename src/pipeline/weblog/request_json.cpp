// A logged request as JSON, by its W3C field names.
#include "pipeline/weblog/request_json.hpp"

namespace sqltriage::pipeline::weblog_scan {

namespace {

void text(nlohmann::ordered_json& j, const char* name, const std::string& value) {
  if (!value.empty()) j[name] = value;
}

template <typename T>
void number(nlohmann::ordered_json& j, const char* name, const std::optional<T>& value) {
  if (value) j[name] = *value;
}

}  // namespace

nlohmann::ordered_json request_json(const weblog::Request& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (r.time) j["time"] = format_filetime(*r.time);
  text(j, "c-ip", r.client_ip);
  text(j, "cs-username", r.username);
  text(j, "cs-method", r.method);
  text(j, "cs-uri-stem", r.uri_stem);
  text(j, "cs-uri-query", r.uri_query);
  text(j, "cs-version", r.protocol);
  number(j, "sc-status", r.status);
  number(j, "sc-substatus", r.substatus);
  number(j, "sc-win32-status", r.win32_status);
  number(j, "sc-bytes", r.bytes_sent);
  number(j, "cs-bytes", r.bytes_received);
  number(j, "time-taken", r.time_taken_ms);
  text(j, "cs(User-Agent)", r.user_agent);
  text(j, "cs(Referer)", r.referer);
  text(j, "s-ip", r.server_ip);
  number(j, "s-port", r.server_port);
  text(j, "s-sitename", r.site_name);
  text(j, "s-computername", r.computer_name);
  return j;
}

}  // namespace sqltriage::pipeline::weblog_scan
