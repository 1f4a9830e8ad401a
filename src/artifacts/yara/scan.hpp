// One scan of a buffer with compiled rules, matches turned into RuleMatch values.
#pragma once

#include <cstddef>
#include <cstdint>

#include "artifacts/yara/library.hpp"
#include "sqltriage/yara_rules.hpp"

namespace sqltriage::yara {

/// Scans `size` bytes at `data` with its own YR_SCANNER (so many threads may scan with the
/// same `rules`); `timeout_s` 0 = no limit. Never throws for what libyara reports: errors go
/// to ScanResult::error. Throws std::runtime_error only when no scanner can be created.
ScanResult scan_buffer(YR_RULES* rules, const std::uint8_t* data, std::size_t size, int timeout_s);

}  // namespace sqltriage::yara
