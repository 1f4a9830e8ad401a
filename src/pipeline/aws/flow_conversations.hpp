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
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sqltriage/aws_flowlogs.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::pipeline::aws {

/// Conversations held in memory; records of further new conversations are counted only.
inline constexpr std::size_t kMaxConversations = 250000;
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

/// What became of a record.
enum class Folded : std::uint8_t { not_host, outside_window, folded, untracked };

class ConversationTable {
 public:
  /// `host_ip` must be an address literal (throws std::invalid_argument otherwise). Records
  /// whose [start, end] does not overlap [since, until] (when given) are not folded (a record
  /// without start or end then neither), but their peers still count for peer_first_seen().
  ConversationTable(const std::string& host_ip, std::optional<Filetime> since,
                    std::optional<Filetime> until, std::size_t max = kMaxConversations);

  Folded add(const sqltriage::aws::FlowRecord& r, std::size_t file);

  const std::string& host() const { return host_; }
  const std::vector<Conversation>& conversations() const { return conversations_; }
  /// The text of a name id ("" for 0).
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  /// Records of conversations beyond the limit (counted, not folded).
  std::uint64_t untracked_records() const { return untracked_; }
  /// The earliest start of any record between the host and `peer`, inside the window or not
  /// (peers beyond the limit are not tracked).
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
  void note_peer(const std::string& peer, const std::optional<Filetime>& start);

  std::string host_;
  std::optional<Filetime> since_, until_;
  std::size_t max_;
  std::vector<Conversation> conversations_;
  std::unordered_map<Key, std::size_t, KeyHash> index_;
  std::vector<std::string> names_{""};
  std::unordered_map<std::string, std::uint32_t> name_ids_;
  std::unordered_map<std::string, std::optional<Filetime>> peers_;
  std::uint64_t untracked_ = 0;
};

}  // namespace sqltriage::pipeline::aws
