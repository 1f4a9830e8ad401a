// `sqltriage pe`: what an executable is. For each file named by the options (a loose file,
// every file of a folder, or --target inside a directory or image evidence): hashes, PE
// facts, version info, Authenticode signatures with trust, catalog signing, hash-set and
// VirusTotal-report hits, and the masquerading checks. docs/pe.md describes the output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

struct PeScanOptions {
  /// Evidence arguments in the order given: a file, a folder of files, an evidence root or
  /// a disk image. May be empty when only `vt_query` is asked.
  std::vector<std::filesystem::path> inputs;
  /// How to open inputs that are disk images.
  EvidenceOptions evidence;
  /// --target: required for evidence roots and images, optional for folders (a filter);
  /// a bare name matches files of that name anywhere in the evidence (ASCII letters
  /// case-insensitive), a path (with '\' or '/') that file only (drive letter optional).
  std::vector<std::string> targets;
  /// --hashes: hash-set specs (hashsets::HashSets::add).
  std::vector<std::string> hash_sets;
  /// --vt-reports: JSON Lines files of VirusTotal reports.
  std::vector<std::filesystem::path> vt_reports;
  /// --vt-query FIELD=VALUE (hashsets::VtReports::query), repeatable.
  std::vector<std::string> vt_queries;
  /// --ca-file: certificates to trust, after the evidence's registry root stores.
  std::vector<std::filesystem::path> ca_files;
  /// --no-system-roots: do not trust the host's certificate store.
  bool system_roots = true;
  /// --no-registry-roots: do not trust the evidence's registry root stores.
  bool registry_roots = true;
  /// --no-catalogs: do not read Windows\System32\CatRoot.
  bool catalogs = true;
  /// Worker threads; 0 = the number of cores.
  unsigned threads = 0;
  /// "Now" for the checks (a TimeDateStamp in the future); 0 = the current time.
  Filetime now = 0;
};

/// Runs the analysis, calling sink.begin / finding / error / end: first the `pe.vt_match`
/// findings of the queries, then one `pe.file` finding per file in evidence order (files of
/// a folder in name order, targets in MFT or folder-walk order). Throws
/// std::invalid_argument for a malformed --vt-query and ArtifactError for a hash set, report
/// file or --ca-file that cannot be used (the caller reports them as usage errors); bad
/// evidence never throws: it becomes error entries.
ScanOutcome scan_pe(const PeScanOptions& options, const std::string& command, FindingSink& sink);

}  // namespace sqltriage
