// New-format ("HvLE") transaction log entries.
#include <array>
#include <functional>

#include "artifacts/registry/replay/log_formats.hpp"
#include "artifacts/registry/replay/marvin32.hpp"
#include "core/little_endian.hpp"

namespace sqltriage::registry::replay {

namespace {

constexpr std::size_t kEntryHeader = 40;
constexpr std::size_t kChunk = 64 * 1024;

bool read_exact(const ByteSource& src, std::uint64_t offset, std::uint8_t* out, std::size_t n) {
  return src.read_at(offset, out, n) == n;
}

/// Marvin32 of [offset, offset + n) of `src`, read in chunks; std::nullopt on a short read.
std::optional<std::uint64_t> hash_range(const ByteSource& src, std::uint64_t offset,
                                        std::uint64_t n) {
  Marvin32 m;
  std::vector<std::uint8_t> buf(static_cast<std::size_t>(std::min<std::uint64_t>(n, kChunk)));
  while (n > 0) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
    if (!read_exact(src, offset, buf.data(), k)) return std::nullopt;
    m.update(buf.data(), k);
    offset += k;
    n -= k;
  }
  return m.finish();
}

/// Calls fn(page offset relative to the hive bins data, page size) for each page reference
/// of the entry at `entry_offset` with `count` references; false on a short read.
bool for_each_page_ref(const ByteSource& src, std::uint64_t entry_offset, std::uint32_t count,
                       const std::function<bool(std::uint32_t, std::uint32_t)>& fn) {
  std::array<std::uint8_t, 4096> buf{};
  std::uint64_t at = entry_offset + kEntryHeader;
  std::uint64_t left = static_cast<std::uint64_t>(count) * 8;
  while (left > 0) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    if (!read_exact(src, at, buf.data(), k)) return false;
    for (std::size_t i = 0; i < k; i += 8)
      if (!fn(le32(buf.data() + i), le32(buf.data() + i + 4))) return false;
    at += k;
    left -= k;
  }
  return true;
}

std::string entry_name(std::uint64_t offset, std::uint32_t sequence) {
  return "log entry at " + hex_offset(offset) + " (sequence number " + std::to_string(sequence) +
         ")";
}

}  // namespace

std::vector<NewLogEntry> read_new_log(const ByteSource& log, const BaseBlock& base,
                                      const std::string& display_path,
                                      std::vector<ErrorEntry>& errors) {
  std::vector<NewLogEntry> entries;
  const std::uint64_t log_size = log.size();
  std::uint64_t offset = kLogBaseBlockSize;
  std::uint32_t expected = base.primary_sequence;
  auto fail = [&](const std::string& code, std::uint64_t at, const std::string& what) {
    errors.push_back(make_error(display_path, code, what + "; replay stops before it", at));
  };
  while (offset + kEntryHeader <= log_size) {
    std::array<std::uint8_t, kEntryHeader> h{};
    if (!read_exact(log, offset, h.data(), h.size())) break;
    if (!(h[0] == 'H' && h[1] == 'v' && h[2] == 'L' && h[3] == 'E')) break;
    NewLogEntry e;
    e.offset = offset;
    e.size = le32(h.data() + 4);
    e.flags = le32(h.data() + 8);
    e.sequence = le32(h.data() + 12);
    e.hive_bins_data_size = le32(h.data() + 16);
    e.pages = le32(h.data() + 20);
    const std::uint64_t hash1 = le64(h.data() + 24);
    const std::uint64_t hash2 = le64(h.data() + 32);
    if (marvin32(h.data(), 32) != hash2) {
      fail("record", offset,
           "log entry at " + hex_offset(offset) + ": Hash-2 does not match its header");
      break;
    }
    if (e.sequence != expected) break;  // a remnant of an earlier cycle: the entries end here
    const std::string name = entry_name(offset, e.sequence);
    if (e.size < 512 || e.size % 512 != 0) {
      fail("record", offset,
           name + ": size " + std::to_string(e.size) + " is not a non-zero multiple of 512");
      break;
    }
    if (e.size > log_size - offset) {
      fail("truncated", offset,
           name + ": " + std::to_string(e.size) + " bytes declared, the log ends after " +
               std::to_string(log_size - offset));
      break;
    }
    if (e.hive_bins_data_size == 0 || e.hive_bins_data_size % kHiveBinAlignment != 0 ||
        e.hive_bins_data_size > kMaxHiveBinsDataSize) {
      fail("record", offset + 16,
           name + ": hive bins data size " + std::to_string(e.hive_bins_data_size) +
               " is not a multiple of 4096 up to 2 GiB");
      break;
    }
    if (e.pages == 0 || static_cast<std::uint64_t>(e.pages) * 8 > e.size - kEntryHeader) {
      fail("record", offset + 20,
           name + ": dirty pages count " + std::to_string(e.pages) + " does not fit the entry");
      break;
    }
    const auto h1 = hash_range(log, offset + kEntryHeader, e.size - kEntryHeader);
    if (!h1 || *h1 != hash1) {
      fail("record", offset, name + ": Hash-1 does not match its page references and pages");
      break;
    }
    std::uint64_t total = kEntryHeader + static_cast<std::uint64_t>(e.pages) * 8;
    std::string bad;
    const bool refs_ok =
        for_each_page_ref(log, offset, e.pages, [&](std::uint32_t page, std::uint32_t size) {
          total += size;
          if (size == 0 || size % kSectorSize != 0 || page % kSectorSize != 0 ||
              static_cast<std::uint64_t>(page) + size > e.hive_bins_data_size) {
            bad = "page reference {offset " + hex_offset(page) + ", size " + hex_offset(size) +
                  "} lies outside the hive bins data size " + hex_offset(e.hive_bins_data_size) +
                  " or is not 512-aligned";
            return false;
          }
          if (total > e.size) {
            bad = "its pages are larger than the entry";
            return false;
          }
          return true;
        });
    if (!refs_ok) {
      fail("record", offset, name + ": " + (bad.empty() ? "page references unreadable" : bad));
      break;
    }
    entries.push_back(e);
    offset += e.size;
    ++expected;
  }
  return entries;
}

void apply_new_log_entry(const ByteSource& log, const NewLogEntry& entry, std::uint32_t source,
                         SectorMap& map) {
  std::uint64_t data = entry.offset + kEntryHeader + static_cast<std::uint64_t>(entry.pages) * 8;
  for_each_page_ref(log, entry.offset, entry.pages, [&](std::uint32_t page, std::uint32_t size) {
    map.put(kBaseBlockSize + page, size, source, data);
    data += size;
    return true;
  });
}

}  // namespace sqltriage::registry::replay
