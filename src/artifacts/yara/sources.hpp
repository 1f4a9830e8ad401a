// Where rule sources come from: the bundled files and the analyst's --rules files and folders.
#pragma once

#include <string>
#include <vector>

#include "sqltriage/yara_rules.hpp"

namespace sqltriage::yara {

/// A source to compile. Host files are compiled under their path, so a relative `include`
/// resolves next to the file; bundled sources are compiled as strings.
struct SourceInput {
  RuleSource source;
  bool host_file = false;
};

/// Largest rule file read (bytes); a bigger one is a RuleError, not an allocation.
inline constexpr std::uintmax_t kMaxRuleFileSize = 64ull << 20;

/// The bundled sources (when options.builtin) then every --rules entry in the order given; a
/// folder contributes its *.yar and *.yara files (extension case-insensitive), recursively,
/// sorted by path, symlinks neither followed nor read. Throws RuleError naming the path when
/// a file cannot be read or is too big, a path does not exist, or a folder cannot be listed
/// or holds no rule file.
std::vector<SourceInput> gather_sources(const RuleSetOptions& options);

/// The namespace of a source: its file stem ("rules/webshell_php.yar" -> "webshell_php").
std::string namespace_of(const std::string& source_name);

}  // namespace sqltriage::yara
