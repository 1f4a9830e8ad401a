// Address classes of flow-log peers (flow_peer_class.hpp).
#include "pipeline/aws/flow_peer_class.hpp"

#include <arpa/inet.h>

#include <optional>
#include <stdexcept>

#include "sqltriage/checks.hpp"

namespace sqltriage::pipeline::aws {

namespace {

struct Address {
  std::array<std::uint8_t, 16> bytes{};
  unsigned size = 0;
};

std::optional<Address> parse_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  Address a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.size = 4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.size = 16;
    return a;
  }
  return std::nullopt;
}

void mask(std::array<std::uint8_t, 16>& bytes, unsigned size, unsigned prefix) {
  for (unsigned i = 0; i < size; ++i) {
    const unsigned bit = i * 8;
    if (bit >= prefix)
      bytes[i] = 0;
    else if (prefix - bit < 8)
      bytes[i] = static_cast<std::uint8_t>(bytes[i] & (0xFFu << (8 - (prefix - bit))));
  }
}

/// "ADDR" or "ADDR/N"; std::nullopt for anything else.
std::optional<std::pair<Address, unsigned>> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  unsigned prefix = address->size * 8;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (const char ch : digits) {
      if (ch < '0' || ch > '9') return std::nullopt;
      prefix = prefix * 10 + static_cast<unsigned>(ch - '0');
    }
    if (prefix > address->size * 8) return std::nullopt;
  }
  return std::pair{*address, prefix};
}

}  // namespace

void check_vpc_cidrs(const std::vector<std::string>& vpc_cidrs) {
  for (const auto& c : vpc_cidrs)
    if (!parse_cidr(c))
      throw std::invalid_argument("--vpc-cidr: '" + c +
                                  "' is not an IPv4 or IPv6 address or CIDR block");
}

PeerClassifier::PeerClassifier(std::string_view host, const std::vector<std::string>& vpc_cidrs) {
  check_vpc_cidrs(vpc_cidrs);
  for (const auto& c : vpc_cidrs) {
    const auto [address, prefix] = *parse_cidr(c);
    Net n{address.bytes, address.size, prefix};
    mask(n.bytes, n.size, n.prefix);
    nets_.push_back(n);
  }
  if (const auto h = parse_address(host); h && h->size == 16) {
    Net n{h->bytes, 16, kVpcIpv6Prefix};
    mask(n.bytes, n.size, n.prefix);
    nets_.push_back(n);
  }
}

std::string PeerClassifier::classify(std::string_view address) const {
  std::string cls = checks::classify_ip(address);
  if (cls != "public" || nets_.empty()) return cls;
  const auto a = parse_address(address);
  if (!a) return cls;
  for (const auto& n : nets_) {
    if (n.size != a->size) continue;
    auto bytes = a->bytes;
    mask(bytes, n.size, n.prefix);
    if (bytes == n.bytes) return "vpc";
  }
  return cls;
}

}  // namespace sqltriage::pipeline::aws
