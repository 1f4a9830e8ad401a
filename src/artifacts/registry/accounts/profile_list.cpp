// Profile folders of accounts that logged on, from the SOFTWARE hive's ProfileList.
#include <cctype>

#include "artifacts/registry/accounts/account_sources.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::accounts {

namespace {

constexpr std::size_t kMaxProfiles = 100000;
constexpr const char* kProfileList = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

void record(Errors& errors, const ArtifactError& e) {
  errors.push_back(
      ErrorEntry{ArtifactRef{e.path(), std::nullopt, e.offset()}, "record", e.detail()});
}

}  // namespace

std::vector<NamedSid> read_profile_paths(const registry::Hive& software, Errors& errors) {
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
        if (!path->empty()) out.push_back({std::move(sid), std::move(*path)});
      } catch (const ArtifactError& e) {
        record(errors, e);
      }
    }
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  return out;
}

std::string expand_profile_path(std::string path) {
  static const std::pair<std::string_view, std::string_view> kVars[] = {
      {"%systemdrive%", "C:"}, {"%systemroot%", "C:\\Windows"}, {"%windir%", "C:\\Windows"}};
  for (const auto& [var, value] : kVars) {
    if (path.size() < var.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < var.size() && match; ++i)
      match = static_cast<char>(std::tolower(static_cast<unsigned char>(path[i]))) == var[i];
    if (match) path = std::string(value) + path.substr(var.size());
  }
  while (path.size() > 3 && (path.back() == '\\' || path.back() == '/')) path.pop_back();
  return path;
}

}  // namespace sqltriage::accounts
