// A fixed-size window over a sparse stream: bytes of data ranges are read from the source,
// bytes of holes are zero-filled without reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::usn::detail {

/// The data ranges of `source`, sorted, clipped to its size, overlaps and neighbours merged.
std::vector<ByteRange> normalised_ranges(const ByteSource& source);

class StreamWindow {
 public:
  /// `ranges` as normalised_ranges() gives them; `display` names the stream in errors.
  StreamWindow(const ByteSource& source, std::vector<ByteRange> ranges, std::string display,
               std::size_t capacity);

  std::uint64_t size() const { return size_; }
  std::size_t capacity() const { return buffer_.size(); }
  const std::vector<ByteRange>& ranges() const { return ranges_; }

  /// Makes [pos, pos + n) available and returns a pointer to byte `pos`; n <= capacity()
  /// and pos + n <= size(). Throws ArtifactError (display, offset) on an I/O error or when
  /// the source ends before its size().
  const std::uint8_t* ensure(std::uint64_t pos, std::size_t n);

  /// Bytes at hand from `pos` on without reading (0 when pos is outside the buffer).
  std::size_t buffered(std::uint64_t pos) const {
    return pos >= start_ && pos < start_ + used_ ? static_cast<std::size_t>(start_ + used_ - pos)
                                                 : 0;
  }

  /// Bytes read from the source so far.
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  void fill(std::uint64_t from, std::uint8_t* dst, std::size_t n);

  const ByteSource& source_;
  std::vector<ByteRange> ranges_;
  std::string display_;
  std::uint64_t size_ = 0;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t start_ = 0;  // stream offset of buffer_[0]
  std::size_t used_ = 0;     // valid bytes in buffer_
  std::uint64_t bytes_read_ = 0;
};

}  // namespace sqltriage::usn::detail
