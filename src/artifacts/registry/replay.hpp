// Transaction-log replay for dirty hives, in memory: the evidence is never written.
//
// A hive is dirty when its base block's checksum is wrong or its primary and secondary
// sequence numbers differ, or when a new-format log beside it (.LOG1, .LOG2) holds valid
// entries with sequence numbers at or past the hive's secondary sequence number. Both log
// formats are replayed:
//  - the new format (Windows 8.1 and later; log base block file type 6): "HvLE" log entries,
//    each with a sequence number, the hive bins data size, dirty page references and pages,
//    and two Marvin32 hashes that must match before an entry is applied;
//  - the old format (file types 1 and 2): a "DIRT" dirty vector (one bit per 512-byte
//    sector of the hive bins data) followed by the dirty sectors.
//
// New format: each log's valid entries run from offset 512 with consecutive sequence numbers
// starting at its base block's primary sequence number, up to the first entry that does not
// continue them (remnants of older cycles end a log silently; a damaged entry that continues
// them ends it with an error entry). Logs are taken in the order of their first sequence
// number, whatever their names. Entries older than the hive's secondary sequence number are
// already in the hive and skipped (unless the hive's base block checksum is wrong); the
// others are applied in order and the replay stops at the first gap, so nothing after a
// damaged entry is applied. The first entry applied may be newer than the hive's secondary
// sequence number: Windows' partial reconcile writes the hive bins data but not the base
// block, leaving the entries in between overwritten (M. Suhanov, "Missing log entries for a
// dirty primary file"; the corpus SYSTEM_B is such a hive).
// Old format: only for a dirty hive; the first log (in the order given) with a valid base
// block (checksum, equal sequence numbers) written no earlier than the hive is applied.
//
// The replayed base block is the hive's own (or the log's, when the hive's checksum is
// wrong) with both sequence numbers set to the last sequence number applied, the hive bins
// data size and root cell of the log, the KTM-lock flag of the last entry, file type 0 and a
// new checksum. The replayed hive grows to 4096 + that hive bins data size when it is larger
// than the stored file.
//
// Format knowledge: "Windows registry file format specification" (M. Suhanov), sections
// "Base block", "Format of transaction log files" (old and new formats), "Dirty state of a
// hive" and "Multiple transaction log files"; Marvin32 with the seed that document gives.
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
  /// "new" (HvLE), "old" (dirty vector), "empty" (no bytes, or a zeroed base block) or
  /// "invalid" (not a log, wrong type, damaged base block: see report.errors)
  std::string format;
  std::uint32_t first_sequence = 0;  ///< of its first valid entry (0 when none)
  std::uint32_t last_sequence = 0;   ///< of its last valid entry
  std::uint64_t entries = 0;         ///< valid entries found
  std::uint64_t applied = 0;         ///< of those, applied to the hive
};

/// What a replay did.
struct ReplayReport {
  std::uint32_t primary_sequence = 0;    ///< base block of the hive as stored
  std::uint32_t secondary_sequence = 0;  ///< base block of the hive as stored
  /// The stored base block's checksum matches.
  bool base_block_valid = true;
  /// Checksum wrong or sequence numbers differ, or a new-format log holds a valid entry with
  /// a sequence number at or past the hive's secondary sequence number.
  bool dirty = false;
  bool replayed = false;  ///< at least one log entry or dirty vector was applied
  /// Sequence number of the replayed hive (the last entry applied; for an old-format log,
  /// its base block's); the stored secondary sequence number when nothing was applied.
  std::uint32_t sequence_after = 0;
  /// Distinct 4096-byte pages of the hive (counted from the start of the hive bins data)
  /// that the replay wrote.
  std::uint64_t pages_changed = 0;
  std::uint64_t size_before = 0;  ///< bytes, of the hive as stored
  std::uint64_t size_after = 0;   ///< bytes, of the replayed hive
  std::vector<LogUse> logs;       ///< in the order given
  /// What could not be used, each naming the log and the byte offset in it: a damaged log
  /// entry (Hash-1/Hash-2 mismatch, bad sizes, page references outside the hive bins data;
  /// code "record"), an entry or dirty vector cut short by the end of the log ("truncated"),
  /// a log that is not a regf file or of an unknown file type ("open_failed"), a log base
  /// block with a wrong checksum or unequal sequence numbers ("record"), a gap in the
  /// sequence numbers that stopped the replay with newer entries left unapplied ("record").
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
/// it could be replayed. Reads the logs once to validate them (hashes included); the
/// returned source reads replaced sectors from the logs on demand, so the logs' ByteSources
/// stay referenced. Memory: a few dozen bytes per replaced 512-byte sector and per valid
/// log entry; never proportional to the hive.
ReplayedHive replay_logs(std::shared_ptr<const ByteSource> hive, const std::string& display_path,
                         const std::vector<LogFile>& logs);

}  // namespace sqltriage::registry
