// VPC flow log records, one at a time: the version-2 default format and custom formats (the
// files VPC Flow Logs delivers to S3 start with a header line naming the fields), plain or
// gzip-compressed.
//
// Format knowledge: Amazon VPC User Guide, "Logging IP traffic using VPC Flow Logs" / "Flow
// log records" (default format: version account-id interface-id srcaddr dstaddr srcport
// dstport protocol packets bytes start end action log-status; custom-format field names such
// as vpc-id, instance-id, tcp-flags, pkt-srcaddr, pkt-dstaddr, flow-direction; '-' for a field
// with no value, e.g. in NODATA and SKIPDATA records; start and end in Unix seconds; action
// ACCEPT or REJECT); IANA protocol numbers (6 TCP, 17 UDP, 1 ICMP); RFC 1952 (gzip).
//
// Units: times are UTC FILETIMEs converted from Unix seconds; bytes and packets are counts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

/// One flow record. Fields the format does not carry, or that are '-', are empty /
/// std::nullopt.
struct FlowRecord {
  std::uint64_t line = 0;    ///< 1-based line number in the (decompressed) file
  std::uint64_t offset = 0;  ///< byte offset of the line
  std::string account_id;
  std::string interface_id;
  std::string instance_id;  ///< custom formats with instance-id
  std::string srcaddr;
  std::string dstaddr;
  std::string pkt_srcaddr;  ///< custom formats with pkt-srcaddr (the packet's original source)
  std::string pkt_dstaddr;  ///< custom formats with pkt-dstaddr
  std::optional<std::uint32_t> srcport;
  std::optional<std::uint32_t> dstport;
  std::optional<std::uint32_t> protocol;  ///< IANA number
  std::optional<std::uint64_t> packets;
  std::optional<std::uint64_t> bytes;
  std::optional<Filetime> start;
  std::optional<Filetime> end;
  std::string action;          ///< "ACCEPT", "REJECT" or ""
  std::string log_status;      ///< "OK", "NODATA", "SKIPDATA"
  std::string flow_direction;  ///< custom formats with flow-direction: "ingress" / "egress"
};

/// What a file turned out to hold.
struct FlowFileSummary {
  /// "default" (no header, or a header naming the 14 version-2 default fields in their order)
  /// or "custom" (a header naming other fields or another order).
  std::string format;
  /// The field names, space-separated, as the (first) header gave them; the default ones
  /// without a header.
  std::string fields;
  std::uint64_t records = 0;  ///< records handed out (NODATA/SKIPDATA included)
  std::uint64_t bad_lines = 0;
  bool truncated = false;  ///< the gzip stream was cut short
};

/// Reads one flow-log file as a stream (one line at a time; memory does not grow with the
/// file). The first non-empty line is a header when it names fields (it contains "srcaddr" or
/// "dstaddr" and no digits-only field; names may be written with '_' for '-' or as
/// ${name}); otherwise the default version-2 format is assumed. A later header line (files
/// concatenated) switches to the fields it names. Unknown field names are kept and ignored.
/// A line whose field count differs from the header's, or with a number or address that does
/// not parse, is a "record" error through `on_error` (with its line number in the message and
/// its byte offset) — at most 100 per file, then one "limit" error with the count — and
/// reading goes on. A gzip stream cut short ends with a "truncated" error. Throws
/// ArtifactError (naming `display`) when the file cannot be read or is not flow-log text
/// at all (binary data in the first line).
FlowFileSummary read_flowlogs(std::shared_ptr<const ByteSource> source, const std::string& display,
                              const std::function<void(const FlowRecord&)>& on_record,
                              const std::function<void(ErrorEntry)>& on_error);

}  // namespace sqltriage::aws
