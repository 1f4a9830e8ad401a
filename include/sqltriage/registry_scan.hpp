// `sqltriage registry`: how a file is started, whether it ran, and whose accounts these are,
// from the evidence's hives (SYSTEM, SOFTWARE, SAM, SECURITY, every profile's NTUSER.DAT and
// UsrClass.dat, Amcache.hve), its task files, startup folders and prefetch files — or from
// hive and prefetch files given directly. Dirty hives are replayed from their .LOG1/.LOG2
// transaction logs in memory first. docs/registry.md describes every finding type.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

struct RegistryScanOptions {
  /// Evidence arguments in the order given: an evidence root or disk image (hives found at
  /// their Windows locations), a folder of collected hives / prefetch files, or one hive or
  /// .pf file. A loose file is a hive when it starts with "regf"; its kind comes from its
  /// file name (SYSTEM, SOFTWARE, SAM, SECURITY, NTUSER.DAT, UsrClass.dat, Amcache.hve, any
  /// case) or else from its root keys, and its logs are the files beside it named
  /// <hive>.LOG1, .LOG2 and .LOG.
  std::vector<std::filesystem::path> inputs;
  EvidenceOptions evidence;
  /// --target NAME|PATH (checks::names_target): entries naming it are raised to high.
  std::vector<std::string> targets;
  /// --pivot/--window (or --since/--until): keys last written inside [since, until] are
  /// raised to medium. UTC FILETIMEs.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// --no-replay: read dirty hives as stored (registry.dirty_hive still says they are dirty).
  bool replay = true;
};

/// Runs the scan, calling sink.begin / finding / error / end. Per evidence argument the
/// order is: registry.dirty_hive findings as each hive is opened, then per hive (SYSTEM,
/// SOFTWARE, SAM, SECURITY, Amcache.hve, then each profile's NTUSER.DAT and UsrClass.dat)
/// its findings, then task files, startup folders and prefetch files. Never throws for bad
/// evidence: unreadable inputs, hives, keys and values become error entries.
ScanOutcome scan_registry(const RegistryScanOptions& options, const std::string& command,
                          FindingSink& sink);

/// `sqltriage registry replay`: replays `hive` (a host file) with `logs` (when empty, the
/// files beside it named <hive>.LOG1, .LOG2 and .LOG, any case) and writes the result to
/// `output`, a new file (an existing file is refused, and so is the hive or a log itself).
/// Emits one registry.dirty_hive finding describing the replay and the replay's errors (a
/// log that is damaged, not a log, or another hive's; a result that is still not readable).
/// A hive that cannot be read (not a regular file, missing, not "regf", shorter than its base
/// block) gives a document with only its error and ScanOutcome::nothing_readable (exit 3),
/// and nothing is written. Throws std::invalid_argument (usage) when `output` exists or
/// cannot be created.
ScanOutcome replay_hive_file(const std::filesystem::path& hive,
                             const std::vector<std::filesystem::path>& logs,
                             const std::filesystem::path& output, const std::string& command,
                             FindingSink& sink);

}  // namespace sqltriage
