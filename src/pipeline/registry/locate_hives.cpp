// Finding the hives of an evidence argument (see locate_hives.hpp).
#include "pipeline/registry/locate_hives.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "core/ascii.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::pipeline::registry_scan {

namespace {

using registry::HiveKind;

bool is_log_name(const std::string& name) {
  const std::string n = ascii_lower(name);
  for (const char* suffix : {".log", ".log1", ".log2"}) {
    const std::string s(suffix);
    if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0) return true;
  }
  return false;
}

/// Adds the hive at `path` when the evidence has it; returns whether it did.
bool add_hive(const Evidence& evidence, std::vector<LocatedHive>& out, const std::string& path,
              HiveKind kind, const std::string& sid = {}, const std::string& profile = {}) {
  auto file = evidence.resolve(path);
  if (!file) return false;
  LocatedHive h;
  h.file.logs = registry::logs_beside(evidence, *file);
  h.file.file = std::move(*file);
  h.kind = kind;
  h.user_sid = sid;
  h.profile = profile;
  out.push_back(std::move(h));
  return true;
}

}  // namespace

std::vector<LocatedHive> locate_machine_hives(const Evidence& evidence,
                                              std::vector<ErrorEntry>& errors) {
  static const std::pair<const char*, HiveKind> kHives[] = {
      {"C:\\Windows\\System32\\config\\SYSTEM", HiveKind::system},
      {"C:\\Windows\\System32\\config\\SOFTWARE", HiveKind::software},
      {"C:\\Windows\\System32\\config\\SAM", HiveKind::sam},
      {"C:\\Windows\\System32\\config\\SECURITY", HiveKind::security},
      {"C:\\Windows\\AppCompat\\Programs\\Amcache.hve", HiveKind::amcache}};
  std::vector<LocatedHive> out;
  for (const auto& [path, kind] : kHives)
    if (!add_hive(evidence, out, path, kind))
      errors.push_back(make_error(path, "missing", "not present in the evidence"));
  return out;
}

std::vector<LocatedHive> locate_user_hives(
    const Evidence& evidence,
    const std::vector<std::pair<std::string, std::string>>& profile_list) {
  std::vector<LocatedHive> out;

  // Profiles: lower-cased folder -> (folder as stored, SID).
  std::map<std::string, std::pair<std::string, std::string>> profiles;
  for (const auto& [sid, folder] : profile_list) {
    if (folder.size() < 3 || folder[1] != ':') continue;  // not a drive path
    profiles.emplace(ascii_lower(folder), std::make_pair(folder, sid));
  }
  for (const auto& name : evidence.folders("C:\\Users")) {
    const std::string folder = "C:\\Users\\" + name;
    profiles.emplace(ascii_lower(folder), std::make_pair(folder, std::string()));
  }
  for (const auto& [key, value] : profiles) {
    const auto& [folder, sid] = value;
    add_hive(evidence, out, folder + "\\NTUSER.DAT", HiveKind::ntuser, sid, folder);
    add_hive(evidence, out, folder + "\\AppData\\Local\\Microsoft\\Windows\\UsrClass.dat",
             HiveKind::usrclass, sid, folder);
  }
  return out;
}

std::vector<LocatedHive> locate_loose_hives(const Evidence& evidence,
                                            std::vector<ErrorEntry>& errors) {
  std::vector<LocatedHive> out;
  const bool single = evidence.kind() == "file";
  for (const auto& file : evidence.loose_files()) {
    const std::string name = file.host_path.filename().string();
    if (is_log_name(name)) continue;
    const std::string lower_name = ascii_lower(name);
    const bool prefetch = lower_name.size() > 3 && lower_name.ends_with(".pf");
    // A file named like a hive, or the one file given, must be a hive: say why it is not.
    const bool must_be_hive =
        !prefetch && (single || registry::kind_from_name(name) != registry::HiveKind::other);
    auto refuse = [&](std::string why, std::optional<std::uint64_t> offset) {
      if (must_be_hive) errors.push_back(make_error(file.display_path, "open_failed", why, offset));
    };
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(file.host_path, ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
      refuse(std::filesystem::is_symlink(status) ? "a symbolic link (links are not followed)"
             : std::filesystem::is_directory(status)
                 ? "a folder, not a hive file"
                 : "not a regular file (a FIFO, socket or device is not read)",
             std::nullopt);
      continue;
    }
    char magic[4] = {};
    std::size_t got = 0;
    try {
      got = open_artifact(file)->read_at(0, magic, sizeof magic);
    } catch (const ArtifactError& e) {
      errors.push_back(make_error(e, "open_failed"));
      continue;
    } catch (const std::exception& e) {
      errors.push_back(make_error(file.display_path, "open_failed", e.what()));
      continue;
    }
    if (got != sizeof magic || std::string_view(magic, 4) != "regf") {
      refuse(got == 0 ? "empty (0 bytes): not a registry hive"
                      : "not a registry hive (no \"regf\" signature at offset 0)" +
                            std::string(single ? " nor a prefetch file (.pf)" : ""),
             0);
      continue;
    }
    LocatedHive h;
    h.file.file = file;
    h.file.logs = registry::logs_beside(file.host_path);
    h.kind = registry::kind_from_name(name);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace sqltriage::pipeline::registry_scan
