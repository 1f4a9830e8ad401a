#include "artifacts/hashsets/digest.hpp"

namespace sqltriage::hashsets::detail {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string_view algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::md5:
      return "md5";
    case Algorithm::sha1:
      return "sha1";
    case Algorithm::sha256:
      return "sha256";
  }
  return "md5";
}

std::size_t digest_size(Algorithm a) {
  switch (a) {
    case Algorithm::md5:
      return 16;
    case Algorithm::sha1:
      return 20;
    case Algorithm::sha256:
      return 32;
  }
  return 16;
}

std::optional<Algorithm> algorithm_for_hex_length(std::size_t hex_digits) {
  switch (hex_digits) {
    case 32:
      return Algorithm::md5;
    case 40:
      return Algorithm::sha1;
    case 64:
      return Algorithm::sha256;
    default:
      return std::nullopt;
  }
}

bool parse_hex_digest(std::string_view hex, Algorithm& algorithm, DigestBytes& out) {
  auto a = algorithm_for_hex_length(hex.size());
  if (!a) return false;
  out.fill(0);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i / 2] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  algorithm = *a;
  return true;
}

std::string to_hex(const std::uint8_t* bytes, std::size_t size, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  s.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    s.push_back(digits[bytes[i] >> 4]);
    s.push_back(digits[bytes[i] & 0x0F]);
  }
  return s;
}

}  // namespace sqltriage::hashsets::detail
