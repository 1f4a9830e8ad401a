// Internal to the mft scan: an MFT entry's facts as an `mft.entry` finding (docs/mft.md).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/finding.hpp"
#include "sqltriage/mft.hpp"
#include "sqltriage/zone_identifier.hpp"

namespace sqltriage::ntfs {
class SecurityDescriptorStream;
}

namespace sqltriage::pipeline::mft_scan {

/// An account name and where it came from ("SAM", "well-known", ...).
struct AccountName {
  std::string name;
  std::string source;
};
using AccountLookup = std::function<std::optional<AccountName>(std::string_view sid)>;

/// What building an entry's finding needs besides the entry.
struct EntryContext {
  const mft::EntrySource* source = nullptr;  ///< for named streams and the data's first bytes
  mft::PathResolver* paths = nullptr;
  const ntfs::SecurityDescriptorStream* sds = nullptr;  ///< nullptr when absent
  AccountLookup accounts;                               ///< may be empty
  std::string artifact_path;  ///< the $MFT as findings name it ("C:\$MFT", a host path)
  /// A collected $MFT alone: non-resident stream contents are not in the evidence.
  bool standalone = false;
  /// Read the first bytes of the unnamed $DATA of every file ("FileSignature"); otherwise
  /// only where the user_writable_executable check needs them.
  bool read_signature_always = false;
};

/// The data (docs/mft.md, `mft.entry`), artifact, time and summary of `e`, whose full path is
/// `path` ("\a\b.exe", volume-relative). Checks are not run here. Per-entry damage found
/// while reading streams is added to `e`'s "Problems".
Finding entry_finding(const mft::Entry& e, const std::string& path, const EntryContext& ctx);

/// "Zone.Identifier" data object: every key of the [ZoneTransfer] section in order, with
/// ZoneId as a number and "ZoneName" after it; {"Text": ...} when the stream has no
/// [ZoneTransfer] section.
nlohmann::ordered_json zone_identifier_json(std::string_view text);

/// "POSIX", "Win32", "DOS", "Win32 & DOS", or the number as text.
std::string name_space_name(std::uint8_t name_space);

/// {"CreationTime", "LastWriteTime", "ChangeTime", "LastAccessTime"} as ISO-8601 strings.
nlohmann::ordered_json times_json(Filetime creation, Filetime modification,
                                  Filetime entry_modification, Filetime access);

/// The owner block {"Sid", "SidSource", "Name", "NameSource"} for a SID.
nlohmann::ordered_json owner_json(const std::string& sid, const std::string& sid_source,
                                  const AccountLookup& accounts);

/// Whether any of the times is in [since, until] (each bound optional).
bool any_time_in(const std::vector<Filetime>& times, std::optional<Filetime> since,
                 std::optional<Filetime> until);

}  // namespace sqltriage::pipeline::mft_scan
