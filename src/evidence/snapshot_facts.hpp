// What the host file system tells about a file of a mounted snapshot (a "directory"
// evidence without a collected $MFT): lstat/statx facts and, when the snapshot is an NTFS
// volume mounted with ntfs-3g, its extended attributes.
//
// Format knowledge: POSIX stat(2) and Linux statx(2) (times, st_blocks in 512-byte units);
// the ntfs-3g manual page ("streams_interface=xattr": named data streams as "user.<name>"
// extended attributes) and ntfs-3g's system extended attributes: "system.ntfs_times" (four
// little-endian FILETIMEs of $STANDARD_INFORMATION: creation, last write, last access, MFT
// change, in that order, checked against istat), "system.ntfs_attrib" (little-endian u32
// FILE_ATTRIBUTE_* flags), "system.ntfs_acl" (the self-relative SECURITY_DESCRIPTOR),
// "system.ntfs_dos_name" (the 8.3 name, when the file has one).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"

namespace sqltriage::evidence {

/// The four $STANDARD_INFORMATION times as ntfs-3g gives them (UTC FILETIMEs).
struct NtfsTimes {
  Filetime creation = 0;
  Filetime modification = 0;        ///< last write ("File Modified")
  Filetime access = 0;              ///< last access
  Filetime entry_modification = 0;  ///< MFT record change ("MFT Modified")
};

/// Facts of one file or folder. Times are UTC FILETIMEs converted from the host's
/// nanosecond times (truncated to 100 ns).
struct HostFileFacts {
  bool is_directory = false;
  bool is_regular = false;
  bool is_symlink = false;           ///< never followed
  std::uint64_t size = 0;            ///< st_size, bytes
  std::uint64_t allocated_size = 0;  ///< st_blocks * 512, bytes
  Filetime modification = 0;         ///< st_mtime
  Filetime access = 0;               ///< st_atime
  /// st_ctime: the inode's last *status change* on the host file system, not a creation
  /// time (on an ntfs-3g mount it is the MFT record change time).
  Filetime status_change = 0;
  /// statx birth time, when the host file system records one (ext4, btrfs, xfs; not FUSE).
  std::optional<Filetime> birth;
  std::optional<NtfsTimes> ntfs_times;       ///< system.ntfs_times (ntfs-3g)
  std::optional<std::uint32_t> ntfs_attrib;  ///< system.ntfs_attrib (ntfs-3g)
  std::vector<std::uint8_t> ntfs_acl;        ///< system.ntfs_acl (ntfs-3g), or empty
  std::optional<std::string> ntfs_dos_name;  ///< system.ntfs_dos_name (ntfs-3g)
  /// Names of the "user.*" extended attributes without the "user." prefix, in the order
  /// listxattr gives them: the named data streams of an ntfs-3g mount
  /// (streams_interface=xattr, the default), e.g. "Zone.Identifier".
  std::vector<std::string> user_xattrs;
};

/// The facts of `path` (the link itself for a symbolic link). Throws std::system_error
/// naming the path when lstat fails. Extended attributes the file system does not support
/// are simply absent.
HostFileFacts host_file_facts(const std::filesystem::path& path);

/// system.ntfs_dos_name alone (ntfs-3g): the file's DOS 8.3 name, or std::nullopt.
std::optional<std::string> ntfs_dos_name(const std::filesystem::path& path);

/// The value of extended attribute "user.<name>" (at most `max_bytes`; longer values are
/// cut), or std::nullopt when absent or unreadable. Does not follow symbolic links.
std::optional<std::string> read_user_xattr(const std::filesystem::path& path, std::string_view name,
                                           std::size_t max_bytes);

/// The size of extended attribute "user.<name>", or std::nullopt when absent.
std::optional<std::uint64_t> user_xattr_size(const std::filesystem::path& path,
                                             std::string_view name);

/// A host time (seconds and nanoseconds since the Unix epoch) as a FILETIME; times before
/// 1601 give 0.
Filetime filetime_from_unix(std::int64_t seconds, std::uint32_t nanoseconds);

}  // namespace sqltriage::evidence
