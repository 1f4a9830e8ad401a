// `sqltriage timeline`: wiring only; the pipeline lives in src/pipeline/timeline/.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/mft_scan.hpp"  // make_error_line_sink
#include "sqltriage/timeline.hpp"

namespace sqltriage::cli {

namespace {

struct TimelineArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string format = "jsonl";
  std::string temp_dir;
};

/// --temp-dir must be a folder we can create files in: checked before the output exists.
/// Nor may it lie inside the evidence: evidence is never written.
void check_temp_dir(const std::string& dir, const std::vector<std::string>& evidence) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p = dir.empty() ? fs::temp_directory_path(ec) : fs::path(dir);
  if (ec) throw UsageError("no temporary folder: " + ec.message() + " (give --temp-dir DIR)");
  if (!fs::is_directory(p, ec)) throw UsageError("--temp-dir: " + p.string() + " is not a folder");
  if (const auto where = inside_evidence((p / "sqltriage-run").string(), evidence); !where.empty())
    throw UsageError("--temp-dir: " + p.string() + " is " + where +
                     ": evidence is never written (give a folder outside it)");
  std::string probe = (p / "sqltriage-timeline-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0)
    throw UsageError("--temp-dir: cannot create files in " + p.string() + ": " +
                     std::strerror(errno));
  ::close(fd);
  fs::remove(probe, ec);
}

}  // namespace

Runner register_timeline(CLI::App& app) {
  auto args = std::make_shared<TimelineArgs>();
  auto* cmd = app.add_subcommand("timeline", "Every timestamp of the evidence, time-sorted");
  cmd->add_option("inputs", args->inputs,
                  "Disk or volume image, evidence root, folder of collected artifacts (event "
                  "logs, hives, prefetch, web logs, AWS exports) or one artifact file")
      ->required()
      ->type_name("EVIDENCE");
  cmd->add_option("--format", args->format,
                  "jsonl (Timesketch, default), csv, bodyfile (TSK 3.x, for mactime) or tln")
      ->type_name("FORMAT");
  cmd->add_option("-o,--output", args->common.output,
                  "Write the timeline to FILE instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--since", args->common.since,
                  "Only events at or after TIME (ISO-8601, UTC unless an offset is given)")
      ->type_name("TIME");
  cmd->add_option("--until", args->common.until, "Only events at or before TIME")
      ->type_name("TIME");
  cmd->add_option("--pivot", args->common.pivot, "Centre of a time window (ISO-8601)")
      ->type_name("TIME");
  cmd->add_option("--window", args->common.window,
                  "Half-width of the --pivot window, e.g. 30m, 2h, 1d (default 2h)")
      ->type_name("DURATION");
  cmd->add_option("--temp-dir", args->temp_dir,
                  "Folder for the sorted runs of the external merge (default: the system's "
                  "temporary folder); they are removed at the end")
      ->type_name("DIR");
  cmd->add_option("--partition", args->common.partition,
                  "Disk image: read the N-th partition (1-based) instead of the NTFS partition "
                  "found automatically")
      ->type_name("N");
  cmd->add_option("--offset", args->common.offset,
                  "Disk image: the NTFS volume starts at this byte offset")
      ->type_name("BYTES")
      ->check([](const std::string& v) -> std::string {
        if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return {};
        return "--offset needs a byte count (decimal digits), got '" + v + "'";
      });
  cmd->add_option("--threads", args->common.threads,
                  "Worker threads (default and 0: the number of cores)")
      ->type_name("N");
  cmd->footer(
      "Examples:\n"
      "  sqltriage timeline disk.raw -o timeline.jsonl            (Timesketch import)\n"
      "  sqltriage timeline disk.raw --pivot 2023-02-20T14:03:11Z --window 1h --format csv\n"
      "  sqltriage timeline disk.raw --format bodyfile -o body.txt && mactime -b body.txt -d\n"
      "  sqltriage timeline ./collected/C ./aws-exports --format tln\n"
      "Errors (what could not be read) go to stderr, one per line.");
  return [args]() {
    TimelineOptions opt;
    const auto format = parse_timeline_format(args->format);
    if (!format)
      throw UsageError("--format: unknown format '" + args->format +
                       "' (use jsonl, csv, bodyfile or tln)");
    opt.format = *format;
    const auto range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.evidence = evidence_options(args->common);
    opt.threads = args->common.threads;
    check_temp_dir(args->temp_dir, args->inputs);
    opt.temp_dir = args->temp_dir;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);

    std::ofstream file;
    std::ostream* out = &std::cout;
    const std::string& o = args->common.output;
    const std::string name = o.empty() || o == "-" ? "standard output" : o;
    if (!o.empty() && o != "-") {
      if (const auto where = inside_evidence(o, args->inputs); !where.empty())
        throw UsageError("--output: " + o + " is " + where +
                         "; evidence and inputs are never written");
      file.open(o, std::ios::binary | std::ios::trunc);
      if (!file) throw UsageError("--output: cannot create " + o);
      out = &file;
    }
    auto errors = make_error_line_sink(std::cerr);
    ScanOutcome outcome;
    try {
      outcome = write_timeline(opt, *out, *errors);
    } catch (const std::runtime_error& e) {
      // A run file that cannot be written (temporary folder full or not writable).
      spdlog::error("{}", e.what());
      return static_cast<int>(kExitUsage);
    }
    out->flush();
    if (out->fail()) throw UsageError("cannot write the timeline to " + name);
    const auto& st = outcome.stats;
    spdlog::info("{} artifacts, {} events, {} errors in {:.2f} s", st.files, st.records, st.errors,
                 st.elapsed_s);
    return exit_code(outcome.nothing_readable, Severity::info, std::nullopt);
  };
}

}  // namespace sqltriage::cli
