// What every registry reader shares: the finding skeleton for a key, bounded walks that turn
// damage into error entries, value data as JSON, and the control sets of a SYSTEM hive.
#include <algorithm>
#include <cstdio>

#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::size_t kMaxHexBytes = 4096;

std::string hex(const std::uint8_t* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

/// "HKLM\SOFTWARE", "HKU\<SID>", "HKU\<SID>_Classes", ... for a hive kind.
std::string registry_root(const HiveContext& hive) {
  const std::string user = hive.user_sid.empty() ? std::string("<unknown SID>") : hive.user_sid;
  switch (hive.kind) {
    case HiveKind::system:
      return "HKLM\\SYSTEM";
    case HiveKind::software:
      return "HKLM\\SOFTWARE";
    case HiveKind::sam:
      return "HKLM\\SAM";
    case HiveKind::security:
      return "HKLM\\SECURITY";
    case HiveKind::ntuser:
      return "HKU\\" + user;
    case HiveKind::usrclass:
      return "HKU\\" + user + "_Classes";
    case HiveKind::amcache:
      return "Amcache";
    case HiveKind::other:
      break;
  }
  return "ROOT";
}

}  // namespace

nlohmann::ordered_json or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

nlohmann::ordered_json or_null(const std::optional<std::string>& text) {
  return text ? or_null(*text) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json time_or_null(std::optional<Filetime> time) {
  if (!time || *time == 0 || *time >= 0x7FFFFFFFFFFFFFFFull) return nullptr;
  return format_filetime(*time);
}

std::string_view to_string(HiveKind kind) {
  switch (kind) {
    case HiveKind::system:
      return "SYSTEM";
    case HiveKind::software:
      return "SOFTWARE";
    case HiveKind::sam:
      return "SAM";
    case HiveKind::security:
      return "SECURITY";
    case HiveKind::ntuser:
      return "NTUSER.DAT";
    case HiveKind::usrclass:
      return "UsrClass.dat";
    case HiveKind::amcache:
      return "Amcache.hve";
    case HiveKind::other:
      break;
  }
  return "other";
}

void Sink::record_error(const ArtifactError& e) { errors.push_back(make_error(e, "record")); }

Finding key_finding(std::string type, const HiveContext& hive, const Key& key) {
  Finding f;
  f.type = std::move(type);
  f.artifact.path = hive.hive.display_path();
  f.artifact.offset = key.offset();
  f.time = key.last_written();
  f.data["Hive"] = std::string(to_string(hive.kind));
  f.data["HivePath"] = hive.hive.display_path();
  f.data["KeyPath"] = key.path();
  f.data["RegistryPath"] =
      key.path().empty() ? registry_root(hive) : registry_root(hive) + "\\" + key.path();
  f.data["LastWrite"] = f.time ? nlohmann::ordered_json(format_filetime(*f.time)) : nullptr;
  if (hive.kind == HiveKind::ntuser || hive.kind == HiveKind::usrclass) {
    f.data["UserSid"] = or_null(hive.user_sid);
    f.data["UserName"] = or_null(hive.user_name);
  }
  return f;
}

std::optional<Key> find_key(const HiveContext& hive, std::string_view path, Sink& sink) {
  try {
    return hive.hive.key(path);
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

void for_each_subkey(const Key& key, Sink& sink, const std::function<void(const Key&)>& visit) {
  std::size_t count = 0;
  try {
    count = key.number_of_subkeys();
  } catch (const ArtifactError& e) {
    sink.record_error(e);
    return;
  }
  if (count > kMaxSubkeys) {
    sink.errors.push_back(make_error(key.hive_path(), "limit",
                                     "key \"" + key.path() + "\" has " + std::to_string(count) +
                                         " subkeys; the first " + std::to_string(kMaxSubkeys) +
                                         " are read",
                                     key.offset()));
    count = kMaxSubkeys;
  }
  for (std::size_t i = 0; i < count; ++i) {
    try {
      const Key sub = key.subkey(i);
      visit(sub);
    } catch (const ArtifactError& e) {
      sink.record_error(e);
    }
  }
}

void for_each_value(const Key& key, Sink& sink, const std::function<void(const Value&)>& visit) {
  std::size_t count = 0;
  try {
    count = key.number_of_values();
  } catch (const ArtifactError& e) {
    sink.record_error(e);
    return;
  }
  if (count > kMaxValues) {
    sink.errors.push_back(make_error(key.hive_path(), "limit",
                                     "key \"" + key.path() + "\" has " + std::to_string(count) +
                                         " values; the first " + std::to_string(kMaxValues) +
                                         " are read",
                                     key.offset()));
    count = kMaxValues;
  }
  for (std::size_t i = 0; i < count; ++i) {
    try {
      const Value value = key.value(i);
      visit(value);
    } catch (const ArtifactError& e) {
      sink.record_error(e);
    }
  }
}

nlohmann::ordered_json value_json(const Value& value) {
  const std::uint32_t type = value.type();
  if (auto text = value.string()) return *text;
  if (auto number = value.dword()) return *number;
  const std::vector<std::uint8_t> data = value.data();
  if (type == 11 && data.size() == 8) return le64(data.data());  // REG_QWORD
  if (type == 7) {                                               // REG_MULTI_SZ
    nlohmann::ordered_json strings = nlohmann::ordered_json::array();
    std::u16string current;
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
      const char16_t unit = static_cast<char16_t>(le16(data.data() + i));
      if (unit == 0) {
        if (!current.empty()) strings.push_back(utf16_to_wtf8(current));
        current.clear();
      } else {
        current.push_back(unit);
      }
    }
    if (!current.empty()) strings.push_back(utf16_to_wtf8(current));
    return strings;
  }
  if (data.size() <= kMaxHexBytes) return hex(data.data(), data.size());
  return hex(data.data(), kMaxHexBytes) + "\xe2\x80\xa6(" + std::to_string(data.size()) + " bytes)";
}

ControlSets control_sets(const HiveContext& system, Sink& sink) {
  ControlSets sets;
  if (auto select = find_key(system, "Select", sink)) {
    try {
      if (auto current = select->value("Current"))
        if (auto n = current->dword()) sets.current = *n;
    } catch (const ArtifactError& e) {
      sink.record_error(e);
    }
  }
  try {
    const Key root = system.hive.root();
    for_each_subkey(root, sink, [&](const Key& key) {
      const std::string name = key.name();
      if (name.size() == 13 && name.compare(0, 10, "ControlSet") == 0 &&
          std::all_of(name.begin() + 10, name.end(), [](char c) { return c >= '0' && c <= '9'; }))
        sets.names.push_back(name);
    });
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  std::sort(sets.names.begin(), sets.names.end());
  return sets;
}

}  // namespace sqltriage::registry
