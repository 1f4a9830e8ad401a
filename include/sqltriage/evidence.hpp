// Evidence: what the analyst points at, opened once. Subcommands ask it for artifacts by
// their usual Windows locations, or take the files it holds.
//
// Kinds in this version:
// - "directory": a mounted snapshot or a collected-artifacts folder whose root (or a
//   one-letter drive folder under it, e.g. KAPE's "C") holds a "Windows" folder. Windows
//   paths resolve case-insensitively under that root.
// - "folder": any other folder; its files are taken as loose artifacts.
// - "file": a single artifact file.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage {

/// A file of the evidence, readable on the host.
struct ArtifactFile {
  /// As the analyst knows it: "C:\Windows\System32\winevt\Logs\Security.evtx" inside a
  /// directory evidence (drive C:, each name in the case the evidence stores it), otherwise
  /// the host path.
  std::string display_path;
  std::filesystem::path host_path;  ///< where to read it
};

class Evidence {
 public:
  virtual ~Evidence() = default;

  /// "directory", "folder" or "file" (see above).
  virtual std::string kind() const = 0;
  /// The path as given.
  virtual const std::filesystem::path& path() const = 0;

  /// Resolves a Windows path such as "C:\Windows\System32\config\SYSTEM" (drive letter
  /// optional, '\' or '/', any case) to a file. std::nullopt when absent or when this
  /// evidence has no Windows layout ("folder", "file").
  virtual std::optional<ArtifactFile> resolve(std::string_view windows_path) const = 0;

  /// Regular files directly in a Windows folder (case-insensitive), sorted by name.
  /// Empty when the folder is absent.
  virtual std::vector<ArtifactFile> list(std::string_view windows_dir) const = 0;

  /// Every entry under a "folder" (recursively, sorted): files, and folders and symbolic
  /// links too, so callers can report those that look like artifacts; links are listed but
  /// never followed. For a "file", that one file. Empty for "directory".
  virtual std::vector<ArtifactFile> loose_files() const = 0;
};

/// Opens `path` as evidence, choosing the kind from what is there.
/// Throws EvidenceError when the path does not exist or cannot be read.
std::unique_ptr<Evidence> open_evidence(const std::filesystem::path& path);

}  // namespace sqltriage
