// Hex digests: MD5, SHA-1 and SHA-256 told apart by length, hex <-> binary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqltriage::hashsets::detail {

enum class Algorithm : std::uint8_t { md5, sha1, sha256 };

/// "md5", "sha1", "sha256".
std::string_view algorithm_name(Algorithm a);
/// Digest size in bytes: 16, 20, 32.
std::size_t digest_size(Algorithm a);
/// The algorithm whose hex form has `hex_digits` digits (32, 40, 64), else std::nullopt.
std::optional<Algorithm> algorithm_for_hex_length(std::size_t hex_digits);

/// Up to 32 bytes of a digest; only the first digest_size() bytes are used.
using DigestBytes = std::array<std::uint8_t, 32>;

/// Parses `hex` (either case) into `out`; false unless `hex` is exactly 32, 40 or 64 hex
/// digits. `algorithm` receives the algorithm its length implies.
bool parse_hex_digest(std::string_view hex, Algorithm& algorithm, DigestBytes& out);

/// Lower-case hex of the first `size` bytes.
std::string to_hex(const std::uint8_t* bytes, std::size_t size, bool upper = false);

}  // namespace sqltriage::hashsets::detail
