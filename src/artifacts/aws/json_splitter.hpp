// Internal to the CloudTrail reader: a byte-level walk over a stream of JSON text that finds
// the structure of the top level (object keys, array elements) and hands out one value's bytes
// at a time, so a file of any size costs one value of memory. It tracks strings (with their
// escapes) and the nesting depth of '{' '[' only; it does not check the JSON inside the values
// it hands out (the record parser does).
//
// Format knowledge: RFC 8259 (JSON text: white space is space, tab, LF and CR; strings are
// '"'-delimited with '\' escapes and no raw control characters).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_stream.hpp"

namespace sqltriage::aws::json {

/// How a value capture or skip ended.
enum class ValueEnd {
  ok,        ///< the whole value was read
  overlong,  ///< the value was read to its end but was longer than the limit (not kept)
  line_end,  ///< a raw line end inside the value while `newline_ends_value` (value damaged)
  eof        ///< the stream ended inside the value
};

class Splitter {
 public:
  explicit Splitter(stream::ByteStream& in);

  /// Skips white space (and a UTF-8 BOM at offset 0); the next byte, or -1 at the end.
  int peek();
  /// Consumes the byte peek() returned.
  void advance();
  /// Byte offset of the next byte (peek()'s) in the stream.
  std::uint64_t offset() const { return buf_offset_ + pos_; }

  /// Reads a JSON string token at the current position (peek() == '"') into `out`, escapes
  /// kept as written, at most `max` bytes kept. False when the stream ends inside it.
  bool read_string(std::string& out, std::size_t max = 4096);

  /// Copies the value at the current position (an object, array, string or scalar) into
  /// `out` (replaced), up to `max` bytes; a longer value is read to its end and dropped.
  /// With `newline_ends_value`, a raw LF inside the value ends it as damaged (line_end) and
  /// the position is after the LF. Always consumes at least one byte when the stream has
  /// one: a stray ',' ']' '}' or ':' where a value should start is returned as that one byte.
  ValueEnd capture(std::string& out, std::size_t max, bool newline_ends_value = false);

  /// Reads past the value at the current position without keeping it.
  ValueEnd skip() {
    std::string none;
    return capture(none, 0);
  }

  /// Reads past everything up to and including the next LF (resynchronising on lines).
  void skip_line();

  /// The bytes already buffered from the current position on (at most 64 KiB, after filling
  /// once), for looking ahead without consuming.
  std::string_view lookahead();

 private:
  bool fill();

  stream::ByteStream& in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t buf_offset_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;
};

}  // namespace sqltriage::aws::json
