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

/// "%v:%p " before combined (Debian's and Ubuntu's "vhost_combined", the format of
/// other_vhosts_access.log: the virtual host and port first).
inline constexpr const char* kVhostCombinedLogFormat =
    "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"";

/// A compiled LogFormat: literal text and directives in order.
class LogFormat {
 public:
  /// Compiles `format` ("common", "combined" and "vhost_combined" name the formats above).
  /// Directives: %h %a
  /// %{c}a (client_ip), %l (ignored), %u, %t, %r, %s %>s, %b ('-' is 0), %B, %O (wins over
  /// %b / %B), %I, %D (µs, truncated to ms), %T (seconds, a fraction allowed), %m, %U, %q
  /// ('?' dropped), %H, %v %V (site_name), %p, %A (server_ip), %{Header}i (Referer and
  /// User-Agent kept, other headers skipped), %%; '<' / '>' modifiers are accepted. Literal
  /// text may use httpd.conf's escapes \" \\ \n \r \t. Throws std::invalid_argument naming the
  /// directive it cannot use: an unknown %x, a %{...} without its closing brace, %{format}t,
  /// status-code conditions (%400{...}i), a '%' at the end, or two fields with nothing between
  /// them to tell where the first ends (except after %t and before %q, as in "%U%q").
  explicit LogFormat(std::string_view format);
  ~LogFormat();
  LogFormat(LogFormat&&) noexcept;
  LogFormat& operator=(LogFormat&&) noexcept;

  /// Parses one line (without its line end; a trailing '\r' is ignored) into `out`: every
  /// field but line/offset is reset first, so fields the format lacks are empty / nullopt.
  /// Returns std::nullopt on success, else why the line does not match (for BadLine::reason,
  /// with a 1-based column and at most 40 bytes of the line, non-printable bytes as \xhh); on
  /// failure `out`'s fields other than line/offset are unspecified.
  /// A field between a literal ending in '"' and one starting with '"' is quoted: it may hold
  /// escaped quotes and backslashes (\" and \\ are undone, other escapes such as \xhh stay
  /// as logged), spaces, '|', '~', '*' and %-escapes, and even unescaped quotes when the rest
  /// of the line still matches (a bounded number of ends is tried). Other fields end at the
  /// next literal, the last one at the end of the line. '-' is empty / nullopt (0 for %b).
  /// %t is "[10/Oct/2000:13:55:36 -0700]" and is converted to UTC; a bad date, month, time
  /// or offset, or one before 1601, fails. %r "METHOD URI PROTOCOL" (or "METHOD URI") fills
  /// method, uri_stem, uri_query (after the first '?') and protocol; the URI may hold spaces.
  /// A %r that is not a request (a method with other than token characters, no URI, or a
  /// scanner's TLS bytes) still parses: method, query and protocol empty, the whole text in
  /// uri_stem ("-" leaves uri_stem empty). Numbers must be plain decimal digits.
  std::optional<std::string> parse(std::string_view line, Request& out) const;

  /// Whether the format records the request size (%I).
  bool records_request_size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqltriage::weblog::detail
