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
  /// Edit distance of the names without extension (Levenshtein, where swapping two adjacent
  /// letters counts as one edit).
  int distance = 0;
};

/// A file name that is not itself well known but within a small edit distance of one
/// (e.g. "sqlserver.exe" vs "sqlservr.exe"), with the same extension. The limit depends on
/// the known name's length without extension: under 5 characters never, 5-7 one edit,
/// 8 or more two (measured in docs/checks.md). Ties go to the name listed first in the data
/// file. Case-insensitive.
std::optional<Lookalike> find_lookalike(std::string_view file_name);

}  // namespace sqltriage
