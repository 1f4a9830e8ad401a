// registry.account findings for the local users of a SAM hive.
// Format knowledge: the SAM "F" and "V" values of SAM\Domains\Account\Users\<RID> as
// described in forensic references (the F record: last logon at 0x08, password last set at
// 0x18, account expires at 0x20, last failed logon at 0x28, RID at 0x30, account control
// flags at 0x38, bad password count at 0x40, logon count at 0x42; the V record: a table of
// {offset, length, unknown} triples whose offsets count from 0xCC). "Created" is the
// LastWrite time of the account's Names\<name> key, as forensic tools report it.
#include <map>

#include "artifacts/registry/accounts/account_sources.hpp"
#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::size_t kFSize = 0x50;
constexpr std::size_t kVTable = 0xCC;

/// Account control bits (USER_ACCOUNT_CONTROL of [MS-SAMR] 2.2.1.12, the SAM's own bits).
constexpr std::pair<std::uint16_t, const char*> kFlags[] = {
    {0x0001, "AccountDisabled"},     {0x0002, "HomeDirectoryRequired"},
    {0x0004, "PasswordNotRequired"}, {0x0008, "TempDuplicateAccount"},
    {0x0010, "NormalAccount"},       {0x0020, "MnsLogonAccount"},
    {0x0040, "InterdomainTrust"},    {0x0080, "WorkstationTrust"},
    {0x0100, "ServerTrust"},         {0x0200, "DontExpirePassword"},
    {0x0400, "AccountAutoLocked"},   {0x0800, "EncryptedTextPasswordAllowed"},
    {0x1000, "SmartcardRequired"},   {0x2000, "TrustedForDelegation"},
    {0x4000, "NotDelegated"},        {0x8000, "UseDesKeyOnly"},
};

/// The n-th string of the V record (1 = user name, 2 = full name, 3 = comment); "" when the
/// entry lies outside the value.
std::string v_string(const std::vector<std::uint8_t>& v, unsigned index) {
  const std::size_t at = static_cast<std::size_t>(index) * 12;
  if (v.size() < at + 8) return {};
  const std::uint64_t offset = le32(v.data() + at) + std::uint64_t{kVTable};
  const std::uint64_t length = le32(v.data() + at + 4);
  if (length == 0 || length % 2 != 0 || offset + length > v.size()) return {};
  return utf16le_to_wtf8(v.data() + offset, static_cast<std::size_t>(length / 2));
}

}  // namespace

void read_sam_users(const HiveContext& sam, Sink& sink) {
  const auto account = find_key(sam, "SAM\\Domains\\Account", sink);
  if (!account) {
    // Every SAM has it; without it (a damaged or looping key tree) no account can be read.
    sink.errors.push_back(make_error(sam.hive.display_path(), "record",
                                     "no key SAM\\Domains\\Account: the hive's key tree is "
                                     "damaged or this is not a SAM; no local account is read"));
    return;
  }
  accounts::Errors errors;
  const accounts::SamAccounts known = accounts::read_sam(sam.hive, errors);
  for (auto& e : errors) sink.errors.push_back(std::move(e));
  const std::string& machine_sid = known.machine_sid;

  // RID -> (name, Names key LastWrite), from Users\Names.
  std::map<std::uint32_t, std::pair<std::string, std::optional<Filetime>>> names;
  if (const auto list = find_key(sam, "SAM\\Domains\\Account\\Users\\Names", sink))
    for_each_subkey(*list, sink, [&](const Key& key) {
      if (const auto value = key.value("")) names[value->type()] = {key.name(), key.last_written()};
    });

  const auto users = find_key(sam, "SAM\\Domains\\Account\\Users", sink);
  if (!users) return;
  for_each_subkey(*users, sink, [&](const Key& key) {
    const std::string key_name = key.name();
    if (key_name.size() != 8 ||
        key_name.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      return;  // "Names" and anything else that is not a RID
    const auto f_value = key.value("F");
    if (!f_value) {
      sink.errors.push_back(make_error(sam.hive.display_path(), "record",
                                       "key \"" + key.path() + "\" has no \"F\" value",
                                       key.offset()));
      return;
    }
    const std::vector<std::uint8_t> f = f_value->data(64 * 1024);
    if (f.size() < kFSize) {
      sink.errors.push_back(make_error(sam.hive.display_path(), "record",
                                       "value \"F\" of key \"" + key.path() + "\" is " +
                                           std::to_string(f.size()) + " bytes, less than the " +
                                           std::to_string(kFSize) + " of an account record",
                                       f_value->offset()));
      return;
    }
    const std::uint32_t rid = le32(f.data() + 0x30);
    const std::uint16_t flags = le16(f.data() + 0x38);
    std::vector<std::uint8_t> v;
    if (const auto v_value = key.value("V")) v = v_value->data(1024 * 1024);

    Finding finding = key_finding("registry.account", sam, key);
    auto& d = finding.data;
    const auto named = names.find(rid);
    std::string user = named != names.end() ? named->second.first : v_string(v, 1);
    d["Source"] = "SAM";
    d["Sid"] = machine_sid.empty()
                   ? nlohmann::ordered_json(nullptr)
                   : nlohmann::ordered_json(machine_sid + "-" + std::to_string(rid));
    d["Rid"] = rid;
    d["UserName"] = or_null(user);
    d["FullName"] = or_null(v_string(v, 2));
    d["Comment"] = or_null(v_string(v, 3));
    d["Created"] = named != names.end() && named->second.second
                       ? nlohmann::ordered_json(format_filetime(*named->second.second))
                       : nlohmann::ordered_json(nullptr);
    d["LastLogon"] = time_or_null(le64(f.data() + 0x08));
    d["PasswordLastSet"] = time_or_null(le64(f.data() + 0x18));
    d["AccountExpires"] = time_or_null(le64(f.data() + 0x20));
    d["LastFailedLogon"] = time_or_null(le64(f.data() + 0x28));
    d["LogonCount"] = le16(f.data() + 0x42);
    d["FailedLogonCount"] = le16(f.data() + 0x40);
    d["Disabled"] = (flags & 0x0001) != 0;
    auto flag_names = nlohmann::ordered_json::array();
    for (const auto& [bit, name] : kFlags)
      if (flags & bit) flag_names.push_back(name);
    d["AccountFlags"] = std::move(flag_names);
    if (named != names.end() && named->second.second) finding.time = named->second.second;
    finding.summary = "Local account " + (user.empty() ? "RID " + std::to_string(rid) : user) +
                      " (RID " + std::to_string(rid) + ")" +
                      ((flags & 0x0001) ? ", disabled" : "") + ", " +
                      std::to_string(le16(f.data() + 0x42)) + " logon(s)" +
                      (d["LastLogon"].is_null() ? std::string(", never logged on")
                                                : ", last " + d["LastLogon"].get<std::string>());
    sink.finding(std::move(finding));
  });
}

}  // namespace sqltriage::registry
