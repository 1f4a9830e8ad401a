// Finding the NTFS file system in a file or device: a bare volume, a partition of an MBR or
// GPT disk (chosen automatically or with --partition), or the offset given with --offset.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/ntfs/volume.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::evidence::image {

struct LocatedVolume {
  std::shared_ptr<ntfs::Volume> volume;
  /// For the document: "MBR partition 1 at offset 1048576 (NTFS, 96 MiB)", "GPT partition 2
  /// at offset ...", "NTFS volume at offset 0", "--offset 65536".
  std::string layout;
  /// Damage found while looking (bad partition entries, a truncated volume), each naming
  /// the image and the byte offset in it.
  std::vector<ErrorEntry> errors;
};

/// Looks for the NTFS volume in `image` (named `image_name` in messages).
///
/// Without options: an NTFS boot sector at offset 0 is a bare volume; otherwise the MBR or
/// GPT is read and, among its partitions holding an NTFS boot sector, the first whose root
/// holds a "Windows" folder is taken, else the first that opens. `options.partition` picks
/// partition N (numbered as PartitionTable does); `options.offset` uses that byte offset.
///
/// Returns std::nullopt when the bytes are no volume and no partitioned disk (and no option
/// points at a volume): the file is then a loose artifact. Throws EvidenceError (naming the
/// image and the byte offsets involved) when it is a disk image or a device with no usable
/// NTFS volume, or when the options point at none.
std::optional<LocatedVolume> locate_volume(const std::shared_ptr<const ByteSource>& image,
                                           const std::string& image_name,
                                           const EvidenceOptions& options, bool is_device);

/// "96 MiB", "1.5 GiB", "300 KiB", "512 bytes".
std::string format_size(std::uint64_t bytes);

}  // namespace sqltriage::evidence::image
