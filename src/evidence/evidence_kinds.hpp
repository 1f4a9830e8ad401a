// The evidence kinds of this version (see include/sqltriage/evidence.hpp).
#pragma once

#include <filesystem>
#include <memory>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::evidence {

/// A mounted snapshot or collected folder with a Windows layout below `windows_root`.
class DirectoryEvidence final : public Evidence {
 public:
  DirectoryEvidence(std::filesystem::path given, std::filesystem::path windows_root);
  std::string kind() const override { return "directory"; }
  const std::filesystem::path& path() const override { return given_; }
  std::optional<ArtifactFile> resolve(std::string_view windows_path) const override;
  std::vector<ArtifactFile> list(std::string_view windows_dir) const override;
  std::vector<std::string> folders(std::string_view windows_dir) const override;
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

/// An NTFS file system in a disk image, volume image or block device. Windows paths resolve
/// inside the volume from its root (where "Windows" is); files are read lazily through
/// ntfs::Volume::open_stream, never copied out.
class ImageEvidence final : public Evidence {
 public:
  /// `layout` says where the volume was found; `open_errors` is the damage seen on the way.
  ImageEvidence(std::filesystem::path given, std::shared_ptr<ntfs::Volume> volume,
                std::string layout, std::vector<ErrorEntry> open_errors);
  std::string kind() const override { return "image"; }
  const std::filesystem::path& path() const override { return given_; }
  /// The file at a Windows path, its display path in the case stored on the volume
  /// ("C:\Windows\System32\winevt\Logs\Security.evtx"). When a folder on the way is
  /// damaged, a file whose opener throws that ArtifactError (so the damage is reported
  /// where the file is needed, not mistaken for an absent file).
  std::optional<ArtifactFile> resolve(std::string_view windows_path) const override;
  /// Files (not folders) of the folder, sorted by name; an index entry libfsntfs cannot
  /// read is listed with an opener that throws why.
  std::vector<ArtifactFile> list(std::string_view windows_dir) const override;
  std::vector<std::string> folders(std::string_view windows_dir) const override;
  std::vector<ArtifactFile> loose_files() const override { return {}; }
  std::shared_ptr<ntfs::Volume> ntfs_volume() const override { return volume_; }
  std::string layout() const override { return layout_; }
  std::vector<ErrorEntry> open_errors() const override { return open_errors_; }

 private:
  std::filesystem::path given_;
  std::shared_ptr<ntfs::Volume> volume_;
  std::string layout_;
  std::vector<ErrorEntry> open_errors_;
};

/// An ImageEvidence for `path` (a regular file or, with `is_device`, a block device) when
/// its bytes hold an NTFS volume, directly or in a partition; nullptr when they are no image
/// (the file is then a loose artifact). Throws EvidenceError as open_evidence documents.
std::unique_ptr<Evidence> open_image_evidence(const std::filesystem::path& path, bool is_device,
                                              const EvidenceOptions& options);

/// The folder below `dir` that holds a "Windows" folder: `dir` itself, or a one-letter
/// drive folder (KAPE's "C"), matched case-insensitively. std::nullopt when there is none.
std::optional<std::filesystem::path> find_windows_root(const std::filesystem::path& dir);

}  // namespace sqltriage::evidence
