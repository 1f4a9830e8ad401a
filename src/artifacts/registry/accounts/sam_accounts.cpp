// Local accounts from the SAM hive.
// Format knowledge: the SAM layout as documented by forensic references (SAM\Domains\Account
// "V" ends with the machine's domain SID; Names\<name> keys carry the RID as the type of their
// default value).
#include "artifacts/registry/accounts/account_sources.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::accounts {

namespace {

constexpr std::size_t kMaxNames = 100000;  // per Names key; a SAM holds far fewer

void record(Errors& errors, const ArtifactError& e) {
  errors.push_back(
      ErrorEntry{ArtifactRef{e.path(), std::nullopt, e.offset()}, "record", e.detail()});
}

/// The machine SID from the "V" value: its last 24 bytes are the SID S-1-5-21-a-b-c
/// (revision 1, 4 sub-authorities, authority 5, then 21, a, b, c little-endian).
std::string machine_sid_from_v(const std::vector<std::uint8_t>& v) {
  static constexpr std::uint8_t kPrefix[12] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};
  if (v.size() < 24) return {};
  const std::uint8_t* sid = v.data() + v.size() - 24;
  for (std::size_t i = 0; i < sizeof kPrefix; ++i)
    if (sid[i] != kPrefix[i]) return {};
  return "S-1-5-21-" + std::to_string(le32(sid + 12)) + "-" + std::to_string(le32(sid + 16)) + "-" +
         std::to_string(le32(sid + 20));
}

/// Every Names\<name> below `path`: the name and the RID its default value's type holds.
void read_names(const registry::Hive& sam, const std::string& path, const std::string& domain_sid,
                std::vector<NamedSid>& out, Errors& errors) {
  std::optional<registry::Key> names;
  try {
    names = sam.key(path);
  } catch (const ArtifactError& e) {
    record(errors, e);
    return;
  }
  if (!names) return;
  std::size_t count = 0;
  try {
    count = names->number_of_subkeys();
  } catch (const ArtifactError& e) {
    record(errors, e);
    return;
  }
  if (count > kMaxNames) {
    errors.push_back(ErrorEntry{ArtifactRef{sam.display_path(), std::nullopt, std::nullopt},
                                "limit",
                                path + " has " + std::to_string(count) + " subkeys; the first " +
                                    std::to_string(kMaxNames) + " are read"});
    count = kMaxNames;
  }
  for (std::size_t i = 0; i < count; ++i) {
    try {
      registry::Key account = names->subkey(i);
      const auto value = account.value("");
      if (!value) {
        errors.push_back(ErrorEntry{
            ArtifactRef{sam.display_path(), std::nullopt, std::nullopt}, "record",
            "key \"" + account.path() + "\" has no default value (whose type is the RID)"});
        continue;
      }
      out.push_back({domain_sid + "-" + std::to_string(value->type()), account.name()});
    } catch (const ArtifactError& e) {
      record(errors, e);
    }
  }
}

}  // namespace

SamAccounts read_sam(const registry::Hive& sam, Errors& errors) {
  SamAccounts out;
  try {
    if (auto account = sam.key("SAM\\Domains\\Account")) {
      if (auto v = account->value("V")) {
        out.machine_sid = machine_sid_from_v(v->data());
        if (out.machine_sid.empty())
          errors.push_back(ErrorEntry{ArtifactRef{sam.display_path(), std::nullopt, std::nullopt},
                                      "record",
                                      "value \"V\" of key \"SAM\\Domains\\Account\" does not end "
                                      "with the machine SID; local account names are not used"});
      }
    }
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  if (!out.machine_sid.empty()) {
    for (const char* kind : {"Users", "Groups", "Aliases"})
      read_names(sam, std::string("SAM\\Domains\\Account\\") + kind + "\\Names", out.machine_sid,
                 out.local, errors);
  }
  read_names(sam, "SAM\\Domains\\Builtin\\Aliases\\Names", "S-1-5-32", out.builtin, errors);
  return out;
}

}  // namespace sqltriage::accounts
