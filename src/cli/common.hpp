// Options every subcommand shares, and turning them into an output sink and an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage::weblog {
class NoiseFilter;
}

namespace sqltriage::cli {

/// Exit codes: a public interface (docs/cli.md).
enum ExitCode : int { kExitOk = 0, kExitFailOn = 1, kExitUsage = 2, kExitEvidence = 3 };

/// Thrown by option validation; main() prints it and exits with kExitUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CommonOptions {
  std::string output;                   // --output FILE ("" = stdout)
  bool jsonl = false;                   // --jsonl
  std::string fail_on;                  // --fail-on SEVERITY
  std::string since, until;             // --since / --until (ISO-8601 UTC)
  std::string pivot, window;            // --pivot TIME --window DURATION
  std::string target;                   // --target NAME|PATH
  unsigned threads = 0;                 // --threads N (0 = cores)
  std::optional<unsigned> partition;    // --partition N (disk images)
  std::optional<std::uint64_t> offset;  // --offset BYTES (disk images)
};

/// --partition / --offset as evidence options; throws UsageError when both are given or
/// --partition is 0.
EvidenceOptions evidence_options(const CommonOptions& o);

/// Adds the common options to a subcommand. `with_time` adds --since/--until/--pivot/--window,
/// `with_target` adds --target.
void add_common_options(CLI::App& cmd, CommonOptions& o, bool with_time, bool with_target);

/// Adds --pivot/--window/--since/--until for a subcommand whose window marks rather than
/// filters; `inside` says what happens inside it ("keys last written inside it are raised").
void add_time_options(CLI::App& cmd, CommonOptions& o, const std::string& inside);

/// The time range the options ask for (UTC FILETIMEs), after validation.
struct TimeRange {
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  std::optional<Filetime> pivot;  ///< --pivot itself, when given
};
/// Throws UsageError for unparsable times or durations.
TimeRange time_range(const CommonOptions& o);

/// Throws UsageError for a --target that names nothing (empty, only separators or ':').
void check_targets(const std::vector<std::string>& targets);

/// A size option: "4096", "512K", "32M", "2G" (binary multiples) as bytes. Throws UsageError
/// naming `option` for anything else, for 0 unless `allow_zero`, and past 2^63.
std::uint64_t parse_bytes(const std::string& text, const std::string& option, bool allow_zero);

/// The --noise list (weblog::NoiseFilter::parse) of `path`, at most 256 MiB; throws
/// UsageError naming the file when it cannot be read or parsed.
std::shared_ptr<const weblog::NoiseFilter> read_noise(const std::string& path);

/// The file a --hashes spec names: "bad:iocs.txt" and "good:nsrl.db" name iocs.txt and nsrl.db.
std::string hash_set_file(const std::string& spec);

/// --fail-on as a severity; throws UsageError for an unknown name.
std::optional<Severity> fail_on(const CommonOptions& o);

/// Why `path` must not be written: "an evidence or input file (ARG)" when it is one of
/// `inputs` (by path or, for a hard link, by device and inode), "a file with N other hard
/// link(s) ..." when it exists with other names (it may be a file inside an evidence folder),
/// "inside the evidence ARG" when
/// it lies inside a folder among them; "" when neither.
std::string inside_evidence(const std::string& path, const std::vector<std::string>& inputs);

/// Where the document goes: stdout or --output FILE, as JSON or JSON Lines.
class Output {
 public:
  /// Throws UsageError when the output file cannot be created, or when inside_evidence() of
  /// `evidence` (the evidence arguments and the input files: rules, hash sets, reports)
  /// objects. "-" is standard output.
  explicit Output(const CommonOptions& o, const std::vector<std::string>& evidence = {});
  FindingSink& sink() { return *sink_; }
  /// Flushes; throws UsageError when the document could not be written whole (disk full,
  /// closed pipe), so a lost document never exits 0.
  void finish();

 private:
  std::ostream* out_ = nullptr;
  std::string name_;
  std::ofstream file_;
  std::unique_ptr<FindingSink> sink_;
};

/// 1 when a finding reached --fail-on, else 0; 3 when nothing was readable.
int exit_code(bool nothing_readable, Severity max_severity, std::optional<Severity> threshold);

}  // namespace sqltriage::cli
