// The files a pe run analyses: how targets are found in each kind of evidence.
#include "pipeline/pe/locate_files.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include "pipeline/mft/common.hpp"
#include "pipeline/mft/targets.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::pipeline::pe_scan {
namespace {

namespace fs = std::filesystem;
using mft_scan::make_error;
using mft_scan::Targets;

bool is_path_target(const std::string& t) { return t.find_first_of("\\/") != std::string::npos; }

/// "C:\a\b" for a path relative to an evidence root.
std::string windows_path(const fs::path& relative) {
  std::string out = "C:";
  for (const auto& part : relative) out += "\\" + part.string();
  return out;
}

/// Regular files named by a bare-name target anywhere under a directory evidence's root.
void walk_directory(const Evidence& ev, const Targets& names, std::vector<ArtifactFile>& out,
                    std::vector<ErrorEntry>& errors) {
  std::error_code ec;
  fs::recursive_directory_iterator it(ev.path(), fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors.push_back(make_error(ev.path().string(), "open_failed", ec.message()));
    return;
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(make_error(it->path().string(), "open_failed", ec.message()));
      ec.clear();
      continue;
    }
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec)) continue;
    if (!names.name_matches(it->path().filename().string())) continue;
    const auto rel = fs::relative(it->path(), ev.path(), type_ec);
    if (type_ec) continue;
    if (auto f = ev.resolve(windows_path(rel))) out.push_back(std::move(*f));
  }
}

/// In-use files of an image's volume whose $FILE_NAME a bare-name target names.
void walk_mft(const Evidence& ev, const Targets& names, std::vector<ArtifactFile>& out,
              std::vector<ErrorEntry>& errors) {
  auto volume = ev.ntfs_volume();
  if (!volume) return;
  std::unique_ptr<mft::EntrySource> source;
  try {
    source = mft::EntrySource::from_volume(volume);
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e.path(), "open_failed", e.detail(), e.offset()));
    return;
  }
  mft::PathResolver resolver(*source);
  mft::Entry entry;
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < source->size(); ++i) {
    try {
      if (!source->read(i, entry) || !entry.in_use || entry.is_directory ||
          entry.base_reference != 0)
        continue;
    } catch (const ArtifactError& e) {
      errors.push_back(make_error(e.path(), "record", e.detail(), e.offset()));
      continue;
    }
    for (const auto& fn : entry.file_names) {
      if (!names.name_matches(fn.name)) continue;
      const std::string path = std::string(mft_scan::kDrive) + resolver.path(entry, fn);
      if (!seen.insert(path).second) continue;
      if (auto f = ev.resolve(path)) out.push_back(std::move(*f));
    }
  }
}

/// The regular files under a folder evidence (those a target names, when targets are
/// given). Whatever is skipped says why: links (never followed), FIFOs and devices,
/// subfolders that cannot be read, targets that match nothing, a folder with no file.
std::vector<ArtifactFile> folder_files(const Evidence& ev, const std::vector<std::string>& targets,
                                       std::vector<ErrorEntry>& errors) {
  std::vector<ArtifactFile> out;
  std::vector<bool> matched(targets.size(), false);
  for (auto& f : ev.loose_files()) {
    std::error_code ec;
    const auto status = fs::symlink_status(f.host_path, ec);
    if (fs::is_directory(status)) {
      fs::directory_iterator probe(f.host_path, ec);
      if (ec)
        errors.push_back(
            make_error(f.display_path, "open_failed", "folder not read: " + ec.message()));
      continue;
    }
    if (!fs::is_regular_file(status)) {
      const char* what = fs::is_symlink(status) ? "a symbolic link (links are not followed)"
                                                : "not a regular file (FIFO, socket or device)";
      if (targets.empty())
        errors.push_back(
            make_error(f.display_path, "open_failed", std::string("skipped: ") + what));
      continue;
    }
    const std::string name = f.host_path.filename().string();
    if (!targets.empty()) {
      bool named = false;
      for (std::size_t i = 0; i < targets.size(); ++i)
        if (Targets({targets[i]}).names_file(name, "") ||
            Targets({targets[i]}).path_matches(f.display_path)) {
          matched[i] = true;
          named = true;
        }
      if (!named) continue;
    }
    out.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (!matched[i])
      errors.push_back(
          make_error(targets[i], "missing", "no file of this name in " + ev.path().string()));
  if (targets.empty() && out.empty())
    errors.push_back(make_error(ev.path().string(), "missing", "no regular file in this folder"));
  return out;
}

/// The same file named twice (by name and by path) is analysed once.
void drop_repeats(std::vector<ArtifactFile>& files) {
  std::set<std::string> seen;
  std::erase_if(files, [&](const ArtifactFile& f) { return !seen.insert(f.display_path).second; });
}

}  // namespace

std::vector<ArtifactFile> locate_files(const Evidence& ev, const std::vector<std::string>& targets,
                                       std::vector<ErrorEntry>& errors) {
  std::vector<ArtifactFile> out;
  const auto kind = ev.kind();
  if (kind == "file") return ev.loose_files();
  if (kind == "folder") return folder_files(ev, targets, errors);
  std::vector<std::string> names;
  for (const auto& t : targets) {
    if (!is_path_target(t)) {
      names.push_back(t);
      continue;
    }
    if (auto f = ev.resolve(t)) {
      out.push_back(std::move(*f));
    } else {
      errors.push_back(make_error(t, "missing", "no such file in " + ev.path().string()));
    }
  }
  if (names.empty()) {
    drop_repeats(out);
    return out;
  }
  const auto before = out.size();
  const Targets name_targets(names);
  if (kind == "image") {
    walk_mft(ev, name_targets, out, errors);
  } else {
    walk_directory(ev, name_targets, out, errors);
  }
  for (const auto& n : names) {
    const bool found = std::any_of(
        out.begin() + static_cast<std::ptrdiff_t>(before), out.end(), [&](const ArtifactFile& f) {
          return Targets({n}).name_matches(f.display_path.substr(f.display_path.rfind('\\') + 1));
        });
    if (!found)
      errors.push_back(make_error(n, "missing", "no file of this name in " + ev.path().string()));
  }
  drop_repeats(out);
  return out;
}

}  // namespace sqltriage::pipeline::pe_scan
