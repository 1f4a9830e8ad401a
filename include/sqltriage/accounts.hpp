// Account names for SIDs, from what the evidence itself holds: its SAM, SOFTWARE and SYSTEM
// hives and IIS's applicationHost.config, plus Microsoft's well-known SIDs.
//
// Sources, in the order a SID is looked up:
//  1. "SAM": local users, groups and aliases (SAM\Domains\Account\{Users,Groups,Aliases}\Names)
//     under the machine SID, which is the domain SID at the end of SAM\Domains\Account's "V"
//     value; and local builtin aliases (SAM\Domains\Builtin\Aliases\Names) under S-1-5-32.
//     Each Names\<name> key's default value carries the RID as its *type*. Named
//     "COMPUTER\name" when the SYSTEM hive gives the computer name
//     (ControlSet00N\Control\ComputerName\ComputerName, N from Select\Current), else "name";
//     builtin aliases are "BUILTIN\name".
//  2. "well-known": fixed SIDs from Microsoft's "Well-known SIDs" documentation
//     (data/well_known_sids.tsv), e.g. S-1-5-18 "NT AUTHORITY\SYSTEM".
//  3. "ProfileList": SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\<SID>
//     "ProfileImagePath": the last component of the profile folder ("C:\Users\jdoe" ->
//     "jdoe"), for local and domain accounts that logged on interactively. The folder name
//     is not always the account name (renamed accounts, "jdoe.CORP" on collisions).
//  4. "NT SERVICE (computed)": "NT SERVICE\<service>" for every service key of the SYSTEM
//     hive's current control set, SID S-1-5-80-<SHA-1 of the upper-cased name>.
//  5. "IIS AppPool (computed)": "IIS APPPOOL\<pool>" for DefaultAppPool and every pool in
//     C:\Windows\System32\inetsrv\config\applicationHost.config, SID
//     S-1-5-82-<SHA-1 of the lower-cased name>.
//  6. "well-known RID": a domain-relative RID with no SAM name (S-1-5-21-x-y-z-500
//     "Administrator", -512 "Domain Admins", ...), without a domain part.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage {

/// Immutable once built: name() and source() may be called from several threads at once.
class AccountNames {
 public:
  /// Reads the SAM, SOFTWARE and SYSTEM hives (C:\Windows\System32\config\) and
  /// applicationHost.config when the evidence has them (Evidence::resolve; bytes through
  /// open_artifact(), so directory and image evidence alike). A missing file only means fewer
  /// names and gives no error. A file that cannot be read (not a hive, truncated, damaged
  /// keys, malformed XML) adds an ErrorEntry to `errors` naming it (code "open_failed" when
  /// it cannot be opened, "record" for a damaged key or value), and what could be read is
  /// still used. Dirty hives are read with their .LOG1/.LOG2 transaction logs replayed in
  /// memory (log damage adds "record" entries).
  /// Never throws on content.
  static AccountNames from_evidence(const Evidence& evidence, std::vector<ErrorEntry>& errors);

  /// Well-known SIDs only (no hives), and IIS APPPOOL\DefaultAppPool.
  AccountNames();
  ~AccountNames();
  AccountNames(AccountNames&&) noexcept;
  AccountNames& operator=(AccountNames&&) noexcept;

  /// The account's name: "NT AUTHORITY\SYSTEM", "BUILTIN\Administrators",
  /// "WEB01\Administrator", "NT SERVICE\TrustedInstaller", "IIS APPPOOL\DefaultAppPool", ...
  /// `sid` is in its text form ("S-1-5-18"; the leading "S" in either case). std::nullopt
  /// when unknown.
  std::optional<std::string> name(std::string_view sid) const;

  /// Where name() came from: "SAM", "well-known", "ProfileList", "NT SERVICE (computed)",
  /// "IIS AppPool (computed)" or "well-known RID". std::nullopt when unknown.
  std::optional<std::string> source(std::string_view sid) const;

  /// The SID whose ProfileList ProfileImagePath is `profile_folder` ("C:\Users\jdoe"; any
  /// case; %SystemDrive%, %SystemRoot% and %windir% in stored paths expanded to C:,
  /// C:\Windows). std::nullopt when no profile has that folder.
  std::optional<std::string> profile_sid(std::string_view profile_folder) const;

  /// Every ProfileList profile as {SID, folder} (the folder expanded as for profile_sid), in
  /// ProfileList order; empty without a SOFTWARE hive.
  const std::vector<std::pair<std::string, std::string>>& profiles() const;

  /// The machine SID from the SAM ("S-1-5-21-x-y-z"); empty when there was no SAM.
  const std::string& machine_sid() const;
  /// The computer name from the SYSTEM hive; empty when unknown.
  const std::string& computer_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The SID of the virtual account "NT SERVICE\<service_name>": S-1-5-80- followed by the
/// SHA-1 of the upper-cased name in UTF-16LE as five little-endian 32-bit sub-authorities.
/// Only ASCII letters are case-mapped. Checked against Microsoft's published
/// NT SERVICE\TrustedInstaller SID.
std::string service_sid(std::string_view service_name);

/// The SID of the virtual account "IIS APPPOOL\<pool_name>": S-1-5-82- followed by the SHA-1
/// of the *lower*-cased name in UTF-16LE, as for service_sid(). (The published
/// DefaultAppPool SID S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415 is the
/// hash of "defaultapppool".) Only ASCII letters are case-mapped.
std::string app_pool_sid(std::string_view pool_name);

}  // namespace sqltriage
