// The (decompressed) bytes of a text artifact in order, and the lines they hold, read in
// fixed-size chunks so memory does not grow with the file (web logs, flow logs, CloudTrail).
//
// Format knowledge: RFC 1952 (gzip member header: 1F 8B, CM = 8 for deflate; several members
// may follow each other, as `cat a.gz b.gz` makes), zlib's inflate with windowBits 15 + 16
// (gzip wrapper, streaming).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::stream {

/// Longest line content kept, in bytes; a longer line is reported as overlong.
inline constexpr std::size_t kMaxLineBytes = 1024 * 1024;

/// The bytes of a file in order: plain, or inflated from gzip.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Reads up to `n` bytes; 0 at the end (or where a damaged stream stops).
  virtual std::size_t read(char* buf, std::size_t n) = 0;
  /// Set when a compressed stream ended early or was damaged: what happened, with the
  /// compressed byte offset.
  virtual std::optional<std::string> truncation() const { return std::nullopt; }
};

/// Whether `source` starts with the gzip magic 1F 8B.
bool is_gzip(const ByteSource& source);

/// The bytes of `source` as they are.
std::unique_ptr<ByteStream> plain_stream(std::shared_ptr<const ByteSource> source);

/// The inflated bytes of the gzip member(s) in `source`. Throws ArtifactError (naming
/// `display` and the offset) when the first member header is not gzip with deflate at all
/// (compression method other than 8, reserved flag bits set); a stream cut short or damaged
/// later ends the bytes and sets truncation().
std::unique_ptr<ByteStream> gzip_stream(std::shared_ptr<const ByteSource> source,
                                        const std::string& display);

/// One line as the splitter hands it out. `text` has no line end ("\n" or "\r\n") and no
/// UTF-8 BOM; it stays valid until the next call.
struct LineView {
  std::string_view text;
  std::uint64_t number = 0;  ///< 1-based
  std::uint64_t offset = 0;  ///< byte offset of the line's first byte in the decompressed file
  bool terminated = true;    ///< false for a last line without a line end
  std::uint64_t overlong_bytes = 0;  ///< the line's length when over kMaxLineBytes (text empty)
};

/// Splits a ByteStream into lines (LF or CRLF), reading 64 KiB at a time. A line longer than
/// kMaxLineBytes is skipped to its end and handed out with `overlong_bytes` set.
class LineSplitter {
 public:
  explicit LineSplitter(ByteStream& in);
  /// The next line; false at the end of the stream.
  bool next(LineView& out);
  /// Lines handed out so far.
  std::uint64_t lines() const { return number_; }

 private:
  bool fill();

  ByteStream& in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t buf_offset_ = 0;  // decompressed offset of buf_[0]
  bool eof_ = false;
  std::string line_;  // a line that crosses a chunk boundary
  std::uint64_t number_ = 0;
};

}  // namespace sqltriage::stream
