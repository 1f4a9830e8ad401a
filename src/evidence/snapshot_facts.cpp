#include "evidence/snapshot_facts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "core/little_endian.hpp"

namespace sqltriage::evidence {

namespace {

constexpr std::size_t kMaxXattrValue = 65536;

// Linux limits an extended attribute's value to 64 KiB (XATTR_SIZE_MAX), so a value is
// read whole and then cut to `max`.
std::optional<std::vector<std::uint8_t>> get_xattr(const std::filesystem::path& path,
                                                   const std::string& name, std::size_t max) {
  for (int attempt = 0; attempt < 3; ++attempt) {  // the value may grow between the calls
    const ssize_t size = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (size < 0 || size > static_cast<ssize_t>(kMaxXattrValue)) return std::nullopt;
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(size));
    const ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), buf.data(), buf.size());
    if (n < 0 && errno == ERANGE) continue;
    if (n < 0) return std::nullopt;
    buf.resize(std::min(static_cast<std::size_t>(n), max));
    return buf;
  }
  return std::nullopt;
}

std::vector<std::string> user_attribute_names(const std::filesystem::path& path) {
  std::vector<std::string> out;
  const ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size <= 0) return out;
  std::vector<char> buf(static_cast<std::size_t>(size));
  const ssize_t n = ::llistxattr(path.c_str(), buf.data(), buf.size());
  if (n <= 0) return out;
  std::string_view all(buf.data(), static_cast<std::size_t>(n));
  while (!all.empty()) {
    const auto end = all.find('\0');
    const auto name = all.substr(0, end);
    if (name.starts_with("user.") && name.size() > 5) out.emplace_back(name.substr(5));
    if (end == std::string_view::npos) break;
    all.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

Filetime filetime_from_unix(std::int64_t seconds, std::uint32_t nanoseconds) {
  constexpr std::int64_t kEpochSeconds =
      static_cast<std::int64_t>(kFiletimeUnixEpoch / kTicksPerSecond);
  if (seconds < -kEpochSeconds) return 0;
  const auto since_1601 = static_cast<std::uint64_t>(seconds + kEpochSeconds);
  if (since_1601 > UINT64_MAX / kTicksPerSecond - 1) return UINT64_MAX;
  return since_1601 * kTicksPerSecond + nanoseconds / 100;
}

HostFileFacts host_file_facts(const std::filesystem::path& path) {
  HostFileFacts f;
  struct statx sx {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx) !=
      0) {
    throw std::system_error(errno, std::generic_category(), path.string());
  }
  const auto mode = sx.stx_mode;
  f.is_directory = S_ISDIR(mode);
  f.is_regular = S_ISREG(mode);
  f.is_symlink = S_ISLNK(mode);
  f.size = sx.stx_size;
  f.allocated_size = sx.stx_blocks * 512;
  f.modification = filetime_from_unix(sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
  f.access = filetime_from_unix(sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec);
  f.status_change = filetime_from_unix(sx.stx_ctime.tv_sec, sx.stx_ctime.tv_nsec);
  if ((sx.stx_mask & STATX_BTIME) != 0)
    f.birth = filetime_from_unix(sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec);
  if (f.is_symlink) return f;

  if (auto v = get_xattr(path, "system.ntfs_times", 64); v && v->size() >= 32) {
    const auto* p = v->data();
    f.ntfs_times = NtfsTimes{le64(p), le64(p + 8), le64(p + 16), le64(p + 24)};
  }
  if (auto v = get_xattr(path, "system.ntfs_attrib", 16); v && v->size() == 4) {
    const auto* p = v->data();
    f.ntfs_attrib = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                    static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
  }
  if (auto v = get_xattr(path, "system.ntfs_acl", kMaxXattrValue)) f.ntfs_acl = std::move(*v);
  f.ntfs_dos_name = ntfs_dos_name(path);
  f.user_xattrs = user_attribute_names(path);
  return f;
}

std::optional<std::string> ntfs_dos_name(const std::filesystem::path& path) {
  auto v = get_xattr(path, "system.ntfs_dos_name", 256);
  if (!v || v->empty()) return std::nullopt;
  return std::string(v->begin(), v->end());
}

std::optional<std::string> read_user_xattr(const std::filesystem::path& path, std::string_view name,
                                           std::size_t max_bytes) {
  auto v = get_xattr(path, "user." + std::string(name), max_bytes);
  if (!v) return std::nullopt;
  return std::string(v->begin(), v->end());
}

std::optional<std::uint64_t> user_xattr_size(const std::filesystem::path& path,
                                             std::string_view name) {
  const std::string full = "user." + std::string(name);
  const ssize_t size = ::lgetxattr(path.c_str(), full.c_str(), nullptr, 0);
  if (size < 0) return std::nullopt;
  return static_cast<std::uint64_t>(size);
}

}  // namespace sqltriage::evidence
