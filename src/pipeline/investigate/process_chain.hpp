// Describing a process and its parents for an answer.
#pragma once

#include <string>

#include "pipeline/investigate/answer_builder.hpp"

namespace sqltriage::investigation {

/// "C:\...\powershell.exe (pid 6124, IIS APPPOOL\DefaultAppPool)".
std::string describe_process(const ProcessNode& n);

/// The parents of `start`, up to `levels`: "parent chain: A (pid, user, started T) <- B
/// <- C", citing each parent whose finding was kept. A parent whose creation is not in the
/// logs is named from its child's event (ParentImage / ParentProcessName).
std::string describe_parents(AnswerBuilder& b, const ProcessNode& start, int levels = 3);

/// The same chain in short: "cmd.exe <- w3wp.exe <- svchost.exe" (file names only).
std::string short_parents(const ProcessIndex& index, const ProcessNode& start, int levels = 3);

}  // namespace sqltriage::investigation
