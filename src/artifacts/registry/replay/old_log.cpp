// Old-format transaction logs: the dirty vector ("DIRT") and its dirty sectors.
#include <array>
#include <bit>

#include "artifacts/registry/replay/log_formats.hpp"
#include "core/little_endian.hpp"

namespace sqltriage::registry::replay {

namespace {
constexpr std::uint64_t kVectorOffset = 512;
}  // namespace

std::optional<OldLog> read_old_log(const ByteSource& log, const BaseBlock& base,
                                   const std::string& display_path,
                                   std::vector<ErrorEntry>& errors) {
  const std::uint64_t log_size = log.size();
  std::array<std::uint8_t, 4> sig{};
  if (log_size < kVectorOffset + 4 || log.read_at(kVectorOffset, sig.data(), 4) != 4) {
    errors.push_back(make_error(
        display_path, "truncated",
        "old-format log of " + std::to_string(log_size) + " bytes ends before its dirty vector",
        kVectorOffset));
    return std::nullopt;
  }
  if (!(sig[0] == 'D' && sig[1] == 'I' && sig[2] == 'R' && sig[3] == 'T')) {
    errors.push_back(make_error(display_path, "record",
                                "old-format log without a \"DIRT\" dirty vector", kVectorOffset));
    return std::nullopt;
  }
  const std::uint64_t hbds = base.hive_bins_data_size;
  if (hbds == 0 || hbds % kHiveBinAlignment != 0 || hbds > kMaxHiveBinsDataSize) {
    errors.push_back(make_error(display_path, "record",
                                "log base block hive bins data size " + std::to_string(hbds) +
                                    " is not a multiple of 4096 up to 2 GiB",
                                40));
    return std::nullopt;
  }
  const std::uint64_t bitmap_bytes = hbds / 4096;  // one bit per 512-byte sector
  if (bitmap_bytes > log_size - kVectorOffset - 4) {
    errors.push_back(make_error(display_path, "truncated",
                                "dirty vector of " + std::to_string(bitmap_bytes) +
                                    " bytes runs past the end of the log (" +
                                    std::to_string(log_size) + " bytes)",
                                kVectorOffset));
    return std::nullopt;
  }
  OldLog old;
  old.bitmap.resize(static_cast<std::size_t>(bitmap_bytes));
  if (log.read_at(kVectorOffset + 4, old.bitmap.data(), old.bitmap.size()) != old.bitmap.size()) {
    errors.push_back(
        make_error(display_path, "truncated", "dirty vector unreadable", kVectorOffset + 4));
    return std::nullopt;
  }
  for (std::uint8_t b : old.bitmap)
    old.dirty_sectors += static_cast<std::uint64_t>(std::popcount(b));
  const std::uint64_t vector_end = kVectorOffset + 4 + bitmap_bytes;
  old.pages_offset = (vector_end + kSectorSize - 1) / kSectorSize * kSectorSize;
  if (old.pages_offset > log_size ||
      old.dirty_sectors > (log_size - old.pages_offset) / kSectorSize) {
    errors.push_back(make_error(display_path, "truncated",
                                "dirty vector marks " + std::to_string(old.dirty_sectors) +
                                    " sectors, the log ends before them",
                                old.pages_offset));
    return std::nullopt;
  }
  return old;
}

namespace {
template <typename Fn>
void for_each_dirty_sector(const OldLog& old, Fn&& fn) {
  std::uint64_t k = 0;
  for (std::size_t byte = 0; byte < old.bitmap.size(); ++byte) {
    const std::uint8_t b = old.bitmap[byte];
    if (b == 0) continue;
    for (unsigned bit = 0; bit < 8; ++bit) {
      if ((b >> bit) & 1U) {
        const std::uint64_t sector = static_cast<std::uint64_t>(byte) * 8 + bit;
        if (!fn(sector * kSectorSize, old.pages_offset + k * kSectorSize)) return;
        ++k;
      }
    }
  }
}
}  // namespace

bool apply_old_log(const ByteSource& log, const OldLog& old, std::uint32_t source,
                   const std::string& display_path, SectorMap& map,
                   std::vector<ErrorEntry>& errors) {
  bool ok = true;
  for_each_dirty_sector(old, [&](std::uint64_t hbd_offset, std::uint64_t log_offset) {
    if (hbd_offset % 4096 != 0) return true;
    std::array<std::uint8_t, 12> h{};
    if (log.read_at(log_offset, h.data(), h.size()) != h.size()) return true;  // checked before
    if (!(h[0] == 'h' && h[1] == 'b' && h[2] == 'i' && h[3] == 'n')) return true;
    const std::uint32_t bin_offset = le32(h.data() + 4);
    const std::uint32_t bin_size = le32(h.data() + 8);
    if (bin_offset != hbd_offset || bin_size == 0 || bin_size % 4096 != 0) {
      errors.push_back(make_error(display_path, "record",
                                  "dirty hive bin for hive offset " +
                                      hex_offset(kBaseBlockSize + hbd_offset) + " says offset " +
                                      hex_offset(bin_offset) + ", size " + hex_offset(bin_size) +
                                      "; the log is not applied",
                                  log_offset));
      ok = false;
      return false;
    }
    return true;
  });
  if (!ok) return false;
  for_each_dirty_sector(old, [&](std::uint64_t hbd_offset, std::uint64_t log_offset) {
    map.put(kBaseBlockSize + hbd_offset, kSectorSize, source, log_offset);
    return true;
  });
  return true;
}

}  // namespace sqltriage::registry::replay
