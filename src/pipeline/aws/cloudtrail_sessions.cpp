#include "pipeline/aws/cloudtrail_sessions.hpp"

#include "pipeline/aws/cloudtrail_finding.hpp"

namespace sqltriage::aws {

namespace {

void count(std::map<std::string, std::uint64_t>& values, const std::string& value, std::uint64_t n,
           std::uint64_t& dropped) {
  if (value.empty()) return;
  auto it = values.find(value);
  if (it != values.end()) {
    it->second += n;
  } else if (values.size() < kMaxValues) {
    values.emplace(value, n);
  } else {
    dropped += n;
  }
}

/// Widens the session's time span; true when `t` is its new first time.
bool widen(Session& s, const std::optional<Filetime>& t) {
  if (!t) return false;
  const bool earlier = !s.first || *t < *s.first;
  if (earlier) s.first = t;
  if (!s.last || *t > *s.last) s.last = t;
  return earlier;
}

/// Counts a sourceIPAddress: an address, or a name.
void count_source(Session& s, const std::string& source, std::uint64_t n) {
  if (source.empty()) return;
  if (is_address(source)) {
    const auto before = s.dropped;
    count(s.addresses, source, n, s.dropped);
    s.address_calls_not_kept += s.dropped - before;
  } else {
    count(s.source_names, source, n, s.dropped);
  }
}

nlohmann::ordered_json counts_json(const std::map<std::string, std::uint64_t>& values) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, n] : values) j[k] = n;
  return j;
}

}  // namespace

Session* Sessions::slot(const std::string& instance, const std::string& role) {
  const std::string key = instance + "\n" + role;
  auto it = sessions_.find(key);
  if (it != sessions_.end()) return &it->second;
  if (sessions_.size() >= kMaxSessions) return nullptr;
  Session& s = sessions_[key];
  s.instance_id = instance;
  s.role_arn = role;
  return &s;
}

void Sessions::add(const CloudTrailEvent& event, const std::string& display) {
  const std::string instance = instance_of(event.identity);
  if (instance.empty()) return;
  Session* s = slot(instance, role_of(event.identity));
  if (!s) {
    ++sessions_dropped_;
    return;
  }
  const bool first_call = s->calls == 0;
  ++s->calls;
  if (s->account_id.empty()) s->account_id = event.identity.account_id;
  count_source(*s, event.source_ip, 1);
  count(s->user_agents, event.user_agent, 1, s->dropped);
  count(s->access_keys, event.identity.access_key_id, 1, s->dropped);
  if (widen(*s, event.time) || first_call) {
    s->first_file = display;
    s->first_offset = event.offset;
  }
}

void Sessions::merge(Sessions&& other) {
  sessions_dropped_ += other.sessions_dropped_;
  for (auto& [key, o] : other.sessions_) {
    Session* s = slot(o.instance_id, o.role_arn);
    if (!s) {
      sessions_dropped_ += o.calls;
      continue;
    }
    const bool empty = s->calls == 0;
    s->calls += o.calls;
    s->dropped += o.dropped;
    s->address_calls_not_kept += o.address_calls_not_kept;
    if (s->account_id.empty()) s->account_id = o.account_id;
    for (const auto& [v, n] : o.addresses) count_source(*s, v, n);
    for (const auto& [v, n] : o.source_names) count_source(*s, v, n);
    for (const auto& [v, n] : o.user_agents) count(s->user_agents, v, n, s->dropped);
    for (const auto& [v, n] : o.access_keys) count(s->access_keys, v, n, s->dropped);
    // Files merge in file order: a session new here, or one whose first call is earlier in
    // `o`, takes o's first call.
    const bool earlier = (o.first && (!s->first || *o.first < *s->first));
    if (empty || earlier) {
      s->first_file = o.first_file;
      s->first_offset = o.first_offset;
    }
    widen(*s, o.first);
    widen(*s, o.last);
  }
}

Finding credential_use_finding(const Session& s, const std::vector<std::string>& instance_ips) {
  Finding f;
  f.type = "aws.credential_use";
  f.time = s.first;
  f.artifact.path = s.first_file;
  f.artifact.offset = s.first_offset;
  f.data["cloud"]["provider"] = "aws";
  if (!s.account_id.empty()) f.data["cloud"]["account"]["id"] = s.account_id;
  f.data["cloud"]["instance"]["id"] = s.instance_id;
  auto& ct = f.data["aws"]["cloudtrail"];
  ct["session_name"] = s.instance_id;
  ct["role_arn"] = s.role_arn;
  ct["calls"] = s.calls;
  ct["first_seen"] = s.first ? nlohmann::ordered_json(format_filetime(*s.first)) : nullptr;
  ct["last_seen"] = s.last ? nlohmann::ordered_json(format_filetime(*s.last)) : nullptr;
  ct["source_addresses"] = counts_json(s.addresses);
  if (!s.source_names.empty()) ct["source_names"] = counts_json(s.source_names);
  ct["user_agents"] = counts_json(s.user_agents);
  ct["access_key_ids"] = counts_json(s.access_keys);
  ct["instance_addresses"] = instance_ips;
  if (s.dropped) ct["values_not_kept"] = s.dropped;
  if (s.address_calls_not_kept) ct["address_calls_not_kept"] = s.address_calls_not_kept;
  const std::size_t addresses = s.addresses.size();
  const std::string address_count = std::to_string(addresses) +
                                    (s.address_calls_not_kept ? "+" : "") + " address" +
                                    (addresses == 1 && !s.address_calls_not_kept ? "" : "es");
  f.summary = "instance role credentials of " + s.instance_id +
              (s.role_arn.empty() ? std::string() : " (" + s.role_arn + ")") + ": " +
              std::to_string(s.calls) + " call" + (s.calls == 1 ? "" : "s") + " from " +
              address_count +
              (instance_ips.empty() ? " (the instance's own addresses are unknown: give "
                                      "--instance-ip or a describe-instances export)"
                                    : "");
  return f;
}

}  // namespace sqltriage::aws
