// Transaction-log replay for dirty hives, in memory: the evidence is never written.
//
// A hive is dirty when its base block's primary and secondary sequence numbers differ, or
// when a transaction log beside it (.LOG1, .LOG2) holds entries newer than the hive. Both log
// formats are replayed:
//  - the new format (Windows 8.1 and later; log base block file type 6): "HvLE" log entries,
//    each with a sequence number, the hive bins data size, dirty page references and pages,
//    and two Marvin32 hashes that must match before an entry is applied;
//  - the old format (file types 1 and 2): a "DIRT" dirty vector (one bit per 512-byte
//    sector of the hive bins data) followed by the dirty sectors.
// Entries are applied in sequence-number order across both logs, starting at the hive's
// secondary sequence number, and stop at the first gap or damaged entry (as Windows does).
//
// Format knowledge: "Windows registry file format specification" (M. Suhanov), sections
// "Base block", "Transaction log files" (old and new formats) and "Dirty vector"; Marvin32
// from the same document.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::registry {

/// A transaction log of a hive, as found beside it or given with --log.
struct LogFile {
  std::string display_path;  ///< "C:\Windows\System32\config\SYSTEM.LOG1" or the host path
  std::shared_ptr<const ByteSource> bytes;
};

/// What one log contributed.
struct LogUse {
  std::string display_path;
  std::string format;               ///< "new" (HvLE), "old" (dirty vector) or "empty"
  std::uint32_t first_sequence = 0;  ///< of its first valid entry (0 when none)
  std::uint32_t last_sequence = 0;   ///< of its last valid entry
  std::uint64_t entries = 0;         ///< valid entries found
  std::uint64_t applied = 0;         ///< of those, applied to the hive
};

/// What a replay did.
struct ReplayReport {
  std::uint32_t primary_sequence = 0;    ///< base block of the hive as stored
  std::uint32_t secondary_sequence = 0;  ///< base block of the hive as stored
  /// Sequence numbers differ, or a log holds an entry with a sequence number at or past the
  /// hive's secondary sequence number.
  bool dirty = false;
  bool replayed = false;  ///< at least one log entry or dirty vector was applied
  /// Distinct 4096-byte pages of the hive (counted from the start of the hive bins data)
  /// that the replay wrote.
  std::uint64_t pages_changed = 0;
  std::uint64_t size_before = 0;  ///< bytes, of the hive as stored
  std::uint64_t size_after = 0;   ///< bytes, of the replayed hive
  std::vector<LogUse> logs;       ///< in the order given
  /// Damage that did not stop the replay: a log entry whose hash does not match (names the
  /// log and the entry's byte offset), an unknown log file type, a log cut short. Code
  /// "record" for an entry, "open_failed" for a log that is not a log.
  std::vector<ErrorEntry> errors;
};

struct ReplayedHive {
  /// The replayed hive: the stored hive with the logs' pages laid over it and a base block
  /// whose sequence numbers are equal and whose checksum is recomputed. The stored hive
  /// itself when nothing was applied. Memory grows with the logs' size, not the hive's.
  std::shared_ptr<const ByteSource> bytes;
  ReplayReport report;
};

/// Replays `logs` onto `hive` (named `display_path` in errors). Throws ArtifactError (with
/// the offset) only when the hive's base block is unusable (not "regf", shorter than 4096
/// bytes); damaged or foreign logs become report.errors and the hive is returned as far as
/// it could be replayed.
ReplayedHive replay_logs(std::shared_ptr<const ByteSource> hive, const std::string& display_path,
                         const std::vector<LogFile>& logs);

}  // namespace sqltriage::registry
