// Internal to the registry scan: which hive files an evidence argument holds, in the order
// they are read, and whose profile each user hive belongs to.
#pragma once

#include <string>
#include <vector>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/open_hive.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/evidence.hpp"

namespace sqltriage::pipeline::registry_scan {

struct LocatedHive {
  registry::HiveFile file;
  /// From the location or file name; HiveKind::other when the name does not say (the scan
  /// then asks the hive's root keys).
  registry::HiveKind kind = registry::HiveKind::other;
  /// User hives: the profile's SID from ProfileList ("" when unknown) and the profile folder
  /// ("C:\Users\jdoe").
  std::string user_sid;
  std::string profile;

  /// The account a user hive belongs to: its SID's name, else the profile folder's name;
  /// "" for machine hives.
  std::string user_name(const AccountNames& accounts) const {
    std::string name;
    if (!user_sid.empty())
      if (auto known = accounts.name(user_sid)) name = *known;
    if (name.empty() && !profile.empty()) name = profile.substr(profile.find_last_of('\\') + 1);
    return name;
  }
};

/// An evidence root or image: SYSTEM, SOFTWARE, SAM, SECURITY (System32\config) and
/// Amcache.hve, those present, in that order; each one absent is a "missing" error.
std::vector<LocatedHive> locate_machine_hives(const Evidence& evidence,
                                              std::vector<ErrorEntry>& errors);

/// NTUSER.DAT and UsrClass.dat of every profile, sorted by profile folder: the folders of
/// C:\Users and every ProfileList profile, matched to their SIDs. `profile_list` is
/// AccountNames::profiles() ({SID, folder with %SystemDrive% etc. expanded}).
std::vector<LocatedHive> locate_user_hives(
    const Evidence& evidence,
    const std::vector<std::pair<std::string, std::string>>& profile_list);

/// A folder or file evidence: every loose file that starts with "regf" and is not a
/// transaction log (.LOG, .LOG1, .LOG2), with its logs beside it. Files that cannot be read,
/// and files that are not hives although named like one (SYSTEM, NTUSER.DAT, ...) or given
/// alone (and not .pf), become "open_failed" errors.
std::vector<LocatedHive> locate_loose_hives(const Evidence& evidence,
                                            std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::pipeline::registry_scan
