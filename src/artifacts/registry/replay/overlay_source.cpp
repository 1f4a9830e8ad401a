#include "artifacts/registry/replay/overlay_source.hpp"

#include <algorithm>
#include <cstring>

namespace sqltriage::registry::replay {

void SectorMap::put(std::uint64_t file_offset, std::uint64_t length, std::uint32_t source,
                    std::uint64_t source_offset) {
  for (std::uint64_t k = 0; k < length; k += kSectorSize)
    sectors_[file_offset + k] = Ref{source, source_offset + k};
}

std::uint64_t SectorMap::pages_changed() const {
  std::uint64_t pages = 0;
  std::uint64_t last = ~0ULL;
  for (const auto& [offset, ref] : sectors_) {
    if (offset < 4096) continue;
    const std::uint64_t page = (offset - 4096) / 4096;
    if (page != last) ++pages;  // the map is ordered, so equal pages are adjacent
    last = page;
  }
  return pages;
}

OverlaySource::OverlaySource(std::shared_ptr<const ByteSource> hive,
                             std::vector<std::uint8_t> base_block, std::uint64_t size,
                             std::vector<std::shared_ptr<const ByteSource>> sources,
                             const SectorMap& map)
    : hive_(std::move(hive)),
      base_block_(std::move(base_block)),
      size_(size),
      sources_(std::move(sources)) {
  base_block_.resize(4096, 0);
  for (const auto& [offset, ref] : map.sectors()) {
    if (offset < 4096 || offset >= size_) continue;
    if (!runs_.empty()) {
      Run& last = runs_.back();
      if (last.offset + last.length == offset && last.source == ref.source &&
          last.source_offset + last.length == ref.source_offset) {
        last.length += kSectorSize;
        continue;
      }
    }
    runs_.push_back(Run{offset, kSectorSize, ref.source, ref.source_offset});
  }
  if (!runs_.empty() && runs_.back().offset + runs_.back().length > size_)
    runs_.back().length = size_ - runs_.back().offset;
}

void OverlaySource::read_plain(std::uint64_t offset, std::uint8_t* out, std::size_t n) const {
  std::size_t got = 0;
  if (offset < hive_->size()) got = hive_->read_at(offset, out, n);
  if (got < n) std::memset(out + got, 0, n - got);
}

std::size_t OverlaySource::read_at(std::uint64_t offset, void* buf, std::size_t n) const {
  if (offset >= size_) return 0;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
  auto* out = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const std::uint64_t at = offset + done;
    const std::size_t want = n - done;
    if (at < base_block_.size()) {
      const std::size_t k =
          static_cast<std::size_t>(std::min<std::uint64_t>(want, base_block_.size() - at));
      std::memcpy(out + done, base_block_.data() + at, k);
      done += k;
      continue;
    }
    // The first run ending after `at`.
    auto it = std::upper_bound(runs_.begin(), runs_.end(), at, [](std::uint64_t v, const Run& r) {
      return v < r.offset + r.length;
    });
    if (it != runs_.end() && it->offset <= at) {
      const std::uint64_t into = at - it->offset;
      const std::size_t k =
          static_cast<std::size_t>(std::min<std::uint64_t>(want, it->length - into));
      const std::size_t got =
          sources_[it->source]->read_at(it->source_offset + into, out + done, k);
      if (got < k) std::memset(out + done + got, 0, k - got);
      done += k;
      continue;
    }
    std::uint64_t end = at + want;
    if (it != runs_.end()) end = std::min(end, it->offset);
    const std::size_t k = static_cast<std::size_t>(end - at);
    read_plain(at, out + done, k);
    done += k;
  }
  return n;
}

}  // namespace sqltriage::registry::replay
