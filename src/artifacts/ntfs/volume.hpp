// An NTFS file system read through libfsntfs, from a volume image, a partition of a disk
// image or a device (through a ByteSource), or from a collected $MFT file alone.
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/ntfs/libfsntfs_handles.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::ntfs {

/// One name in a folder's listing.
struct DirEntry {
  std::string name;         ///< UTF-8 (WTF-8 for unpaired surrogates), as stored
  std::uint64_t entry = 0;  ///< MFT entry index
  bool is_directory = false;
};

/// An open NTFS file system. libfsntfs handles are not shared between threads safely, so
/// every libfsntfs call on this volume and on file entries taken from it runs under
/// lock(); ByteSources handed out by open_stream() take it themselves.
class Volume {
 public:
  /// Opens the NTFS file system whose boot sector is at offset 0 of `source`. `display`
  /// names it in errors ("disk.raw, partition 2 at offset 65536"). Throws ArtifactError
  /// (naming `display`) when it is not NTFS or libfsntfs cannot read it.
  static std::shared_ptr<Volume> open(std::shared_ptr<const ByteSource> source,
                                      std::string display);

  const std::string& display() const { return display_; }
  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mutex_); }
  /// The libfsntfs handle, for callers holding lock().
  libfsntfs_volume_t* handle() const { return volume_.get(); }
  /// The bytes of the volume (boot sector at offset 0).
  const std::shared_ptr<const ByteSource>& source() const { return source_; }

  /// Number of MFT entries (in use or not).
  std::uint64_t number_of_entries() const;

  /// The MFT entry of a path from the volume root ("\Windows\System32\config\SYSTEM", '\'
  /// or '/', any case, drive letter optional). std::nullopt when absent.
  std::optional<std::uint64_t> find(std::string_view path) const;

  /// The names in folder `entry` (its $I30 index; DOS short names left out), in index
  /// order. Empty when `entry` is not a folder.
  std::vector<DirEntry> list(std::uint64_t entry) const;

  /// A stream of MFT entry `entry`: the unnamed $DATA when `stream` is empty, else the named
  /// $DATA stream (e.g. "Zone.Identifier", "$J", "$SDS"). Reads go through the volume;
  /// data_ranges() leaves out sparse runs. Throws ArtifactError naming `display_path` when
  /// the entry or stream is absent or unreadable.
  std::shared_ptr<const ByteSource> open_stream(std::uint64_t entry, std::string_view stream,
                                                std::string display_path) const;

  ~Volume();
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

 private:
  Volume() = default;  // members below may change with the implementation
  std::string display_;
  std::shared_ptr<const ByteSource> source_;
  VolumeHandle volume_;
  mutable std::mutex mutex_;
};

}  // namespace sqltriage::ntfs
