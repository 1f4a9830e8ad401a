// Internal to the webshell scan: the files of one web root, with what the heuristics compare
// them against (their folder's other files, the root's usual owner).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/mft/entry_finding.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::ntfs {
class Volume;
}

namespace sqltriage::pipeline::webshell {

/// What a file is by its extension: "script" (server-side code), "image", "text" (.txt and
/// server configuration such as .htaccess), or "other".
std::string file_kind(std::string_view file_name);

/// The four times of a file (UTC FILETIMEs, 0 = unknown) and where they come from:
/// "$STANDARD_INFORMATION" inside an image, "file system" on the host, nullptr when none
/// could be read.
struct FileTimes {
  const char* source = nullptr;
  Filetime creation = 0;
  Filetime last_write = 0;
  Filetime change = 0;
  Filetime last_access = 0;
};

/// The other regular files of a file's folder: how many, and the median and newest of their
/// last-write times (0 when there is none).
struct Siblings {
  std::uint64_t count = 0;
  Filetime median = 0;
  Filetime newest = 0;
};

/// {"Source", "CreationTime", "LastWriteTime", "ChangeTime", "LastAccessTime"} (ISO strings
/// or null); null when no time could be read.
nlohmann::ordered_json times_json(const FileTimes& t);
/// {"Count", "MedianLastWriteTime", "NewestLastWriteTime"}.
nlohmann::ordered_json siblings_json(const Siblings& s);

/// A file to scan: small, since a folder's files are held until they are handed over.
struct Candidate {
  std::string display_path;                ///< "C:\inetpub\wwwroot\x.aspx", or a host path
  std::string relative_path;               ///< below the web root, '\' separated
  std::filesystem::path host_path;         ///< empty inside an image
  std::optional<std::uint64_t> mft_entry;  ///< inside an image
  std::uint64_t size = 0;                  ///< bytes
  std::string kind;                        ///< file_kind()
  FileTimes times;
  Siblings siblings;
};

/// What walking one web root found, besides the files handed to the FolderSink.
struct RootFiles {
  /// The root as the files' display paths start ("C:\\inetpub\\wwwroot", or a host path).
  std::string root_display;
  /// False when the root folder itself could not be looked up or listed (see `errors`).
  bool readable = true;
  std::uint64_t seen = 0;     ///< regular files under the root
  std::uint64_t to_scan = 0;  ///< of those, the files handed over to scan
  std::uint64_t skipped_by_extension = 0;
  std::uint64_t bytes = 0;                      ///< sum of the sizes of the files to scan
  std::map<std::string, std::uint64_t> owners;  ///< owner SID -> files (images)
  std::vector<ErrorEntry> errors;               ///< unreadable folders, links not followed, ...
};

/// Which files to keep.
struct WalkOptions {
  bool all_files = false;               ///< every regular file, not only webshell_extensions()
  std::uint64_t max_files = 5'000'000;  ///< per root; the rest is reported as "limit"
};

/// Receives the files to scan of one folder, in name order, with their "Siblings" set; called
/// folder by folder as the walk goes, so memory holds one folder's files, not the tree's.
using FolderSink = std::function<void(std::vector<Candidate>&&)>;

/// Walks a host folder (a mounted evidence's web root or a folder given as evidence) in path
/// order. Symbolic links are never followed (each is reported once, code "open_failed", as
/// "not followed"); FIFOs, sockets and devices are reported and skipped; unreadable folders
/// are reported. `display_root` is how the root is shown ("C:\inetpub\wwwroot" or the host
/// path); display paths join it with the names as stored, '\' after a drive letter, '/'
/// otherwise.
RootFiles walk_host(const std::filesystem::path& root, const std::string& display_root,
                    const WalkOptions& options, const FolderSink& sink);

/// What walking a folder inside an NTFS image needs: the volume, and the mft scan's context
/// for building each file's mft.entry data (entries, paths, $SDS, account names).
struct VolumeContext {
  std::shared_ptr<ntfs::Volume> volume;
  mft_scan::EntryContext entry;
};

/// Walks the folder `windows_root` ("C:\inetpub\wwwroot") of an NTFS volume through its
/// $I30 indexes, reading each file's MFT record for its times, size and owner. Every folder is
/// entered once (a folder reached twice, e.g. by a damaged index, is reported); depth is
/// capped at 64. Returns std::nullopt when the folder is not on the volume. With an empty
/// `sink` only the counts and owners are gathered (a first pass for the root's usual owner).
std::optional<RootFiles> walk_volume(const VolumeContext& ctx, const std::string& windows_root,
                                     const WalkOptions& options, const FolderSink& sink);

}  // namespace sqltriage::pipeline::webshell
