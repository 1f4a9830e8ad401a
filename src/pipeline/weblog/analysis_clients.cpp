// ClientTracker: each client address inside a time window (weblog_analysis.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include "sqltriage/checks.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {
namespace {

void keep_bounded(std::set<std::string>& set, const std::string& value) {
  if (!value.empty() && set.size() < kMaxTrackedResources) set.insert(value);
}

}  // namespace

ClientTracker::ClientTracker(std::optional<Filetime> since, std::optional<Filetime> until)
    : since_(since), until_(until) {}

void ClientTracker::add(const Request& r) {
  if (r.client_ip.empty()) return;
  if (since_ || until_) {
    if (!r.time) return;  // cannot be placed in the window
    if (since_ && *r.time < *since_) return;
    if (until_ && *r.time > *until_) return;
  }
  auto [it, inserted] = clients_.try_emplace(r.client_ip);
  ClientSummary& c = it->second;
  if (inserted) {
    c.client_ip = r.client_ip;
    c.address_class = checks::classify_ip(r.client_ip);
  }
  ++c.requests;
  if (r.time) {
    if (!c.first_seen || *r.time < *c.first_seen) c.first_seen = r.time;
    if (!c.last_seen || *r.time > *c.last_seen) c.last_seen = r.time;
  }
  keep_bounded(c.resources, r.uri_stem);
  keep_bounded(c.user_agents, r.user_agent);
  if (r.status) ++c.statuses[*r.status];
}

std::vector<ClientSummary> ClientTracker::clients() const {
  std::vector<ClientSummary> out;
  out.reserve(clients_.size());
  for (const auto& [address, summary] : clients_) out.push_back(summary);
  // By first_seen (addresses never seen with a time last), then address.
  std::stable_sort(out.begin(), out.end(), [](const ClientSummary& a, const ClientSummary& b) {
    if (a.first_seen.has_value() != b.first_seen.has_value()) return a.first_seen.has_value();
    if (a.first_seen != b.first_seen) return *a.first_seen < *b.first_seen;
    return a.client_ip < b.client_ip;
  });
  return out;
}

}  // namespace sqltriage::weblog
