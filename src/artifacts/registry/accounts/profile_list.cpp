// Profile folders of accounts that logged on, from the SOFTWARE hive's ProfileList.
#include "artifacts/registry/account_sources.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::accounts {

namespace {

constexpr std::size_t kMaxProfiles = 100000;
constexpr const char* kProfileList = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

void record(Errors& errors, const ArtifactError& e) {
  errors.push_back(
      ErrorEntry{ArtifactRef{e.path(), std::nullopt, e.offset()}, "record", e.detail()});
}

/// "C:\Users\jdoe\" -> "jdoe"; "%SystemRoot%\system32\config\systemprofile" -> "systemprofile".
std::string last_component(std::string path) {
  while (!path.empty() && (path.back() == '\\' || path.back() == '/')) path.pop_back();
  const auto sep = path.find_last_of("\\/");
  return sep == std::string::npos ? path : path.substr(sep + 1);
}

}  // namespace

std::vector<NamedSid> read_profile_list(const registry::Hive& software, Errors& errors) {
  std::vector<NamedSid> out;
  try {
    auto list = software.key(kProfileList);
    if (!list) return out;
    const std::size_t count = std::min(list->number_of_subkeys(), kMaxProfiles);
    for (std::size_t i = 0; i < count; ++i) {
      try {
        registry::Key profile = list->subkey(i);
        std::string sid = profile.name();
        // Keys named "<SID>.bak" are left-overs of a profile that was rebuilt.
        if (sid.size() < 5 || (sid.rfind("S-1-", 0) != 0 && sid.rfind("s-1-", 0) != 0)) continue;
        if (sid.find_first_not_of("sS0123456789-") != std::string::npos) continue;
        auto value = profile.value("ProfileImagePath");
        if (!value) continue;
        auto path = value->string();
        if (!path) continue;
        std::string name = last_component(*path);
        if (!name.empty()) out.push_back({std::move(sid), std::move(name)});
      } catch (const ArtifactError& e) {
        record(errors, e);
      }
    }
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  return out;
}

}  // namespace sqltriage::accounts
