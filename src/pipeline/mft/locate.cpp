#include "pipeline/mft/locate.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <system_error>

#include "artifacts/ntfs/volume.hpp"
#include "evidence/evidence_kinds.hpp"
#include "pipeline/mft/common.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::pipeline::mft_scan {

namespace {

constexpr const char* kSdsNames = "$Secure_$SDS, $Secure%3A$SDS, $Secure:$SDS or $SDS";
constexpr const char* kJournalNames =
    "$J, $UsnJrnl_$J, $UsnJrnl%3A$J or $UsnJrnl:$J (beside it or in $Extend)";

bool any_of_names(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (checks::iequals(name, n)) return true;
  return false;
}

bool starts_with_file_signature(const std::filesystem::path& p) {
  try {
    // open_artifact refuses FIFOs, sockets and devices: opening a FIFO would block.
    auto source = open_artifact(ArtifactFile{p.string(), p, {}});
    std::array<char, 4> magic{};
    return source->read_at(0, magic.data(), magic.size()) == magic.size() &&
           std::memcmp(magic.data(), "FILE", 4) == 0;
  } catch (const std::exception&) {
    return false;
  }
}

/// Opens a host file; an error entry instead of an exception.
Located open_loose(const std::filesystem::path& host, std::string display,
                   std::vector<ErrorEntry>& errors) {
  try {
    return Located{open_artifact(ArtifactFile{display, host, {}}), display};
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(display, "open_failed", e.detail()));
    return Located{};
  } catch (const std::exception& e) {
    errors.push_back(make_error(display, "open_failed", e.what()));
    return Located{};
  }
}

// --- image ----------------------------------------------------------------------------

Located open_in_volume(ntfs::Volume& volume, std::string_view file, std::string_view stream,
                       const std::string& display, const std::string& missing_message,
                       std::vector<ErrorEntry>& errors) {
  std::optional<std::uint64_t> entry;
  try {
    entry = volume.find(file);
  } catch (const std::exception& e) {
    errors.push_back(make_error(display, "open_failed", e.what()));
    return Located{};
  }
  if (!entry) {
    errors.push_back(make_error(display, "missing", missing_message));
    return Located{};
  }
  try {
    return Located{volume.open_stream(*entry, stream, display), display};
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(display, "missing", e.detail()));
  } catch (const std::exception& e) {
    errors.push_back(make_error(display, "open_failed", e.what()));
  }
  return Located{};
}

void locate_in_image(const Evidence& ev, bool want_usn, std::vector<VolumeArtifacts>& out,
                     std::vector<ErrorEntry>& errors) {
  VolumeArtifacts v;
  v.volume = ev.ntfs_volume();
  if (!v.volume) {
    errors.push_back(make_error(ev.path().string(), "open_failed", "no NTFS volume"));
    return;
  }
  v.entries_display = "C:\\$MFT";
  v.sds = open_in_volume(*v.volume, "\\$Secure", "$SDS", "C:\\$Secure:$SDS",
                         "the volume has no \\$Secure file: owners cannot be read", errors);
  if (want_usn)
    v.j = open_in_volume(*v.volume, "\\$Extend\\$UsnJrnl", "$J", "C:\\$Extend\\$UsnJrnl:$J",
                         "the volume has no USN change journal ($Extend\\$UsnJrnl): it is "
                         "off or was deleted",
                         errors);
  out.push_back(std::move(v));
}

// --- collected copies -----------------------------------------------------------------

struct Found {
  std::filesystem::path mft, sds, j;
};

void classify(const std::filesystem::path& host, std::map<std::filesystem::path, Found>& dirs) {
  const auto name = host.filename().string();
  auto dir = host.parent_path();
  const bool in_extend = checks::iequals(dir.filename().string(), "$Extend");
  if (is_mft_name(name)) {
    auto& f = dirs[dir];
    if (f.mft.empty()) f.mft = host;
  } else if (is_sds_name(name)) {
    auto& f = dirs[in_extend ? dir.parent_path() : dir];
    if (f.sds.empty()) f.sds = host;
  } else if (is_usn_journal_name(name)) {
    auto& f = dirs[in_extend ? dir.parent_path() : dir];
    // A copy beside the $MFT wins over one in $Extend only when found first (sorted order
    // lists "$J" before "$Extend\..."); both are the same stream.
    if (f.j.empty()) f.j = host;
  }
}

void add_collected(const Found& f, bool want_usn, std::vector<VolumeArtifacts>& out,
                   std::vector<ErrorEntry>& errors) {
  VolumeArtifacts v;
  if (!f.mft.empty()) {
    v.mft = open_loose(f.mft, f.mft.string(), errors);
    v.entries_display = f.mft.string();
    if (!f.sds.empty()) {
      v.sds = open_loose(f.sds, f.sds.string(), errors);
    } else {
      errors.push_back(make_error(f.mft.parent_path().string(), "missing",
                                  std::string("no copy of $Secure:$SDS beside the $MFT (") +
                                      kSdsNames +
                                      "): owners of files whose security descriptor lives "
                                      "there are unavailable"));
    }
  }
  if (f.mft.empty())
    errors.push_back(make_error(f.j.parent_path().string(), "missing",
                                "a USN journal copy without an $MFT beside it: parent folders of "
                                "its records cannot be resolved"));
  if (want_usn) {
    if (!f.j.empty()) {
      v.j = open_loose(f.j, f.j.string(), errors);
    } else if (!f.mft.empty()) {
      errors.push_back(make_error(
          f.mft.parent_path().string(), "missing",
          std::string("no copy of the USN journal beside the $MFT (") + kJournalNames + ")"));
    }
  }
  if (v.mft || v.j) out.push_back(std::move(v));
}

void locate_in_folder(const Evidence& ev, bool want_usn, std::vector<VolumeArtifacts>& out,
                      std::vector<ErrorEntry>& errors) {
  std::map<std::filesystem::path, Found> dirs;
  for (const auto& f : ev.loose_files()) {
    std::error_code ec;
    const auto st = std::filesystem::symlink_status(f.host_path, ec);
    if (ec || !std::filesystem::is_regular_file(st)) {
      const auto name = f.host_path.filename().string();
      if (std::filesystem::is_symlink(st) &&
          (is_mft_name(name) || is_sds_name(name) || is_usn_journal_name(name)))
        errors.push_back(
            make_error(f.display_path, "open_failed",
                       "is a symbolic link; links are not followed out of the evidence"));
      continue;
    }
    classify(f.host_path, dirs);
  }
  bool any = false;
  for (const auto& [dir, found] : dirs) {
    if (found.mft.empty() && found.j.empty()) continue;
    any = true;
    add_collected(found, want_usn, out, errors);
  }
  if (any) return;
  // No collected metadata: a mounted volume without a Windows folder (a data drive), or any
  // folder of files; its files are reported with what the host file system gives.
  VolumeArtifacts v;
  v.snapshot_root = ev.path();
  v.entries_display = ev.path().string();
  if (want_usn)
    errors.push_back(make_error(ev.path().string(), "missing",
                                "no collected $MFT (a file named $MFT) and no USN journal copy (" +
                                    std::string(kJournalNames) +
                                    "): the folder is read as a mounted volume, whose USN journal "
                                    "a mounted folder does not show"));
  out.push_back(std::move(v));
}

void locate_in_file(const Evidence& ev, bool want_usn, std::vector<VolumeArtifacts>& out,
                    std::vector<ErrorEntry>& errors) {
  const auto& p = ev.path();
  const auto name = p.filename().string();
  VolumeArtifacts v;
  if (starts_with_file_signature(p)) {
    v.mft = open_loose(p, p.string(), errors);
    v.entries_display = p.string();
    if (!v.mft) return;
    errors.push_back(make_error(p.string(), "missing",
                                "an $MFT given alone: no $Secure:$SDS copy (owners of files whose "
                                "security descriptor lives there are unavailable); give the "
                                "folder holding the collected files to use them"));
    if (want_usn)
      errors.push_back(make_error(p.string(), "missing",
                                  "an $MFT given alone: no USN journal copy; give the folder "
                                  "holding the collected files to read it"));
  } else if (is_usn_journal_name(name)) {
    if (!want_usn) return;
    v.j = open_loose(p, p.string(), errors);
    if (!v.j) return;
  } else {
    errors.push_back(make_error(p.string(), "open_failed",
                                "neither an $MFT (no FILE signature at offset 0) nor a USN "
                                "journal copy (" +
                                    std::string(kJournalNames) + "), nor an NTFS image"));
    return;
  }
  out.push_back(std::move(v));
}

bool listed_in_parent(const std::filesystem::path& host) {
  std::error_code ec;
  std::filesystem::directory_iterator it(host.parent_path(), ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    if (it->path().filename() == host.filename()) return true;
  return false;
}

void locate_in_directory(const Evidence& ev, bool want_usn, std::vector<VolumeArtifacts>& out,
                         std::vector<ErrorEntry>& errors) {
  auto regular = [&](std::initializer_list<std::string_view> paths) -> std::optional<ArtifactFile> {
    for (auto path : paths) {
      auto f = ev.resolve(path);
      std::error_code ec;
      if (f && std::filesystem::is_regular_file(std::filesystem::symlink_status(f->host_path, ec)))
        return f;
    }
    return std::nullopt;
  };
  VolumeArtifacts v;
  // Only a $MFT the root lists is a collected copy: an ntfs-3g mount answers a lookup of
  // "$MFT" with the live metadata file but hides it from listings, and such a mount is read
  // in mounted-snapshot mode (its xattrs give owners and streams).
  auto mft = regular({"C:\\$MFT"});
  if (mft && !listed_in_parent(mft->host_path)) mft.reset();
  if (mft) {
    v.mft = open_loose(mft->host_path, mft->display_path, errors);
    v.entries_display = mft->display_path;
    if (auto sds = regular({"C:\\$Secure_$SDS", "C:\\$Secure%3A$SDS", "C:\\$Secure:$SDS",
                            "C:\\$SDS", "C:\\$Extend\\$Secure_$SDS"}))
      v.sds = open_loose(sds->host_path, sds->display_path, errors);
    else
      errors.push_back(make_error("C:\\$Secure:$SDS", "missing",
                                  std::string("no copy of $Secure:$SDS beside the $MFT (") +
                                      kSdsNames +
                                      "): owners of files whose security descriptor lives "
                                      "there are unavailable"));
  } else {
    auto root = evidence::find_windows_root(ev.path());
    v.snapshot_root = root ? *root : ev.path();
    v.entries_display = ev.path().string();
  }
  if (want_usn) {
    if (auto j = regular({"C:\\$Extend\\$UsnJrnl%3A$J", "C:\\$Extend\\$UsnJrnl_$J",
                          "C:\\$Extend\\$UsnJrnl:$J", "C:\\$Extend\\$J", "C:\\$UsnJrnl%3A$J",
                          "C:\\$UsnJrnl_$J", "C:\\$UsnJrnl:$J", "C:\\$J"})) {
      v.j = open_loose(j->host_path, j->display_path, errors);
    } else {
      errors.push_back(make_error(
          "C:\\$Extend\\$UsnJrnl:$J", "missing",
          mft ? std::string("no copy of the USN journal beside the $MFT (") + kJournalNames + ")"
              : std::string("a mounted folder does not show the USN journal, and no collected "
                            "copy (") +
                    kJournalNames + ") is at its root"));
    }
  }
  out.push_back(std::move(v));
}

}  // namespace

bool is_mft_name(std::string_view name) { return checks::iequals(name, "$MFT"); }

bool is_sds_name(std::string_view name) {
  return any_of_names(name, {"$Secure_$SDS", "$Secure%3A$SDS", "$Secure:$SDS", "$SDS"});
}

bool is_usn_journal_name(std::string_view name) {
  return any_of_names(name, {"$J", "$UsnJrnl_$J", "$UsnJrnl%3A$J", "$UsnJrnl:$J"});
}

std::vector<VolumeArtifacts> locate_volumes(const Evidence& evidence, bool want_usn,
                                            std::vector<ErrorEntry>& errors) {
  std::vector<VolumeArtifacts> out;
  const auto kind = evidence.kind();
  if (kind == "image")
    locate_in_image(evidence, want_usn, out, errors);
  else if (kind == "directory")
    locate_in_directory(evidence, want_usn, out, errors);
  else if (kind == "folder")
    locate_in_folder(evidence, want_usn, out, errors);
  else
    locate_in_file(evidence, want_usn, out, errors);
  return out;
}

}  // namespace sqltriage::pipeline::mft_scan
