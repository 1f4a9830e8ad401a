// Internal to the scans: opening the evidence arguments of a run.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage::pipeline {

/// Opens each evidence argument in order and records it in `header.evidence` (kind
/// "unreadable" when it cannot be opened). Its open errors, and the reason an argument could
/// not be opened ("open_failed"), are appended to `errors`, to be emitted after the header.
/// Returns the evidence that opened, in argument order. Never throws for bad evidence.
std::vector<std::unique_ptr<Evidence>> open_inputs(const std::vector<std::filesystem::path>& inputs,
                                                   const EvidenceOptions& options,
                                                   DocumentHeader& header,
                                                   std::vector<ErrorEntry>& errors);

/// Writes an error entry to `sink` and counts it in `outcome`.
inline void emit_counted(FindingSink& sink, ScanOutcome& outcome, const ErrorEntry& e) {
  sink.error(e);
  ++outcome.stats.errors;
}

/// Writes a finding to `sink` and counts it in `outcome` (findings, highest severity).
inline void emit_counted(FindingSink& sink, ScanOutcome& outcome, const Finding& f) {
  sink.finding(f);
  ++outcome.stats.findings;
  if (f.severity > outcome.max_severity) outcome.max_severity = f.severity;
}

}  // namespace sqltriage::pipeline
