// Internal to the flow-log reader: the field names of VPC flow log records, how a header line
// is told from a record, and how one field's text becomes a value.
//
// Format knowledge: Amazon VPC User Guide, "Flow log records" (available fields, version 2 to
// 5; the default format is the 14 version-2 fields; files delivered to S3 start with a header
// line of the field names separated by single spaces; Parquet and Athena spell them with '_'
// instead of '-'; '-' stands for no value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"

namespace sqltriage::aws::flowlogs {

/// The fields the reader uses; every other name is `other` (kept in the layout, ignored).
enum class Field : std::uint8_t {
  other,
  version,
  account_id,
  interface_id,
  instance_id,
  srcaddr,
  dstaddr,
  pkt_srcaddr,
  pkt_dstaddr,
  srcport,
  dstport,
  protocol,
  packets,
  bytes,
  start,
  end,
  action,
  log_status,
  flow_direction,
};

/// The field of a header name: "srcaddr", "pkt-srcaddr", "pkt_srcaddr" and "${srcaddr}"
/// (the custom-format syntax) all name srcaddr; lower case only, as AWS writes them.
Field field_of(std::string_view name);

/// The fields of a line: runs of spaces and tabs separate them. Views into `line`.
void split_fields(std::string_view line, std::vector<std::string_view>& out);

/// Whether the fields are a header line: one of them names srcaddr or dstaddr (field_of) and
/// none is made of digits only (a record always has digits-only fields: version, start, end).
bool is_header(const std::vector<std::string_view>& fields);

/// The version-2 default format, as a header would name it.
const std::vector<Field>& default_layout();
/// "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes
/// start end action log-status".
const std::string& default_field_names();

/// Whether the line holds a byte no text line has (NUL, other C0 controls but tab, CR, LF,
/// form feed, vertical tab; DEL): the sign of a binary file.
bool looks_binary(std::string_view line);

/// A decimal number of at most `max`; std::nullopt for anything else (sign, space, overflow).
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max);

/// Unix seconds (0 to 253402300799, the end of year 9999) as a UTC FILETIME.
std::optional<Filetime> parse_unix_seconds(std::string_view text);

/// Whether `text` is an IPv4 or IPv6 address literal.
bool is_address(std::string_view text);

/// The canonical text of an address literal (inet_ntop of inet_pton): "2001:DB8::0:1" ->
/// "2001:db8::1"; std::nullopt when it is not one.
std::optional<std::string> canonical_address(std::string_view text);

}  // namespace sqltriage::aws::flowlogs
