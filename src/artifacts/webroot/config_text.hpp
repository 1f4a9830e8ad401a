// The bytes of a web server configuration file as UTF-8 text, and how to turn an offset in
// that text back into a line number and a byte offset of the file.
// Format knowledge: Unicode 15 ch. 23.8 (byte order marks); XML 1.0 appendix F (an XML
// file without a mark whose first bytes are "<\0" is UTF-16LE).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::webroots {

/// A configuration file decoded to UTF-8.
class ConfigText {
 public:
  /// Decodes `bytes`: a UTF-8 mark (EF BB BF) is dropped; UTF-16LE (FF FE, or no mark and
  /// "<\0" first) and UTF-16BE (FE FF) become UTF-8 (unpaired surrogates as WTF-8, an odd
  /// last byte dropped); anything else is taken as UTF-8 (or ASCII) as it is.
  explicit ConfigText(std::string_view bytes);

  /// The text, without the byte order mark.
  const std::string& utf8() const { return utf8_; }
  /// The 1-based line of byte `at` of utf8() (lines end with LF; a CR before it is part of
  /// the line). Offsets past the end give the last line.
  std::size_t line_of(std::size_t at) const;
  /// The byte offset in the file of byte `at` of utf8() (mark and UTF-16 widths included).
  std::size_t file_offset(std::size_t at) const;

 private:
  std::string utf8_;
  std::size_t prefix_ = 0;  // bytes of byte order mark
  bool utf16_ = false;
  std::vector<std::size_t> line_starts_;
};

/// "<display>:<line>", the `source` of a root.
std::string source_of(const std::string& display, std::size_t line);

}  // namespace sqltriage::webroots
