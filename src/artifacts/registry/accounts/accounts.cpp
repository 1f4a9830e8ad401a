// AccountNames: SID -> name from the evidence's hives, IIS configuration and well-known SIDs
// (see include/sqltriage/accounts.hpp for the sources and their order).
#include "sqltriage/accounts.hpp"

#include <algorithm>
#include <unordered_map>

#include "artifacts/registry/accounts/account_sources.hpp"
#include "artifacts/registry/hive.hpp"
#include "artifacts/registry/open_hive.hpp"
#include "core/ascii.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {

namespace {

constexpr const char* kSam = "C:\\Windows\\System32\\config\\SAM";
constexpr const char* kSoftware = "C:\\Windows\\System32\\config\\SOFTWARE";
constexpr const char* kSystem = "C:\\Windows\\System32\\config\\SYSTEM";
constexpr const char* kAppHost = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config";
constexpr std::uint64_t kMaxConfigBytes = 64ull * 1024 * 1024;

/// SIDs compare with an upper-case "S-"; the rest is digits and dashes.
std::string normalize(std::string_view sid) {
  std::string s(sid);
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

ErrorEntry open_failed(const ArtifactError& e) {
  return ErrorEntry{ArtifactRef{e.path(), std::nullopt, e.offset()}, "open_failed", e.detail()};
}

/// The hive at `path`, its transaction logs replayed in memory when it is dirty.
std::optional<registry::Hive> open_hive(const Evidence& evidence, const char* path,
                                        std::vector<ErrorEntry>& errors) {
  auto file = evidence.resolve(path);
  if (!file) return std::nullopt;  // absent: fewer names, not an error
  registry::HiveFile hive{*file, registry::logs_beside(evidence, *file)};
  if (auto opened = registry::open_hive(hive, true, errors)) return std::move(opened->hive);
  return std::nullopt;
}

std::optional<std::string> read_small_file(const Evidence& evidence, const char* path,
                                           std::string& display, std::vector<ErrorEntry>& errors) {
  const auto file = evidence.resolve(path);
  if (!file) return std::nullopt;
  display = file->display_path;
  try {
    const auto source = open_artifact(*file);
    if (source->size() > kMaxConfigBytes) {
      errors.push_back(ErrorEntry{ArtifactRef{display, std::nullopt, std::nullopt}, "open_failed",
                                  "is " + std::to_string(source->size()) +
                                      " bytes, more than the " + std::to_string(kMaxConfigBytes) +
                                      " read"});
      return std::nullopt;
    }
    std::string text(static_cast<std::size_t>(source->size()), '\0');
    text.resize(read_fully(*source, 0, text.data(), text.size()));
    return text;
  } catch (const ArtifactError& e) {
    errors.push_back(open_failed(e));
  } catch (const std::exception& e) {
    errors.push_back(
        ErrorEntry{ArtifactRef{display, std::nullopt, std::nullopt}, "open_failed", e.what()});
  }
  return std::nullopt;
}

}  // namespace

struct AccountNames::Impl {
  struct Entry {
    std::string name;
    const char* source;
  };
  std::unordered_map<std::string, Entry> by_sid;
  std::unordered_map<std::uint32_t, std::string> domain_rid;
  std::unordered_map<std::string, std::string> profile_sids;  // lower-cased folder -> SID
  std::vector<std::pair<std::string, std::string>> profiles;  // {SID, folder}
  std::string machine_sid;
  std::string computer_name;

  /// The first source to name a SID keeps it.
  void add(std::string_view sid, std::string name, const char* source) {
    by_sid.emplace(normalize(sid), Entry{std::move(name), source});
  }

  void add_well_known() {
    const auto& table = accounts::well_known_sids();
    for (const auto& e : table.fixed) add(e.sid, e.name, "well-known");
    for (const auto& e : table.domain_rid)
      domain_rid.emplace(static_cast<std::uint32_t>(std::stoul(e.sid)), e.name);
  }

  void add_app_pool(const std::string& pool) {
    add(app_pool_sid(pool), "IIS APPPOOL\\" + pool, "IIS AppPool (computed)");
  }
};

AccountNames::AccountNames() : impl_(std::make_unique<Impl>()) {
  impl_->add_well_known();
  impl_->add_app_pool("DefaultAppPool");
}

AccountNames::~AccountNames() = default;
AccountNames::AccountNames(AccountNames&&) noexcept = default;
AccountNames& AccountNames::operator=(AccountNames&&) noexcept = default;

AccountNames AccountNames::from_evidence(const Evidence& evidence,
                                         std::vector<ErrorEntry>& errors) {
  AccountNames names;
  names.impl_ = std::make_unique<Impl>();
  Impl& impl = *names.impl_;

  accounts::SystemFacts system;
  if (auto hive = open_hive(evidence, kSystem, errors))
    system = accounts::read_system(*hive, errors);
  impl.computer_name = system.computer_name;

  // 1. SAM
  if (auto hive = open_hive(evidence, kSam, errors)) {
    const auto sam = accounts::read_sam(*hive, errors);
    impl.machine_sid = sam.machine_sid;
    const std::string prefix = impl.computer_name.empty() ? "" : impl.computer_name + "\\";
    for (const auto& a : sam.local) impl.add(a.sid, prefix + a.name, "SAM");
    for (const auto& a : sam.builtin) impl.add(a.sid, "BUILTIN\\" + a.name, "SAM");
  }
  // 2. well-known SIDs
  impl.add_well_known();
  // 3. ProfileList
  if (auto hive = open_hive(evidence, kSoftware, errors))
    for (const auto& p : accounts::read_profile_paths(*hive, errors)) {
      const std::string folder = accounts::expand_profile_path(p.name);
      impl.profile_sids.emplace(ascii_lower(folder), p.sid);
      impl.profiles.emplace_back(p.sid, folder);
      std::string name = folder.substr(folder.find_last_of("\\/") + 1);
      if (!name.empty()) impl.add(p.sid, std::move(name), "ProfileList");
    }
  // 4. NT SERVICE\<service>
  for (const auto& service : system.services)
    impl.add(service_sid(service), "NT SERVICE\\" + service, "NT SERVICE (computed)");
  // 5. IIS APPPOOL\<pool>
  impl.add_app_pool("DefaultAppPool");
  std::string display;
  if (auto xml = read_small_file(evidence, kAppHost, display, errors)) {
    std::string why;
    if (auto pools = accounts::read_app_pools(*xml, why)) {
      for (const auto& pool : *pools) impl.add_app_pool(pool);
    } else {
      errors.push_back(
          ErrorEntry{ArtifactRef{display, std::nullopt, std::nullopt}, "open_failed", why});
    }
  }
  return names;
}

std::optional<std::string> AccountNames::name(std::string_view sid) const {
  const std::string key = normalize(sid);
  if (const auto it = impl_->by_sid.find(key); it != impl_->by_sid.end()) return it->second.name;
  // 6. A domain-relative RID nobody named: S-1-5-21-a-b-c-RID.
  if (key.rfind("S-1-5-21-", 0) == 0) {
    if (const auto split = accounts::split_rid(key)) {
      const auto dashes = std::count(split->first.begin(), split->first.end(), '-');
      if (dashes == 6)  // S-1-5-21-a-b-c
        if (const auto it = impl_->domain_rid.find(split->second); it != impl_->domain_rid.end())
          return it->second;
    }
  }
  return std::nullopt;
}

std::optional<std::string> AccountNames::source(std::string_view sid) const {
  const std::string key = normalize(sid);
  if (const auto it = impl_->by_sid.find(key); it != impl_->by_sid.end())
    return std::string(it->second.source);
  if (name(sid)) return std::string("well-known RID");
  return std::nullopt;
}

std::optional<std::string> AccountNames::profile_sid(std::string_view profile_folder) const {
  std::string folder = accounts::expand_profile_path(std::string(profile_folder));
  const auto it = impl_->profile_sids.find(ascii_lower(folder));
  if (it == impl_->profile_sids.end()) return std::nullopt;
  return it->second;
}

const std::vector<std::pair<std::string, std::string>>& AccountNames::profiles() const {
  return impl_->profiles;
}

const std::string& AccountNames::machine_sid() const { return impl_->machine_sid; }
const std::string& AccountNames::computer_name() const { return impl_->computer_name; }

}  // namespace sqltriage
