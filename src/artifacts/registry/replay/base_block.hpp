// The regf base block: the first 4096 bytes of a primary hive file, and the first 512 bytes
// (a partial copy) of a transaction log file.
//
// Format knowledge: "Windows registry file format specification" (M. Suhanov), section
// "Base block": signature "regf" at 0, primary / secondary sequence numbers at 4 / 8, last
// written FILETIME (UTC) at 12, major / minor version at 20 / 24, file type at 28 (0 primary,
// 1 or 2 old-format log, 6 new-format log), file format at 32, root cell offset at 36 and
// hive bins data size at 40 (bytes, relative to the end of the base block), clustering factor
// at 44, flags at 144, checksum at 508: the XOR of the first 127 little-endian dwords, with 0
// written as 1 and 0xFFFFFFFF as 0xFFFFFFFE.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sqltriage::registry::replay {

inline constexpr std::size_t kBaseBlockSize = 4096;    ///< bytes, in a primary file
inline constexpr std::size_t kLogBaseBlockSize = 512;  ///< bytes, in a transaction log
inline constexpr std::size_t kChecksumOffset = 508;
/// Hive bins data is addressed by 31-bit cell indexes; a larger size is damage.
inline constexpr std::uint64_t kMaxHiveBinsDataSize = 0x80000000ULL;
inline constexpr std::uint32_t kHiveBinAlignment = 4096;

inline constexpr std::uint32_t kFileTypePrimary = 0;
inline constexpr std::uint32_t kFileTypeOldLog = 1;
inline constexpr std::uint32_t kFileTypeOldLogVeryOld = 2;
inline constexpr std::uint32_t kFileTypeNewLog = 6;

struct BaseBlock {
  /// The stored bytes (4096 for a primary file; for a log its 512 bytes, zero-filled to 4096).
  std::vector<std::uint8_t> bytes;
  bool signature_ok = false;  ///< "regf" at 0
  std::uint32_t primary_sequence = 0;
  std::uint32_t secondary_sequence = 0;
  std::uint64_t last_written = 0;  ///< FILETIME, UTC
  std::uint32_t file_type = 0;
  std::uint32_t root_cell = 0;
  std::uint32_t hive_bins_data_size = 0;  ///< bytes
  std::uint32_t clustering_factor = 0;
  std::uint32_t flags = 0;
  std::uint32_t stored_checksum = 0;
  std::uint32_t computed_checksum = 0;

  bool checksum_ok() const { return stored_checksum == computed_checksum; }
  /// Sequence numbers differ or the checksum is wrong.
  bool dirty() const { return !checksum_ok() || primary_sequence != secondary_sequence; }
};

/// The checksum of the first 508 bytes of `block` (which holds at least 512 bytes).
std::uint32_t base_block_checksum(const std::uint8_t* block);

/// Parses `n` bytes (at least kLogBaseBlockSize) of a base block; never throws.
BaseBlock parse_base_block(const std::uint8_t* data, std::size_t n);

/// Writes the fields a replay changes into a 4096-byte base block and recomputes its
/// checksum: both sequence numbers, the hive bins data size, the root cell offset, bit 0 of
/// the flags (the KTM lock) and file type 0.
void rewrite_base_block(std::vector<std::uint8_t>& block, std::uint32_t sequence,
                        std::uint32_t hive_bins_data_size, std::uint32_t root_cell,
                        std::uint32_t flags);

/// Whether sequence number `a` comes before `b`, allowing for 32-bit wrap-around.
inline bool sequence_before(std::uint32_t a, std::uint32_t b) {
  return a != b && static_cast<std::uint32_t>(b - a) <= 0x7FFFFFFFU;
}

}  // namespace sqltriage::registry::replay
