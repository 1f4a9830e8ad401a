// `sqltriage investigate`: the four questions about one file, answered in one run.
//
// The run finds the file (the `--target` name or path; every match is a subject), chooses
// its pivot (the creation time: the earliest trustworthy of its $FILE_NAME CreationTime, its
// USN_REASON_FILE_CREATE record and the Sysmon 11 event that created it; `--pivot`
// overrides), runs the other subcommands' scans once over the evidence, and joins their
// findings around the file:
//   Q1 "what"   What is this executable?          pe.file findings (hashes, version info,
//               signature, masquerade, hash sets, VirusTotal metadata)
//   Q2 "dropped" Who dropped it, and how?         mft.entry/mft.usn, Zone.Identifier, Sysmon 11
//               and the creating process, web uploads and rare resources near the pivot,
//               webshells, logons (4624 types 2/3/10, 1149, 21) in the window
//   Q3 "ran"    Who runs it?                      Sysmon 1 / 4688 with the file as image and
//               their parent chain, services, Run keys, tasks, other persistence, ShimCache,
//               BAM, Amcache, Prefetch
//   Q4 "reach"  How far did it go?                AWS exports (--aws): role permissions,
//               CloudTrail calls of the instance, flow-log peers
// Each question gets an Answer naming the findings that support it; a question that an
// absent artifact cannot answer names that artifact. The verdict JSON is documented in
// docs/investigate.md.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"
#include "sqltriage/timeline.hpp"

namespace sqltriage {

namespace weblog {
class NoiseFilter;
}

/// 2 hours in FILETIME units (100 ns).
inline constexpr Filetime kDefaultInvestigateWindow = 2ULL * 3600ULL * 10000000ULL;

struct InvestigateOptions {
  /// Evidence arguments in the order given (image, evidence root, collected folder).
  std::vector<std::filesystem::path> inputs;
  EvidenceOptions evidence;
  /// --target NAME|PATH, at least one (names_target rules: a bare name matches every file of
  /// that name, a path that file).
  std::vector<std::string> targets;
  /// --pivot: replaces the chosen creation time for every subject.
  std::optional<Filetime> pivot;
  /// --window: the half-width of the window around the pivot (FILETIME units).
  Filetime window = kDefaultInvestigateWindow;
  /// --aws DIR: folders or files of AWS exports (describe-instances, role policies,
  /// CloudTrail, flow logs); empty = question 4 has no evidence.
  std::vector<std::filesystem::path> aws;
  /// --instance-id / --host-ip: override what describe-instances says.
  std::string instance_id;
  std::string host_ip;
  /// Passed to the pe scan (--hashes, --vt-reports, --ca-file).
  std::vector<std::string> hash_sets;
  std::vector<std::filesystem::path> vt_reports;
  std::vector<std::filesystem::path> ca_files;
  /// Passed to the weblog scan (--noise).
  std::shared_ptr<const weblog::NoiseFilter> noise;
  /// Worker threads for each scan; 0 = the number of cores.
  unsigned threads = 0;
  /// Called before each step ("mft", "evtx", "pe", "registry", "webshell", "weblog",
  /// "aws iam", "aws cloudtrail", "aws flowlogs", "report") with its 1-based number and
  /// the number of steps; and once more with step "done" (number == total). May be empty.
  std::function<void(std::string_view step, int number, int total)> progress;
  /// "Now" for the pe checks; 0 = the current time.
  Filetime now = 0;
};

/// How well the evidence answers one question.
enum class Answer { answered, partly, no_evidence };
/// "answered", "partly", "no evidence".
std::string_view to_string(Answer a);

/// One candidate for the pivot.
struct PivotCandidate {
  /// "$FILE_NAME CreationTime", "USN_REASON_FILE_CREATE", "Sysmon 11 CreationUtcTime",
  /// "$STANDARD_INFORMATION CreationTime", "first event naming the file".
  std::string source;
  Filetime time = 0;
  ArtifactRef artifact;
  /// false when the candidate cannot be trusted (e.g. $STANDARD_INFORMATION flagged by the
  /// timestomping check); `note` says why.
  bool trusted = true;
  std::string note;
  std::optional<std::size_t> finding;  ///< index into InvestigationReport::findings
};

struct Pivot {
  std::optional<Filetime> time;  ///< none when no candidate exists and --pivot was not given
  /// "--pivot" or the chosen candidate's source; "" when there is no pivot.
  std::string source;
  std::string reason;  ///< one sentence: why this time was chosen
  std::vector<PivotCandidate> candidates;
  /// The window: [time - window, time + window]; unset without a pivot.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
};

/// The answer to one of the four questions for one subject.
struct QuestionAnswer {
  std::string id;        ///< "what", "dropped", "ran", "reach"
  std::string question;  ///< "What is this executable?", ...
  Answer answer = Answer::no_evidence;
  /// The most severe supporting finding's severity (info when none).
  Severity severity = Severity::info;
  std::string summary;              ///< one or two readable sentences
  std::string headline;             ///< a few words for the assessment (not in the JSON)
  std::vector<std::string> points;  ///< the facts, one readable line each, most telling first
  std::vector<std::size_t> findings;  ///< supporting findings: indices into the report's findings
  /// Artifacts whose absence (or unreadability) leaves the question open, e.g.
  /// "Sysmon log (Microsoft-Windows-Sysmon%4Operational.evtx)", "USN journal", "AWS exports".
  std::vector<std::string> missing;
};

/// One file matched by --target (or, when no file was found, the target itself).
struct Subject {
  std::string path;                    ///< Windows path of the file, or the target as given
  std::optional<std::size_t> finding;  ///< its mft.entry (or pe.file) finding, when found
  bool found = false;                  ///< the file itself was found in the evidence
  Pivot pivot;
  std::array<QuestionAnswer, 4> questions;  ///< what, dropped, ran, reach
  Severity severity = Severity::info;       ///< highest of the questions'
  std::string assessment;                   ///< one readable sentence
  /// Raised findings (low or above) inside the window that no question cites, e.g. a log
  /// cleared an hour after the drop: indices into the report's findings.
  std::vector<std::size_t> notable;
};

struct InvestigationReport {
  DocumentHeader header;  ///< command "investigate"
  std::vector<std::string> targets;
  std::vector<Subject> subjects;
  Severity overall = Severity::info;  ///< highest of the subjects'
  /// One or two sentences: "Likely intrusion: ..." / "Suspicious: ..." / "Nothing
  /// suspicious found about ..."; names what could not be read.
  std::string assessment;
  /// Every finding of the run, deduplicated, in step order (mft, evtx, pe, registry,
  /// webshell, weblog, aws), each step's in its own evidence order.
  std::vector<Finding> findings;
  std::vector<ErrorEntry> errors;
  /// The events inside the subjects' windows (every finding's timeline_events, tagged with
  /// their finding index), oldest first.
  std::vector<TimelineEvent> timeline;
  RunStats stats;
  Severity max_severity = Severity::info;  ///< highest finding severity
  bool nothing_readable = false;           ///< no evidence argument could be read (exit 3)
};

/// Runs the investigation. Never throws for bad evidence (it becomes errors); throws
/// ArtifactError for a hash set, VirusTotal report or CA file that cannot be used, and
/// std::invalid_argument for options that contradict each other (the CLI reports both as
/// usage errors).
InvestigationReport investigate(const InvestigateOptions& options);

/// The `verdict` section of the findings document: {"overall", "assessment", "subjects":
/// [{"path", "found", "finding", "pivot": {...}, "questions": [...], "severity",
/// "assessment"}]} (docs/investigate.md).
nlohmann::ordered_json verdict_json(const InvestigationReport& report);

/// Writes the report as a findings document: begin, the verdict section, every finding,
/// every error, end (FindingSink::section).
void write_report(const InvestigationReport& report, FindingSink& sink);

/// Writes one self-contained HTML page (no network access, no external script or style):
/// the four answers per subject first, an SVG plot of the window's events per source over
/// time, the timeline table, then every finding with its artifact reference, and the
/// errors. All evidence text is HTML-escaped. Throws nothing but what `out` throws.
void write_html_report(const InvestigationReport& report, std::ostream& out);

}  // namespace sqltriage
