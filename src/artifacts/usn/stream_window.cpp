#include "artifacts/usn/stream_window.hpp"

#include <algorithm>
#include <cstring>
#include <system_error>

#include "sqltriage/error.hpp"

namespace sqltriage::usn::detail {

std::vector<ByteRange> normalised_ranges(const ByteSource& source) {
  const std::uint64_t size = source.size();
  std::vector<ByteRange> in = source.data_ranges();
  std::sort(in.begin(), in.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> out;
  for (const auto& r : in) {
    if (r.offset >= size || r.length == 0) continue;
    const std::uint64_t end = r.offset + std::min(r.length, size - r.offset);
    if (!out.empty() && r.offset <= out.back().offset + out.back().length) {
      auto& last = out.back();
      last.length = std::max(last.offset + last.length, end) - last.offset;
    } else {
      out.push_back(ByteRange{r.offset, end - r.offset});
    }
  }
  return out;
}

StreamWindow::StreamWindow(const ByteSource& source, std::vector<ByteRange> ranges,
                           std::string display, std::size_t capacity)
    : source_(source),
      ranges_(std::move(ranges)),
      display_(std::move(display)),
      size_(source.size()),
      buffer_(capacity) {}

const std::uint8_t* StreamWindow::ensure(std::uint64_t pos, std::size_t n) {
  if (pos >= start_ && pos + n <= start_ + used_) return buffer_.data() + (pos - start_);
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), size_ - pos));
  std::size_t kept = 0;
  if (pos >= start_ && pos < start_ + used_) {  // keep the tail already read
    kept = static_cast<std::size_t>(start_ + used_ - pos);
    std::memmove(buffer_.data(), buffer_.data() + (pos - start_), kept);
  }
  start_ = pos;
  used_ = kept;
  fill(pos + kept, buffer_.data() + kept, want - kept);
  used_ = want;
  return buffer_.data();
}

void StreamWindow::fill(std::uint64_t from, std::uint8_t* dst, std::size_t n) {
  const std::uint64_t end = from + n;
  // First range that ends after `from`.
  auto it = std::upper_bound(
      ranges_.begin(), ranges_.end(), from,
      [](std::uint64_t off, const ByteRange& r) { return off < r.offset + r.length; });
  std::uint64_t at = from;
  while (at < end) {
    if (it == ranges_.end() || it->offset >= end) {  // a hole up to the end
      std::memset(dst + (at - from), 0, static_cast<std::size_t>(end - at));
      break;
    }
    if (at < it->offset) {  // a hole before the next range
      std::memset(dst + (at - from), 0, static_cast<std::size_t>(it->offset - at));
      at = it->offset;
    }
    const std::uint64_t stop = std::min(end, it->offset + it->length);
    const std::size_t want = static_cast<std::size_t>(stop - at);
    std::size_t got = 0;
    try {
      got = source_.read_at(at, dst + (at - from), want);
    } catch (const std::system_error& e) {
      throw ArtifactError(display_, "cannot read at offset " + std::to_string(at) + ": " + e.what(),
                          at);
    }
    bytes_read_ += got;
    if (got < want)
      throw ArtifactError(display_,
                          "the stream ends at offset " + std::to_string(at + got) +
                              ", before its size " + std::to_string(size_),
                          at + got);
    at = stop;
    ++it;
  }
}

}  // namespace sqltriage::usn::detail
