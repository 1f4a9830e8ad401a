// Well-known Windows and Microsoft server binaries: names, expected folders and signers.
// The list is the data file data/known_binaries.tsv, compiled into the program.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage {

struct KnownBinary {
  std::string name;                  ///< lower-case file name, e.g. "sqlservr.exe"
  std::vector<std::string> folders;  ///< expected folders, Windows paths with %VARIABLES%
  std::string signer;                ///< expected Authenticode signer subject CN
  std::string description;           ///< what it is
};

/// The whole list, in file order. Parsed once; never throws after the first call succeeds.
const std::vector<KnownBinary>& known_binaries();

/// Exact (case-insensitive) match of a file name.
const KnownBinary* find_known_binary(std::string_view file_name);

struct Lookalike {
  const KnownBinary* known = nullptr;  ///< the well-known binary it resembles
  int distance = 0;                    ///< Levenshtein distance of the names
};

/// A file name that is not itself well known but within a small edit distance of one
/// (e.g. "sqlserver.exe" vs "sqlservr.exe"). The limit grows with the name's length so that
/// short names do not match everything: see docs/checks.md. Case-insensitive.
std::optional<Lookalike> find_lookalike(std::string_view file_name);

}  // namespace sqltriage
