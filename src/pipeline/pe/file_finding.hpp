// Internal to the pe scan: one file's `pe.file` finding.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "sqltriage/authenticode.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/hashsets.hpp"

namespace sqltriage::pipeline::pe_scan {

/// What every file of one evidence argument is judged against.
struct FileContext {
  const authenticode::TrustStore& trust;
  /// The evidence's catalogs, built on first use; nullptr when the evidence has none or
  /// --no-catalogs was given. Thread-safe.
  std::function<const authenticode::CatalogIndex*()> catalogs;
  const hashsets::HashSets& hash_sets;
  const hashsets::VtReports& vt_reports;
  Filetime now = 0;
};

struct FileResult {
  std::optional<Finding> finding;  ///< absent when the file could not be opened at all
  std::vector<ErrorEntry> errors;
};

/// Opens the file, reads its PE structure (if it is one), hashes it in one pass, verifies
/// its signatures, looks for it in catalogs, hash sets and reports, and applies the PE
/// checks. A file that is not a PE still gets its hashes and lookups. Never throws for bad
/// input: damage becomes errors (and Problems in the finding).
FileResult analyse_file(const ArtifactFile& file, const FileContext& ctx);

}  // namespace sqltriage::pipeline::pe_scan
