// Internal to the weblog reader: empties a Request for the next line without giving back the
// memory of its strings, so a caller that passes the same Request to every Reader::next call
// does not allocate per line.
#pragma once

#include "sqltriage/weblog.hpp"

namespace sqltriage::weblog::detail {

/// Leaves `r` equal to Request{} (every string empty, every optional unset, line and offset
/// 0) with the strings' capacity kept.
inline void reset_request(Request& r) {
  r.line = 0;
  r.offset = 0;
  r.time.reset();
  r.client_ip.clear();
  r.username.clear();
  r.method.clear();
  r.uri_stem.clear();
  r.uri_query.clear();
  r.protocol.clear();
  r.status.reset();
  r.substatus.reset();
  r.win32_status.reset();
  r.bytes_sent.reset();
  r.bytes_received.reset();
  r.time_taken_ms.reset();
  r.user_agent.clear();
  r.referer.clear();
  r.server_ip.clear();
  r.server_port.reset();
  r.site_name.clear();
  r.computer_name.clear();
}

}  // namespace sqltriage::weblog::detail
