// What sqltriage knows about the events it reports: the default event set, the finding
// type of each event, and its one-line summary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sqltriage/evtx.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::evtx {

/// Whether (Provider Name, EventID) belongs to the default event set: Security 4624, 4625,
/// 4672, 4688, 4697, 1102; System 7045, 104; RemoteConnectionManager 1149;
/// LocalSessionManager 21, 22, 24, 25; Sysmon 1, 3, 11, 13, 15.
bool in_default_set(std::string_view provider, std::uint16_t event_id);

/// The finding type for an event, e.g. "evtx.logon" for Security 4624; "evtx.event" for
/// events without a dedicated type.
std::string_view finding_type(std::string_view provider, std::uint16_t event_id);

/// Builds the finding for an event: type, time, summary, artifact reference and typed data.
/// Checks are not applied here.
Finding make_finding(const Event& e, const std::string& artifact_path);

}  // namespace sqltriage::evtx
