// `sqltriage mft`: the MFT entries naming a target (or every entry), with their
// $STANDARD_INFORMATION and $FILE_NAME times, owner, streams and Zone.Identifier, the USN
// journal records about them, and the MFT checks; or every entry as TSK bodyfile lines.
//
// Where the facts come from depends on the evidence (docs/mft.md, "Evidence kinds"):
// - "image": the NTFS volume ($MFT, $Secure:$SDS, $Extend\$UsnJrnl:$J, the hives);
// - a collected $MFT: a "folder" (or a "directory" evidence root) holding a file named $MFT,
//   with $Secure_$SDS / $Secure%3A$SDS / $SDS and $J / $UsnJrnl_$J / $UsnJrnl%3A$J beside
//   it or in an $Extend folder beside it; or a "file" that starts with the FILE signature;
// - a mounted snapshot ("directory" evidence without a $MFT at its root): the folder tree,
//   with lstat/statx facts and ntfs-3g's extended attributes, and a list of the facts this
//   kind of evidence cannot give.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

struct MftScanOptions {
  /// Evidence arguments, in the order given; each is scanned in turn.
  std::vector<std::filesystem::path> inputs;
  /// How to open inputs that are disk images.
  EvidenceOptions evidence;
  /// --target: a bare name matches every entry with a $FILE_NAME of that name (long or DOS
  /// 8.3, ASCII letters case-insensitive); a path (containing '\' or '/') matches the
  /// entries whose full path is that path (drive letter optional). Deleted entries too.
  std::vector<std::string> targets;
  /// --all: every in-use and deleted entry (and every USN record) instead of targets.
  bool all = false;
  /// --no-usn: do not read the USN journal.
  bool no_usn = false;
  /// Keep entries with at least one $STANDARD_INFORMATION or $FILE_NAME time (snapshot:
  /// host or ntfs-3g time) in [since, until], and USN records whose TimeStamp is in it (UTC
  /// FILETIMEs), when set.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// Worker threads; 0 = the number of cores.
  unsigned threads = 0;
  /// --bodyfile (with --all): TSK 3.x bodyfile lines are written here instead of findings;
  /// the sink still receives begin, the errors and end (see make_error_line_sink).
  std::ostream* bodyfile = nullptr;
  /// Keep each finding's `data` when it is handed to the sink with its rendered text. By
  /// default the data tree is freed once rendered (the writers only need the text); sinks
  /// that read the findings themselves (investigate, timeline) set this.
  bool keep_data = false;
  /// With `bodyfile`: still build each entry's finding and run the checks, so that
  /// ScanOutcome::max_severity serves --fail-on (slower).
  bool bodyfile_checks = false;
};

/// Runs the scan, calling sink.begin / finding / error / end: first the entries' findings
/// (`mft.entry`, in MFT entry order, or host folder order in a mounted snapshot), then the USN
/// records' findings (`mft.usn`, in journal order), per evidence argument. Never throws for
/// bad evidence: what cannot be read becomes error entries ("missing", "open_failed",
/// "record", "limit", "truncated"; see docs/mft.md). Bodyfile lines are written to
/// `options.bodyfile` without checking it: the caller checks the stream afterwards.
ScanOutcome scan_mft(const MftScanOptions& options, const std::string& command, FindingSink& sink);

/// A sink for --bodyfile runs: writes each error entry as one line to `out`
/// ("sqltriage: CODE: PATH [at offset N]: MESSAGE"), and nothing else.
std::unique_ptr<FindingSink> make_error_line_sink(std::ostream& out);

}  // namespace sqltriage
