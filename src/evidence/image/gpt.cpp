// The GUID partition table: header at LBA 1 (or the backup header in the last sector), then
// the entry array it points at. CRC32s are checked and mismatches reported.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <vector>

#include "evidence/image/le_bytes.hpp"
#include "evidence/image/partition_table.hpp"
#include "evidence/image/table_checks.hpp"

namespace sqltriage::evidence::image {

namespace {

constexpr std::size_t kMinHeaderSize = 92;
constexpr std::uint32_t kMaxEntrySize = 4096;
constexpr std::size_t kReadBlock = 64 * 1024;

std::string hex32(std::uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += digits[(v >> shift) & 15];
  return s;
}

// The GUID text form: the first three fields little-endian, the last two as stored.
std::string guid_text(const std::uint8_t* g) {
  static const char* digits = "0123456789ABCDEF";
  std::string s;
  auto byte = [&](std::uint8_t b) {
    s += digits[b >> 4];
    s += digits[b & 15];
  };
  for (int i = 3; i >= 0; --i) byte(g[i]);
  s += '-';
  byte(g[5]);
  byte(g[4]);
  s += '-';
  byte(g[7]);
  byte(g[6]);
  s += '-';
  byte(g[8]);
  byte(g[9]);
  s += '-';
  for (int i = 10; i < 16; ++i) byte(g[i]);
  return s;
}

bool all_zero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

bool mul_fits(std::uint64_t a, std::uint64_t b) {
  return b == 0 || a <= std::numeric_limits<std::uint64_t>::max() / b;
}

std::optional<std::vector<std::uint8_t>> header_at(const ByteSource& image, std::uint64_t offset,
                                                   std::uint32_t ss) {
  std::vector<std::uint8_t> h(ss);
  if (offset >= image.size() || image.read_at(offset, h.data(), ss) != ss) return std::nullopt;
  if (std::memcmp(h.data(), "EFI PART", 8) != 0) return std::nullopt;
  return h;
}

// The entries of the array at `array_offset`; adds partitions and problems to `table`. The
// array's CRC32 is compared with `stored_crc` when given.
void read_entries(const ByteSource& image, std::uint32_t ss, std::uint64_t array_offset,
                  std::uint32_t count, std::uint32_t entry_size,
                  std::optional<std::uint32_t> stored_crc, std::uint64_t first_usable,
                  std::uint64_t last_usable, PartitionTable& table) {
  const std::uint64_t array_bytes = static_cast<std::uint64_t>(count) * entry_size;
  std::vector<std::uint8_t> block;
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uint64_t done = 0;
  const std::uint32_t per_block =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, kReadBlock / entry_size));
  for (std::uint32_t first = 0; first < count; first += per_block) {
    const std::uint32_t n = std::min(per_block, count - first);
    block.resize(static_cast<std::size_t>(n) * entry_size);
    const std::size_t got = image.read_at(array_offset + done, block.data(), block.size());
    crc = crc32(crc, block.data(), static_cast<uInt>(got));
    done += got;
    for (std::uint32_t k = 0; k < n && (k + 1) * static_cast<std::size_t>(entry_size) <= got; ++k) {
      const std::uint8_t* e = block.data() + static_cast<std::size_t>(k) * entry_size;
      const std::uint32_t index = first + k;
      const std::uint64_t entry_offset =
          array_offset + static_cast<std::uint64_t>(index) * entry_size;
      if (all_zero(e, 16)) continue;  // unused entry
      const std::uint64_t first_lba = le(e + 32, 8);
      const std::uint64_t last_lba = le(e + 40, 8);
      const std::string name = "GPT partition " + std::to_string(index + 1) +
                               " (entry at byte offset " + std::to_string(entry_offset) + ")";
      if (last_lba < first_lba) {
        table.problems.push_back({entry_offset, name + " ends (LBA " + std::to_string(last_lba) +
                                                    ") before it starts (LBA " +
                                                    std::to_string(first_lba) + "); not read"});
        continue;
      }
      if (first_lba < 2) {
        table.problems.push_back({entry_offset, name + " starts at LBA " +
                                                    std::to_string(first_lba) +
                                                    ", on the partition table itself; not read"});
        continue;
      }
      if (!mul_fits(last_lba + 1, ss)) {
        table.problems.push_back({entry_offset, name + " lies at LBA " + std::to_string(first_lba) +
                                                    ", far beyond the end of the image (" +
                                                    std::to_string(image.size()) +
                                                    " bytes); not read"});
        continue;
      }
      if (first_lba < first_usable || last_lba > last_usable)
        table.problems.push_back(
            {entry_offset, name + " lies outside the usable LBAs " + std::to_string(first_usable) +
                               "-" + std::to_string(last_usable) + " the GPT header declares"});
      add_partition(image, table,
                    Partition{index + 1, Scheme::gpt, first_lba * ss,
                              (last_lba - first_lba + 1) * ss, 0, guid_text(e), entry_offset});
    }
    if (got < block.size()) break;
  }
  if (done < array_bytes) {
    table.problems.push_back(
        {array_offset + done, "the GPT entry array is cut short at byte offset " +
                                  std::to_string(array_offset + done) + " (end of the image)"});
  } else if (stored_crc && static_cast<std::uint32_t>(crc) != *stored_crc) {
    table.problems.push_back({array_offset, "GPT entry array CRC32 mismatch at byte offset " +
                                                std::to_string(array_offset) + " (stored " +
                                                hex32(*stored_crc) + ", computed " +
                                                hex32(static_cast<std::uint32_t>(crc)) + ")"});
  }
}

}  // namespace

std::optional<PartitionTable> read_gpt(const ByteSource& image, std::uint32_t ss) {
  PartitionTable table;
  table.scheme = Scheme::gpt;
  table.sector_size = ss;
  std::uint64_t header_offset = ss;
  auto header = header_at(image, header_offset, ss);
  if (!header) {
    const std::uint64_t sectors = image.size() / ss;
    if (sectors < 3) return std::nullopt;
    header_offset = (sectors - 1) * ss;
    header = header_at(image, header_offset, ss);
    if (!header) return std::nullopt;
    table.problems.push_back({ss, "no primary GPT header at byte offset " + std::to_string(ss) +
                                      "; the backup header at byte offset " +
                                      std::to_string(header_offset) + " is used"});
  }
  const auto& h = *header;
  const auto header_size = static_cast<std::uint32_t>(le(h.data() + 12, 4));
  if (header_size < kMinHeaderSize || header_size > ss) {
    table.problems.push_back(
        {header_offset + 12, "GPT header at byte offset " + std::to_string(header_offset) +
                                 " declares an impossible size of " + std::to_string(header_size) +
                                 " bytes; its CRC32 is not checked"});
  } else {
    std::vector<std::uint8_t> copy(h.begin(), h.begin() + header_size);
    std::fill(copy.begin() + 16, copy.begin() + 20, 0);
    const auto computed = static_cast<std::uint32_t>(crc32(0L, copy.data(), header_size));
    const auto stored = static_cast<std::uint32_t>(le(h.data() + 16, 4));
    if (computed != stored)
      table.problems.push_back({header_offset, "GPT header CRC32 mismatch at byte offset " +
                                                   std::to_string(header_offset) + " (stored " +
                                                   hex32(stored) + ", computed " + hex32(computed) +
                                                   ")"});
  }
  const std::uint64_t first_usable = le(h.data() + 40, 8);
  const std::uint64_t last_usable = le(h.data() + 48, 8);
  const std::uint64_t array_lba = le(h.data() + 72, 8);
  std::uint32_t count = static_cast<std::uint32_t>(le(h.data() + 80, 4));
  const auto entry_size = static_cast<std::uint32_t>(le(h.data() + 84, 4));
  const auto array_crc = static_cast<std::uint32_t>(le(h.data() + 88, 4));
  if (entry_size < 128 || entry_size > kMaxEntrySize || entry_size % 8 != 0) {
    table.problems.push_back(
        {header_offset + 84, "GPT header at byte offset " + std::to_string(header_offset) +
                                 " declares entries of " + std::to_string(entry_size) +
                                 " bytes; no partition is read from it"});
    return table;
  }
  if (count > kMaxGptEntries) {
    table.problems.push_back({header_offset + 80, "GPT header declares " + std::to_string(count) +
                                                      " entries; only the first " +
                                                      std::to_string(kMaxGptEntries) +
                                                      " are read and the array CRC32 is not "
                                                      "checked"});
    count = kMaxGptEntries;
  }
  if (!mul_fits(array_lba, ss) || array_lba * ss >= image.size() || array_lba == 0) {
    table.problems.push_back(
        {header_offset + 72, "GPT entry array at LBA " + std::to_string(array_lba) +
                                 " lies outside the image (" + std::to_string(image.size()) +
                                 " bytes); no partition is read"});
    return table;
  }
  const bool whole_array = count == le(h.data() + 80, 4);
  read_entries(image, ss, array_lba * ss, count, entry_size,
               whole_array ? std::optional<std::uint32_t>(array_crc) : std::nullopt, first_usable,
               last_usable, table);
  report_overlaps(table);
  return table;
}

PartitionTable read_partition_table(const ByteSource& image) {
  PartitionTable mbr = read_mbr(image, 512);
  std::optional<std::uint64_t> protective_entry;
  std::array<std::uint8_t, 512> sector{};
  if (image.read_at(0, sector.data(), 512) == 512 && sector[510] == 0x55 && sector[511] == 0xAA)
    for (unsigned i = 0; i < 4; ++i)
      if (sector[446 + i * 16 + 4] == 0xEE) protective_entry = 446 + i * 16;
  if (protective_entry || !mbr.scheme) {
    for (std::uint32_t ss : {512u, 4096u}) {
      if (auto gpt = read_gpt(image, ss)) return std::move(*gpt);
    }
    if (protective_entry)
      mbr.problems.push_back(
          {*protective_entry, "protective MBR entry (type 0xEE) at byte offset " +
                                  std::to_string(*protective_entry) +
                                  " but no GPT header at byte offset 512 or "
                                  "4096 nor in the last sector"});
  }
  return mbr;
}

}  // namespace sqltriage::evidence::image
