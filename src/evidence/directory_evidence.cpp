#include <algorithm>
#include <cctype>
#include <system_error>

#include "evidence/evidence_kinds.hpp"
#include "evidence/windows_path.hpp"

namespace sqltriage::evidence {

namespace {

// The Windows path of a host path below the root, in the case the evidence stores it.
std::string display_of(const std::filesystem::path& windows_root,
                       const std::filesystem::path& host) {
  std::vector<std::string> parts;
  for (const auto& p : host.lexically_relative(windows_root)) parts.push_back(p.string());
  return to_windows_display(parts);
}

}  // namespace

DirectoryEvidence::DirectoryEvidence(std::filesystem::path given,
                                     std::filesystem::path windows_root)
    : given_(std::move(given)), windows_root_(std::move(windows_root)) {}

std::optional<ArtifactFile> DirectoryEvidence::resolve(std::string_view windows_path) const {
  auto parts = split_windows_path(windows_path);
  if (!parts || parts->empty()) return std::nullopt;
  auto host = resolve_case_insensitive(windows_root_, *parts);
  if (!host) return std::nullopt;
  return ArtifactFile{display_of(windows_root_, *host), *host, {}};
}

namespace {

/// The entries of the host folder a Windows folder resolves to (none when absent or
/// unreadable), for list() and folders().
std::vector<std::filesystem::directory_entry> entries_of(const std::filesystem::path& root,
                                                         std::string_view windows_dir) {
  std::vector<std::filesystem::directory_entry> out;
  auto parts = split_windows_path(windows_dir);
  if (!parts) return out;
  auto host = resolve_case_insensitive(root, *parts);
  if (!host) return out;
  std::error_code ec;
  std::filesystem::directory_iterator it(*host, ec);
  if (ec) return out;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    out.push_back(*it);
  }
  return out;
}

}  // namespace

std::vector<ArtifactFile> DirectoryEvidence::list(std::string_view windows_dir) const {
  std::vector<ArtifactFile> out;
  for (const auto& entry : entries_of(windows_root_, windows_dir)) {
    std::error_code ec;
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    out.push_back({display_of(windows_root_, entry.path()), entry.path(), {}});
  }
  std::sort(out.begin(), out.end(),
            [](const ArtifactFile& a, const ArtifactFile& b) { return a.host_path < b.host_path; });
  return out;
}

std::vector<std::string> DirectoryEvidence::folders(std::string_view windows_dir) const {
  std::vector<std::string> out;
  for (const auto& entry : entries_of(windows_root_, windows_dir)) {
    std::error_code ec;
    if (entry.is_directory(ec) && !entry.is_symlink(ec))
      out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::filesystem::path> find_windows_root(const std::filesystem::path& dir) {
  auto has_windows = [](const std::filesystem::path& p) {
    auto w = resolve_case_insensitive(p, {"Windows"});
    std::error_code ec;
    return w && std::filesystem::is_directory(*w, ec);
  };
  if (has_windows(dir)) return dir;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return std::nullopt;
  std::vector<std::filesystem::path> drives;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    auto name = it->path().filename().string();
    if (name.size() == 1 && std::isalpha(static_cast<unsigned char>(name[0])) &&
        it->is_directory(ec) && !it->is_symlink(ec) && has_windows(it->path()))
      drives.push_back(it->path());
  }
  if (drives.empty()) return std::nullopt;
  std::sort(drives.begin(), drives.end());  // prefer C over D when several hold Windows
  for (const auto& d : drives) {
    auto n = d.filename().string();
    if (n == "C" || n == "c") return d;
  }
  return drives.front();
}

}  // namespace sqltriage::evidence
