// Internal to the mft scan: which entries, files and USN records name a --target.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::pipeline::mft_scan {

/// The --target values of a run. A bare name ("sqlserver.exe", "SQLSER~1.EXE") matches a
/// file name; a path (it contains '\' or '/') matches a full path. Comparison folds ASCII
/// letters only (other letters must match exactly, as stored).
class Targets {
 public:
  Targets() = default;
  explicit Targets(const std::vector<std::string>& targets);

  bool empty() const { return names_.empty() && paths_.empty(); }

  /// Whether a bare-name target looks like a generated DOS 8.3 name (it holds a '~').
  bool has_short_name() const;

  /// Whether `name` (one file name) equals a bare-name target.
  bool name_matches(std::string_view name) const;

  /// Whether `name` is the last component of a path target: the entry may match once its
  /// full path is known.
  bool path_leaf_matches(std::string_view name) const;

  /// Whether `path` (a volume path "\a\b.exe", or with a drive letter) equals a path
  /// target.
  bool path_matches(std::string_view path) const;

  /// Whether `name` in folder `folder` (a volume path; "" when unknown) names a target: the
  /// name equals a bare-name target, or is the leaf of a path target whose folder is
  /// `folder` (any folder when `folder` is empty).
  bool names_file(std::string_view name, std::string_view folder) const;

  /// "\a\b" form of a path: quotes, "\\?\" and the drive letter removed, '/' as '\',
  /// repeated and trailing separators removed, a leading '\' added.
  static std::string normalize_path(std::string_view path);

 private:
  std::vector<std::string> names_;  // bare names
  std::vector<std::string> paths_;  // normalized paths
};

}  // namespace sqltriage::pipeline::mft_scan
