#include "evidence/image/ntfs_boot_sector.hpp"

#include <array>
#include <cstring>

#include "evidence/image/le_bytes.hpp"

namespace sqltriage::evidence::image {

namespace {

bool power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

constexpr std::uint64_t kMaxClusterSize = 2 * 1024 * 1024;  // NTFS allows up to 2 MiB

}  // namespace

std::optional<NtfsBootSector> parse_ntfs_boot_sector(const std::uint8_t* s) {
  if (std::memcmp(s + 3, "NTFS    ", 8) != 0) return std::nullopt;
  if (s[510] != 0x55 || s[511] != 0xAA) return std::nullopt;
  NtfsBootSector b;
  b.bytes_per_sector = static_cast<std::uint32_t>(le(s + 0x0B, 2));
  if (b.bytes_per_sector < 256 || b.bytes_per_sector > 4096 || !power_of_two(b.bytes_per_sector))
    return std::nullopt;
  // Sectors per cluster: a count up to 128, or above 0x80 the exponent 256 - value.
  const std::uint8_t spc = s[0x0D];
  std::uint64_t sectors_per_cluster = 0;
  if (spc != 0 && spc <= 0x80) {
    if (!power_of_two(spc)) return std::nullopt;
    sectors_per_cluster = spc;
  } else if (spc > 0x80) {
    const unsigned shift = 256u - spc;
    if (shift > 21) return std::nullopt;
    sectors_per_cluster = std::uint64_t{1} << shift;
  } else {
    return std::nullopt;
  }
  b.cluster_size = sectors_per_cluster * b.bytes_per_sector;
  if (b.cluster_size > kMaxClusterSize) return std::nullopt;
  b.total_sectors = le(s + 0x28, 8);
  b.mft_cluster = le(s + 0x30, 8);
  if (b.total_sectors == 0 || b.total_sectors > (std::uint64_t{1} << 48)) return std::nullopt;
  const std::uint64_t clusters = b.total_sectors / sectors_per_cluster;
  if (b.mft_cluster == 0 || b.mft_cluster >= clusters) return std::nullopt;
  // MFT entry size: clusters when positive, else 2^-value bytes.
  const auto entry = static_cast<std::int8_t>(s[0x40]);
  const std::uint64_t entry_bytes = entry > 0 ? static_cast<std::uint64_t>(entry) * b.cluster_size
                                    : entry < 0 && entry >= -31 ? std::uint64_t{1} << (-entry)
                                                                : 0;
  if (entry_bytes < 256 || entry_bytes > 65536) return std::nullopt;
  return b;
}

std::optional<NtfsBootSector> read_ntfs_boot_sector(const ByteSource& source,
                                                    std::uint64_t offset) {
  std::array<std::uint8_t, 512> sector{};
  if (offset >= source.size() || source.read_at(offset, sector.data(), sector.size()) != 512)
    return std::nullopt;
  return parse_ntfs_boot_sector(sector.data());
}

VolumeSignature volume_signature(const ByteSource& source, std::uint64_t offset) {
  std::array<std::uint8_t, 512> sector{};
  if (offset >= source.size() || source.read_at(offset, sector.data(), sector.size()) != 512)
    return VolumeSignature::none;
  if (parse_ntfs_boot_sector(sector.data())) return VolumeSignature::ntfs;
  if (std::memcmp(sector.data() + 3, "-FVE-FS-", 8) == 0) return VolumeSignature::bitlocker;
  return VolumeSignature::none;
}

}  // namespace sqltriage::evidence::image
