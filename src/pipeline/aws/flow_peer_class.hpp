// Internal to `aws flowlogs`: the address class of a peer, with the VPC's own blocks.
//
// checks::classify_ip says "public" for every global unicast address, which a VPC's IPv6
// block is (AWS assigns each VPC a /56 of global unicast space), and for a VPC built on a
// public IPv4 range. Peers inside a --vpc-cidr block, and IPv6 peers in the same /56 as the
// host, are therefore "vpc": internal, checked like private peers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/weblog_analysis.hpp"  // NoiseFilter: address blocks, longest-prefix match

namespace sqltriage::pipeline::aws {

/// Prefix length of the IPv6 block AWS assigns a VPC: IPv6 peers in the host's /56 are "vpc".
inline constexpr unsigned kVpcIpv6Prefix = 56;

class PeerClassifier {
 public:
  /// `host`: the host's address literal; `vpc_cidrs`: --vpc-cidr values, each an IPv4 or IPv6
  /// address or CIDR block ("10.0.0.0/16", "2600:1f18:abcd:100::/56"; host bits past the
  /// prefix are ignored). Throws std::invalid_argument ("--vpc-cidr VALUE: not ...") for a
  /// value that is neither.
  PeerClassifier(std::string_view host, const std::vector<std::string>& vpc_cidrs);

  /// checks::classify_ip of `address`, except "vpc" for an address classify_ip calls "public"
  /// that lies in a --vpc-cidr block or (IPv6) in the host's /56.
  std::string classify(std::string_view address) const;

  /// Whether a class is internal to the VPC: "private" or "vpc".
  static bool internal(std::string_view peer_class) {
    return peer_class == "private" || peer_class == "vpc";
  }

 private:
  std::optional<weblog::NoiseFilter> nets_;  ///< the blocks; unset when there are none
};

/// Throws std::invalid_argument when a --vpc-cidr value is not an address or CIDR block.
void check_vpc_cidrs(const std::vector<std::string>& vpc_cidrs);

}  // namespace sqltriage::pipeline::aws
