// The evidence kinds of this version (see include/sqltriage/evidence.hpp).
#pragma once

#include <filesystem>

#include "sqltriage/evidence.hpp"

namespace sqltriage::evidence {

/// A mounted snapshot or collected folder with a Windows layout below `windows_root`.
class DirectoryEvidence final : public Evidence {
 public:
  DirectoryEvidence(std::filesystem::path given, std::filesystem::path windows_root);
  std::string kind() const override { return "directory"; }
  const std::filesystem::path& path() const override { return given_; }
  std::optional<ArtifactFile> resolve(std::string_view windows_path) const override;
  std::vector<ArtifactFile> list(std::string_view windows_dir) const override;
  std::vector<ArtifactFile> loose_files() const override { return {}; }

 private:
  std::filesystem::path given_;
  std::filesystem::path windows_root_;
};

/// A folder of loose artifact files, or one file.
class LooseEvidence final : public Evidence {
 public:
  LooseEvidence(std::filesystem::path given, bool is_folder);
  std::string kind() const override { return is_folder_ ? "folder" : "file"; }
  const std::filesystem::path& path() const override { return given_; }
  std::optional<ArtifactFile> resolve(std::string_view) const override { return std::nullopt; }
  std::vector<ArtifactFile> list(std::string_view) const override { return {}; }
  std::vector<ArtifactFile> loose_files() const override;

 private:
  std::filesystem::path given_;
  bool is_folder_;
};

/// The folder below `dir` that holds a "Windows" folder: `dir` itself, or a one-letter
/// drive folder (KAPE's "C"), matched case-insensitively. std::nullopt when there is none.
std::optional<std::filesystem::path> find_windows_root(const std::filesystem::path& dir);

}  // namespace sqltriage::evidence
