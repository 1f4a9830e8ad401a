// sqltriage: one binary, a subcommand per investigation step, JSON findings on stdout.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/error.hpp"

int main(int argc, char** argv) {
  using namespace sqltriage::cli;
  std::ios::sync_with_stdio(false);

  CLI::App app{"sqltriage: triage of Windows forensic artifacts, as JSON findings"};
  app.name("sqltriage");
  app.set_version_flag("--version", std::string("sqltriage ") + SQLTRIAGE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for trace)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");
  app.footer(
      "Exit codes: 0 ran (whatever was found), 1 a finding reached --fail-on, 2 usage error,\n"
      "3 the evidence could not be opened or held nothing readable.\n"
      "Run 'sqltriage SUBCOMMAND --help' for a subcommand's options and examples.");

  std::map<std::string, Runner> runners;
  runners["evtx"] = register_evtx(app);
  runners["mft"] = register_mft(app);
  runners["pe"] = register_pe(app);
  runners["registry"] = register_registry(app);
  runners["webshell"] = register_webshell(app);
  runners["weblog"] = register_weblog(app);
  runners["aws"] = register_aws(app);
  runners["investigate"] = register_investigate(app);
  runners["timeline"] = register_timeline(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  auto logger = spdlog::stderr_color_mt("sqltriage");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("sqltriage: %l: %v");
  spdlog::set_level(quiet            ? spdlog::level::err
                    : verbosity >= 2 ? spdlog::level::trace
                    : verbosity == 1 ? spdlog::level::debug
                                     : spdlog::level::info);

  for (auto* sub : app.get_subcommands()) {
    try {
      return runners.at(sub->get_name())();
    } catch (const UsageError& e) {
      spdlog::error("{}", e.what());
      return kExitUsage;
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      return kExitEvidence;
    }
  }
  return kExitUsage;
}
