// Partition tables of a whole-disk image: MBR (primary entries and the logical partitions of
// an extended partition, following the EBR chain) and GPT (protective MBR, header, entry
// array). Damaged or impossible entries are reported as problems with the byte offset of the
// entry in the image, never thrown, so that the partitions that remain usable can be read.
// Format knowledge: the UEFI Specification 2.10 §5 (GPT header and entry layout, protective
// MBR, CRC32 of header and entry array) and the IBM PC partition table as Microsoft documents
// it ("Master Boot Record", extended boot records chained relative to the extended partition).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::evidence::image {

enum class Scheme { mbr, gpt };

/// "MBR" or "GPT".
const char* to_string(Scheme s);

/// One partition entry that lies (at least partly) inside the image.
struct Partition {
  /// As Linux numbers it: MBR primaries 1-4 by slot, logical partitions 5, 6, ... in the
  /// order of the EBR chain; GPT entries by their index in the entry array, from 1.
  unsigned number = 0;
  Scheme scheme = Scheme::mbr;
  std::uint64_t offset = 0;        ///< first byte in the image
  std::uint64_t length = 0;        ///< bytes, as the entry declares them
  std::uint8_t mbr_type = 0;       ///< MBR partition type byte (0x07 NTFS/exFAT, ...); 0 for GPT
  std::string gpt_type;            ///< GPT partition type GUID, upper-case text; empty for MBR
  std::uint64_t entry_offset = 0;  ///< byte offset of the table entry describing it
};

/// Something wrong with the table: where (a byte offset in the image) and what.
struct TableProblem {
  std::uint64_t offset = 0;
  std::string message;
  /// The entry is sound but the image ends before the partition does.
  bool truncated = false;
};

struct PartitionTable {
  /// std::nullopt when the image holds no MBR (no 0x55AA signature or entries that cannot be
  /// a partition table) and no GPT.
  std::optional<Scheme> scheme;
  /// Bytes per logical sector the table counts in (512, or 4096 for a 4Kn GPT disk).
  std::uint32_t sector_size = 512;
  /// Entries that start inside the image, in table order. An entry that runs past the end
  /// of the image is kept (a truncated image) and also reported in `problems`.
  std::vector<Partition> partitions;
  std::vector<TableProblem> problems;
};

/// Most logical partitions followed along an EBR chain; a longer chain is reported.
inline constexpr unsigned kMaxLogicalPartitions = 128;
/// Most GPT entries read; the UEFI minimum array is 128 entries, Windows writes 128.
inline constexpr std::uint32_t kMaxGptEntries = 4096;

/// Reads the partition table at the start of `image`. Never throws on content (I/O errors
/// of the source propagate as std::system_error). A GPT is recognised by its header at
/// LBA 1 for 512-byte sectors (offset 512) or 4096-byte sectors (offset 4096), when the MBR
/// is protective (type 0xEE) or absent; when the primary header is missing the backup
/// header in the last sector is tried. CRC32 mismatches are reported, not fatal.
PartitionTable read_partition_table(const ByteSource& image);

/// The MBR alone (used by read_partition_table; exposed for tests): primary entries and the
/// logical chain. `sector_size` converts LBAs to bytes.
PartitionTable read_mbr(const ByteSource& image, std::uint32_t sector_size = 512);

/// The GPT alone, header at LBA 1 of `sector_size`-byte sectors. std::nullopt when there is
/// no "EFI PART" header there nor in the image's last sector.
std::optional<PartitionTable> read_gpt(const ByteSource& image, std::uint32_t sector_size);

}  // namespace sqltriage::evidence::image
