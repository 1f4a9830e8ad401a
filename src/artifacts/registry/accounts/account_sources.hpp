// The pieces AccountNames is built from, one reader per source (see
// include/sqltriage/accounts.hpp for what each contributes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/registry/hive.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::accounts {

/// One SID and its name as a source gives it.
struct NamedSid {
  std::string sid;
  std::string name;
};

/// Damage found while reading a source: the key or value that could not be read.
/// Readers append here and go on with the rest.
using Errors = std::vector<ErrorEntry>;

/// From the SAM hive.
struct SamAccounts {
  std::string machine_sid;        ///< "S-1-5-21-x-y-z", empty when "V" is absent or malformed
  std::vector<NamedSid> local;    ///< machine_sid-RID: users, groups and aliases (bare names)
  std::vector<NamedSid> builtin;  ///< S-1-5-32-RID: builtin aliases (bare names)
};
SamAccounts read_sam(const registry::Hive& sam, Errors& errors);

/// From the SYSTEM hive: the computer name of the current control set (empty when absent)
/// and the names of its services.
struct SystemFacts {
  std::string computer_name;
  std::vector<std::string> services;
};
SystemFacts read_system(const registry::Hive& system, Errors& errors);

/// From the SOFTWARE hive's ProfileList: SID -> the whole ProfileImagePath as stored
/// ("C:\Users\jdoe", "%SystemDrive%\Users\jdoe", "%systemroot%\ServiceProfiles\...").
std::vector<NamedSid> read_profile_paths(const registry::Hive& software, Errors& errors);
/// A ProfileImagePath as a Windows path: a leading %SystemDrive%, %SystemRoot% or %windir%
/// (any case) becomes C:, C:\Windows; trailing separators are dropped.
std::string expand_profile_path(std::string path);

/// Pool names of <applicationPools><add name="..."/> in applicationHost.config text.
/// std::nullopt (and `why`) when the XML cannot be parsed.
std::optional<std::vector<std::string>> read_app_pools(std::string_view xml, std::string& why);

/// Well-known SIDs compiled in from data/well_known_sids.tsv.
struct WellKnown {
  std::vector<NamedSid> fixed;       ///< full SIDs
  std::vector<NamedSid> domain_rid;  ///< "500" -> "Administrator": relative to any domain SID
};
/// Parses the table's text. Throws std::logic_error naming the line when it is malformed.
WellKnown parse_well_known_sids(std::string_view text);
/// The compiled-in table, parsed once.
const WellKnown& well_known_sids();

/// Upper- (or lower-) cases ASCII letters of UTF-8 text, encodes it as UTF-16LE and hashes it
/// with SHA-1: the five little-endian 32-bit words of the digest, as SID sub-authorities.
std::string virtual_account_sid(std::string_view authority_prefix, std::string_view name,
                                bool upper);

/// "S-1-5-21-1-2-3-1001" -> ("S-1-5-21-1-2-3", 1001) when the SID has a last sub-authority.
std::optional<std::pair<std::string, std::uint32_t>> split_rid(std::string_view sid);

}  // namespace sqltriage::accounts
