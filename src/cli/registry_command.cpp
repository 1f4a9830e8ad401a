// `sqltriage registry` and `sqltriage registry replay`: wiring only; the analysis lives in
// src/pipeline/registry_scan.cpp and src/pipeline/registry_replay.cpp.
#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/registry_scan.hpp"

namespace sqltriage::cli {

namespace {

struct RegistryArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> targets;
  bool no_replay = false;
  // registry replay
  CLI::App* replay = nullptr;
  std::string replay_hive;
  std::string replay_output;
  std::vector<std::string> replay_logs;
  bool replay_jsonl = false;
};

int run_replay(const RegistryArgs& args) {
  CommonOptions doc;  // the findings document goes to stdout
  doc.jsonl = args.replay_jsonl;
  Output out(doc);
  std::vector<std::filesystem::path> logs(args.replay_logs.begin(), args.replay_logs.end());
  ScanOutcome outcome;
  try {
    outcome =
        replay_hive_file(args.replay_hive, logs, args.replay_output, "registry replay", out.sink());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  out.finish();
  if (outcome.nothing_readable) return exit_code(true, outcome.max_severity, std::nullopt);
  spdlog::info("replayed {} into {} ({} errors)", args.replay_hive, args.replay_output,
               outcome.stats.errors);
  return kExitOk;
}

}  // namespace

Runner register_registry(CLI::App& app) {
  auto args = std::make_shared<RegistryArgs>();
  auto* cmd = app.add_subcommand(
      "registry",
      "How a file is started, whether it ran, whose accounts: persistence, execution "
      "evidence and accounts from the hives, with transaction-log replay");
  cmd->add_option("inputs", args->inputs,
                  "An evidence root or disk image, a folder of collected hives and prefetch "
                  "files, or one hive or .pf file")
      ->type_name("EVIDENCE");
  cmd->add_option("--target", args->targets,
                  "Raise entries that start or record this file (a name or a path); repeatable")
      ->allow_extra_args(false)
      ->type_name("NAME|PATH");
  cmd->add_flag("--no-replay", args->no_replay,
                "Read dirty hives as stored, without replaying their .LOG1/.LOG2 transaction logs");
  add_time_options(*cmd, args->common,
                   "keys last written inside it are raised (it does not filter)");
  add_common_options(*cmd, args->common, false, false);
  cmd->footer(
      "Examples:\n"
      "  sqltriage registry disk.raw --target sqlserver.exe --pivot 2023-02-20T14:03:11Z\n"
      "  sqltriage registry /mnt/snapshot --jsonl\n"
      "  sqltriage registry ./collected-hives/ --no-replay\n"
      "  sqltriage registry replay SYSTEM -o SYSTEM.replayed");

  args->replay = cmd->add_subcommand(
      "replay",
      "Write a dirty hive replayed from its transaction logs to a new file, for other tools");
  args->replay->add_option("hive", args->replay_hive, "The hive file (never written)")
      ->required()
      ->type_name("HIVE");
  args->replay->add_option("-o,--output", args->replay_output, "The replayed hive: a new file")
      ->required()
      ->type_name("OUT");
  args->replay
      ->add_option("--log", args->replay_logs,
                   "A transaction log (default: HIVE.LOG1, HIVE.LOG2 and HIVE.LOG beside it); "
                   "repeatable")
      ->allow_extra_args(false)
      ->type_name("FILE");
  args->replay->add_flag("--jsonl", args->replay_jsonl, "JSON Lines for the findings document");

  return [args]() {
    if (args->replay->parsed()) return run_replay(*args);
    check_targets(args->targets);
    if (args->inputs.empty())
      throw UsageError(
          "say what to examine: EVIDENCE (an evidence root, disk image, folder of hives or a "
          "hive file), or 'registry replay HIVE -o OUT'");
    RegistryScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    opt.targets = args->targets;
    opt.replay = !args->no_replay;
    const TimeRange range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    Output out(args->common, args->inputs);
    const ScanOutcome outcome = scan_registry(opt, "registry", out.sink());
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} hives, {} findings, {} errors in {:.2f} s", st.files, st.findings, st.errors,
                 st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
