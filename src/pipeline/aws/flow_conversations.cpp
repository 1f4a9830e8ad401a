// Folding flow records into conversations (flow_conversations.hpp).
#include "pipeline/aws/flow_conversations.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <stdexcept>

#include "artifacts/aws/flowlogs_fields.hpp"

namespace sqltriage::pipeline::aws {

namespace {

constexpr std::array<std::uint32_t, 7> kLateralPorts{22, 3389, 445, 135, 5985, 5986, 1433};

/// Distinct names (interfaces, accounts, instances) kept; beyond, new names are not listed.
constexpr std::size_t kMaxNames = 100000;

void widen(std::optional<Filetime>& first, std::optional<Filetime>& last,
           const std::optional<Filetime>& start, const std::optional<Filetime>& end) {
  if (start && (!first || *start < *first)) first = start;
  if (end && (!last || *end > *last)) last = end;
}

}  // namespace

bool is_lateral_port(std::uint32_t port) {
  return std::find(kLateralPorts.begin(), kLateralPorts.end(), port) != kLateralPorts.end();
}

ServicePort service_port(std::uint32_t srcport, std::uint32_t dstport) {
  if (srcport == dstport) return {srcport, Server::both};
  const bool src_lateral = is_lateral_port(srcport), dst_lateral = is_lateral_port(dstport);
  if (src_lateral != dst_lateral)
    return src_lateral ? ServicePort{srcport, Server::source}
                       : ServicePort{dstport, Server::destination};
  return srcport < dstport ? ServicePort{srcport, Server::source}
                           : ServicePort{dstport, Server::destination};
}

std::size_t ConversationTable::KeyHash::operator()(const Key& k) const noexcept {
  std::size_t h = std::hash<std::string>()(k.peer);
  const std::uint64_t rest = (std::uint64_t{k.port} << 16) ^ (std::uint64_t{k.protocol} << 8) ^
                             static_cast<std::uint64_t>(k.opener);
  return h ^ (std::hash<std::uint64_t>()(rest) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

ConversationTable::ConversationTable(const std::string& host_ip, std::optional<Filetime> since,
                                     std::optional<Filetime> until,
                                     const std::vector<std::string>& vpc_cidrs, TableLimits limits)
    : since_(since), until_(until), classifier_(host_ip, vpc_cidrs), limits_(limits) {
  const auto canonical = sqltriage::aws::flowlogs::canonical_address(host_ip);
  if (!canonical) throw std::invalid_argument("--host-ip: '" + host_ip + "' is not an IP address");
  host_ = *canonical;
}

bool ConversationTable::is_host(const std::string& address) const {
  if (address.empty()) return false;
  if (address == host_) return true;
  if (address.find(':') == std::string::npos) return false;  // IPv4 text is canonical
  const auto canonical = sqltriage::aws::flowlogs::canonical_address(address);
  return canonical && *canonical == host_;
}

std::uint32_t ConversationTable::intern(const std::string& text) {
  if (text.empty()) return 0;
  if (const auto it = name_ids_.find(text); it != name_ids_.end()) return it->second;
  if (names_.size() >= kMaxNames) return 0;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.push_back(text);
  name_ids_.emplace(text, id);
  return id;
}

void ConversationTable::note_peer(const std::string& peer, const std::optional<Filetime>& start,
                                  bool checked) {
  const auto earlier = [&](std::optional<Filetime>& seen) {
    if (start && (!seen || *start < *seen)) seen = start;
  };
  if (const auto it = checked_peers_.find(peer); it != checked_peers_.end()) {
    earlier(it->second);
    return;
  }
  const auto pub = public_peers_.find(peer);
  if (checked && checked_peers_.size() < limits_.checked) {
    // A peer that can raise a check moves to its own table, with what was seen of it before.
    std::optional<Filetime> seen = start;
    if (pub != public_peers_.end()) {
      if (pub->second && (!seen || *pub->second < *seen)) seen = pub->second;
      public_peers_.erase(pub);
    }
    checked_peers_.emplace(peer, seen);
    return;
  }
  if (pub != public_peers_.end()) {
    earlier(pub->second);
    return;
  }
  if (checked) {
    ++untracked_checked_peers_;
  } else if (public_peers_.size() < limits_.inbound_public) {
    public_peers_.emplace(peer, start);
  } else {
    ++untracked_public_peers_;
  }
}

std::optional<Filetime> ConversationTable::peer_first_seen(const std::string& peer) const {
  if (const auto it = checked_peers_.find(peer); it != checked_peers_.end()) return it->second;
  const auto it = public_peers_.find(peer);
  return it == public_peers_.end() ? std::nullopt : it->second;
}

Folded ConversationTable::aggregate(const sqltriage::aws::FlowRecord& r, const Key& key,
                                    bool host_is_source) {
  const std::uint64_t id = (std::uint64_t{key.port} << 32) | key.protocol;
  auto it = aggregate_index_.find(id);
  if (it == aggregate_index_.end()) {
    if (aggregates_.size() >= limits_.aggregates) {
      ++unaggregated_;
      return Folded::untracked;
    }
    Aggregate a;
    a.service_port = key.port;
    a.protocol = key.protocol;
    it = aggregate_index_.emplace(id, aggregates_.size()).first;
    aggregates_.push_back(a);
  }
  Aggregate& a = aggregates_[it->second];
  ++a.records;
  add_saturating(host_is_source ? a.bytes_host_to_peer : a.bytes_peer_to_host, r.bytes.value_or(0));
  ++aggregated_;
  return Folded::aggregated;
}

Folded ConversationTable::add(const sqltriage::aws::FlowRecord& r, std::size_t file) {
  bool host_is_source = false;
  const std::string* peer = nullptr;
  if (is_host(r.srcaddr)) {
    host_is_source = true;
    peer = !r.pkt_dstaddr.empty() ? &r.pkt_dstaddr : &r.dstaddr;
  } else if (is_host(r.dstaddr)) {
    peer = !r.pkt_srcaddr.empty() ? &r.pkt_srcaddr : &r.srcaddr;
  } else if (is_host(r.pkt_srcaddr)) {
    host_is_source = true;
    peer = &r.pkt_dstaddr;
  } else if (is_host(r.pkt_dstaddr)) {
    peer = &r.pkt_srcaddr;
  } else {
    return Folded::not_host;
  }
  if (peer->empty()) return Folded::not_host;  // the other side is '-'

  const auto sp = service_port(r.srcport.value_or(0), r.dstport.value_or(0));
  Opener opener = Opener::same_port;
  if (sp.server != Server::both) {
    const bool host_serves = (sp.server == Server::source) == host_is_source;
    opener = host_serves ? Opener::peer : Opener::host;
  }
  // Whether the record can raise a check (else: inbound, accepted, public peer, no lateral
  // port — internet traffic to the host's services).
  const bool checked = opener != Opener::peer || r.action == "REJECT" || is_lateral_port(sp.port) ||
                       classifier_.classify(*peer) != "public";
  note_peer(*peer, r.start, checked);
  if (since_ || until_) {
    if (!r.start || !r.end) return Folded::outside_window;
    if ((until_ && *r.start > *until_) || (since_ && *r.end < *since_))
      return Folded::outside_window;
  }

  Key key{*peer, sp.port, r.protocol.value_or(0), opener};
  auto it = index_.find(key);
  if (it == index_.end()) {
    if (checked) {
      if (checked_count_ >= limits_.checked) {
        ++untracked_;
        return Folded::untracked;
      }
      ++checked_count_;
    } else {
      if (public_count_ >= limits_.inbound_public) return aggregate(r, key, host_is_source);
      ++public_count_;
    }
    Conversation c;
    c.peer = *peer;
    c.service_port = sp.port;
    c.protocol = key.protocol;
    c.opener = opener;
    c.host_sent_earliest = host_is_source;
    c.earliest_start = r.start;
    c.account = intern(r.account_id);
    c.instance = intern(r.instance_id);
    c.file = file;
    it = index_.emplace(std::move(key), conversations_.size()).first;
    conversations_.push_back(std::move(c));
  }
  Conversation& c = conversations_[it->second];
  ++c.flows;
  if (add_saturating(host_is_source ? c.packets_host_to_peer : c.packets_peer_to_host,
                     r.packets.value_or(0)))
    c.packets_saturated = true;
  if (add_saturating(host_is_source ? c.bytes_host_to_peer : c.bytes_peer_to_host,
                     r.bytes.value_or(0)))
    c.bytes_saturated = true;
  if (r.action == "ACCEPT") ++c.accepted;
  if (r.action == "REJECT") ++c.rejected;
  widen(c.first_seen, c.last_seen, r.start, r.end);
  if (r.start && (!c.earliest_start || *r.start < *c.earliest_start)) {
    c.earliest_start = r.start;
    c.host_sent_earliest = host_is_source;
  }
  if (sp.server != Server::both) {
    const auto client = sp.server == Server::source ? r.dstport : r.srcport;
    if (client && !c.client_ports_vary) {
      if (!c.client_port)
        c.client_port = client;
      else if (*c.client_port != *client)
        c.client_ports_vary = true;
    }
  }
  if (!c.account && !r.account_id.empty()) c.account = intern(r.account_id);
  if (!c.instance && !r.instance_id.empty()) c.instance = intern(r.instance_id);
  if (!r.interface_id.empty()) {
    const auto id = intern(r.interface_id);
    if (std::find(c.interfaces.begin(), c.interfaces.end(), id) == c.interfaces.end()) {
      if (id != 0 && c.interfaces.size() < kMaxInterfaces)
        c.interfaces.push_back(id);
      else
        c.interfaces_truncated = true;
    }
  }
  return Folded::folded;
}

}  // namespace sqltriage::pipeline::aws
