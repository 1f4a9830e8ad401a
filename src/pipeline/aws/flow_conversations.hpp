// Internal to `aws flowlogs`: folding flow records that involve the host into conversations.
//
// A conversation is keyed by (peer address, service port, protocol, who opened it). The
// service port is the record's port in the lateral-movement list {22, 3389, 445, 135, 5985,
// 5986, 1433} (the lower when both are), else the lower of its two ports ('-' counts as 0);
// the side whose port it is, is the server and the other side opened the conversation. When
// both ports are the same (ICMP's 0/0, NTP's 123/123) the records of both directions fold
// into one conversation, opened by the source of its earliest record.
//
// Which records involve the host: srcaddr or dstaddr equal to it; the peer is the other side,
// written as its pkt- address when the format has one that is not '-' (traffic through a NAT
// gateway or another middlebox names the original packet's address there). When neither
// plain address is the host, pkt-srcaddr or pkt-dstaddr equal to it select the record, with
// the other pkt- address as the peer.
//
// Two bounded tables, so that inbound internet traffic cannot crowd out what can raise a
// check: conversations that can (an internal peer — private or vpc, flow_peer_class.hpp — a
// peer that is not public, one the host opened or a same-port one, a lateral service port, a
// REJECT) are held up to TableLimits::checked; inbound conversations from public peers (all
// accepted, no lateral port) up to TableLimits::inbound_public, and beyond that their records
// are folded into aggregate rows per (service port, protocol), at most
// TableLimits::aggregates of them. Peers for peer_first_seen() are split the same way.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/aws/flow_peer_class.hpp"
#include "sqltriage/aws_flowlogs.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::pipeline::aws {

/// Conversations held in memory per table (see above).
inline constexpr std::size_t kMaxConversations = 250000;
/// Aggregate rows of inbound public conversations beyond their table.
inline constexpr std::size_t kMaxAggregates = 4096;

struct TableLimits {
  /// Conversations that can raise a check; records of further new ones are counted only.
  std::size_t checked = kMaxConversations;
  /// Inbound public conversations; further new ones are folded into aggregates.
  std::size_t inbound_public = kMaxConversations;
  /// Aggregate rows; records of further (port, protocol) pairs are counted only.
  std::size_t aggregates = kMaxAggregates;
};

/// `a += b`, at most UINT64_MAX; returns whether it saturated.
inline bool add_saturating(std::uint64_t& a, std::uint64_t b) {
  if (b > std::numeric_limits<std::uint64_t>::max() - a) {
    a = std::numeric_limits<std::uint64_t>::max();
    return true;
  }
  a += b;
  return false;
}
/// Interfaces listed per conversation; further ones are counted.
inline constexpr std::size_t kMaxInterfaces = 16;

/// Whether `port` is one of 22, 3389, 445, 135, 5985, 5986, 1433.
bool is_lateral_port(std::uint32_t port);

/// Which side of a record serves the conversation.
enum class Server : std::uint8_t { source, destination, both };

struct ServicePort {
  std::uint32_t port = 0;
  Server server = Server::both;
};

/// The service port of a record's (srcport, dstport), as above.
ServicePort service_port(std::uint32_t srcport, std::uint32_t dstport);

/// Who opened a conversation, as its key says.
enum class Opener : std::uint8_t { host, peer, same_port };

struct Conversation {
  std::string peer;
  std::uint32_t service_port = 0;
  std::uint32_t protocol = 0;  ///< IANA number; 0 when the records had none
  Opener opener = Opener::host;
  /// Same-port conversations: whether the host sent the earliest record (else the peer).
  bool host_sent_earliest = true;
  std::optional<Filetime> earliest_start;  ///< start of the record that decided the above

  std::uint64_t flows = 0;  ///< records folded
  std::uint64_t packets_host_to_peer = 0, packets_peer_to_host = 0;
  std::uint64_t bytes_host_to_peer = 0, bytes_peer_to_host = 0;
  /// A sum reached UINT64_MAX and stays there (the records carried implausible counts).
  bool packets_saturated = false, bytes_saturated = false;
  std::uint64_t accepted = 0, rejected = 0;
  std::optional<Filetime> first_seen;  ///< earliest start
  std::optional<Filetime> last_seen;   ///< latest end
  /// The client's port when every record used the same one; nullopt when none or several.
  std::optional<std::uint32_t> client_port;
  bool client_ports_vary = false;
  std::vector<std::uint32_t> interfaces;  ///< name ids (ConversationTable::name), first 16
  bool interfaces_truncated = false;      ///< more interfaces than those were seen
  std::uint32_t account = 0;              ///< name id of the first account-id; 0 = none
  std::uint32_t instance = 0;             ///< name id of the first instance-id; 0 = none
  std::size_t file = 0;                   ///< index of the file of its first record

  /// Whether the host opened it (same-port: the host sent the earliest record).
  bool host_opened() const {
    return opener == Opener::host || (opener == Opener::same_port && host_sent_earliest);
  }
};

/// Inbound public conversations beyond their table, per (service port, protocol).
struct Aggregate {
  std::uint32_t service_port = 0;
  std::uint32_t protocol = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes_peer_to_host = 0, bytes_host_to_peer = 0;  ///< saturating sums
};

/// What became of a record.
enum class Folded : std::uint8_t { not_host, outside_window, folded, aggregated, untracked };

class ConversationTable {
 public:
  /// `host_ip` must be an address literal and `vpc_cidrs` addresses or CIDR blocks (throws
  /// std::invalid_argument otherwise). Records whose [start, end] does not overlap
  /// [since, until] (when given) are not folded (a record without start or end then neither),
  /// but their peers still count for peer_first_seen().
  ConversationTable(const std::string& host_ip, std::optional<Filetime> since,
                    std::optional<Filetime> until, const std::vector<std::string>& vpc_cidrs = {},
                    TableLimits limits = {});

  Folded add(const sqltriage::aws::FlowRecord& r, std::size_t file);

  const std::string& host() const { return host_; }
  const TableLimits& limits() const { return limits_; }
  /// The address class of a peer (PeerClassifier::classify).
  std::string peer_class(const std::string& peer) const { return classifier_.classify(peer); }
  const std::vector<Conversation>& conversations() const { return conversations_; }
  /// The text of a name id ("" for 0).
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  /// Records of checkable conversations beyond TableLimits::checked (counted, not folded).
  std::uint64_t untracked_records() const { return untracked_; }
  /// Inbound public records folded into aggregates, and those beyond the aggregate limit.
  std::uint64_t aggregated_records() const { return aggregated_; }
  std::uint64_t unaggregated_records() const { return unaggregated_; }
  /// The aggregate rows, in the order first seen.
  const std::vector<Aggregate>& aggregates() const { return aggregates_; }
  /// Records whose peer could not be tracked for peer_first_seen(): of checkable peers beyond
  /// TableLimits::checked, of public peers seen only inbound beyond TableLimits::inbound_public.
  std::uint64_t untracked_checked_peer_records() const { return untracked_checked_peers_; }
  std::uint64_t untracked_public_peer_records() const { return untracked_public_peers_; }
  /// The earliest start of any record between the host and `peer`, inside the window or not
  /// (peers beyond the limits are not tracked).
  std::optional<Filetime> peer_first_seen(const std::string& peer) const;

 private:
  struct Key {
    std::string peer;
    std::uint32_t port;
    std::uint32_t protocol;
    Opener opener;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };

  bool is_host(const std::string& address) const;
  std::uint32_t intern(const std::string& text);
  void note_peer(const std::string& peer, const std::optional<Filetime>& start, bool checked);
  Folded aggregate(const sqltriage::aws::FlowRecord& r, const Key& key, bool host_is_source);

  std::string host_;
  std::optional<Filetime> since_, until_;
  PeerClassifier classifier_;
  TableLimits limits_;
  std::vector<Conversation> conversations_;
  std::size_t checked_count_ = 0, public_count_ = 0;
  std::unordered_map<Key, std::size_t, KeyHash> index_;
  std::vector<std::string> names_{""};
  std::unordered_map<std::string, std::uint32_t> name_ids_;
  std::unordered_map<std::string, std::optional<Filetime>> checked_peers_, public_peers_;
  std::vector<Aggregate> aggregates_;
  std::unordered_map<std::uint64_t, std::size_t> aggregate_index_;
  std::uint64_t untracked_ = 0, aggregated_ = 0, unaggregated_ = 0;
  std::uint64_t untracked_checked_peers_ = 0, untracked_public_peers_ = 0;
};

}  // namespace sqltriage::pipeline::aws
