// The MBR: four primary entries at offset 446 and, for an extended partition, the chain of
// extended boot records (EBRs) that each describe one logical partition and point at the next.
#include <algorithm>
#include <array>
#include <set>

#include "evidence/image/le_bytes.hpp"
#include "evidence/image/partition_table.hpp"
#include "evidence/image/table_checks.hpp"

namespace sqltriage::evidence::image {

namespace {

constexpr std::uint64_t kEntriesOffset = 446;
constexpr std::uint64_t kEntrySize = 16;

struct RawEntry {
  std::uint8_t status = 0;
  std::uint8_t type = 0;
  std::uint32_t start = 0;  // LBA (relative, for EBR entries)
  std::uint32_t count = 0;
};

RawEntry entry_at(const std::uint8_t* sector, unsigned slot) {
  const std::uint8_t* e = sector + kEntriesOffset + slot * kEntrySize;
  return RawEntry{e[0], e[4], static_cast<std::uint32_t>(le(e + 8, 4)),
                  static_cast<std::uint32_t>(le(e + 12, 4))};
}

bool is_extended(std::uint8_t type) { return type == 0x05 || type == 0x0F || type == 0x85; }

bool has_signature(const std::array<std::uint8_t, 512>& s) {
  return s[510] == 0x55 && s[511] == 0xAA;
}

std::string hex2(std::uint8_t v) {
  static const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[v >> 4] + digits[v & 15];
}

// Follows the EBR chain of the extended partition starting at `ext_lba` (`ext_count` sectors).
// `ext_entry` is the byte offset of the MBR entry of the extended partition.
void read_logical(const ByteSource& image, std::uint32_t ss, std::uint64_t ext_lba,
                  std::uint64_t ext_count, std::uint64_t ext_entry, PartitionTable& table) {
  std::set<std::uint64_t> visited;
  std::uint64_t ebr_lba = ext_lba;
  std::uint64_t link_offset = ext_entry;  // byte offset of the entry that pointed here
  unsigned number = 5;
  while (true) {
    const std::uint64_t ebr_offset = ebr_lba * ss;
    if (!visited.insert(ebr_lba).second) {
      table.problems.push_back({link_offset, "the EBR chain loops: the entry at byte offset " +
                                                 std::to_string(link_offset) +
                                                 " points back to the EBR at byte offset " +
                                                 std::to_string(ebr_offset) +
                                                 "; logical partitions after it are not read"});
      return;
    }
    if (number - 5 >= kMaxLogicalPartitions) {
      table.problems.push_back(
          {ebr_offset, "more than " + std::to_string(kMaxLogicalPartitions) +
                           " logical partitions; the EBR chain is not followed past byte offset " +
                           std::to_string(ebr_offset)});
      return;
    }
    std::array<std::uint8_t, 512> ebr{};
    if (ebr_offset >= image.size() || image.read_at(ebr_offset, ebr.data(), 512) != 512) {
      table.problems.push_back(
          {link_offset, "the entry at byte offset " + std::to_string(link_offset) +
                            " points at an EBR at byte offset " + std::to_string(ebr_offset) +
                            ", beyond the end of the image (" + std::to_string(image.size()) +
                            " bytes)"});
      return;
    }
    if (!has_signature(ebr)) {
      table.problems.push_back({ebr_offset, "no EBR signature (0x55AA) at byte offset " +
                                                std::to_string(ebr_offset + 510) +
                                                "; logical partitions from here are not read"});
      return;
    }
    const RawEntry logical = entry_at(ebr.data(), 0);
    const std::uint64_t logical_entry = ebr_offset + kEntriesOffset;
    if (logical.type != 0 && logical.count != 0) {
      const std::uint64_t start = ebr_lba + logical.start;
      if (logical.start == 0) {
        table.problems.push_back({logical_entry, "logical partition " + std::to_string(number) +
                                                     " (entry at byte offset " +
                                                     std::to_string(logical_entry) +
                                                     ") starts on its own EBR; not read"});
      } else {
        if (start + logical.count > ext_lba + ext_count)
          table.problems.push_back(
              {logical_entry, "logical partition " + std::to_string(number) +
                                  " (entry at byte offset " + std::to_string(logical_entry) +
                                  ") extends past the end of its extended partition"});
        add_partition(image, table,
                      Partition{number,
                                Scheme::mbr,
                                start * ss,
                                static_cast<std::uint64_t>(logical.count) * ss,
                                logical.type,
                                {},
                                logical_entry});
      }
      ++number;
    }
    const RawEntry next = entry_at(ebr.data(), 1);
    if (!is_extended(next.type) || next.count == 0) return;
    link_offset = ebr_offset + kEntriesOffset + kEntrySize;
    ebr_lba = ext_lba + next.start;
  }
}

}  // namespace

const char* to_string(Scheme s) { return s == Scheme::gpt ? "GPT" : "MBR"; }

PartitionTable read_mbr(const ByteSource& image, std::uint32_t ss) {
  PartitionTable table;
  table.sector_size = ss;
  std::array<std::uint8_t, 512> mbr{};
  if (image.read_at(0, mbr.data(), 512) != 512 || !has_signature(mbr)) return table;
  // Boot code and other boot sectors also end in 0x55AA: it is a partition table only when
  // every slot's status byte is 0x00 or 0x80 and some slot is in use.
  bool any = false;
  for (unsigned i = 0; i < 4; ++i) {
    const RawEntry e = entry_at(mbr.data(), i);
    if (e.status != 0x00 && e.status != 0x80) return table;
    any = any || (e.type != 0 && e.count != 0);
  }
  if (!any) return table;
  table.scheme = Scheme::mbr;
  bool seen_extended = false;
  for (unsigned i = 0; i < 4; ++i) {
    const RawEntry e = entry_at(mbr.data(), i);
    const std::uint64_t entry_offset = kEntriesOffset + i * kEntrySize;
    const std::string name = "MBR partition " + std::to_string(i + 1) + " (entry at byte offset " +
                             std::to_string(entry_offset) + ")";
    if (e.type == 0 || e.type == 0xEE) continue;  // empty; protective (GPT) is the caller's
    if (e.count == 0) {
      table.problems.push_back(
          {entry_offset, name + " has type " + hex2(e.type) + " but no sectors; not read"});
      continue;
    }
    if (e.start == 0) {
      table.problems.push_back(
          {entry_offset, name + " starts at LBA 0, on the partition table itself; not read"});
      continue;
    }
    if (is_extended(e.type)) {
      if (seen_extended) {
        table.problems.push_back(
            {entry_offset, name + " is a second extended partition; only the first is read"});
        continue;
      }
      seen_extended = true;
      read_logical(image, ss, e.start, e.count, entry_offset, table);
      continue;
    }
    add_partition(image, table,
                  Partition{i + 1,
                            Scheme::mbr,
                            static_cast<std::uint64_t>(e.start) * ss,
                            static_cast<std::uint64_t>(e.count) * ss,
                            e.type,
                            {},
                            entry_offset});
  }
  std::stable_sort(table.partitions.begin(), table.partitions.end(),
                   [](const Partition& a, const Partition& b) { return a.number < b.number; });
  report_overlaps(table);
  return table;
}

}  // namespace sqltriage::evidence::image
