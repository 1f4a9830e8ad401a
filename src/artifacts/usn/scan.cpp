// The walk over a $J stream: holes jumped, zero runs skipped, records decoded, damage
// reported once per damaged region and passed by looking for the next plausible header.
#include <algorithm>

#include "artifacts/usn/damage_log.hpp"
#include "artifacts/usn/record_layout.hpp"
#include "artifacts/usn/stream_window.hpp"
#include "sqltriage/usn.hpp"

namespace sqltriage::usn {

namespace {

constexpr std::size_t kWindowBytes = std::size_t{1} << 20;
constexpr std::size_t kZeroBlock = 4096;
static_assert(kWindowBytes >= kMaxRecordLength);

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool all_zero(const std::uint8_t* p, std::size_t n) {
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc == 0;
}

// Length of the run of zero bytes at p, in 8-byte units, at most n (a multiple of 8): whole
// zero blocks first, then 8-byte steps.
std::size_t zero_run(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i + kZeroBlock <= n && all_zero(p + i, kZeroBlock)) i += kZeroBlock;
  while (i + 8 <= n && load64(p + i) == 0) i += 8;
  return i;
}

// Where the data at or after `pos` starts and ends: the range holding pos or the next one;
// {size, size} when only a hole is left. `ri` moves forward only.
struct Span {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};
Span data_at(const std::vector<ByteRange>& ranges, std::size_t& ri, std::uint64_t pos,
             std::uint64_t size) {
  while (ri < ranges.size() && ranges[ri].offset + ranges[ri].length <= pos) ++ri;
  if (ri == ranges.size()) return {size, size};
  return {std::max(pos, ranges[ri].offset), ranges[ri].offset + ranges[ri].length};
}

}  // namespace

ScanStats scan(const ByteSource& j, const std::string& display_path,
               const std::function<void(const Record&)>& on_record,
               const std::function<void(ErrorEntry)>& on_error) {
  detail::StreamWindow window(j, detail::normalised_ranges(j), display_path, kWindowBytes);
  detail::DamageLog damage(display_path, on_error, kMaxRecordErrors);
  ScanStats stats;
  const std::uint64_t size = window.size();
  const auto& ranges = window.ranges();
  std::size_t ri = 0;
  std::uint64_t pos = 0;  // always a multiple of 8
  Record record;

  while (pos < size) {
    // A hole: jump to the 8-byte boundary at or before the next data.
    const Span data = data_at(ranges, ri, pos, size);
    if (data.begin >= size) {
      stats.bytes_skipped += size - pos;
      break;
    }
    if (const std::uint64_t to = data.begin & ~std::uint64_t{7}; to > pos) {
      stats.bytes_skipped += to - pos;
      pos = to;
    }
    const std::uint64_t left = size - pos;
    const std::size_t head_len =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, detail::kProbeBytes));
    const std::uint8_t* head = window.ensure(pos, head_len);

    // Zero bytes: padding, or the zero-filled part of a copy that was not kept sparse.
    if (all_zero(head, std::min<std::size_t>(head_len, 8))) {
      if (left < 8) {
        stats.bytes_skipped += left;
        break;
      }
      // Up to the end of the data range, within what the window holds (at least the 8 zero
      // bytes at hand); a longer run goes on after the next refill.
      std::uint64_t limit = std::min<std::uint64_t>(data.end - pos, window.buffered(pos));
      limit = std::max<std::uint64_t>(limit & ~std::uint64_t{7}, 8);
      const std::uint8_t* p = window.ensure(pos, static_cast<std::size_t>(limit));
      const std::size_t run = std::max<std::size_t>(zero_run(p, limit), 8);
      stats.bytes_skipped += run;
      pos += run;
      continue;
    }

    if (damage.open()) {  // inside a damaged region: only a plausible header ends it
      if (!detail::plausible(head, head_len, left)) {
        pos += 8;
        continue;
      }
      damage.resume(pos);
    }
    if (const detail::Problem problem = detail::check(head, head_len, left)) {
      damage.begin(pos, detail::describe(problem));
      pos += 8;
      continue;
    }
    const std::uint32_t length =
        static_cast<std::uint32_t>(head[0]) | (static_cast<std::uint32_t>(head[1]) << 8) |
        (static_cast<std::uint32_t>(head[2]) << 16) | (static_cast<std::uint32_t>(head[3]) << 24);
    detail::decode(window.ensure(pos, length), pos, record);
    ++stats.records;
    on_record(record);
    pos += length;
  }

  damage.finish(size);
  stats.damaged = damage.regions();
  stats.bytes_read = window.bytes_read();
  return stats;
}

}  // namespace sqltriage::usn
