#include "pipeline/mft/snapshot.hpp"

#include <algorithm>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "evidence/snapshot_facts.hpp"
#include "pipeline/mft/common.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "sqltriage/usn.hpp"

namespace sqltriage::pipeline::mft_scan {

namespace {

using nlohmann::ordered_json;

// Deeper trees than this are not walked further (an error entry says so); symbolic links
// are never followed, so only a pathological tree reaches it.
constexpr int kMaxDepth = 1024;
constexpr std::size_t kMaxZoneBytes = 65536;

std::vector<Filetime> times_of(const evidence::HostFileFacts& f) {
  std::vector<Filetime> t = {f.modification, f.access, f.status_change};
  if (f.birth) t.push_back(*f.birth);
  if (f.ntfs_times) {
    const auto& n = *f.ntfs_times;
    for (auto x : {n.creation, n.modification, n.access, n.entry_modification}) t.push_back(x);
  }
  return t;
}

std::optional<std::string> read_head(const std::filesystem::path& p, std::size_t n) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<std::size_t>(in.gcount()));
  return buf;
}

Finding build(const std::filesystem::path& host, const std::string& windows_path,
              const std::string& artifact_path, const evidence::HostFileFacts& facts,
              const SnapshotOptions& options) {
  Finding f;
  f.type = "mft.entry";
  f.artifact.path = artifact_path;
  auto& d = f.data;
  ordered_json unavailable = ordered_json::array({"Entry", "Sequence", "$FILE_NAME"});
  d["Path"] = windows_path;
  d["InUse"] = true;
  d["Directory"] = facts.is_directory;
  d["Size"] = facts.size;
  d["AllocatedSize"] = facts.allocated_size;
  if (facts.ntfs_times) {
    const auto& t = *facts.ntfs_times;
    auto si = times_json(t.creation, t.modification, t.entry_modification, t.access);
    if (facts.ntfs_attrib) {
      si["FileAttributes"] = *facts.ntfs_attrib;
      ordered_json names = ordered_json::array();
      for (auto& n : usn::ntfs_file_attribute_names(*facts.ntfs_attrib)) names.push_back(n);
      si["FileAttributeNames"] = std::move(names);
    }
    d["$STANDARD_INFORMATION"] = std::move(si);
    f.time = t.creation;
  } else {
    unavailable.push_back("$STANDARD_INFORMATION");
    if (facts.birth) f.time = *facts.birth;
  }
  ordered_json host_times = {{"st_mtime", format_filetime(facts.modification)},
                             {"st_atime", format_filetime(facts.access)},
                             {"st_ctime", format_filetime(facts.status_change)}};
  if (facts.birth) host_times["stx_btime"] = format_filetime(*facts.birth);
  d["HostFileSystem"] = std::move(host_times);
  if (facts.ntfs_dos_name) d["DosName"] = *facts.ntfs_dos_name;

  ordered_json problems = ordered_json::array();
  bool owner = false;
  if (!facts.ntfs_acl.empty()) {
    std::string why;
    if (auto sd =
            ntfs::parse_security_descriptor(facts.ntfs_acl.data(), facts.ntfs_acl.size(), &why);
        sd && !sd->owner_sid.empty()) {
      d["Owner"] = owner_json(sd->owner_sid, "system.ntfs_acl", options.accounts);
      owner = true;
    } else if (!why.empty()) {
      problems.push_back("system.ntfs_acl: " + why);
    }
  }
  if (!owner) unavailable.push_back("Owner");

  // Named streams are visible as user.* attributes on an ntfs-3g mount (the default
  // streams_interface=xattr); elsewhere user.* attributes are shown, but absence proves
  // nothing.
  ordered_json streams = ordered_json::array();
  std::optional<ordered_json> zone;
  for (const auto& name : facts.user_xattrs) {
    const auto size = evidence::user_xattr_size(host, name);
    streams.push_back({{"Name", name}, {"Size", size.value_or(0)}});
    if (!zone && checks::iequals(name, "Zone.Identifier"))
      if (auto text = evidence::read_user_xattr(host, name, kMaxZoneBytes))
        zone = zone_identifier_json(*text);
  }
  d["Streams"] = std::move(streams);
  if (zone) d["Zone.Identifier"] = std::move(*zone);
  if (!facts.ntfs_times && facts.user_xattrs.empty()) unavailable.push_back("Streams");

  if (facts.is_regular && facts.size >= 2 &&
      (options.read_signature_always || checks::in_user_writable_or_web_folder(windows_path)))
    if (auto head = read_head(host, 2); head && *head == "MZ") d["FileSignature"] = "MZ";

  if (!problems.empty()) d["Problems"] = std::move(problems);
  unavailable.push_back("deleted entries");
  if (!options.has_usn_journal) unavailable.push_back("USN journal");
  d["Unavailable"] = std::move(unavailable);

  std::string s = (facts.is_directory ? "Folder " : "File ") + windows_path;
  if (!facts.is_directory) s += ", " + std::to_string(facts.size) + " bytes";
  if (facts.ntfs_times)
    s += ", created " + format_filetime(facts.ntfs_times->creation) + " ($SI via ntfs-3g)";
  else if (facts.birth)
    s += ", born " + format_filetime(*facts.birth) + " (host file system)";
  s += ", modified " + format_filetime(facts.modification);
  if (auto z = d.find("Zone.Identifier"); z != d.end()) {
    if (auto id = z->find("ZoneId"); id != z->end() && id->is_number_integer()) {
      s += ", ZoneId " + std::to_string(id->get<int>());
      if (auto host_url = z->find("HostUrl"); host_url != z->end() && host_url->is_string())
        s += " from " + host_url->get<std::string>();
    }
  }
  s += " (mounted folder: no MFT entry facts)";
  f.summary = std::move(s);
  return f;
}

struct Walk {
  const std::filesystem::path& root;
  const std::string& display_root;
  const SnapshotOptions& options;
  const std::function<void(Finding&&)>& on_finding;
  const std::function<void(ErrorEntry)>& on_error;
  SnapshotStats stats;

  bool wanted(const std::string& name, const std::string& windows_path) const {
    if (options.all) return true;
    const auto& t = *options.targets;
    return t.name_matches(name) || (t.path_leaf_matches(name) && t.path_matches(windows_path));
  }

  void visit(const std::filesystem::path& host, const std::string& windows_path,
             const std::string& name, bool dos_name_check) {
    ++stats.examined;
    bool match = wanted(name, windows_path);
    // A bare-name target may be a DOS 8.3 name, which only ntfs-3g shows.
    if (!match && dos_name_check)
      if (auto dos = evidence::ntfs_dos_name(host)) match = options.targets->name_matches(*dos);
    if (!match) return;
    evidence::HostFileFacts facts;
    try {
      facts = evidence::host_file_facts(host);
      ++stats.readable;
    } catch (const std::system_error& e) {
      on_error(make_error(windows_path, "open_failed", e.what()));
      return;
    }
    if (!any_time_in(times_of(facts), options.since, options.until)) return;
    on_finding(build(host, windows_path, display_root, facts, options));
  }

  void walk(const std::filesystem::path& dir, const std::string& windows_dir, int depth) {
    if (depth > kMaxDepth) {
      on_error(make_error(windows_dir, "limit",
                          "folder nesting deeper than " + std::to_string(kMaxDepth) +
                              " levels: not walked further"));
      return;
    }
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
      on_error(make_error(windows_dir.empty() ? display_root : windows_dir, "open_failed",
                          "cannot list the folder: " + ec.message()));
      return;
    }
    if (depth == 0) stats.root_listed = true;
    std::vector<std::filesystem::directory_entry> children;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (ec) {
        on_error(make_error(windows_dir, "open_failed", "listing stopped: " + ec.message()));
        break;
      }
      children.push_back(*it);
    }
    std::sort(children.begin(), children.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    const bool dos_names =
        !options.all && options.targets != nullptr && options.targets->has_short_name();
    for (const auto& c : children) {
      const auto name = c.path().filename().string();
      const auto windows_path =
          (windows_dir.empty() ? std::string(kDrive) : windows_dir) + "\\" + name;
      visit(c.path(), windows_path, name, dos_names);
      std::error_code e2;
      if (c.is_directory(e2) && !c.is_symlink(e2)) walk(c.path(), windows_path, depth + 1);
    }
  }
};

}  // namespace

SnapshotStats scan_snapshot(const std::filesystem::path& root, const std::string& display_root,
                            const SnapshotOptions& options,
                            const std::function<void(Finding&&)>& on_finding,
                            const std::function<void(ErrorEntry)>& on_error) {
  Walk w{root, display_root, options, on_finding, on_error, {}};
  w.walk(root, "", 0);
  return w.stats;
}

Finding snapshot_finding(const std::filesystem::path& host, const std::string& windows_path,
                         const std::string& artifact_path, const SnapshotOptions& options) {
  return build(host, windows_path, artifact_path, evidence::host_file_facts(host), options);
}

}  // namespace sqltriage::pipeline::mft_scan
