// registry.account findings for the profiles of SOFTWARE's ProfileList: every account that
// logged on interactively or runs as a service with a profile.
// Format knowledge: ProfileList\<SID> values ProfileImagePath, State, Flags and, from
// Windows 7, LocalProfileLoadTimeHigh/Low and LocalProfileUnloadTimeHigh/Low (FILETIME
// halves), as forensic references describe them.
#include "artifacts/registry/extract.hpp"

namespace sqltriage::registry {

namespace {

constexpr const char* kProfileList = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

/// A FILETIME stored as two REG_DWORD halves; null when either is absent or both are 0.
nlohmann::ordered_json split_time(const Key& key, const char* high, const char* low) {
  const auto h = key.value(high);
  const auto l = key.value(low);
  if (!h || !l) return nullptr;
  const auto hv = h->dword();
  const auto lv = l->dword();
  if (!hv || !lv || (*hv == 0 && *lv == 0)) return nullptr;
  return format_filetime(static_cast<Filetime>(*hv) << 32 | *lv);
}

}  // namespace

void read_profiles(const HiveContext& software, Sink& sink) {
  const auto list = find_key(software, kProfileList, sink);
  if (!list) return;
  for_each_subkey(*list, sink, [&](const Key& key) {
    const std::string sid = key.name();
    if (sid.rfind("S-1-", 0) != 0 || sid.find_first_not_of("S0123456789-") != std::string::npos)
      return;  // "<SID>.bak" copies and anything else
    Finding f = key_finding("registry.account", software, key);
    auto& d = f.data;
    std::string path;
    if (const auto v = key.value("ProfileImagePath"))
      if (auto s = v->string()) path = *s;
    const auto name = software.accounts.name(sid);
    d["Source"] = "ProfileList";
    d["Sid"] = sid;
    d["UserName"] = name ? nlohmann::ordered_json(*name) : nlohmann::ordered_json(nullptr);
    d["ProfileImagePath"] = or_null(path);
    for (const char* field : {"State", "Flags"}) {
      const auto v = key.value(field);
      const auto n = v ? v->dword() : std::nullopt;
      d[field] = n ? nlohmann::ordered_json(*n) : nlohmann::ordered_json(nullptr);
    }
    d["LocalProfileLoadTime"] =
        split_time(key, "LocalProfileLoadTimeHigh", "LocalProfileLoadTimeLow");
    d["LocalProfileUnloadTime"] =
        split_time(key, "LocalProfileUnloadTimeHigh", "LocalProfileUnloadTimeLow");
    f.summary = "Profile of " + (name ? *name : sid) + (path.empty() ? "" : " at " + path);
    sink.finding(std::move(f));
  });
}

}  // namespace sqltriage::registry
