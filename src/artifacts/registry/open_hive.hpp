// Opening a hive the way every reader wants it: with its transaction logs found beside it,
// replayed in memory when it is dirty, and its kind known.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/hive.hpp"
#include "artifacts/registry/replay.hpp"
#include "sqltriage/evidence.hpp"

namespace sqltriage::registry {

/// A hive file before it is opened: where its bytes and its logs are.
struct HiveFile {
  ArtifactFile file;
  std::vector<ArtifactFile> logs;  ///< <name>.LOG1, .LOG2, .LOG beside it, in that order
};

/// The logs beside a file of an evidence with a Windows layout (resolve) or on the host.
std::vector<ArtifactFile> logs_beside(const Evidence& evidence, const ArtifactFile& hive);
std::vector<ArtifactFile> logs_beside(const std::filesystem::path& host_hive);

/// An opened hive and what opening it found.
struct OpenedHive {
  Hive hive;
  /// Base block sequence numbers of the stored hive differ, or a log had newer entries.
  bool dirty = false;
  /// The replay's report when logs were read (replay on and logs present or hive dirty).
  std::optional<ReplayReport> replay;
  std::uint32_t primary_sequence = 0;
  std::uint32_t secondary_sequence = 0;
};

/// Opens `file`, replaying its logs first when `replay` is true. Returns std::nullopt when
/// the hive cannot be opened (an "open_failed" error entry names it and the offset); log
/// damage becomes error entries and the hive is read as far as it could be replayed.
std::optional<OpenedHive> open_hive(const HiveFile& file, bool replay,
                                    std::vector<ErrorEntry>& errors);

/// The registry.dirty_hive finding for a dirty hive (or any hive a replay changed): the
/// stored sequence numbers, whether it is dirty, and the replay's report (nullptr when the
/// logs were not replayed).
Finding dirty_hive_finding(const std::string& display_path, bool dirty, std::uint32_t primary,
                           std::uint32_t secondary, const ReplayReport* replay);
inline Finding dirty_hive_finding(const std::string& display_path, const OpenedHive& opened) {
  return dirty_hive_finding(display_path, opened.dirty, opened.primary_sequence,
                            opened.secondary_sequence, opened.replay ? &*opened.replay : nullptr);
}

/// The kind a hive file name says ("SYSTEM" -> system, "ntuser.dat" -> ntuser, ...);
/// HiveKind::other for other names.
HiveKind kind_from_name(std::string_view file_name);
/// The kind from the root keys when the name does not tell: Select + ControlSet00N ->
/// system, SAM\Domains -> sam, Policy -> security, Root\InventoryApplicationFile or Root\File
/// -> amcache, Microsoft\Windows NT\CurrentVersion -> software, Software + Control Panel or
/// Environment -> ntuser, Local Settings or CLSID at the root -> usrclass.
HiveKind kind_from_content(const Hive& hive);

}  // namespace sqltriage::registry
