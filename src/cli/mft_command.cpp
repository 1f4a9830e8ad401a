// `sqltriage mft`: wiring only; the scan lives in src/pipeline/mft_scan.cpp.
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/mft_scan.hpp"

namespace sqltriage::cli {

namespace {

struct MftArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> targets;
  bool all = false;
  bool bodyfile = false;
  bool no_usn = false;
};

/// --bodyfile: lines to stdout or --output, errors to stderr; the exit code rules stay.
int run_bodyfile(const MftArgs& args, MftScanOptions& opt, std::optional<Severity> threshold) {
  std::ofstream file;
  std::ostream* out = &std::cout;
  const std::string name = args.common.output.empty() ? "standard output" : args.common.output;
  if (!args.common.output.empty()) {
    file.open(args.common.output, std::ios::binary | std::ios::trunc);
    if (!file) throw UsageError("--output: cannot create " + args.common.output);
    out = &file;
  }
  opt.bodyfile = out;
  opt.bodyfile_checks = threshold.has_value();
  auto errors = make_error_line_sink(std::cerr);
  auto outcome = scan_mft(opt, "mft", *errors);
  out->flush();
  if (out->fail()) throw UsageError("cannot write the bodyfile to " + name);
  spdlog::info("{} entries examined, {} errors in {:.2f} s", outcome.stats.records,
               outcome.stats.errors, outcome.stats.elapsed_s);
  return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
}

}  // namespace

Runner register_mft(CLI::App& app) {
  auto args = std::make_shared<MftArgs>();
  auto* cmd = app.add_subcommand(
      "mft", "Who made a file and when: MFT entries, owner, Zone.Identifier, USN journal");
  cmd->add_option("inputs", args->inputs,
                  "Disk or volume image, folder holding a collected $MFT ($Secure_$SDS, $J "
                  "beside it), a collected $MFT file, or a mounted snapshot")
      ->required()
      ->type_name("EVIDENCE");
  cmd->add_option("--target", args->targets,
                  "Entries with this $FILE_NAME (a name, long or 8.3, case-insensitive) or full "
                  "path (drive letter optional); repeatable")
      ->allow_extra_args(false)
      ->type_name("NAME|PATH");
  cmd->add_flag("--all", args->all,
                "Every in-use and deleted entry (use --jsonl for large volumes)");
  cmd->add_flag("--bodyfile", args->bodyfile,
                "With --all: TSK 3.x bodyfile lines instead of JSON (errors to stderr)");
  cmd->add_flag("--no-usn", args->no_usn, "Do not read the USN journal ($UsnJrnl:$J)");
  add_common_options(*cmd, args->common, true, false);
  cmd->footer(
      "Examples:\n"
      "  sqltriage mft disk.raw --target sqlserver.exe\n"
      "  sqltriage mft disk.raw --target 'C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe' "
      "--target SQLSER~1.EXE\n"
      "  sqltriage mft ./collected/C --target dl.exe          (a folder with $MFT, $Secure_$SDS, "
      "$J)\n"
      "  sqltriage mft disk.raw --all --jsonl -o entries.jsonl\n"
      "  sqltriage mft disk.raw --all --bodyfile -o body.txt && mactime -b body.txt -d\n"
      "  sqltriage mft /mnt/snapshot --target sqlserver.exe  (mounted: stat and ntfs-3g facts)");
  return [args]() {
    check_targets(args->targets);
    if (args->all == !args->targets.empty())
      throw UsageError(args->all ? "--all and --target cannot be combined"
                                 : "say what to report: --target NAME|PATH (repeatable) or --all");
    if (args->bodyfile && !args->all) throw UsageError("--bodyfile needs --all");
    if (args->bodyfile && args->common.jsonl)
      throw UsageError("--bodyfile and --jsonl cannot be combined");
    MftScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    opt.targets = args->targets;
    opt.all = args->all;
    opt.no_usn = args->no_usn;
    auto range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.threads = args->common.threads;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    if (args->bodyfile) return run_bodyfile(*args, opt, threshold);
    Output out(args->common, args->inputs);
    auto outcome = scan_mft(opt, "mft", out.sink());
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} artifacts, {} records, {} findings, {} errors in {:.2f} s", st.files,
                 st.records, st.findings, st.errors, st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
