// Internal to the weblog reader: one W3C extended log data line read with the columns of the
// last "#Fields:" directive.
//
// Format knowledge: W3C Working Draft WD-logfile-960323 (fields separated by whitespace, '-'
// for an empty field, "#Fields:" and "#Date:" directives, times in UTC) and Microsoft Learn
// "W3C Logging" (IIS field names; spaces inside a field are written as '+'). Fields are split
// on runs of spaces and tabs, as IIS readers (and awk) do: some IIS logs hold two spaces
// between fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"
#include "sqltriage/weblog.hpp"

namespace sqltriage::weblog::detail {

/// The Request member a W3C field fills; `other` for fields the reader does not keep.
enum class W3cField : std::uint8_t {
  other,
  date,
  time,
  client_ip,
  username,
  method,
  uri_stem,
  uri_query,
  protocol,
  status,
  substatus,
  win32_status,
  bytes_sent,
  bytes_received,
  time_taken,
  user_agent,
  referer,
  server_ip,
  server_port,
  site_name,
  computer_name,
};

/// The columns named by one "#Fields:" directive.
struct W3cColumns {
  std::vector<W3cField> fields;
  bool has_date = false;
  bool has_request_size = false;  ///< cs-bytes is among them
};

/// The last date a line was dated with and its midnight as a UTC FILETIME (std::nullopt when
/// it is not a date), so the lines of one day parse their date once.
struct W3cDateCache {
  std::string text;
  std::optional<Filetime> midnight;
};

/// Maps field names (case-insensitively: "cs(User-Agent)" = "cs(user-agent)") to columns.
W3cColumns w3c_columns(const std::vector<std::string>& names);

/// Parses one data line into `out` (line and offset left as they are; the other members are
/// overwritten). `directive_date` ("YYYY-MM-DD" from the last "#Date:", or empty) dates lines
/// when the columns have no date field. `scratch` and `dates` are reused between calls; `out`'s
/// strings keep their capacity. Returns
/// std::nullopt on success, else the reason for a BadLine ("14 fields where #Fields: names
/// 15", "sc-status 'abc' is not a number", "unparsable date and time '...'").
std::optional<std::string> parse_w3c_line(std::string_view line, const W3cColumns& columns,
                                          std::string_view directive_date,
                                          std::vector<std::string_view>& scratch,
                                          W3cDateCache& dates, Request& out);

/// Splits `text` on runs of spaces and tabs into `out` (cleared first).
void split_w3c_fields(std::string_view text, std::vector<std::string_view>& out);

}  // namespace sqltriage::weblog::detail
