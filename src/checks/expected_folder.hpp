// Internal to the checks: whether a file lies in one of a well-known binary's folders.
#pragma once

#include <string_view>

#include "sqltriage/known_binaries.hpp"

namespace sqltriage::checks::detail {

/// Whether the folder of `path` can be judged at all: it names a folder (not a bare file
/// name or a relative name) and holds no 8.3 short names ("PROGRA~1"), which cannot be
/// expanded without the volume.
bool folder_is_judgeable(std::string_view path);

/// Whether `folder` (a Windows folder path, any drive letter or none) equals `pattern`, a
/// folder from the known-binaries data: %SystemRoot%, %ProgramFiles%, %ProgramFiles(x86)%,
/// %ProgramData% are expanded and '*' matches any run of characters inside one component.
/// Case-insensitive; '\' or '/'.
bool folder_matches(std::string_view folder, std::string_view pattern);

/// Whether the file at `path` lies directly in one of `known`'s expected folders.
bool in_expected_folder(std::string_view path, const KnownBinary& known);

}  // namespace sqltriage::checks::detail
