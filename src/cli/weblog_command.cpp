// `sqltriage weblog`: wiring only; the scan lives in src/pipeline/weblog_scan.cpp.
#include <spdlog/spdlog.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/weblog_scan.hpp"

namespace sqltriage::cli {

namespace {

struct WeblogArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string size;
  std::string target;
  std::string slack = "64K";
  std::string noise;
  std::string format;
  long long rare = 3;
  long long top = 500;
  bool every_resource = false;
};

}  // namespace

Runner register_weblog(CLI::App& app) {
  auto args = std::make_shared<WeblogArgs>();
  auto* cmd = app.add_subcommand(
      "weblog",
      "Web server logs (IIS W3C, NCSA, Apache/nginx): requests that could have carried a file, "
      "rare resources, clients around the pivot");
  cmd->add_option("inputs", args->inputs,
                  "An evidence root or disk image (its IIS, Apache and nginx logs found where "
                  "they are kept), a folder of log files, or a log file (plain or .gz)")
      ->type_name("EVIDENCE");
  auto* size = cmd->add_option("--size", args->size,
                               "Match requests that could have uploaded a file of this many bytes")
                   ->type_name("BYTES");
  auto* target =
      cmd->add_option("--target", args->target,
                      "Take the size to match from this file of the evidence: a Windows path "
                      "('C:\\ProgramData\\sqlserver.exe') or a file name")
          ->type_name("PATH|NAME");
  cmd->add_option("--slack", args->slack,
                  "A request matches when its size is within [size, size + slack]; default 64K "
                  "(multipart framing and headers)")
      ->type_name("BYTES");
  auto* noise =
      cmd->add_option("--noise", args->noise,
                      "Addresses to leave out of the stacks: a file of IPs and CIDRs, a line each, "
                      "or a CSV with an ip column (a GreyNoise export)")
          ->type_name("FILE");
  auto* format = cmd->add_option("--format", args->format,
                                 "Apache LogFormat string for the logs that are not W3C, e.g. "
                                 "'%h %l %u %t \"%r\" %>s %O %I %D'; or common / combined")
                     ->type_name("LOGFORMAT");
  cmd->add_option("--rare", args->rare,
                  "A resource reached by at most N client addresses is rare; default 3")
      ->type_name("N");
  cmd->add_option("--top", args->top,
                  "At most N resource and N client findings, most severe first; default 500")
      ->type_name("N");
  cmd->add_flag("--all", args->every_resource,
                "A weblog.resource finding for every resource, not only the rare ones");
  add_time_options(*cmd, args->common,
                   "clients inside it are summarised; rare resources first seen in it and "
                   "uploads in it are raised");
  add_common_options(*cmd, args->common, false, false);
  cmd->footer(
      "Examples:\n"
      "  sqltriage weblog disk.raw --target 'C:\\ProgramData\\sqlserver.exe' \\\n"
      "      --pivot 2023-02-20T14:03:11Z --window 2h --noise greynoise.csv\n"
      "  sqltriage weblog /mnt/snapshot --size 11776 --slack 4K\n"
      "  sqltriage weblog ./u_ex230220.log ./access.log.2.gz --all --top 50\n"
      "  sqltriage weblog ./apache-logs/ --format '%h %l %u %t \"%r\" %>s %O %I %D'");
  return [args, size, target, format, noise]() {
    if (args->inputs.empty())
      throw UsageError(
          "say what to examine: EVIDENCE (an evidence root, disk image, log folder or log file)");
    // Given but empty is a mistake, not "no matching".
    const bool by_size = size->count() > 0, by_target = target->count() > 0;
    if (by_size && by_target) throw UsageError("give --size or --target, not both");
    if (args->rare < 1 || args->rare > 1000000)
      throw UsageError("--rare must be a count of addresses from 1 to 1000000");
    if (args->top < 1) throw UsageError("--top must be at least 1");
    if (noise->count() > 0 && args->noise.empty())
      throw UsageError("--noise: give a file of addresses or a CSV with an ip column");
    if (format->count() > 0 && args->format.empty())
      throw UsageError("--format: give a LogFormat string, or common / combined");
    WeblogScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    if (by_size) opt.uploads.push_back({parse_bytes(args->size, "--size", false), "--size"});
    opt.slack = parse_bytes(args->slack, "--slack", true);
    if (!args->format.empty()) opt.logformat = args->format;
    opt.rare_ips = static_cast<unsigned>(args->rare);
    opt.top = static_cast<std::size_t>(args->top);
    opt.every_resource = args->every_resource;
    const TimeRange range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    // Options that cannot work stop the run before the output file is created.
    try {
      if (opt.logformat)
        weblog::Reader::open(std::make_shared<SplicedSource>(), "--format", opt.logformat);
      if (by_target) {
        check_targets({args->target});
        opt.uploads = resolve_upload_targets(opt.inputs, opt.evidence, args->target);
        for (const auto& u : opt.uploads) spdlog::info("--target: {} bytes ({})", u.size, u.from);
      }
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    std::vector<std::string> inputs = args->inputs;
    if (by_target) inputs.push_back(args->target);  // a host copy of the file, when it is one
    if (!args->noise.empty()) {
      opt.noise = read_noise(args->noise);
      spdlog::debug("{} noise entries", opt.noise->size());
      inputs.push_back(args->noise);
    }
    Output out(args->common, inputs);
    ScanOutcome outcome;
    try {
      outcome = scan_weblogs(opt, "weblog", out.sink());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} logs, {} requests, {} findings, {} errors in {:.2f} s", st.files, st.records,
                 st.findings, st.errors, st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
