// A replayed hive as a ByteSource: the stored hive with 512-byte sectors of its hive bins
// data replaced by sectors of transaction logs, a rewritten base block and, when a log grew
// the hive, a larger size (bytes past the stored hive and not written by a log read as
// zeros). Nothing is copied: a replaced sector is read from its log on demand, so memory
// grows with the number of replaced sectors (a few dozen bytes each), not with the hive.
// read_at is thread-safe (the sources are, and the maps are immutable).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::registry::replay {

inline constexpr std::uint64_t kSectorSize = 512;

/// Where each replaced sector of the hive comes from, built while logs are applied; a later
/// write of a sector replaces an earlier one.
class SectorMap {
 public:
  struct Ref {
    std::uint32_t source = 0;         ///< index into the replay's list of logs
    std::uint64_t source_offset = 0;  ///< byte offset of the sector in that log
  };
  /// Maps [file_offset, file_offset + length) of the hive (both multiples of kSectorSize) to
  /// the same number of bytes at `source_offset` of log `source`.
  void put(std::uint64_t file_offset, std::uint64_t length, std::uint32_t source,
           std::uint64_t source_offset);
  bool empty() const { return sectors_.empty(); }
  /// Distinct 4096-byte pages of the hive bins data (file offset 4096 on) with a replaced
  /// sector.
  std::uint64_t pages_changed() const;
  const std::map<std::uint64_t, Ref>& sectors() const { return sectors_; }  ///< by file offset

 private:
  std::map<std::uint64_t, Ref> sectors_;
};

class OverlaySource final : public ByteSource {
 public:
  /// `base_block` replaces bytes [0, 4096); `sources[i]` are the logs the map refers to.
  OverlaySource(std::shared_ptr<const ByteSource> hive, std::vector<std::uint8_t> base_block,
                std::uint64_t size, std::vector<std::shared_ptr<const ByteSource>> sources,
                const SectorMap& map);
  std::uint64_t size() const override { return size_; }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override;

 private:
  struct Run {  // replaced bytes [offset, offset + length) of the hive
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::uint32_t source = 0;
    std::uint64_t source_offset = 0;
  };
  void read_plain(std::uint64_t offset, std::uint8_t* out, std::size_t n) const;
  std::shared_ptr<const ByteSource> hive_;
  std::vector<std::uint8_t> base_block_;
  std::uint64_t size_ = 0;
  std::vector<std::shared_ptr<const ByteSource>> sources_;
  std::vector<Run> runs_;  // sorted, not overlapping, adjacent sectors of one log merged
};

}  // namespace sqltriage::registry::replay
