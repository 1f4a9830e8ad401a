// `sqltriage timeline`: wiring only (placeholder until the timeline pipeline lands).
#include "cli/commands.hpp"

namespace sqltriage::cli {

Runner register_timeline(CLI::App& app) {
  auto* cmd = app.add_subcommand("timeline", "Every timestamp of the evidence, time-sorted");
  (void)cmd;
  return [] { return 2; };
}

}  // namespace sqltriage::cli
