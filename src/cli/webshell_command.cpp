// `sqltriage webshell`: wiring only; the scan lives in src/pipeline/webshell_scan.cpp.
#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/webshell_scan.hpp"

namespace sqltriage::cli {

namespace {

struct WebshellArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> webroots;
  std::vector<std::string> rules;
  bool rules_only = false;
  bool no_cache = false;
  bool all_files = false;
  bool every_file = false;
  std::string max_size = "32M";
  int timeout_s = 10;
};

}  // namespace

Runner register_webshell(CLI::App& app) {
  auto args = std::make_shared<WebshellArgs>();
  auto* cmd = app.add_subcommand(
      "webshell",
      "Webshells in the web roots: YARA rules (ours and yours) and heuristics on every script");
  cmd->add_option("inputs", args->inputs,
                  "An evidence root or disk image (web roots read from the servers' "
                  "configuration), a folder (a web root itself) or a file")
      ->type_name("EVIDENCE");
  cmd->add_option("--webroot", args->webroots,
                  "Another web root inside the evidence, e.g. 'C:\\sites\\shop'; repeatable")
      ->allow_extra_args(false)
      ->type_name("WINPATH");
  cmd->add_option("--rules", args->rules,
                  "YARA rules to add: a .yar file, or a folder of .yar/.yara files; repeatable")
      ->allow_extra_args(false)
      ->type_name("DIR|FILE");
  cmd->add_flag("--rules-only", args->rules_only, "Use only the --rules given, not ours");
  cmd->add_flag("--no-cache", args->no_cache,
                "Compile the rules without reading or writing the compiled-rules cache");
  cmd->add_flag("--all-files", args->all_files,
                "Scan every file, not only scripts, images and text files");
  cmd->add_flag("--all", args->every_file,
                "A finding for every file scanned, also those no rule or heuristic flagged");
  cmd->add_option("--max-size", args->max_size,
                  "Larger files are not scanned (reported as errors); default 32M")
      ->type_name("BYTES");
  cmd->add_option("--timeout", args->timeout_s,
                  "Seconds of YARA scanning per file (0 = none); default 10")
      ->type_name("SECONDS");
  add_time_options(*cmd, args->common,
                   "files created or written inside it are raised (it does not filter)");
  add_common_options(*cmd, args->common, false, false);
  cmd->footer(
      "Examples:\n"
      "  sqltriage webshell disk.raw --pivot 2023-02-20T14:03:11Z --window 2d\n"
      "  sqltriage webshell /mnt/snapshot --webroot 'C:\\sites\\shop'\n"
      "  sqltriage webshell ./wwwroot-copy/ --rules ./our-rules/ --all-files\n"
      "  sqltriage webshell ./wwwroot-copy/ --rules-only --rules thor-webshells.yar");
  return [args]() {
    if (args->inputs.empty())
      throw UsageError(
          "say what to examine: EVIDENCE (an evidence root, disk image, folder or file)");
    if (args->rules_only && args->rules.empty())
      throw UsageError("--rules-only needs at least one --rules FILE|DIR");
    if (args->timeout_s < 0) throw UsageError("--timeout must not be negative");
    for (const auto& w : args->webroots) {
      const bool drive = w.size() >= 2 && std::isalpha(static_cast<unsigned char>(w[0])) &&
                         w[1] == ':' && (w.size() == 2 || w[2] == '\\' || w[2] == '/');
      const bool unc = w.rfind("\\\\", 0) == 0;
      if (!drive && !unc)
        throw UsageError("--webroot: '" + w +
                         "' is not a Windows path with a drive letter, e.g. 'C:\\sites\\shop'");
    }
    WebshellScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    opt.webroots = args->webroots;
    opt.rules.builtin = !args->rules_only;
    for (const auto& r : args->rules) opt.rules.extra.emplace_back(r);
    if (!args->no_cache) opt.rules.cache_dir = yara::default_cache_dir();
    if (opt.rules.cache_dir)
      if (const auto where = inside_evidence(opt.rules.cache_dir->string(), args->inputs);
          !where.empty()) {
        spdlog::warn("compiled-rules cache {} is {}: not used (evidence is never written)",
                     opt.rules.cache_dir->string(), where);
        opt.rules.cache_dir.reset();
      }
    opt.all_files = args->all_files;
    opt.every_file = args->every_file;
    opt.max_size = parse_bytes(args->max_size, "--max-size", false);
    opt.timeout_s = args->timeout_s;
    opt.threads = args->common.threads;
    const TimeRange range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    // The rules first: rules that do not compile stop the run before the output is created.
    std::shared_ptr<const yara::RuleSet> rules;
    try {
      rules = yara::RuleSet::load(opt.rules);
    } catch (const yara::RuleError& e) {
      throw UsageError(std::string("rules do not compile:\n") + e.what());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    for (const auto& w : rules->warnings()) spdlog::warn("rules: {}", w);
    if (!rules->cache_note().empty()) spdlog::info("compiled-rules cache: {}", rules->cache_note());
    spdlog::debug("{} rules{}", rules->rule_count(), rules->from_cache() ? " from the cache" : "");
    std::vector<std::string> inputs = args->inputs;
    inputs.insert(inputs.end(), args->rules.begin(), args->rules.end());
    Output out(args->common, inputs);
    ScanOutcome outcome;
    try {
      outcome = scan_webshells(opt, rules, "webshell", out.sink());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} files scanned, {} findings, {} errors in {:.2f} s", st.files, st.findings,
                 st.errors, st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
