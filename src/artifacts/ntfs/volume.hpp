// An NTFS file system read through libfsntfs, from a volume image, a partition of a disk
// image or a device (through a ByteSource).
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/libyal/bfio_source.hpp"
#include "artifacts/ntfs/libfsntfs_handles.hpp"
#include "artifacts/ntfs/volume_names.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::ntfs {

/// One name in a folder's listing.
struct DirEntry {
  std::string name;         ///< UTF-8 (WTF-8 for unpaired surrogates), as stored
  std::uint64_t entry = 0;  ///< MFT entry index
  bool is_directory = false;
  /// Empty for a sound entry. Otherwise why libfsntfs could not read the entry the folder's
  /// index names (e.g. a damaged MFT record); `name` may then be empty.
  std::string damage;
};

/// libfsntfs's innermost error message, with the volume byte offset it reports when there is
/// one ("... (volume byte offset 35196928)"). Errors about files inside the volume carry
/// offsets in their text only: ArtifactError's offset field is an offset in the file.
inline std::string fsntfs_cause(const FsntfsError& err) {
  std::string s = err.root_cause();
  if (auto at = err.reported_offset()) s += " (volume byte offset " + std::to_string(*at) + ")";
  return s;
}

/// MFT entry index of the root folder.
inline constexpr std::uint64_t kRootEntry = 5;

/// An open NTFS file system. libfsntfs handles are not shared between threads safely, so
/// every libfsntfs call on this volume and on file entries taken from it runs under
/// lock(); the methods below and the ByteSources handed out by open_stream() take it
/// themselves, so do not call them while holding lock() (std::mutex is not recursive).
class Volume : public std::enable_shared_from_this<Volume> {
  struct Private {};

 public:
  /// Opens the NTFS file system whose boot sector is at offset 0 of `source`. `display`
  /// names it in errors ("disk.raw, MBR partition 2 at offset 65536"). Throws ArtifactError
  /// (naming `display`, with the byte offset libfsntfs reports) when it is not NTFS, is
  /// BitLocker-encrypted, or libfsntfs cannot read it.
  static std::shared_ptr<Volume> open(std::shared_ptr<const ByteSource> source,
                                      std::string display);

  const std::string& display() const { return display_; }
  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mutex_); }
  /// The libfsntfs handle, for callers holding lock().
  libfsntfs_volume_t* handle() const { return volume_.get(); }
  /// The bytes of the volume (boot sector at offset 0).
  const std::shared_ptr<const ByteSource>& source() const { return source_; }

  /// Number of MFT entries (in use or not). Throws ArtifactError when libfsntfs fails.
  std::uint64_t number_of_entries() const;

  /// The MFT entry of a path from the volume root ("\Windows\System32\config\SYSTEM", '\'
  /// or '/', any case, drive letter optional; "" or "\" is the root, entry 5). std::nullopt
  /// when absent or when a component is "..". Names compare case-insensitively through the
  /// volume's $UpCase table, as Windows does (ASCII folding when $UpCase is unreadable).
  /// Throws ArtifactError (naming display()) when a folder on the way cannot be read.
  std::optional<std::uint64_t> find(std::string_view path) const;

  /// Like find(), with the entry of every component of `path` in order (names as stored on
  /// the volume, so callers can show them in the evidence's own case). The root itself is
  /// not listed: walk("\") is an empty vector.
  std::optional<std::vector<DirEntry>> walk(std::string_view path) const;

  /// The names in folder `entry` (its $I30 index; DOS short names left out), in index
  /// order. Empty when `entry` is not a folder. An entry the index names but libfsntfs
  /// cannot read is listed with `damage` set. Throws ArtifactError when the folder itself
  /// cannot be read.
  std::vector<DirEntry> list(std::uint64_t entry) const;

  /// A stream of MFT entry `entry`: the unnamed $DATA when `stream` is empty, else the named
  /// $DATA stream (e.g. "Zone.Identifier", "$J", "$SDS"). Reads go through the volume;
  /// data_ranges() leaves out sparse runs. Throws ArtifactError naming `display_path` when
  /// the entry or stream is absent or unreadable. A read_at() that fails later throws
  /// std::system_error (EIO) whose text names `display_path` and the stream offset.
  std::shared_ptr<const ByteSource> open_stream(std::uint64_t entry, std::string_view stream,
                                                std::string display_path) const;

  explicit Volume(Private) {}
  ~Volume();
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

 private:
  // Callers hold mutex_.
  FileEntryHandle entry_by_index(std::uint64_t entry, const std::string& what) const;
  std::optional<DirEntry> child(libfsntfs_file_entry_t* folder, std::uint64_t folder_entry,
                                std::string_view name, FileEntryHandle& found) const;
  /// Name, entry and kind of `fe`, found in folder `parent`; `damage` set instead of throwing.
  DirEntry describe(libfsntfs_file_entry_t* fe, std::uint64_t parent) const;
  /// The name of `fe` as stored: from libfsntfs, or from the MFT record when libfsntfs cannot
  /// convert it (unpaired surrogates). std::nullopt with `why` set when neither works.
  std::optional<std::u16string> stored_name(libfsntfs_file_entry_t* fe, std::uint64_t entry,
                                            std::uint64_t parent, std::string& why) const;
  /// The name of MFT entry `entry` in folder `parent` read from its record, a long (Win32 or
  /// POSIX) name preferred over the DOS one.
  std::optional<std::u16string> long_name_of(std::uint64_t entry, std::uint64_t parent) const;

  std::string display_;
  std::shared_ptr<const ByteSource> source_;
  libyal::BfioHandle bfio_;  // outlives volume_ (members are destroyed in reverse order)
  VolumeHandle volume_;
  NameFolder names_;
  mutable FileEntryHandle mft_;  // the $MFT, opened on first use by stored_name()
  mutable std::mutex mutex_;
};

}  // namespace sqltriage::ntfs
