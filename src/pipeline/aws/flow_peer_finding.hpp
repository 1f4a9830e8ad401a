// Internal to `aws flowlogs`: which conversations become aws.flow_peer findings, and the
// finding of one (docs/aws.md#aws-flow_peer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/aws/flow_conversations.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::aws {

/// What the selection and the finding need beyond the conversation.
struct FlowPeerContext {
  const ConversationTable* table = nullptr;
  std::uint64_t egress_bytes = 10ull << 20;
  std::optional<Filetime> pivot;
  /// Private peers the host opened a conversation to that saw a REJECT (host-wide).
  std::uint64_t rejected_private_peers = 0;
};

/// Whether `c` (with its peer's address class) is reported: a private or vpc peer; a public peer
/// the host sent at least egress_bytes to; a conversation with a REJECT; with a pivot, a
/// conversation the host opened to a peer first seen at or after it.
bool reported(const Conversation& c, const std::string& peer_class, const FlowPeerContext& ctx);

/// The aws.flow_peer finding of `c` (unchecked: the caller applies the flow checks). Its
/// artifact is `path`, the file of its first record; its time is first_seen.
Finding flow_peer_finding(const Conversation& c, const std::string& peer_class,
                          const std::string& path, const FlowPeerContext& ctx);

/// "tcp" (6), "udp" (17), "icmp" (1), "ipv6-icmp" (58), else the number.
std::string transport_name(std::uint32_t protocol);

}  // namespace sqltriage::pipeline::aws
