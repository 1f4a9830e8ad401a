// Address classes of IPv4 and IPv6 literals, as event logs write them.
#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sqltriage/checks.hpp"

namespace sqltriage::checks {
namespace {

std::string classify_v4(const std::array<std::uint8_t, 4>& a) {
  if (a[0] == 0) return a[1] == 0 && a[2] == 0 && a[3] == 0 ? "unspecified" : "invalid";
  if (a[0] == 127) return "loopback";
  if (a[0] == 169 && a[1] == 254) return "link-local";
  if (a[0] == 10) return "private";
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return "private";
  if (a[0] == 192 && a[1] == 168) return "private";
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return "shared";
  // Multicast (224/4), reserved (240/4) and broadcast are never a peer's unicast address.
  if (a[0] >= 224) return "invalid";
  return "public";
}

std::string classify_v6(const std::array<std::uint8_t, 16>& a) {
  bool zero_prefix = true;  // first 80 bits zero
  for (int i = 0; i < 10; ++i) zero_prefix = zero_prefix && a[i] == 0;
  if (zero_prefix && a[10] == 0xFF && a[11] == 0xFF) {  // ::ffff:a.b.c.d
    return classify_v4({a[12], a[13], a[14], a[15]});
  }
  if (zero_prefix && a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0) {
    if (a[15] == 0) return "unspecified";
    if (a[15] == 1) return "loopback";
  }
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return "link-local";  // fe80::/10
  if ((a[0] & 0xFE) == 0xFC) return "private";                     // fc00::/7 unique local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return "private";     // fec0::/10 site-local
  if (a[0] == 0xFF) return "invalid";                              // multicast
  return "public";
}

}  // namespace

std::string classify_ip(std::string_view address) {
  while (!address.empty() && (address.front() == ' ' || address.front() == '\t')) {
    address.remove_prefix(1);
  }
  while (!address.empty() && (address.back() == ' ' || address.back() == '\t')) {
    address.remove_suffix(1);
  }
  if (iequals(address, "LOCAL")) return "loopback";  // TerminalServices: console session
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (const auto zone = address.find('%'); zone != std::string_view::npos) {
    address = address.substr(0, zone);  // fe80::1%12
  }
  if (address.empty() || address.size() > 64) return "invalid";
  const std::string text(address);
  std::array<std::uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return classify_v4(v4);
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return classify_v6(v6);
  return "invalid";
}

}  // namespace sqltriage::checks
