// Recognising an NTFS volume by its boot sector, before handing it to libfsntfs: the OEM
// identifier "NTFS    " at offset 3 and a geometry that can be real.
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document (volume
// header: bytes per sector at 0x0B, sectors per cluster at 0x0D, total sectors at 0x28,
// $MFT cluster at 0x30, MFT entry size at 0x40, 0x55AA at 510).
#pragma once

#include <cstdint>
#include <optional>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::evidence::image {

struct NtfsBootSector {
  std::uint32_t bytes_per_sector = 0;
  std::uint64_t cluster_size = 0;   ///< bytes
  std::uint64_t total_sectors = 0;  ///< sectors of the volume, the backup boot sector excluded
  std::uint64_t mft_cluster = 0;
  /// Bytes the volume declares (total sectors × bytes per sector).
  std::uint64_t volume_bytes() const { return total_sectors * bytes_per_sector; }
};

/// What the first sector at some offset holds.
enum class VolumeSignature { none, ntfs, bitlocker };

/// The NTFS boot sector in the 512 bytes at `sector`, or std::nullopt when the signature
/// or the geometry is not that of NTFS.
std::optional<NtfsBootSector> parse_ntfs_boot_sector(const std::uint8_t* sector);

/// parse_ntfs_boot_sector of the 512 bytes at `offset` of `source` (std::nullopt when the
/// source ends first).
std::optional<NtfsBootSector> read_ntfs_boot_sector(const ByteSource& source, std::uint64_t offset);

/// NTFS (sane geometry), BitLocker ("-FVE-FS-" at offset 3) or neither, at `offset`.
VolumeSignature volume_signature(const ByteSource& source, std::uint64_t offset);

}  // namespace sqltriage::evidence::image
