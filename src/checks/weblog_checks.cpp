// The weblog checks (docs/checks.md#weblog-checks): what a responder looks for in web logs
// after a file appeared: a request that could have carried it, and the rare resources and
// clients around it.
#include "checks/data_fields.hpp"
#include "core/ascii.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

using nlohmann::ordered_json;

constexpr const char* kIngressTransfer = "T1105";
constexpr const char* kWebshell = "T1505.003";
constexpr const char* kExploitPublicApp = "T1190";

using data::member;
using data::text;
using data::time_of;

std::uint64_t count(const ordered_json& j, const char* key) {
  const auto* m = member(j, key);
  return m && m->is_number_unsigned() ? m->get<std::uint64_t>() : 0;
}

std::optional<int> status(const ordered_json& j) {
  const auto* m = member(j, "sc-status");
  if (!m || !m->is_number_integer()) return std::nullopt;
  return m->get<int>();
}

bool inside(std::optional<Filetime> t, const WeblogCheckOptions& o) {
  if (!t || (!o.since && !o.until)) return false;
  return (!o.since || *t >= *o.since) && (!o.until || *t <= *o.until);
}

/// Whether a "Statuses" object ({"200": 12, "404": 3}) holds a 2xx status.
bool any_success(const ordered_json& statuses) {
  if (!statuses.is_object()) return false;
  for (const auto& [code, n] : statuses.items())
    if (code.size() == 3 && code[0] == '2') return true;
  return false;
}

void upload_checks(Finding& f, const WeblogCheckOptions& o) {
  const std::string method = ascii_lower(text(f.data, "cs-method"));
  const bool carries_body = method == "post" || method == "put" || method == "patch";
  const auto st = status(f.data);
  const bool succeeded = !st || (*st >= 200 && *st < 300);
  const std::string size = std::to_string(count(f.data, "cs-bytes"));
  const std::string request = text(f.data, "cs-method") + " " + text(f.data, "cs-uri-stem");
  const std::string answer = st ? "answered " + std::to_string(*st) : "with no status logged";
  const bool strong = carries_body && succeeded;
  f.add_check({"upload_size_match",
               strong ? Severity::medium : Severity::low,
               {kIngressTransfer},
               request + " of " + size + " bytes " + answer + " could have carried the " +
                   std::to_string(count(f.data, "TargetSize")) + "-byte file"});
  if (strong && st && inside(f.time, o))
    f.add_check(
        {"upload_near_pivot",
         Severity::high,
         {kIngressTransfer},
         request + " of " + size + " bytes " + answer + " inside the investigation window"});
}

void resource_checks(Finding& f, const WeblogCheckOptions& o) {
  const std::uint64_t ips = count(f.data, "ClientIpCount");
  const auto* statuses = member(f.data, "Statuses");
  if (ips == 0 || ips > o.rare_ips || !statuses || !any_success(*statuses)) return;
  const std::string resource = text(f.data, "Resource");
  const std::string who = ips == 1 ? "1 client address" : std::to_string(ips) + " client addresses";
  f.add_check({"rare_resource",
               Severity::low,
               {kExploitPublicApp},
               resource + " was requested by only " + who + " and answered 2xx"});
  const auto* script = member(f.data, "Script");
  if (script && script->is_boolean() && script->get<bool>() && count(f.data, "Post200") > 0)
    f.add_check({"rare_script_post_200",
                 Severity::high,
                 {kWebshell},
                 "the server script " + resource + " answered 200 to " +
                     std::to_string(count(f.data, "Post200")) + " POST request(s) from only " +
                     who});
  const std::string first = text(f.data, "FirstSeen");
  if (inside(time_of(f.data, "FirstSeen"), o))
    f.add_check({"first_seen_in_window",
                 Severity::medium,
                 {kWebshell},
                 "the rare resource " + resource + " was first requested at " + first +
                     ", inside the investigation window"});
}

void client_checks(Finding& f) {
  const std::string ip = text(f.data, "c-ip");
  if (const auto n = count(f.data, "UploadMatches"); n > 0)
    f.add_check(
        {"client_sent_upload",
         Severity::medium,
         {kIngressTransfer},
         ip + " sent " + std::to_string(n) + " request(s) whose size could have carried the file"});
  const auto* scripts = member(f.data, "RareScripts");
  if (scripts && scripts->is_array() && !scripts->empty()) {
    std::string list;
    for (const auto& s : *scripts)
      if (s.is_string()) list += (list.empty() ? "" : ", ") + s.get<std::string>();
    f.add_check({"client_reached_rare_script",
                 Severity::high,
                 {kWebshell},
                 ip + " requested the rarely requested server script(s) " + list +
                     ", answered 200 to POST"});
  }
}

}  // namespace

void apply_weblog_checks(Finding& f, const WeblogCheckOptions& options) {
  if (f.type == "weblog.upload")
    upload_checks(f, options);
  else if (f.type == "weblog.resource")
    resource_checks(f, options);
  else if (f.type == "weblog.client")
    client_checks(f);
}

}  // namespace sqltriage::checks
