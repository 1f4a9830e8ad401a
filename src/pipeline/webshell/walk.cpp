// Walking a web root, on the host or inside an NTFS image, folder by folder in name order.
#include "pipeline/webshell/walk.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <system_error>
#include <unordered_map>

#include "artifacts/ntfs/volume.hpp"
#include "core/ascii.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "sqltriage/webshell_scan.hpp"

namespace sqltriage {

namespace {

struct ExtensionKind {
  const char* extension;
  const char* kind;
};

// Server scripts of IIS, PHP, Java, ColdFusion, Perl/CGI and SSI; the images and text files
// webshells hide in.
constexpr ExtensionKind kExtensions[] = {
    {".aspx", "script"},   {".ashx", "script"},   {".asmx", "script"},   {".asax", "script"},
    {".ascx", "script"},   {".asp", "script"},    {".asa", "script"},    {".cer", "script"},
    {".cdx", "script"},    {".config", "script"}, {".svc", "script"},    {".cshtml", "script"},
    {".vbhtml", "script"}, {".soap", "script"},   {".rem", "script"},    {".php", "script"},
    {".php3", "script"},   {".php4", "script"},   {".php5", "script"},   {".php7", "script"},
    {".pht", "script"},    {".phtml", "script"},  {".phar", "script"},   {".inc", "script"},
    {".jsp", "script"},    {".jspx", "script"},   {".jspf", "script"},   {".jsw", "script"},
    {".jsv", "script"},    {".cfm", "script"},    {".cfml", "script"},   {".cfc", "script"},
    {".pl", "script"},     {".cgi", "script"},    {".py", "script"},     {".shtml", "script"},
    {".stm", "script"},    {".shtm", "script"},   {".jpg", "image"},     {".jpeg", "image"},
    {".png", "image"},     {".gif", "image"},     {".bmp", "image"},     {".ico", "image"},
    {".txt", "text"},      {".htaccess", "text"}, {".user.ini", "text"},
};

}  // namespace

const std::vector<std::string>& webshell_extensions() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out;
    for (const auto& e : kExtensions) out.emplace_back(e.extension);
    return out;
  }();
  return list;
}

namespace pipeline::webshell {

namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr unsigned kMaxDepth = 64;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

ordered_json iso_or_null(Filetime t) {
  return t ? ordered_json(format_filetime(t)) : ordered_json();
}

Filetime from_unix(std::int64_t seconds, std::uint32_t nanoseconds) {
  if (seconds < -static_cast<std::int64_t>(kFiletimeUnixEpoch / kTicksPerSecond)) return 0;
  return static_cast<Filetime>(static_cast<std::int64_t>(kFiletimeUnixEpoch) +
                               seconds * static_cast<std::int64_t>(kTicksPerSecond)) +
         nanoseconds / 100;
}

/// The siblings of a file whose last write is `own`, in a folder whose files' last writes are
/// `sorted` (own included, ascending).
Siblings siblings_of(const std::vector<Filetime>& sorted, Filetime own) {
  Siblings out;
  if (sorted.size() < 2) return out;
  out.count = sorted.size() - 1;
  const auto k = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), own) -
                                          sorted.begin());
  const std::size_t m = (sorted.size() - 2) / 2;  // median index among the others
  out.median = m < k ? sorted[m] : sorted[m + 1];
  out.newest = k == sorted.size() - 1 ? sorted[sorted.size() - 2] : sorted.back();
  return out;
}

/// Sets the siblings of the candidates taken from one folder, whose regular files' last
/// writes are `times` (unsorted).
void finish_folder(std::vector<Candidate>& files, std::vector<Filetime>& times) {
  std::sort(times.begin(), times.end());
  for (auto& c : files) c.siblings = siblings_of(times, c.times.last_write);
}

std::string join(const std::string& parent, const std::string& name, char sep) {
  return parent.empty() ? name : parent + sep + name;
}

/// Whether a regular file of this kind is scanned: by extension (unless all_files), and while
/// the root has fewer than max_files to scan (the first file over it adds one "limit" error
/// naming the root). Counts the files the extension filter leaves out.
bool take(RootFiles& out, const std::string& kind, const WalkOptions& options,
          const std::string& root, bool& limit_reported) {
  if (!options.all_files && kind == "other") {
    ++out.skipped_by_extension;
    return false;
  }
  if (out.to_scan < options.max_files) {
    ++out.to_scan;
    return true;
  }
  if (!limit_reported)
    out.errors.push_back(make_error(root, "limit",
                                    "more than " + std::to_string(options.max_files) +
                                        " files to scan: the rest is not scanned"));
  limit_reported = true;
  return false;
}

// --- the host ----------------------------------------------------------------------------

FileTimes host_times(const fs::path& p) {
  FileTimes out;
  struct statx st {};
  if (::statx(AT_FDCWD, p.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &st) != 0)
    return out;
  auto ft = [](const struct statx_timestamp& t) { return from_unix(t.tv_sec, t.tv_nsec); };
  out.source = "file system";
  if (st.stx_mask & STATX_BTIME) out.creation = ft(st.stx_btime);
  out.last_write = ft(st.stx_mtime);
  out.change = ft(st.stx_ctime);
  out.last_access = ft(st.stx_atime);
  return out;
}

}  // namespace

nlohmann::ordered_json times_json(const FileTimes& t) {
  if (t.source == nullptr) return nullptr;
  return {{"Source", t.source},
          {"CreationTime", iso_or_null(t.creation)},
          {"LastWriteTime", iso_or_null(t.last_write)},
          {"ChangeTime", iso_or_null(t.change)},
          {"LastAccessTime", iso_or_null(t.last_access)}};
}

nlohmann::ordered_json siblings_json(const Siblings& s) {
  return {{"Count", s.count},
          {"MedianLastWriteTime", iso_or_null(s.median)},
          {"NewestLastWriteTime", iso_or_null(s.newest)}};
}

std::string file_kind(std::string_view file_name) {
  const std::string name = ascii_lower(file_name);
  for (const auto& e : kExtensions)
    if (ends_with(name, e.extension)) return e.kind;
  return "other";
}

RootFiles walk_host(const fs::path& root, const std::string& display_root,
                    const WalkOptions& options, const FolderSink& sink) {
  RootFiles out;
  out.root_display = display_root;
  const char sep = display_root.size() >= 2 && display_root[1] == ':' ? '\\' : '/';
  struct Folder {
    fs::path host;
    std::string relative;
    unsigned depth = 0;
  };
  std::vector<Folder> stack{{root, "", 0}};
  auto display = [&](const std::string& relative) {
    if (relative.empty()) return display_root;
    return display_root +
           (ends_with(display_root, std::string(1, sep)) ? "" : std::string(1, sep)) + relative;
  };
  bool limit_reported = false;
  while (!stack.empty()) {
    Folder folder = std::move(stack.back());
    stack.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder.host, ec);
    if (ec) {
      if (folder.relative.empty()) out.readable = false;
      out.errors.push_back(
          make_error(display(folder.relative), "open_failed", "folder not read: " + ec.message()));
      continue;
    }
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.errors.push_back(make_error(display(folder.relative), "open_failed",
                                        "folder listing stopped: " + ec.message()));
        break;
      }
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    std::vector<Folder> subfolders;
    std::vector<Filetime> times;
    std::vector<Candidate> files;
    for (const auto& entry : entries) {
      const std::string name = entry.path().filename().string();
      const std::string relative = join(folder.relative, name, sep);
      std::error_code sec;
      const auto status = entry.symlink_status(sec);
      if (sec) {
        out.errors.push_back(make_error(display(relative), "open_failed", sec.message()));
        continue;
      }
      if (fs::is_symlink(status)) {
        out.errors.push_back(
            make_error(display(relative), "open_failed", "a symbolic link: not followed"));
        continue;
      }
      if (fs::is_directory(status)) {
        if (folder.depth + 1 >= kMaxDepth)
          out.errors.push_back(make_error(
              display(relative), "limit",
              "folder deeper than " + std::to_string(kMaxDepth) + " levels: not entered"));
        else
          subfolders.push_back({entry.path(), relative, folder.depth + 1});
        continue;
      }
      if (!fs::is_regular_file(status)) {
        out.errors.push_back(make_error(display(relative), "open_failed",
                                        "not a regular file (FIFO, socket or device): skipped"));
        continue;
      }
      ++out.seen;
      const auto t = host_times(entry.path());
      times.push_back(t.last_write);
      const auto kind = file_kind(name);
      if (!take(out, kind, options, display_root, limit_reported)) continue;
      Candidate c;
      c.display_path = display(relative);
      c.relative_path = relative;
      c.host_path = entry.path();
      c.size = entry.file_size(sec);
      c.kind = kind;
      c.times = t;
      out.bytes += c.size;
      files.push_back(std::move(c));
    }
    finish_folder(files, times);
    if (sink && !files.empty()) sink(std::move(files));
    for (auto it2 = subfolders.rbegin(); it2 != subfolders.rend(); ++it2)
      stack.push_back(std::move(*it2));
  }
  return out;
}

// --- inside an NTFS image ------------------------------------------------------------------

namespace {

constexpr std::uint32_t kReparsePoint = 0x400;

std::string owner_of(const mft::Entry& e, const mft_scan::EntryContext& ctx) {
  if (e.security_id && *e.security_id != 0 && ctx.sds != nullptr)
    if (auto sd = ctx.sds->lookup(*e.security_id)) return sd->owner_sid;
  if (!e.inline_security_descriptor.empty())
    if (auto sd = ntfs::parse_security_descriptor(e.inline_security_descriptor.data(),
                                                  e.inline_security_descriptor.size(), nullptr))
      return sd->owner_sid;
  return {};
}

}  // namespace

std::optional<RootFiles> walk_volume(const VolumeContext& ctx, const std::string& windows_root,
                                     const WalkOptions& options, const FolderSink& sink) {
  std::string_view volume_path = windows_root;
  if (volume_path.size() >= 2 && volume_path[1] == ':') volume_path.remove_prefix(2);
  RootFiles out;
  out.root_display = windows_root;
  const auto& entries = *ctx.entry.source;
  std::optional<std::uint64_t> root_entry;
  try {
    root_entry = ctx.volume->find(volume_path);
  } catch (const ArtifactError& e) {
    out.errors.push_back(make_error(windows_root, "open_failed", e.detail(), e.offset()));
    out.readable = false;
    return out;
  }
  if (!root_entry) return std::nullopt;
  struct Folder {
    std::uint64_t entry;
    std::string relative;
    unsigned depth;
  };
  std::vector<Folder> stack{{*root_entry, "", 0}};
  std::set<std::uint64_t> entered{*root_entry};
  const std::string root_display = windows_root;
  const bool drive_root = !root_display.empty() && root_display.back() == '\\';  // "C:\\"
  auto display = [&](const std::string& relative) {
    if (relative.empty()) return root_display;
    return root_display + (drive_root ? "" : "\\") + relative;
  };
  bool limit_reported = false;
  mft::Entry e;
  while (!stack.empty()) {
    Folder folder = std::move(stack.back());
    stack.pop_back();
    std::vector<ntfs::DirEntry> listing;
    try {
      listing = ctx.volume->list(folder.entry);
    } catch (const ArtifactError& err) {
      if (folder.relative.empty()) out.readable = false;
      out.errors.push_back(make_error(display(folder.relative), "open_failed",
                                      "folder not read: " + err.detail(), err.offset()));
      continue;
    }
    std::sort(listing.begin(), listing.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    std::vector<Folder> subfolders;
    std::vector<Filetime> times;
    std::vector<Candidate> files;
    for (const auto& d : listing) {
      const std::string relative = join(folder.relative, d.name, '\\');
      if (!d.damage.empty()) {
        auto err = make_error(display(relative), "record", d.damage);
        err.artifact.record = d.entry;
        out.errors.push_back(std::move(err));
        continue;
      }
      try {
        if (!entries.read(d.entry, e)) continue;
      } catch (const ArtifactError& err) {
        auto entry = make_error(ctx.entry.artifact_path, "record",
                                display(relative) + ": " + err.detail(), err.offset());
        entry.artifact.record = d.entry;
        out.errors.push_back(std::move(entry));
        continue;
      }
      if (e.file_attributes & kReparsePoint) {
        out.errors.push_back(make_error(display(relative), "open_failed",
                                        "a reparse point (link or junction): not followed"));
        continue;
      }
      if (d.is_directory) {
        if (!entered.insert(d.entry).second)
          out.errors.push_back(make_error(display(relative), "record",
                                          "folder (MFT entry " + std::to_string(d.entry) +
                                              ") reached twice: not entered again"));
        else if (folder.depth + 1 >= kMaxDepth)
          out.errors.push_back(make_error(
              display(relative), "limit",
              "folder deeper than " + std::to_string(kMaxDepth) + " levels: not entered"));
        else
          subfolders.push_back({d.entry, relative, folder.depth + 1});
        continue;
      }
      ++out.seen;
      const Filetime last_write = e.standard_information ? e.standard_information->modification : 0;
      times.push_back(last_write);
      const auto owner = owner_of(e, ctx.entry);
      if (!owner.empty()) ++out.owners[owner];
      const auto kind = file_kind(d.name);
      if (!take(out, kind, options, windows_root, limit_reported) || !sink) continue;
      Candidate c;
      c.display_path = display(relative);
      c.relative_path = relative;
      c.mft_entry = d.entry;
      c.size = e.size;
      c.kind = kind;
      if (e.standard_information) {
        const auto& t = *e.standard_information;
        c.times = {"$STANDARD_INFORMATION", t.creation, t.modification, t.entry_modification,
                   t.access};
      }
      out.bytes += c.size;
      files.push_back(std::move(c));
    }
    finish_folder(files, times);
    if (sink && !files.empty()) sink(std::move(files));
    for (auto it = subfolders.rbegin(); it != subfolders.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

}  // namespace pipeline::webshell
}  // namespace sqltriage
