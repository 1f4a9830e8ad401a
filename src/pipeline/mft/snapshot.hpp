// Internal to the mft scan: mounted-snapshot mode. Without an $MFT, the facts of a file are
// what the host file system gives (lstat/statx, ntfs-3g's extended attributes); the facts it
// cannot give are listed in each finding's "Unavailable".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include "pipeline/mft/entry_finding.hpp"
#include "pipeline/mft/targets.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::mft_scan {

struct SnapshotOptions {
  const Targets* targets = nullptr;  ///< matched when `all` is false
  bool all = false;
  std::optional<Filetime> since, until;
  AccountLookup accounts;
  bool has_usn_journal = false;  ///< false: "USN journal" is listed as unavailable
  /// Read every file's first bytes ("FileSignature"); otherwise only in user-writable or
  /// web-served folders, where the user_writable_executable check needs them.
  bool read_signature_always = false;
};

struct SnapshotStats {
  std::uint64_t examined = 0;  ///< files and folders looked at
  std::uint64_t readable = 0;  ///< of the matching ones, stat-ed successfully
  bool root_listed = false;    ///< the root folder could be listed
};

/// Walks the folder tree under `root` (the snapshot's drive root) in name order, without
/// following symbolic links, and hands one `mft.entry` finding (checks not yet run) per
/// matching file or folder to `on_finding`. Folders that cannot be listed and files that
/// cannot be stat-ed become error entries (code "open_failed"); `display_root` names the
/// evidence in them.
SnapshotStats scan_snapshot(const std::filesystem::path& root, const std::string& display_root,
                            const SnapshotOptions& options,
                            const std::function<void(Finding&&)>& on_finding,
                            const std::function<void(ErrorEntry)>& on_error);

/// The finding of one host file at `host` whose Windows path is `windows_path`
/// ("C:\a\b.exe"). Throws std::system_error when it cannot be stat-ed.
Finding snapshot_finding(const std::filesystem::path& host, const std::string& windows_path,
                         const std::string& artifact_path, const SnapshotOptions& options);

}  // namespace sqltriage::pipeline::mft_scan
