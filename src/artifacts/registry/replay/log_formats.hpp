// The two transaction-log formats, read from a ByteSource with every length and offset
// checked against the log's size before use. Damage becomes ErrorEntry values naming the
// log and the byte offset; nothing here throws on content.
//
// Format knowledge: "Windows registry file format specification" (M. Suhanov), sections
// "Format of transaction log files" (old format: base block, dirty vector, dirty pages; new
// format: base block, log entries) and "Multiple transaction log files".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/registry/replay/base_block.hpp"
#include "artifacts/registry/replay/overlay_source.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::registry::replay {

/// A valid "HvLE" log entry (new format, Windows 8.1 and later): 40-byte header {"HvLE",
/// size, flags, sequence number, hive bins data size, dirty pages count, Hash-1, Hash-2},
/// then `pages` references {offset relative to the hive bins data, size} and the pages.
struct NewLogEntry {
  std::uint64_t offset = 0;  ///< byte offset of the entry in the log
  std::uint32_t size = 0;    ///< bytes, a multiple of 512
  std::uint32_t flags = 0;
  std::uint32_t sequence = 0;
  std::uint32_t hive_bins_data_size = 0;  ///< bytes, a multiple of 4096
  std::uint32_t pages = 0;
};

/// The valid entries of a new-format log, in file order: from offset 512, each entry aligned
/// to 512 bytes, sequence numbers consecutive from the log base block's primary sequence
/// number. Reading ends at the first offset without "HvLE" or whose entry does not continue
/// the sequence (remnants of older cycles; not an error). An entry that continues the
/// sequence but is damaged (Hash-1 or Hash-2 mismatch, size not a multiple of 512 or past
/// the end of the log, hive bins data size not a multiple of 4096 or over 2 GiB, no pages, a
/// page reference not 512-aligned or past that hive bins data size) ends reading with an
/// error entry ("record", or "truncated" when the log ends inside it) at its offset.
std::vector<NewLogEntry> read_new_log(const ByteSource& log, const BaseBlock& base,
                                      const std::string& display_path,
                                      std::vector<ErrorEntry>& errors);

/// Lays the pages of `entry` over the hive in `map` (as log number `source`).
void apply_new_log_entry(const ByteSource& log, const NewLogEntry& entry, std::uint32_t source,
                         SectorMap& map);

/// An old-format log (file types 1 and 2): "DIRT" at offset 512, a bitmap of one bit per
/// 512-byte sector of the hive bins data (hive bins data size / 4096 bytes, from the log's
/// base block), then, from the next 512-byte boundary, one 512-byte sector per set bit.
struct OldLog {
  std::vector<std::uint8_t> bitmap;
  std::uint64_t pages_offset = 0;  ///< byte offset of the first dirty sector in the log
  std::uint64_t dirty_sectors = 0;
};

/// Reads the dirty vector; std::nullopt with an error entry when the signature is missing,
/// the hive bins data size is unusable, or the vector or its sectors run past the end of
/// the log ("truncated").
std::optional<OldLog> read_old_log(const ByteSource& log, const BaseBlock& base,
                                   const std::string& display_path,
                                   std::vector<ErrorEntry>& errors);

/// Lays the dirty sectors over the hive in `map`. First checks every dirty sector that
/// starts a 4096-byte page and holds a hive bin header ("hbin"): its offset field must equal
/// its position and its size be a non-zero multiple of 4096. On a bad header nothing is
/// applied and false is returned with an error entry.
bool apply_old_log(const ByteSource& log, const OldLog& old, std::uint32_t source,
                   const std::string& display_path, SectorMap& map,
                   std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::registry::replay
