// `sqltriage evtx`: wiring only; the scan lives in src/pipeline/evtx_scan.cpp.
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/evtx_scan.hpp"

namespace sqltriage::cli {

namespace {

struct EvtxArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::uint16_t> event_ids;
  bool all = false;
  bool all_logs = false;
  bool recover = false;
};

}  // namespace

Runner register_evtx(CLI::App& app) {
  auto args = std::make_shared<EvtxArgs>();
  auto* cmd = app.add_subcommand("evtx", "Windows events the investigation needs, from EVTX logs");
  cmd->add_option("inputs", args->inputs,
                  "Evidence root (mounted snapshot or collected folder), raw disk or NTFS volume "
                  "image or block device, folders of .evtx files, or .evtx files")
      ->required()
      ->type_name("EVIDENCE|IMAGE|FILE|DIR");
  cmd->add_option("--event-id", args->event_ids,
                  "Only these EventIDs, from any provider (comma-separated or repeated)")
      ->delimiter(',')
      ->allow_extra_args(false)  // "--event-id 15 Security.evtx": the file is an input
      ->type_name("LIST");
  cmd->add_flag("--all", args->all, "Every event, not only the default set");
  cmd->add_flag(
      "--all-logs", args->all_logs,
      "With an evidence root: every log in winevt\\Logs, not only the five standard ones");
  cmd->add_flag("--recover", args->recover,
                "Also report records libevtx recovers from the files' free space");
  add_common_options(*cmd, args->common, true, true);
  cmd->footer(
      "Default event set: Security 4624 4625 4672 4688 4697 1102; System 7045 104;\n"
      "RemoteConnectionManager 1149; LocalSessionManager 21 22 24 25; Sysmon 1 3 11 13 15.\n\n"
      "Examples:\n"
      "  sqltriage evtx /mnt/snapshot --target sqlserver.exe\n"
      "  sqltriage evtx Security.evtx System.evtx --pivot 2023-02-20T14:03:11Z --window 2h\n"
      "  sqltriage evtx ./logs --event-id 4624,4625 --jsonl -o logons.jsonl --fail-on high\n"
      "  sqltriage evtx -- -odd-name.evtx        (-- ends the options: inputs starting with '-')");
  return [args]() {
    if (args->all && !args->event_ids.empty())
      throw UsageError("--all and --event-id cannot be combined");
    EvtxScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    opt.all_events = args->all;
    opt.event_ids = args->event_ids;
    opt.all_logs = args->all_logs;
    opt.recover = args->recover;
    auto range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    if (!args->common.target.empty()) opt.target = args->common.target;
    opt.threads = args->common.threads;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    Output out(args->common, args->inputs);
    auto outcome = scan_evtx(opt, "evtx", out.sink());
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} files, {} records, {} findings, {} errors in {:.2f} s", st.files, st.records,
                 st.findings, st.errors, st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
