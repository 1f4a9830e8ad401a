// `sqltriage investigate`: wiring only (placeholder until the investigate pipeline lands).
#include "cli/commands.hpp"

namespace sqltriage::cli {

Runner register_investigate(CLI::App& app) {
  auto* cmd = app.add_subcommand("investigate", "The four questions about one file");
  (void)cmd;
  return [] { return 2; };
}

}  // namespace sqltriage::cli
