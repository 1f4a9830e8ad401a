// Internal to the mft scan: account names for owner SIDs, from the evidence's hives.
#pragma once

#include <vector>

#include "pipeline/mft/entry_finding.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::mft_scan {

/// Names for SIDs from the SAM and SOFTWARE hives `evidence` holds (and the well-known
/// SIDs), through AccountNames; damaged hives add entries to `errors`. The lookup is
/// thread-safe.
AccountLookup account_lookup(const Evidence& evidence, std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::pipeline::mft_scan
