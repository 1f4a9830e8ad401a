// Timelines: every timestamp the evidence holds, as one time-sorted stream of events.
//
// One finding can carry several times (an MFT entry has eight: four $STANDARD_INFORMATION
// and four $FILE_NAME FILETIMEs), so a finding becomes zero or more TimelineEvents, one per
// timestamp kind. `sqltriage timeline` writes them for Timesketch (JSON Lines with the
// `message`, `datetime` and `timestamp_desc` keys Timesketch requires), as CSV, as a TSK 3.x
// bodyfile or as TLN (H. Carvey's five-field format); `sqltriage investigate` plots and
// tables the events of its window. Format knowledge: Timesketch "Import from JSON or CSV"
// documentation; The Sleuth Kit wiki "Body file"; Carvey, "Windows Forensic Analysis"
// (TLN: Time|Source|System|User|Description, Unix seconds UTC).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

/// One timestamp of one piece of evidence.
struct TimelineEvent {
  Filetime time = 0;  ///< UTC FILETIME (100 ns since 1601-01-01)
  /// Where it comes from, one of: "MFT", "USN", "EVTX", "Registry", "Prefetch", "Web log",
  /// "Webshell", "PE", "CloudTrail", "Flow log", "IAM". The HTML plot has one row per source.
  std::string source;
  /// What this time means, e.g. "$STANDARD_INFORMATION CreationTime",
  /// "$FILE_NAME LastWriteTime", "USN_REASON_FILE_CREATE", "Event Recorded",
  /// "Key Last Written", "Request", "Last Run", "API Call", "Flow Start".
  std::string timestamp_desc;
  std::string message;  ///< one readable line (the finding's summary, or the record's text)
  std::string host;     ///< computer name when the record gives one, else ""
  std::string user;     ///< account when the record gives one, else ""
  ArtifactRef artifact;
  std::string finding_type;  ///< the finding type it came from, e.g. "evtx.logon"; "" for raw records
  Severity severity = Severity::info;
  /// Index of the finding in the investigate report's findings, when it came from one.
  std::optional<std::size_t> finding;
  /// File-system times (MFT entries, USN records, webshell files): the file's Windows path
  /// ("C:\inetpub\wwwroot\up.aspx"), its size in bytes and its TSK mode string
  /// ("r/rrwxrwxrwx"), for the bodyfile's name, size and mode columns. Empty otherwise.
  std::string file_path;
  std::optional<std::uint64_t> file_size;
  std::string file_mode;
  /// MFT entries: the entry number, the bodyfile's inode column.
  std::optional<std::uint64_t> file_entry;
};

/// The timeline events of one finding: one per timestamp it carries (mft.entry: every
/// $STANDARD_INFORMATION and $FILE_NAME time present; registry findings: their key LastWrite
/// and the execution times they record; other findings: their `time`). Findings without any
/// time give none. Never throws.
std::vector<TimelineEvent> timeline_events(const Finding& f);

enum class TimelineFormat { jsonl, csv, bodyfile, tln };

/// "jsonl", "csv", "bodyfile", "tln"; std::nullopt for anything else.
std::optional<TimelineFormat> parse_timeline_format(std::string_view text);

struct TimelineOptions {
  /// Evidence arguments in the order given (images, evidence roots, folders, files; AWS
  /// export folders are recognised by content).
  std::vector<std::filesystem::path> inputs;
  EvidenceOptions evidence;
  /// Keep events with since <= time <= until (UTC FILETIMEs), when set.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  TimelineFormat format = TimelineFormat::jsonl;
  /// Worker threads for the scans; 0 = the number of cores.
  unsigned threads = 0;
  /// Folder for the sorted runs of the external merge; "" = the system's temporary folder.
  /// The runs are deleted when the call returns (also when it throws).
  std::filesystem::path temp_dir;
  /// Events held in memory before a sorted run is written; 0 = the default (65536). Tests
  /// set it low to force many runs.
  std::size_t run_events = 0;
};

/// Writes every event of the evidence to `out`, oldest first (equal times keep evidence
/// order), in `options.format`. Memory is bounded by `run_events` whatever the evidence's
/// size: events are sorted in runs written to `temp_dir` and merged. Errors (what could not
/// be read) go to `errors` as for any scan (begin, error..., end); no finding is sent there.
/// Never throws for bad evidence; throws std::runtime_error when a run file cannot be
/// written (disk full), naming it.
ScanOutcome write_timeline(const TimelineOptions& options, std::ostream& out,
                           FindingSink& errors);

/// The header line of a format ("" for bodyfile and tln, which have none) and one event as
/// one line without its newline, exactly as write_timeline writes them.
std::string timeline_header(TimelineFormat format);
std::string timeline_line(const TimelineEvent& e, TimelineFormat format);

}  // namespace sqltriage
