// One VirusTotal report (a JSON value) normalised into a VtReport, whatever the API version.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sqltriage/hashsets.hpp"

namespace sqltriage::hashsets::detail {

/// Fills `out` (except `line`) from an API v3 file object ({"data": {"attributes": ...}} or
/// the bare object with "attributes") or an API v2 file report. False, with `why` set,
/// when the value is neither or names no well-formed MD5, SHA-1 or SHA-256.
bool normalise_vt_report(const nlohmann::json& value, VtReport& out, std::string& why);

}  // namespace sqltriage::hashsets::detail
