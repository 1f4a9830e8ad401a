// Evidence: what the analyst points at, opened once. Subcommands ask it for artifacts by
// their usual Windows locations, or take the files it holds.
//
// Kinds in this version:
// - "directory": a mounted snapshot or a collected-artifacts folder whose root (or a
//   one-letter drive folder under it, e.g. KAPE's "C") holds a "Windows" folder. Windows
//   paths resolve case-insensitively under that root.
// - "image": a raw NTFS volume image, a whole-disk raw image (MBR or GPT; the NTFS
//   partition found automatically or chosen with EvidenceOptions), or a block device, all
//   read-only. Windows paths resolve inside the NTFS file system; files are streamed out of
//   the image, never copied.
// - "folder": any other folder; its files are taken as loose artifacts (e.g. a collected
//   $MFT with $Secure_$SDS and $J beside it).
// - "file": a single artifact file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/finding.hpp"

namespace sqltriage {

class ByteSource;
namespace ntfs {
class Volume;
}

/// A file of the evidence.
struct ArtifactFile {
  /// As the analyst knows it: "C:\Windows\System32\winevt\Logs\Security.evtx" inside a
  /// directory or image evidence (drive C:, each name in the case the evidence stores it),
  /// otherwise the host path.
  std::string display_path;
  /// Where to read it on the host; empty for a file inside an image.
  std::filesystem::path host_path;
  /// Opens a file inside an image (set only then). Throws ArtifactError naming
  /// display_path when the file cannot be read.
  std::function<std::shared_ptr<const ByteSource>()> open_in_image;
};

/// Opens an artifact's bytes read-only, wherever it lives. Throws ArtifactError (naming
/// display_path) when it cannot be opened; a folder, FIFO, socket or device inside a
/// directory evidence is refused rather than opened.
std::shared_ptr<const ByteSource> open_artifact(const ArtifactFile& file);

/// How to open evidence that is a disk image.
struct EvidenceOptions {
  /// --partition N: partition N of a disk image, numbered as Linux numbers them: MBR
  /// primaries 1-4 by slot, logical partitions from 5 in EBR-chain order; GPT entries by
  /// their index in the entry array, from 1.
  std::optional<unsigned> partition;
  /// --offset BYTES: the NTFS volume's boot sector is at this byte offset of the image (no
  /// partition table is read).
  std::optional<std::uint64_t> offset;
};

class Evidence {
 public:
  virtual ~Evidence() = default;

  /// "directory", "image", "folder" or "file" (see above).
  virtual std::string kind() const = 0;
  /// The path as given.
  virtual const std::filesystem::path& path() const = 0;

  /// Resolves a Windows path such as "C:\Windows\System32\config\SYSTEM" (drive letter
  /// optional, '\' or '/', any case) to a file. std::nullopt when absent or when this
  /// evidence has no Windows layout ("folder", "file").
  virtual std::optional<ArtifactFile> resolve(std::string_view windows_path) const = 0;

  /// Regular files directly in a Windows folder (case-insensitive), sorted by name.
  /// Empty when the folder is absent.
  virtual std::vector<ArtifactFile> list(std::string_view windows_dir) const = 0;
  /// Names of the folders directly in a Windows folder (as stored), sorted; symbolic links
  /// and junctions are not included. Empty when the folder is absent or for kinds without a
  /// Windows layout. Used to enumerate profiles (C:\Users\*) and task folders.
  virtual std::vector<std::string> folders(std::string_view /*windows_dir*/) const { return {}; }

  /// Every entry under a "folder" (recursively, sorted): files, and folders and symbolic
  /// links too, so callers can report those that look like artifacts; links are listed but
  /// never followed. For a "file", that one file. Empty for "directory".
  virtual std::vector<ArtifactFile> loose_files() const = 0;

  /// True for the kinds that hold a Windows layout ("directory", "image"): artifacts are
  /// found by their Windows paths with resolve() and list().
  bool has_windows_layout() const { return kind() == "directory" || kind() == "image"; }

  /// The NTFS file system of an "image" evidence; nullptr for other kinds.
  virtual std::shared_ptr<ntfs::Volume> ntfs_volume() const { return nullptr; }

  /// Where the file system was found, for the document's evidence entry:
  /// "MBR partition 1 at offset 1048576 (NTFS, 96 MiB)", "GPT partition 2 at offset ...",
  /// "NTFS volume at offset 0" (a bare volume image) or "--offset 65536". Empty for kinds
  /// other than "image".
  virtual std::string layout() const { return {}; }

  /// Damage found while opening that did not stop it: partition entries pointing outside
  /// the image or overlapping others, CRC32 mismatches of a GPT, a volume the image cuts
  /// short ("truncated"). Each names the evidence path and the byte offset in it. Scans
  /// emit these right after the document header.
  virtual std::vector<ErrorEntry> open_errors() const { return {}; }
};

/// Opens `path` as evidence, choosing the kind from what is there: a folder with a
/// Windows layout, another folder, a file whose bytes are an NTFS volume, an MBR or GPT
/// disk holding one, or a block device (read-only) -> "image"; any other file -> "file".
/// An image is opened O_RDONLY and only read. `options` concern images only: a file that is
/// neither a volume nor a partitioned disk stays a "file" whatever they say.
/// Throws EvidenceError (exit code 3) when the path does not exist or cannot be read; when
/// it is a disk image or device with no usable NTFS volume (the message names the bad
/// partition entries and their byte offsets); when the volume is BitLocker-encrypted; or
/// when options ask for a partition or offset that holds no NTFS file system.
std::unique_ptr<Evidence> open_evidence(const std::filesystem::path& path,
                                        const EvidenceOptions& options = {});

}  // namespace sqltriage
