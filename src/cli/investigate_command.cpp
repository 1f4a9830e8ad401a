// `sqltriage investigate`: wiring only. Options in, the investigation run, the findings
// document (with its verdict) and the HTML page out.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/investigate.hpp"

namespace sqltriage::cli {

namespace {

struct InvestigateArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> targets;
  std::vector<std::string> aws;
  std::string instance_id;
  std::string host_ip;
  std::vector<std::string> hash_sets;
  std::vector<std::string> vt_reports;
  std::vector<std::string> ca_files;
  std::string noise;
  std::string html;
};

/// Throws UsageError when `path` (an output) cannot be written: inside the evidence, or its
/// folder missing or not writable. Checked before the run, which may be long.
void check_output_path(const std::string& path, const char* option,
                       const std::vector<std::string>& evidence) {
  if (path.empty() || path == "-") return;
  if (const auto where = inside_evidence(path, evidence); !where.empty())
    throw UsageError(std::string(option) + " " + path + " is " + where +
                     ": evidence is never written");
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec) || ::access(parent.c_str(), W_OK) != 0)
    throw UsageError(std::string(option) + ": cannot create " + path + " (folder " +
                     parent.string() + " missing or not writable)");
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(std::string(option) + ": " + path + " is a folder");
}

/// Step lines on stderr while the run lasts, when stderr is a terminal and not -q.
std::function<void(std::string_view, int, int)> progress_printer() {
  if (!::isatty(STDERR_FILENO) || spdlog::get_level() > spdlog::level::info) return {};
  auto start =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  return [start](std::string_view step, int number, int total) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *start).count();
    if (step == "done") {
      std::fprintf(stderr, "sqltriage: [%d/%d] done in %.1f s\n", total, total, s);
    } else {
      std::fprintf(stderr, "sqltriage: [%d/%d] %.*s (%.1f s)\n", number, total,
                   static_cast<int>(step.size()), step.data(), s);
    }
  };
}

}  // namespace

Runner register_investigate(CLI::App& app) {
  auto args = std::make_shared<InvestigateArgs>();
  auto* cmd = app.add_subcommand(
      "investigate",
      "The four questions about one file, in one run: what it is, who dropped it and how, who "
      "runs it, how far it went; with a verdict, a timeline and an HTML report");
  cmd->add_option("inputs", args->inputs,
                  "Evidence: a disk or volume image, a mounted snapshot or a collected folder")
      ->type_name("EVIDENCE")
      ->required();
  cmd->add_option("--target", args->targets,
                  "The file: a name (every file of that name is investigated) or a path; "
                  "repeatable")
      ->allow_extra_args(false)
      ->type_name("NAME|PATH")
      ->required();
  cmd->add_option("--pivot", args->common.pivot,
                  "Use this time (ISO-8601) instead of the file's creation time")
      ->type_name("TIME");
  cmd->add_option("--window", args->common.window,
                  "Half-width of the window around the pivot, e.g. 30m, 2h, 1d (default 2h)")
      ->type_name("DURATION");
  cmd->add_option("--aws", args->aws,
                  "AWS exports (describe-instances, role policies, CloudTrail, VPC flow logs): a "
                  "folder or file; repeatable")
      ->allow_extra_args(false)
      ->type_name("DIR");
  cmd->add_option("--instance-id", args->instance_id,
                  "The instance, when the exports describe several")
      ->type_name("i-...");
  cmd->add_option("--host-ip", args->host_ip,
                  "The host's private address in the flow logs (default: the instance's)")
      ->type_name("IP");
  cmd->add_option("--hashes", args->hash_sets,
                  "Hash set for the pe step (see `pe --help`); repeatable")
      ->allow_extra_args(false)
      ->type_name("[good:|bad:]FILE");
  cmd->add_option("--vt-reports", args->vt_reports,
                  "VirusTotal reports for the pe step; repeatable")
      ->allow_extra_args(false)
      ->type_name("FILE");
  cmd->add_option("--ca-file", args->ca_files, "Certificates to trust for Authenticode; repeatable")
      ->allow_extra_args(false)
      ->type_name("FILE");
  cmd->add_option("--noise", args->noise,
                  "Internet-noise addresses for the web logs: IPs/CIDRs one per line, or a CSV "
                  "with an ip column (a GreyNoise export)")
      ->type_name("FILE");
  cmd->add_option("--html", args->html, "Also write the report as one self-contained HTML page")
      ->type_name("FILE");
  add_common_options(*cmd, args->common, false, false);
  cmd->footer(
      "--fail-on applies to the overall verdict's severity.\n"
      "Examples:\n"
      "  sqltriage investigate disk.raw --target sqlserver.exe -o report.json --html report.html\n"
      "  sqltriage investigate /mnt/snapshot --target 'C:\\ProgramData\\sqlserver.exe' \\\n"
      "      --aws ./aws-exports/ --noise greynoise.csv --fail-on high\n"
      "  sqltriage investigate ./kape-collection/ --target sqlserver.exe --pivot "
      "2023-02-20T14:03:11Z --window 30m");
  return [args]() {
    check_targets(args->targets);
    InvestigateOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    for (const auto& a : args->aws) opt.aws.emplace_back(a);
    opt.targets = args->targets;
    if (!args->common.pivot.empty()) {
      auto t = parse_iso8601(args->common.pivot);
      if (!t) throw UsageError("--pivot: not an ISO-8601 time: " + args->common.pivot);
      opt.pivot = *t;
    }
    if (!args->common.window.empty()) {
      auto d = parse_duration(args->common.window);
      if (!d || *d == 0)
        throw UsageError("--window: not a duration (use e.g. 30m, 2h, 1d): " + args->common.window);
      opt.window = *d;
    }
    if (!args->instance_id.empty()) {
      AwsIamScanOptions probe;
      probe.instance_id = args->instance_id;
      try {
        check_options(probe);
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
      opt.instance_id = args->instance_id;
    }
    if (!args->host_ip.empty()) {
      AwsFlowLogsScanOptions probe;
      probe.host_ip = args->host_ip;
      try {
        check_options(probe);
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
      opt.host_ip = args->host_ip;
    }
    if ((!opt.instance_id.empty() || !opt.host_ip.empty()) && opt.aws.empty())
      throw UsageError("--instance-id and --host-ip need --aws DIR");
    opt.hash_sets = args->hash_sets;
    for (const auto& v : args->vt_reports) opt.vt_reports.emplace_back(v);
    for (const auto& c : args->ca_files) opt.ca_files.emplace_back(c);
    if (!args->noise.empty()) opt.noise = read_noise(args->noise);
    opt.threads = args->common.threads;
    opt.evidence = evidence_options(args->common);
    const auto threshold = fail_on(args->common);

    std::vector<std::string> inputs = args->inputs;
    inputs.insert(inputs.end(), args->aws.begin(), args->aws.end());
    for (const auto& h : args->hash_sets) inputs.push_back(hash_set_file(h));
    for (const auto* more : {&args->vt_reports, &args->ca_files})
      inputs.insert(inputs.end(), more->begin(), more->end());
    if (!args->noise.empty()) inputs.push_back(args->noise);
    check_output_path(args->common.output, "--output", inputs);
    check_output_path(args->html, "--html", inputs);
    if (args->html == "-")
      throw UsageError("--html needs a file name (the findings document is what goes to stdout)");
    if (!args->html.empty() && !args->common.output.empty() && args->common.output != "-") {
      std::error_code ec;
      const auto a = std::filesystem::weakly_canonical(args->html, ec);
      const auto b = std::filesystem::weakly_canonical(args->common.output, ec);
      if (args->html == args->common.output || (!ec && a == b) ||
          std::filesystem::equivalent(args->html, args->common.output, ec))
        throw UsageError("--html and --output name the same file");
    }

    opt.progress = progress_printer();
    InvestigationReport report;
    try {
      report = investigate(opt);
    } catch (const ArtifactError& e) {
      throw UsageError(e.what());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }

    Output out(args->common, inputs);
    write_report(report, out.sink());
    out.finish();
    if (!args->html.empty()) {
      std::ofstream html(args->html, std::ios::binary | std::ios::trunc);
      if (!html) throw UsageError("--html: cannot create " + args->html);
      write_html_report(report, html);
      html.flush();
      if (!html) throw UsageError("--html: could not write " + args->html + " whole");
    }
    spdlog::info("verdict {}: {}", to_string(report.overall), report.assessment);
    spdlog::info("{} findings, {} errors in {:.2f} s", report.findings.size(), report.errors.size(),
                 report.stats.elapsed_s);
    return exit_code(report.nothing_readable, report.overall, threshold);
  };
}

}  // namespace sqltriage::cli
