// Internal to the mft scan: a USN journal record as an `mft.usn` finding (docs/mft.md).
#pragma once

#include <optional>
#include <string>

#include "sqltriage/finding.hpp"
#include "sqltriage/usn.hpp"

namespace sqltriage::pipeline::mft_scan {

/// The finding of record `r` of the $J named `j_display`. `parent_path` is the volume path
/// ("\a\b") of ParentFileReferenceNumber's entry, std::nullopt when the evidence has no
/// $MFT to resolve it (then "ParentPath" and "Path" are listed under "Unavailable").
Finding usn_finding(const usn::Record& r, const std::string& j_display,
                    const std::optional<std::string>& parent_path);

}  // namespace sqltriage::pipeline::mft_scan
