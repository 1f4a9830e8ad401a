// libyara's process-wide state and RAII owners of its handles (yara 4.2, "The C API").
#pragma once

// The parts of <yara.h> we use: <yara/modules.h>, which <yara.h> pulls in, defines macros
// (get_string, get_integer, ...) that break any later header using those names.
#include <yara/libyara.h>
// (libyara.h first: the others use its YR_API.)
#include <yara/compiler.h>
#include <yara/error.h>
#include <yara/limits.h>
#include <yara/rules.h>
#include <yara/scanner.h>
#include <yara/stream.h>
#include <yara/types.h>

#include <memory>

namespace sqltriage::yara {

/// yr_initialize() on first use (thread-safe); yr_finalize() once the last holder of the
/// returned pointer is gone. Throws std::runtime_error when libyara cannot initialise.
std::shared_ptr<const void> library();

struct CompilerFree {
  void operator()(YR_COMPILER* c) const { yr_compiler_destroy(c); }
};
struct RulesFree {
  void operator()(YR_RULES* r) const { yr_rules_destroy(r); }
};
struct ScannerFree {
  void operator()(YR_SCANNER* s) const { yr_scanner_destroy(s); }
};

using CompilerPtr = std::unique_ptr<YR_COMPILER, CompilerFree>;
using RulesPtr = std::unique_ptr<YR_RULES, RulesFree>;
using ScannerPtr = std::unique_ptr<YR_SCANNER, ScannerFree>;

}  // namespace sqltriage::yara
