// Internal to the mft scan: the NTFS metadata an evidence argument holds, per volume.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::ntfs {
class Volume;
}

namespace sqltriage::pipeline::mft_scan {

/// A stream found in the evidence: its bytes and its name in findings and errors.
struct Located {
  std::shared_ptr<const ByteSource> bytes;  ///< nullptr when absent
  std::string display;                      ///< e.g. "C:\$Extend\$UsnJrnl:$J" or a host path
  explicit operator bool() const { return bytes != nullptr; }
};

/// One NTFS volume's metadata as the evidence gives it. Exactly one of `volume`,
/// `mft` or `snapshot_root` provides the entries, or none (a $J alone).
struct VolumeArtifacts {
  std::shared_ptr<ntfs::Volume> volume;  ///< image evidence
  Located mft;                           ///< a collected $MFT
  std::filesystem::path snapshot_root;   ///< a mounted snapshot (its drive root)
  Located sds;                           ///< $Secure:$SDS
  Located j;                             ///< $UsnJrnl:$J
  /// Artifact path of entry findings: "C:\$MFT" (image), the collected $MFT's display, or the
  /// snapshot folder.
  std::string entries_display;
};

/// The volumes of an evidence argument, with an error entry for each expected artifact that
/// is absent ("missing") or cannot be opened ("open_failed"). `want_usn`: look for $J (and
/// report its absence). Never throws for bad evidence.
std::vector<VolumeArtifacts> locate_volumes(const Evidence& evidence, bool want_usn,
                                            std::vector<ErrorEntry>& errors);

/// Names collection tools give the copies (case-insensitive): "$MFT"; "$Secure_$SDS",
/// "$Secure%3A$SDS", "$Secure:$SDS", "$SDS"; "$J", "$UsnJrnl_$J", "$UsnJrnl%3A$J",
/// "$UsnJrnl:$J".
bool is_mft_name(std::string_view name);
bool is_sds_name(std::string_view name);
bool is_usn_journal_name(std::string_view name);

}  // namespace sqltriage::pipeline::mft_scan
