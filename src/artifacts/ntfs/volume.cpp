#include "artifacts/ntfs/volume.hpp"

#include <array>
#include <cstring>

#include "artifacts/ntfs/volume_record_name.hpp"
#include "artifacts/ntfs/volume_stream.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::ntfs {

namespace {

constexpr std::uint64_t kUpCaseEntry = 10;
constexpr std::uint64_t kUpCaseBytes = 2 * 65536;
constexpr std::uint64_t kEntryIndexMask = 0x0000FFFFFFFFFFFFULL;
constexpr std::uint64_t kMftEntry = 0;

// The components of a path from the volume root; std::nullopt when one is "..".
std::optional<std::vector<std::string_view>> split(std::string_view path) {
  for (std::string_view prefix : {"\\\\?\\", "\\??\\"})
    if (path.substr(0, prefix.size()) == prefix) path.remove_prefix(prefix.size());
  if (path.size() >= 2 && path[1] == ':' &&
      ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')))
    path.remove_prefix(2);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find_first_of("\\/", start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

}  // namespace

std::shared_ptr<Volume> Volume::open(std::shared_ptr<const ByteSource> source,
                                     std::string display) {
  std::array<std::uint8_t, 512> boot{};
  const std::size_t got = source->read_at(0, boot.data(), boot.size());
  if (got >= 11 && std::memcmp(boot.data() + 3, "-FVE-FS-", 8) == 0)
    throw ArtifactError(display,
                        "BitLocker-encrypted volume (signature -FVE-FS- at byte offset 3): not "
                        "supported; decrypt it first",
                        3);
  if (got < 11 || std::memcmp(boot.data() + 3, "NTFS    ", 8) != 0)
    throw ArtifactError(display, "not an NTFS volume (no \"NTFS    \" signature at byte offset 3)",
                        3);
  auto v = std::make_shared<Volume>(Private{});
  v->display_ = std::move(display);
  v->source_ = source;
  try {
    v->bfio_ = libyal::make_bfio_handle(std::move(source));
  } catch (const std::exception& e) {
    throw ArtifactError(v->display_, e.what());
  }
  FsntfsError err;
  libfsntfs_volume_t* raw = nullptr;
  if (libfsntfs_volume_initialize(&raw, err.out()) != 1)
    throw ArtifactError(v->display_, "libfsntfs: " + fsntfs_cause(err));
  v->volume_.reset(raw);
  if (libfsntfs_volume_open_file_io_handle(raw, v->bfio_.get(), LIBFSNTFS_OPEN_READ, err.out()) !=
      1)
    throw ArtifactError(v->display_, "not a readable NTFS file system: " + err.root_cause(),
                        err.reported_offset());
  // $UpCase for case-insensitive names; without it names fold ASCII letters only.
  try {
    auto up = v->open_stream(kUpCaseEntry, "", "$UpCase");
    if (up->size() == kUpCaseBytes) {
      std::vector<std::uint8_t> table(kUpCaseBytes);
      if (up->read_at(0, table.data(), table.size()) == table.size()) v->names_ = NameFolder(table);
    }
  } catch (const std::exception&) {
    // Keep ASCII folding.
  }
  return v;
}

Volume::~Volume() {
  std::lock_guard<std::mutex> held(mutex_);
  mft_.reset();
  if (volume_) {
    FsntfsError err;
    libfsntfs_volume_close(volume_.get(), err.out());
    volume_.reset();
  }
  bfio_.reset();
}

std::uint64_t Volume::number_of_entries() const {
  auto held = lock();
  FsntfsError err;
  std::uint64_t n = 0;
  if (libfsntfs_volume_get_number_of_file_entries(volume_.get(), &n, err.out()) != 1)
    throw ArtifactError(display_, "cannot count MFT entries: " + fsntfs_cause(err));
  return n;
}

FileEntryHandle Volume::entry_by_index(std::uint64_t entry, const std::string& what) const {
  FsntfsError err;
  libfsntfs_file_entry_t* raw = nullptr;
  if (libfsntfs_volume_get_file_entry_by_index(volume_.get(), entry, &raw, err.out()) != 1)
    throw ArtifactError(
        what, "MFT entry " + std::to_string(entry) + " cannot be read: " + fsntfs_cause(err));
  return FileEntryHandle(raw);
}

std::optional<std::u16string> Volume::stored_name(libfsntfs_file_entry_t* fe, std::uint64_t entry,
                                                  std::uint64_t parent, std::string& why) const {
  FsntfsError err;
  std::size_t units = 0;
  if (libfsntfs_file_entry_get_utf16_name_size(fe, &units, err.out()) == 1) {
    if (units <= 1) return std::u16string();
    std::u16string name(units, u'\0');
    if (libfsntfs_file_entry_get_utf16_name(fe, reinterpret_cast<std::uint16_t*>(name.data()),
                                            units, err.out()) == 1) {
      name.resize(units - 1);  // the size counts the terminating NUL
      return name;
    }
  }
  // libfsntfs converts names strictly and refuses unpaired surrogates: read the record.
  why = "cannot read its name: " + fsntfs_cause(err);
  return long_name_of(entry, parent);
}

std::optional<std::u16string> Volume::long_name_of(std::uint64_t entry,
                                                   std::uint64_t parent) const {
  FsntfsError err;
  size32_t record_size = 0;
  if (libfsntfs_volume_get_mft_entry_size(volume_.get(), &record_size, err.out()) != 1 ||
      record_size < 512 || record_size > 65536)
    return std::nullopt;
  if (!mft_) {
    try {
      mft_ = entry_by_index(kMftEntry, display_);
    } catch (const ArtifactError&) {
      return std::nullopt;
    }
  }
  std::vector<std::uint8_t> record(record_size);
  const ssize_t got = libfsntfs_file_entry_read_buffer_at_offset(
      mft_.get(), record.data(), record.size(), static_cast<off64_t>(entry * record_size),
      err.out());
  if (got != static_cast<ssize_t>(record.size())) return std::nullopt;
  return file_name_in_record(record, parent);
}

DirEntry Volume::describe(libfsntfs_file_entry_t* fe, std::uint64_t parent) const {
  DirEntry d;
  FsntfsError err;
  std::uint64_t ref = 0;
  if (libfsntfs_file_entry_get_file_reference(fe, &ref, err.out()) == 1) {
    d.entry = ref & kEntryIndexMask;
  } else {
    d.damage = "cannot read its file reference: " + fsntfs_cause(err);
    return d;
  }
  std::string why;
  if (auto name = stored_name(fe, d.entry, parent, why))
    d.name = utf16_to_wtf8(*name);
  else
    d.damage = "MFT entry " + std::to_string(d.entry) + ": " + why;
  d.is_directory = libfsntfs_file_entry_has_directory_entries_index(fe, err.out()) == 1;
  return d;
}

std::optional<DirEntry> Volume::child(libfsntfs_file_entry_t* folder, std::uint64_t folder_entry,
                                      std::string_view name, FileEntryHandle& found) const {
  const std::u16string want = wtf8_to_utf16(name);
  FsntfsError err;
  // libfsntfs looks the name up in the folder's index, folding ASCII letters only; a name
  // with other letters is compared here through $UpCase, entry by entry.
  libfsntfs_file_entry_t* raw = nullptr;
  const int r = libfsntfs_file_entry_get_sub_file_entry_by_utf16_name(
      folder, reinterpret_cast<const std::uint16_t*>(want.data()), want.size(), &raw, err.out());
  if (r == 1) {
    found.reset(raw);
    DirEntry d = describe(raw, folder_entry);
    // Found through a DOS short name ("PROGRA~1"): show the long name the record holds.
    if (d.damage.empty() && d.name.find('~') != std::string::npos)
      if (auto long_name = long_name_of(d.entry, folder_entry)) d.name = utf16_to_wtf8(*long_name);
    return d;
  }
  if (r == 0 && is_ascii(name)) return std::nullopt;
  // The lookup failed (e.g. the entry it found is unreadable) or the name needs $UpCase: walk
  // the folder. Damage met on the way is reported unless the name is found elsewhere, so an
  // unreadable file is not mistaken for an absent one.
  std::string damage = r < 0 ? fsntfs_cause(err) : std::string();
  int count = 0;
  if (libfsntfs_file_entry_get_number_of_sub_file_entries(folder, &count, err.out()) != 1)
    throw ArtifactError(display_, "cannot list the folder in MFT entry " +
                                      std::to_string(folder_entry) + ": " + fsntfs_cause(err));
  for (int i = 0; i < count; ++i) {
    raw = nullptr;
    if (libfsntfs_file_entry_get_sub_file_entry_by_index(folder, i, &raw, err.out()) != 1) {
      if (damage.empty()) damage = fsntfs_cause(err);
      continue;
    }
    FileEntryHandle sub(raw);
    std::uint64_t ref = 0;
    if (libfsntfs_file_entry_get_file_reference(raw, &ref, err.out()) != 1) continue;
    std::string why;
    const auto have = stored_name(raw, ref & kEntryIndexMask, folder_entry, why);
    if (have && names_.equal(*have, want)) {
      found = std::move(sub);
      return describe(found.get(), folder_entry);
    }
    if (!have && damage.empty()) damage = why;
  }
  if (!damage.empty())
    throw ArtifactError(display_, "cannot look up \"" + std::string(name) +
                                      "\" in the folder in MFT entry " +
                                      std::to_string(folder_entry) + ": " + damage);
  return std::nullopt;
}

std::optional<std::vector<DirEntry>> Volume::walk(std::string_view path) const {
  const auto parts = split(path);
  if (!parts) return std::nullopt;
  auto held = lock();
  FsntfsError err;
  libfsntfs_file_entry_t* raw = nullptr;
  if (libfsntfs_volume_get_root_directory(volume_.get(), &raw, err.out()) != 1)
    throw ArtifactError(display_, "cannot read the root folder: " + fsntfs_cause(err));
  FileEntryHandle current(raw);
  std::uint64_t current_entry = kRootEntry;
  std::vector<DirEntry> out;
  for (const auto& part : *parts) {
    FileEntryHandle next;
    auto found = child(current.get(), current_entry, part, next);
    if (!found) return std::nullopt;
    current_entry = found->entry;
    out.push_back(std::move(*found));
    current = std::move(next);
  }
  return out;
}

std::optional<std::uint64_t> Volume::find(std::string_view path) const {
  auto entries = walk(path);
  if (!entries) return std::nullopt;
  return entries->empty() ? kRootEntry : entries->back().entry;
}

std::vector<DirEntry> Volume::list(std::uint64_t entry) const {
  auto held = lock();
  FileEntryHandle folder = entry_by_index(entry, display_);
  FsntfsError err;
  if (libfsntfs_file_entry_has_directory_entries_index(folder.get(), err.out()) != 1) return {};
  int count = 0;
  if (libfsntfs_file_entry_get_number_of_sub_file_entries(folder.get(), &count, err.out()) != 1)
    throw ArtifactError(display_, "cannot list the folder in MFT entry " + std::to_string(entry) +
                                      ": " + fsntfs_cause(err));
  std::vector<DirEntry> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    libfsntfs_file_entry_t* raw = nullptr;
    if (libfsntfs_file_entry_get_sub_file_entry_by_index(folder.get(), i, &raw, err.out()) != 1) {
      DirEntry bad;
      bad.damage = "index entry " + std::to_string(i) + " of the folder in MFT entry " +
                   std::to_string(entry) + " cannot be read: " + fsntfs_cause(err);
      out.push_back(std::move(bad));
      continue;
    }
    FileEntryHandle sub(raw);
    out.push_back(describe(raw, entry));
  }
  return out;
}

std::shared_ptr<const ByteSource> Volume::open_stream(std::uint64_t entry, std::string_view stream,
                                                      std::string display_path) const {
  auto held = lock();
  FileEntryHandle fe = entry_by_index(entry, display_path);
  FsntfsError err;
  if (libfsntfs_file_entry_is_empty(fe.get(), err.out()) == 1)
    throw ArtifactError(display_path, "MFT entry " + std::to_string(entry) + " is not in use");
  if (stream.empty()) {
    if (libfsntfs_file_entry_has_default_data_stream(fe.get(), err.out()) != 1)
      throw ArtifactError(display_path, "MFT entry " + std::to_string(entry) +
                                            " has no unnamed $DATA stream (a folder?)");
    return std::make_shared<VolumeStream>(shared_from_this(), std::move(fe), DataStreamHandle(),
                                          std::move(display_path));
  }
  libfsntfs_data_stream_t* raw = nullptr;
  const int r = libfsntfs_file_entry_get_alternate_data_stream_by_utf8_name(
      fe.get(), reinterpret_cast<const std::uint8_t*>(stream.data()), stream.size(), &raw,
      err.out());
  if (r != 1)
    throw ArtifactError(display_path, "MFT entry " + std::to_string(entry) +
                                          " has no readable stream named " + std::string(stream) +
                                          (r < 0 ? ": " + fsntfs_cause(err) : ""));
  DataStreamHandle ads(raw);
  return std::make_shared<VolumeStream>(shared_from_this(), std::move(fe), std::move(ads),
                                        std::move(display_path));
}

}  // namespace sqltriage::ntfs
