// Internal to the weblog reader: Apache LogFormat strings compiled once, and one line parsed
// with them (NCSA common and combined are LogFormats too).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sqltriage/weblog.hpp"

namespace sqltriage::weblog::detail {

/// "%h %l %u %t \"%r\" %>s %b" (Apache's "common").
inline constexpr const char* kCommonLogFormat = "%h %l %u %t \"%r\" %>s %b";
/// Common plus "\"%{Referer}i\" \"%{User-Agent}i\"" (Apache's and nginx's "combined").
inline constexpr const char* kCombinedLogFormat =
    "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";

/// A compiled LogFormat: literal text and directives in order.
class LogFormat {
 public:
  /// Compiles `format` ("common" and "combined" name the formats above). Throws
  /// std::invalid_argument naming the directive it cannot use (an unknown %x, a %{...} without
  /// its closing brace).
  explicit LogFormat(std::string_view format);
  ~LogFormat();
  LogFormat(LogFormat&&) noexcept;
  LogFormat& operator=(LogFormat&&) noexcept;

  /// Parses one line (without its line end) into `out` (line/offset left as they are). Returns
  /// std::nullopt on success, else why the line does not match (for BadLine::reason).
  /// Quoted fields may hold escaped quotes (\"), spaces, '|', '~', '*' and %-escapes; %t is
  /// "[10/Oct/2000:13:55:36 -0700]" and is converted to UTC.
  std::optional<std::string> parse(std::string_view line, Request& out) const;

  /// Whether the format records the request size (%I).
  bool records_request_size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqltriage::weblog::detail
