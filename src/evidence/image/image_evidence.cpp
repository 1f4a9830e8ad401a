#include <algorithm>
#include <system_error>

#include "artifacts/ntfs/volume.hpp"
#include "evidence/evidence_kinds.hpp"
#include "evidence/image/volume_locator.hpp"
#include "evidence/windows_path.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::evidence {

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += "\\" + p;
  return s.empty() ? "\\" : s;
}

// A file that cannot be opened, for the reason given.
ArtifactFile unreadable(std::string display, ArtifactError error) {
  ArtifactFile f;
  f.display_path = std::move(display);
  f.open_in_image = [error]() -> std::shared_ptr<const ByteSource> { throw error; };
  return f;
}

ArtifactFile in_volume(std::shared_ptr<ntfs::Volume> volume, std::uint64_t entry,
                       std::string display) {
  ArtifactFile f;
  f.display_path = display;
  f.open_in_image = [volume = std::move(volume), entry, display = std::move(display)]() {
    return volume->open_stream(entry, "", display);
  };
  return f;
}

}  // namespace

ImageEvidence::ImageEvidence(std::filesystem::path given, std::shared_ptr<ntfs::Volume> volume,
                             std::string layout, std::vector<ErrorEntry> open_errors)
    : given_(std::move(given)),
      volume_(std::move(volume)),
      layout_(std::move(layout)),
      open_errors_(std::move(open_errors)) {}

std::optional<ArtifactFile> ImageEvidence::resolve(std::string_view windows_path) const {
  auto parts = split_windows_path(windows_path);
  if (!parts || parts->empty()) return std::nullopt;
  std::optional<std::vector<ntfs::DirEntry>> walked;
  try {
    walked = volume_->walk(join(*parts));
  } catch (const ArtifactError& e) {
    const std::string display = to_windows_display(*parts);
    return unreadable(display, ArtifactError(display, e.detail()));
  }
  if (!walked) return std::nullopt;
  std::vector<std::string> stored;
  for (const auto& d : *walked) stored.push_back(d.name);
  const std::string display = to_windows_display(stored);
  if (walked->back().is_directory)
    return unreadable(display, ArtifactError(display, "is a folder, not a file"));
  return in_volume(volume_, walked->back().entry, display);
}

std::vector<ArtifactFile> ImageEvidence::list(std::string_view windows_dir) const {
  std::vector<ArtifactFile> out;
  auto parts = split_windows_path(windows_dir);
  if (!parts) return out;
  std::vector<ntfs::DirEntry> entries;
  std::vector<std::string> stored;
  std::uint64_t folder = ntfs::kRootEntry;
  try {
    auto walked = volume_->walk(join(*parts));
    if (!walked) return out;
    for (const auto& d : *walked) stored.push_back(d.name);
    if (!walked->empty()) {
      if (!walked->back().is_directory) return out;
      folder = walked->back().entry;
    }
    entries = volume_->list(folder);
  } catch (const ArtifactError& e) {
    const std::string display = to_windows_display(*parts);
    out.push_back(unreadable(display, ArtifactError(display, e.detail())));
    return out;
  }
  const std::string dir = stored.empty() ? "C:" : to_windows_display(stored);
  std::sort(entries.begin(), entries.end(),
            [](const ntfs::DirEntry& a, const ntfs::DirEntry& b) { return a.name < b.name; });
  for (const auto& d : entries) {
    if (!d.damage.empty()) {
      const std::string display = dir + "\\" + (d.name.empty() ? "?" : d.name);
      out.push_back(unreadable(display, ArtifactError(display, d.damage)));
      continue;
    }
    if (d.is_directory) continue;
    out.push_back(in_volume(volume_, d.entry, dir + "\\" + d.name));
  }
  return out;
}

std::vector<std::string> ImageEvidence::folders(std::string_view windows_dir) const {
  std::vector<std::string> out;
  auto parts = split_windows_path(windows_dir);
  if (!parts) return out;
  try {
    std::uint64_t folder = ntfs::kRootEntry;
    auto walked = volume_->walk(join(*parts));
    if (!walked) return out;
    if (!walked->empty()) {
      if (!walked->back().is_directory) return out;
      folder = walked->back().entry;
    }
    for (const auto& d : volume_->list(folder))
      if (d.damage.empty() && d.is_directory && !d.name.empty() && d.name[0] != '$' &&
          d.name != "." && d.name != "..")
        out.push_back(d.name);
  } catch (const ArtifactError&) {
    return {};  // an unreadable folder lists nothing; list() reports the damage
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<Evidence> open_image_evidence(const std::filesystem::path& path, bool is_device,
                                              const EvidenceOptions& options) {
  std::shared_ptr<const ByteSource> bytes;
  try {
    bytes = open_host_file(path);
  } catch (const std::system_error& e) {
    throw EvidenceError(path.string(), "cannot be opened for reading: " + e.code().message());
  }
  auto located = image::locate_volume(bytes, path.string(), options, is_device);
  if (!located) return nullptr;
  return std::make_unique<ImageEvidence>(path, std::move(located->volume),
                                         std::move(located->layout), std::move(located->errors));
}

}  // namespace sqltriage::evidence
