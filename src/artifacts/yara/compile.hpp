// Compiling rule sources with libyara's compiler, every message tagged with its file and line.
#pragma once

#include <string>
#include <vector>

#include "artifacts/yara/library.hpp"
#include "artifacts/yara/sources.hpp"

namespace sqltriage::yara {

struct Compiled {
  RulesPtr rules;
  /// libyara's warnings, "<source name>:<line>: <message>" (a warning does not fail).
  std::vector<std::string> warnings;
};

/// Compiles each source into the namespace named after its stem. Throws RuleError listing
/// every error, one "<source name>:<line>: <message>" per line: after the first failing
/// source the rest are still checked, each on its own, so one run reports them all.
Compiled compile_sources(const std::vector<SourceInput>& sources);

}  // namespace sqltriage::yara
