// `sqltriage pe`: wiring only; the analysis lives in src/pipeline/pe_scan.cpp.
#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/pe_scan.hpp"

namespace sqltriage::cli {

namespace {

struct PeArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> targets;
  std::vector<std::string> hash_sets;
  std::vector<std::string> vt_reports;
  std::vector<std::string> vt_queries;
  std::vector<std::string> ca_files;
  bool no_system_roots = false;
  bool no_registry_roots = false;
  bool no_catalogs = false;
};

}  // namespace

Runner register_pe(CLI::App& app) {
  auto args = std::make_shared<PeArgs>();
  auto* cmd = app.add_subcommand(
      "pe",
      "What an executable is: hashes, PE facts, version info, Authenticode trust, "
      "masquerading, hash sets");
  cmd->add_option("inputs", args->inputs,
                  "A file, a folder of files, an evidence root or a disk image (with --target)")
      ->type_name("EVIDENCE");
  cmd->add_option("--target", args->targets,
                  "Files of this name (case-insensitive) or this path (drive letter optional) "
                  "inside the evidence; repeatable. Required for evidence roots and images")
      ->allow_extra_args(false)
      ->type_name("NAME|PATH");
  cmd->add_option("--hashes", args->hash_sets,
                  "Hash set: a list, a CSV with a header (e.g. MalwareBazaar) or an NSRL RDS v3 "
                  "database; prefix good: or bad: to state its verdict; repeatable")
      ->allow_extra_args(false)
      ->type_name("[good:|bad:]FILE");
  cmd->add_option("--vt-reports", args->vt_reports,
                  "VirusTotal reports, JSON Lines of API v3 file objects or v2 file reports; "
                  "repeatable")
      ->allow_extra_args(false)
      ->type_name("FILE");
  cmd->add_option("--vt-query", args->vt_queries,
                  "Reports whose FIELD matches: original-name, name, company, sha256, sha1, md5 "
                  "(e.g. original-name=sqlserver.exe); repeatable")
      ->allow_extra_args(false)
      ->type_name("FIELD=VALUE");
  cmd->add_option("--ca-file", args->ca_files,
                  "Certificates (PEM or DER) to trust, after the evidence's registry root "
                  "stores; repeatable")
      ->allow_extra_args(false)
      ->type_name("FILE");
  cmd->add_flag("--no-system-roots", args->no_system_roots,
                "Do not trust the host's certificate store");
  cmd->add_flag("--no-registry-roots", args->no_registry_roots,
                "Do not trust the root stores of the evidence's SOFTWARE hive");
  cmd->add_flag("--no-catalogs", args->no_catalogs,
                "Do not look for the file in the evidence's catalogs (Windows\\System32\\CatRoot)");
  add_common_options(*cmd, args->common, false, false);
  cmd->footer(
      "Examples:\n"
      "  sqltriage pe sqlserver.exe\n"
      "  sqltriage pe disk.raw --target sqlserver.exe --hashes bad:iocs.txt --hashes nsrl.db\n"
      "  sqltriage pe /mnt/snapshot --target 'C:\\ProgramData\\sqlserver.exe'\n"
      "  sqltriage pe ./dropped/ --ca-file vendor-root.pem --no-system-roots\n"
      "  sqltriage pe --vt-reports vt.jsonl --vt-query original-name=sqlserver.exe");
  return [args]() {
    check_targets(args->targets);
    if (args->inputs.empty() && args->vt_queries.empty())
      throw UsageError(
          "say what to examine: EVIDENCE (a file, folder, evidence root or image) "
          "or --vt-query FIELD=VALUE with --vt-reports FILE");
    PeScanOptions opt;
    for (const auto& i : args->inputs) opt.inputs.emplace_back(i);
    opt.targets = args->targets;
    opt.hash_sets = args->hash_sets;
    for (const auto& v : args->vt_reports) opt.vt_reports.emplace_back(v);
    opt.vt_queries = args->vt_queries;
    for (const auto& c : args->ca_files) opt.ca_files.emplace_back(c);
    opt.system_roots = !args->no_system_roots;
    opt.registry_roots = !args->no_registry_roots;
    opt.catalogs = !args->no_catalogs;
    opt.threads = args->common.threads;
    opt.evidence = evidence_options(args->common);
    auto threshold = fail_on(args->common);
    std::vector<std::string> inputs = args->inputs;
    for (const auto* more : {&args->hash_sets, &args->vt_reports, &args->ca_files})
      for (const auto& f : *more) inputs.push_back(hash_set_file(f));
    Output out(args->common, inputs);
    ScanOutcome outcome;
    try {
      outcome = scan_pe(opt, "pe", out.sink());
    } catch (const ArtifactError& e) {
      throw UsageError(e.what());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    out.finish();
    const auto& st = outcome.stats;
    spdlog::info("{} files, {} findings, {} errors in {:.2f} s", st.files, st.findings, st.errors,
                 st.elapsed_s);
    return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
  };
}

}  // namespace sqltriage::cli
