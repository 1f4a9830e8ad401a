// The rule files of the repository's rules/ folder, compiled into the binary by
// cmake/EmbedRules.cmake (the generated embedded_rules.cpp defines rule_files()).
#pragma once

#include <span>
#include <string_view>

namespace sqltriage::yara::embedded {

struct EmbeddedRuleFile {
  std::string_view name;  ///< "rules/webshell_php.yar"
  std::string_view text;  ///< the file's bytes
};

/// Every rules/*.yar, in file-name order; empty when the folder holds none.
std::span<const EmbeddedRuleFile> rule_files();

}  // namespace sqltriage::yara::embedded
