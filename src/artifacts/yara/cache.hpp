// The compiled-rules cache: one file per rule set, named after the set's key.
//
// File "<key>.yarc": the 16 bytes "sqltriage yarc1\n", the SHA-256 of the key (its hex text)
// followed by the payload (32 bytes), then the payload, libyara's compiled-rules format
// (yr_rules_save_stream). The digest keeps a damaged or foreign file away from libyara's
// loader, which trusts what it loads, and another rule set's file (copied or renamed to this
// key) from standing in for this set. Files are
// written to a temporary name in the same folder and renamed, so concurrent runs never see a
// partial file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "artifacts/yara/library.hpp"
#include "artifacts/yara/sources.hpp"

namespace sqltriage::yara {

/// Hex SHA-256 over "libyara <YR_VERSION>", the number of sources, then for each source its
/// name and its bytes, each preceded by its length (u64 little-endian), so no two different
/// lists of sources give the same input.
std::string cache_key(const std::vector<SourceInput>& sources);

/// Whether a source uses `include`: the included files are not part of the key, so such a
/// set is not cached.
bool uses_include(const std::vector<SourceInput>& sources);

/// Largest cache file read (bytes).
inline constexpr std::uintmax_t kMaxCacheFileSize = 512ull << 20;

/// The cached rules of the set `key` in `file`; nullptr when the file does not exist (note
/// left empty) or cannot be used (note says why). Never throws for a bad file.
RulesPtr load_cached(const std::filesystem::path& file, const std::string& key, std::string& note);

/// Writes `rules`, the set `key`, as `file` (creating its folder). Returns "" on success, else
/// why not.
std::string save_cached(YR_RULES* rules, const std::filesystem::path& file, const std::string& key);

}  // namespace sqltriage::yara
