#include "evidence/image/table_checks.hpp"

#include <limits>

namespace sqltriage::evidence::image {

namespace {

constexpr std::size_t kMaxOverlapReports = 8;

std::string describe(const Partition& p) {
  return std::string(to_string(p.scheme)) + " partition " + std::to_string(p.number) +
         " (entry at byte offset " + std::to_string(p.entry_offset) + ")";
}

}  // namespace

void add_partition(const ByteSource& image, PartitionTable& table, Partition p) {
  const std::uint64_t size = image.size();
  if (p.offset >= size) {
    table.problems.push_back({p.entry_offset, describe(p) + " starts at byte offset " +
                                                  std::to_string(p.offset) +
                                                  ", beyond the end of the image (" +
                                                  std::to_string(size) + " bytes); not read"});
    return;
  }
  if (p.length > std::numeric_limits<std::uint64_t>::max() - p.offset || p.offset + p.length > size)
    table.problems.push_back({p.entry_offset,
                              describe(p) + " declares " + std::to_string(p.length) +
                                  " bytes from byte offset " + std::to_string(p.offset) +
                                  ", past the end of the image (" + std::to_string(size) +
                                  " bytes): the image is truncated or the entry is wrong",
                              true});
  table.partitions.push_back(std::move(p));
}

void report_overlaps(PartitionTable& table) {
  std::size_t reported = 0;
  const auto& ps = table.partitions;
  for (std::size_t i = 0; i < ps.size() && reported < kMaxOverlapReports; ++i) {
    for (std::size_t j = i + 1; j < ps.size() && reported < kMaxOverlapReports; ++j) {
      const auto& a = ps[i];
      const auto& b = ps[j];
      const std::uint64_t a_end = a.offset + a.length;  // bounded: lengths come from 32/64-bit
      const std::uint64_t b_end = b.offset + b.length;  // LBAs times a small sector size
      if (a.offset < b_end && b.offset < a_end) {
        table.problems.push_back({b.entry_offset, describe(b) + " overlaps " + describe(a)});
        ++reported;
      }
    }
  }
}

}  // namespace sqltriage::evidence::image
