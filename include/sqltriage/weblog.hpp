// Web server access logs, one request at a time: IIS W3C extended logs, NCSA common and
// combined logs (IIS, Apache, nginx) and any Apache LogFormat string, plain or gzip-compressed.
//
// Format knowledge: W3C Working Draft WD-logfile-960323 "Extended Log File Format" and
// Microsoft Learn "W3C Logging" (IIS field names: date, time, s-sitename, s-computername, s-ip,
// cs-method, cs-uri-stem, cs-uri-query, s-port, cs-username, c-ip, cs-version, cs(User-Agent),
// cs(Referer), sc-status, sc-substatus, sc-win32-status, sc-bytes, cs-bytes, time-taken; '-'
// for an empty field; times in UTC); Apache HTTP Server 2.4 mod_log_config (LogFormat
// directives %h %l %u %t %r %>s %s %b %B %O %I %D %T %{Header}i %m %U %q %H %v %p %a);
// nginx ngx_http_log_module (the "combined" format); RFC 1952 (gzip).
//
// Units: times are UTC FILETIMEs (W3C logs are UTC; NCSA lines carry their own offset, which
// is applied); sizes are bytes; durations are milliseconds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::weblog {

/// One logged request. Fields the log does not record are empty / std::nullopt; a W3C "-"
/// is empty too.
struct Request {
  std::uint64_t line = 0;    ///< 1-based line number in the (decompressed) file
  std::uint64_t offset = 0;  ///< byte offset of the line in the (decompressed) file
  std::optional<Filetime> time;
  std::string client_ip;      ///< c-ip, %h / %a
  std::string username;       ///< cs-username, %u
  std::string method;         ///< cs-method, from %r or %m
  std::string uri_stem;       ///< cs-uri-stem, the path of %r / %U (percent-escapes kept as logged)
  std::string uri_query;      ///< cs-uri-query, the query of %r / %q, without '?'
  std::string protocol;       ///< cs-version, from %r or %H ("HTTP/1.1")
  std::optional<int> status;  ///< sc-status, %>s / %s
  std::optional<int> substatus;                 ///< sc-substatus (IIS)
  std::optional<std::uint64_t> win32_status;    ///< sc-win32-status (IIS)
  std::optional<std::uint64_t> bytes_sent;      ///< sc-bytes, %b / %B / %O
  std::optional<std::uint64_t> bytes_received;  ///< cs-bytes, %I: the request's size, headers
                                                ///< included
  std::optional<std::uint64_t> time_taken_ms;   ///< time-taken, %D (µs) / %T (s) in ms
  std::string user_agent;          ///< cs(User-Agent), %{User-Agent}i ('+' in W3C logs stays '+')
  std::string referer;             ///< cs(Referer), %{Referer}i
  std::string server_ip;           ///< s-ip
  std::optional<int> server_port;  ///< s-port, %p
  std::string site_name;           ///< s-sitename, %v
  std::string computer_name;       ///< s-computername
};

/// A line that could not be read as a request: cut off, binary garbage, wrong field count,
/// unparsable time or number.
struct BadLine {
  std::uint64_t line = 0;    ///< 1-based
  std::uint64_t offset = 0;  ///< byte offset of the line in the (decompressed) file
  std::string reason;        ///< e.g. "14 fields where #Fields: names 15"
};

/// What a file turned out to be.
enum class Format { w3c, ncsa_common, ncsa_combined, vhost_combined, logformat };

/// "w3c", "ncsa_common", "ncsa_combined", "vhost_combined", "logformat".
const char* to_string(Format f);

/// Reads one log file as a stream: memory does not grow with the file (one line at a time;
/// a line longer than 1 MiB is a BadLine, skipped to its end).
class Reader {
 public:
  virtual ~Reader() = default;

  /// Opens `source` (gzip when it starts with 1F 8B, else plain text; UTF-8 with or without a
  /// BOM). `display` names it in errors. Without `logformat` the format is detected from the
  /// first non-empty lines: W3C when a "#Software:", "#Version:" or "#Fields:" directive comes
  /// first, otherwise NCSA combined, common or vhost_combined ("%v:%p " before combined),
  /// each line read with another of them when the detected one does not fit it. With `logformat`
  /// (an Apache LogFormat string, or the nicknames "common", "combined" and "vhost_combined") every
  /// line is read with it. Throws std::invalid_argument for a LogFormat it cannot use (naming the
  /// directive), ArtifactError (naming `display` and the byte offset) for a gzip stream that is not
  /// gzip at all.
  static std::unique_ptr<Reader> open(std::shared_ptr<const ByteSource> source, std::string display,
                                      const std::optional<std::string>& logformat = std::nullopt);

  /// Reads the next request into `out`; false at the end of the file. Malformed lines are
  /// skipped and counted (bad_lines()); W3C directives ("#Fields:" may change mid-file and
  /// then decides the columns of the lines after it) are consumed. A gzip stream cut short or
  /// damaged ends the file: truncation() says where.
  virtual bool next(Request& out) = 0;

  virtual Format format() const = 0;
  /// The first 1,000 malformed lines; bad_line_count() counts them all.
  virtual const std::vector<BadLine>& bad_lines() const = 0;
  virtual std::uint64_t bad_line_count() const = 0;
  /// Lines read so far (requests, directives, blank and bad lines).
  virtual std::uint64_t lines() const = 0;
  /// Whether any request read so far had a field that records the request size (cs-bytes,
  /// %I), so "no upload matched" can be told from "the log cannot say".
  virtual bool records_request_size() const = 0;
  /// Set when the compressed stream ended early or was damaged: what happened, with the
  /// compressed byte offset.
  virtual std::optional<std::string> truncation() const = 0;
};

/// Splits a W3C "#Fields:" directive's value into field names.
std::vector<std::string> w3c_field_names(const std::string& directive_value);

}  // namespace sqltriage::weblog
