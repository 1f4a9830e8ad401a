// Internal to the scans: what every run does — open the evidence arguments, start and end the
// document, emit and count findings and errors.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
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

/// A run's beginning: its clock, its header and the evidence opened (open_inputs), with the
/// errors to emit right after the header. Scans call sink.begin(header) when they are ready
/// (after validating options against the evidence) and finish_run() at the end.
struct ScanRun {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  DocumentHeader header;
  std::vector<std::unique_ptr<Evidence>> evidence;
  std::vector<ErrorEntry> early;
};
inline ScanRun start_run(const std::string& command,
                         const std::vector<std::filesystem::path>& inputs,
                         const EvidenceOptions& options) {
  ScanRun run;
  run.header.command = command;
  run.header.started = now_filetime();
  run.evidence = open_inputs(inputs, options, run.header, run.early);
  return run;
}

/// Sets the elapsed time and ends the document.
inline void finish_run(const ScanRun& run, FindingSink& sink, ScanOutcome& outcome) {
  outcome.stats.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run.started).count();
  sink.end(outcome.stats);
}

/// A scan's options on these evidence arguments, with `threads` when the scan has any.
template <typename ScanOptions>
ScanOptions on_evidence(const std::vector<std::filesystem::path>& inputs,
                        const EvidenceOptions& evidence, unsigned threads) {
  ScanOptions opt;
  opt.inputs = inputs;
  opt.evidence = evidence;
  if constexpr (requires { opt.threads; }) opt.threads = threads;
  return opt;
}

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
