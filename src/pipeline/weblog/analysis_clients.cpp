// ClientTracker: each client address inside a time window (weblog_analysis.hpp).
//
// Per request: one hash lookup of the address; while an address has fewer than
// kMaxTrackedResources resources (user agents), its resource (user agent) is interned and the
// (address, name) pair probed in a hash set. The std::sets of each ClientSummary are built
// when it is visited, one client at a time, from the pairs grouped by client once.
#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sqltriage/checks.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {
namespace {

/// Adds `value` (when not empty) to the names kept for `client`, at most kMaxTrackedResources.
void keep_bounded(std::uint32_t client, const std::string& value, std::size_t& kept,
                  detail::Interner& names, detail::PairSet& pairs) {
  if (value.empty() || kept >= kMaxTrackedResources) return;
  if (pairs.insert(client, names.id(value))) ++kept;
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
  std::uint32_t index = 0;
  if (clients_.size() < kMaxClients) {
    index = addresses_.id(r.client_ip);
  } else if (const auto known = addresses_.find(r.client_ip)) {
    index = *known;
  } else {
    ++untracked_;  // a new address past the bound: counted, not summarised
    return;
  }
  if (index == clients_.size()) {
    clients_.emplace_back();
    clients_.back().summary.client_ip = r.client_ip;
    clients_.back().summary.address_class = checks::classify_ip(r.client_ip);
  }
  Client& client = clients_[index];
  ClientSummary& c = client.summary;
  ++c.requests;
  if (r.time) {
    if (!c.first_seen || *r.time < *c.first_seen) c.first_seen = r.time;
    if (!c.last_seen || *r.time > *c.last_seen) c.last_seen = r.time;
  }
  keep_bounded(index, r.uri_stem, client.resources, resource_names_, resources_);
  keep_bounded(index, r.user_agent, client.agents, agent_names_, agents_);
  if (r.status) ++c.statuses[*r.status];
}

void ClientTracker::for_each_client(const std::function<void(ClientSummary&&)>& visit) const {
  // By first_seen (addresses never seen with a time last), then address: addresses are
  // distinct, so the order is total.
  std::vector<std::uint32_t> order(clients_.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    const ClientSummary& a = clients_[x].summary;
    const ClientSummary& b = clients_[y].summary;
    if (a.first_seen.has_value() != b.first_seen.has_value()) return a.first_seen.has_value();
    if (a.first_seen != b.first_seen) return *a.first_seen < *b.first_seen;
    return a.client_ip < b.client_ip;
  });
  const auto resources = resources_.by_group(clients_.size());
  const auto agents = agents_.by_group(clients_.size());
  for (const std::uint32_t i : order) {
    ClientSummary c = clients_[i].summary;
    for (auto& name : detail::sorted_names(resources, i, resource_names_))
      c.resources.emplace_hint(c.resources.end(), std::move(name));
    for (auto& name : detail::sorted_names(agents, i, agent_names_))
      c.user_agents.emplace_hint(c.user_agents.end(), std::move(name));
    visit(std::move(c));
  }
}

std::vector<ClientSummary> ClientTracker::clients() const {
  std::vector<ClientSummary> out;
  out.reserve(clients_.size());
  for_each_client([&](ClientSummary&& c) { out.push_back(std::move(c)); });
  return out;
}

}  // namespace sqltriage::weblog
