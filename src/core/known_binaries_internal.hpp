// Internals of known_binaries.cpp, exposed for the unit tests.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "sqltriage/known_binaries.hpp"

namespace sqltriage::detail {

/// Parses the known-binaries table (the format of data/known_binaries.tsv: '#' comments,
/// blank lines, one header line, then name, folders, signer, description separated by
/// tabs). Names are lower-cased. Throws std::logic_error naming the line when a line is
/// malformed (wrong column count, empty column, a name without extension, a duplicate).
std::vector<KnownBinary> parse_known_binaries(std::string_view text);

/// Optimal string alignment distance (Levenshtein with adjacent transpositions counted
/// as one edit), ASCII case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

/// Largest edit distance at which a name counts as a lookalike of a well-known name whose
/// stem (the name without extension) has `stem_length` characters; 0 means never.
int lookalike_limit(std::size_t stem_length);

}  // namespace sqltriage::detail
