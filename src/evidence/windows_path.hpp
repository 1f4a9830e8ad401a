// Splitting Windows paths and resolving them case-insensitively on the host.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::evidence {

/// Components of a Windows path: "C:\Windows\System32" and "/Windows/System32" both give
/// {"Windows", "System32"}. A drive letter and empty or "." components are dropped;
/// ".." components are refused (std::nullopt) so a path cannot leave the evidence root.
std::optional<std::vector<std::string>> split_windows_path(std::string_view path);

/// Walks `components` below `root`, matching each name case-insensitively (ASCII fold;
/// an exact match wins when several differ only by case). Symbolic links are not followed.
/// Returns the host path of the last component, or std::nullopt when any is missing.
std::optional<std::filesystem::path> resolve_case_insensitive(
    const std::filesystem::path& root, const std::vector<std::string>& components);

/// "C:\" + components joined with '\'.
std::string to_windows_display(const std::vector<std::string>& components);

}  // namespace sqltriage::evidence
