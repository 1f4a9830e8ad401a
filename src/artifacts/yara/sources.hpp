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
  /// Its YARA namespace (assign_namespaces).
  std::string ns;
};

/// Largest rule file read (bytes); a bigger one is a RuleError, not an allocation.
inline constexpr std::uintmax_t kMaxRuleFileSize = 64ull << 20;

/// The bundled sources (when options.builtin) then every --rules entry in the order given; a
/// folder contributes its *.yar and *.yara files (extension case-insensitive), recursively,
/// sorted by path, symlinks neither followed nor read. A file named twice (the same file by
/// two paths, or given and inside a given folder) is read once. What is skipped (links,
/// FIFOs and devices in a folder, repeats) is described in `notes`. Namespaces are assigned.
/// Throws RuleError naming the path when a file cannot be read or is too big, a path does not
/// exist, or a folder cannot be listed or holds no rule file.
std::vector<SourceInput> gather_sources(const RuleSetOptions& options,
                                        std::vector<std::string>& notes);

/// Gives each source a namespace: its file stem ("rules/webshell_php.yar" ->
/// "webshell_php"), with "_2", "_3", ... for the second and later sources of the same stem
/// (skipping a suffix that is another source's stem), so rules of two files never collide.
void assign_namespaces(std::vector<SourceInput>& sources);

}  // namespace sqltriage::yara
