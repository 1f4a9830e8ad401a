// SIDs of virtual accounts (NT SERVICE\<name>, IIS APPPOOL\<pool>), computed from the name.
// Format knowledge: the service SID scheme (sc.exe showsid; S-1-5-80 + SHA-1 of the upper-case
// UTF-16 name), checked against Microsoft's published NT SERVICE\TrustedInstaller SID; for
// application pools the published IIS APPPOOL SIDs hash the lower-cased name.
#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "artifacts/registry/accounts/account_sources.hpp"
#include "sqltriage/accounts.hpp"

namespace sqltriage::accounts {

namespace {

/// UTF-8 (WTF-8 tolerated) to UTF-16 code units; a byte that starts no valid sequence becomes
/// U+FFFD.
std::u16string utf8_to_utf16(std::string_view s) {
  std::u16string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0xFFFD;
    std::size_t len = 1;
    auto cont = [&](std::size_t k) {
      return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    };
    auto bits = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]) & 0x3Fu; };
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && cont(1)) {
      cp = (c & 0x1Fu) << 6 | bits(1);
      len = 2;
    } else if ((c & 0xF0) == 0xE0 && cont(1) && cont(2)) {
      cp = (c & 0x0Fu) << 12 | bits(1) << 6 | bits(2);
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
      cp = (c & 0x07u) << 18 | bits(1) << 12 | bits(2) << 6 | bits(3);
      len = 4;
    }
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp > 0x10FFFF ? 0xFFFD : cp));
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string virtual_account_sid(std::string_view authority_prefix, std::string_view name,
                                bool upper) {
  std::u16string units = utf8_to_utf16(name);
  for (char16_t& u : units) {
    if (upper && u >= u'a' && u <= u'z') u = static_cast<char16_t>(u - u'a' + u'A');
    if (!upper && u >= u'A' && u <= u'Z') u = static_cast<char16_t>(u - u'A' + u'a');
  }
  std::string bytes;
  bytes.reserve(units.size() * 2);
  for (char16_t u : units) {
    bytes.push_back(static_cast<char>(u & 0xFF));
    bytes.push_back(static_cast<char>(u >> 8));
  }
  std::array<unsigned char, 20> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 ||
      length != digest.size())
    throw std::runtime_error("SHA-1 is not available");
  std::string sid(authority_prefix);
  for (std::size_t w = 0; w < 5; ++w) {
    const std::uint32_t v = static_cast<std::uint32_t>(digest[4 * w]) |
                            static_cast<std::uint32_t>(digest[4 * w + 1]) << 8 |
                            static_cast<std::uint32_t>(digest[4 * w + 2]) << 16 |
                            static_cast<std::uint32_t>(digest[4 * w + 3]) << 24;
    sid += '-' + std::to_string(v);
  }
  return sid;
}

std::optional<std::pair<std::string, std::uint32_t>> split_rid(std::string_view sid) {
  const auto dash = sid.rfind('-');
  if (dash == std::string_view::npos || dash + 1 >= sid.size()) return std::nullopt;
  std::uint32_t rid = 0;
  const char* first = sid.data() + dash + 1;
  const char* last = sid.data() + sid.size();
  const auto [p, ec] = std::from_chars(first, last, rid);
  if (ec != std::errc() || p != last) return std::nullopt;
  return std::make_pair(std::string(sid.substr(0, dash)), rid);
}

}  // namespace sqltriage::accounts

namespace sqltriage {

std::string service_sid(std::string_view service_name) {
  return accounts::virtual_account_sid("S-1-5-80", service_name, true);
}

std::string app_pool_sid(std::string_view pool_name) {
  return accounts::virtual_account_sid("S-1-5-82", pool_name, false);
}

}  // namespace sqltriage
