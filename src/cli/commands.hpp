// Subcommand registration: each subcommand file adds its CLI11 subcommand and returns the
// function that runs it (after parsing) and gives the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sqltriage::cli {

using Runner = std::function<int()>;

Runner register_evtx(CLI::App& app);
Runner register_mft(CLI::App& app);
Runner register_pe(CLI::App& app);
Runner register_registry(CLI::App& app);
Runner register_webshell(CLI::App& app);
Runner register_weblog(CLI::App& app);
Runner register_aws(CLI::App& app);
Runner register_investigate(CLI::App& app);
Runner register_timeline(CLI::App& app);

}  // namespace sqltriage::cli
