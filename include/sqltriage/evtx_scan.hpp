// `sqltriage evtx`: find the event logs in the evidence, read them in parallel, apply the
// checks and stream findings to a sink in a stable order (input order, then record order).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

struct EvtxScanOptions {
  /// Evidence roots, folders of logs, or single files, in the order given.
  std::vector<std::filesystem::path> inputs;
  /// How to open inputs that are disk images.
  EvidenceOptions evidence;
  /// Every event instead of the default set.
  bool all_events = false;
  /// When non-empty: these EventIDs (any provider) instead of the default set.
  std::vector<std::uint16_t> event_ids;
  /// Keep events with since <= TimeCreated <= until (UTC FILETIME), when set.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// Keep events naming this file (basename or full path; see checks::names_target).
  std::optional<std::string> target;
  /// Also read the records libevtx recovers from free space.
  bool recover = false;
  /// With a Windows evidence root: every log in winevt\Logs, not only the standard five.
  bool all_logs = false;
  /// Worker threads; 0 = the number of cores.
  unsigned threads = 0;
  /// Logs of more chunks than this are read in windows of this many 64 KiB chunks, in
  /// parallel; 0 = the default (16 chunks, 1 MiB). Tests set it low to cover windowing.
  std::uint64_t window_chunks = 0;
};

struct ScanOutcome {
  RunStats stats;
  /// Highest severity among the findings emitted (info when none).
  Severity max_severity = Severity::info;
  /// No input could be opened, or no artifact in them could be read (exit code 3).
  bool nothing_readable = false;
};

/// The standard logs read from a Windows evidence root, as Windows paths.
const std::vector<std::string>& standard_evtx_logs();

/// Whether an evtx finding names `target` (checks::names_target) in one of the fields that
/// hold a file: Image, ParentImage, CommandLine, ParentCommandLine, NewProcessName,
/// ParentProcessName, TargetFilename, ImagePath, ServiceFileName, Details. The --target
/// filter of scan_evtx.
bool evtx_finding_names_target(const Finding& f, std::string_view target);

/// Runs the scan, calling sink.begin / finding / error / end. Never throws for bad
/// evidence: unreadable inputs, files and records become error entries.
ScanOutcome scan_evtx(const EvtxScanOptions& options, const std::string& command,
                      FindingSink& sink);

}  // namespace sqltriage
