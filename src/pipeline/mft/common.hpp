// Internal to the mft scan: small helpers its parts share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::mft_scan {

using sqltriage::make_error;

/// MFT entry index (low 48 bits) and sequence number (high 16 bits) of a file reference.
inline std::uint64_t reference_entry(std::uint64_t reference) {
  return reference & 0x0000FFFFFFFFFFFFULL;
}
inline std::uint16_t reference_sequence(std::uint64_t reference) {
  return static_cast<std::uint16_t>(reference >> 48);
}

/// The drive letter every path in findings carries (the volume's own letter is not
/// recorded on it; "C:" is the convention of every evidence display path).
inline constexpr const char* kDrive = "C:";

}  // namespace sqltriage::pipeline::mft_scan
