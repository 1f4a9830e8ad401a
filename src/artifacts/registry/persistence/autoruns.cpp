// registry.autorun: the autostart locations of SOFTWARE and NTUSER.DAT hives, from one table.
//
// Locations (Microsoft's documentation of each key; Sysinternals Autoruns for the list):
// Run, RunOnce, RunOnceEx, Policies\Explorer\Run (native and Wow6432Node, machine and user),
// Winlogon Shell/Userinit/Notify, Image File Execution Options Debugger, SilentProcessExit
// MonitorProcess, AppInit_DLLs, Active Setup StubPath; for users also Winlogon Shell and
// Windows Load/Run.
#include <string>
#include <string_view>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/values.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

/// How a location holds its entries.
enum class Shape {
  every_value,      ///< each value of the key (Run keys)
  run_once_ex,      ///< each value of each subkey, and of its Depend subkey
  named_values,     ///< the values named in Location::names, when present
  winlogon_notify,  ///< DllName of each subkey
  ifeo,             ///< Debugger of each subkey that has one
  silent_exit,      ///< MonitorProcess of each subkey that has one
  app_init,         ///< AppInit_DLLs when not empty
  active_setup,     ///< StubPath of each subkey that has one
};

constexpr unsigned kSoftware = 1;
constexpr unsigned kNtuser = 2;

struct Location {
  std::string_view category;
  std::string_view path;  ///< below the software root ("Microsoft\...")
  Shape shape;
  bool also_wow64;  ///< also below Wow6432Node
  unsigned hives;
  std::string_view names[2] = {};
};

const Location kLocations[] = {
    {"Run", "Microsoft\\Windows\\CurrentVersion\\Run", Shape::every_value, true,
     kSoftware | kNtuser},
    {"RunOnce", "Microsoft\\Windows\\CurrentVersion\\RunOnce", Shape::every_value, true,
     kSoftware | kNtuser},
    {"RunOnceEx", "Microsoft\\Windows\\CurrentVersion\\RunOnceEx", Shape::run_once_ex, true,
     kSoftware | kNtuser},
    {"Policies\\Explorer\\Run", "Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer\\Run",
     Shape::every_value, true, kSoftware | kNtuser},
    {"Winlogon",
     "Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
     Shape::named_values,
     false,
     kSoftware,
     {"Shell", "Userinit"}},
    {"Winlogon", "Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\Notify", Shape::winlogon_notify,
     false, kSoftware},
    {"Winlogon",
     "Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
     Shape::named_values,
     false,
     kNtuser,
     {"Shell"}},
    {"Windows\\Load",
     "Microsoft\\Windows NT\\CurrentVersion\\Windows",
     Shape::named_values,
     false,
     kNtuser,
     {"Load"}},
    {"Windows\\Run",
     "Microsoft\\Windows NT\\CurrentVersion\\Windows",
     Shape::named_values,
     false,
     kNtuser,
     {"Run"}},
    {"IFEO Debugger", "Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options",
     Shape::ifeo, true, kSoftware},
    {"SilentProcessExit", "Microsoft\\Windows NT\\CurrentVersion\\SilentProcessExit",
     Shape::silent_exit, true, kSoftware},
    {"AppInit_DLLs", "Microsoft\\Windows NT\\CurrentVersion\\Windows", Shape::app_init, true,
     kSoftware},
    {"Active Setup", "Microsoft\\Active Setup\\Installed Components", Shape::active_setup, true,
     kSoftware},
};

constexpr std::string_view kIfeo =
    "Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options";

/// Where one location is being read: the hive, the location, and the root prefix it is
/// under ("", "Wow6432Node\", "Software\", "Software\Wow6432Node\").
struct Place {
  const HiveContext& hive;
  Sink& sink;
  const Location& where;
  std::string prefix;
  bool wow64;
};

std::string summary_text(const nlohmann::ordered_json& data) {
  if (data.is_string()) return data.get<std::string>();
  return data.dump();
}

/// The finding for value `value` of `key`, with the common autorun fields; `extra` adds the
/// location's own fields after them.
void emit(const Place& at, const Key& key, const Value& value,
          const std::function<void(nlohmann::ordered_json&)>& extra = {}) {
  Finding f = key_finding("registry.autorun", at.hive, key);
  const std::string name = value.name();
  nlohmann::ordered_json data = value_json(value);
  const std::optional<std::string> text = value.string();
  f.data["Category"] = std::string(at.where.category);
  f.data["ValueName"] = name;
  f.data["Data"] = data;
  f.data["Command"] = or_null(text);
  f.data["Wow6432Node"] = at.wow64;
  if (extra) extra(f.data);
  f.summary = std::string(at.where.category) + ": " + f.data["RegistryPath"].get<std::string>() +
              " \"" + (name.empty() ? std::string("(default)") : name) +
              "\" = " + summary_text(data);
  at.sink.finding(std::move(f));
}

/// The value `name` of `key`, or std::nullopt (damage recorded).
std::optional<Value> named(const Key& key, std::string_view name, Sink& sink) {
  try {
    return key.value(name);
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

/// For each subkey of `key` with a value `name`: emit it, with `extra` fields.
void each_subkey_with(const Place& at, const Key& key, std::string_view name,
                      const std::function<void(const Key&, nlohmann::ordered_json&)>& extra) {
  for_each_subkey(key, at.sink, [&](const Key& sub) {
    if (auto value = named(sub, name, at.sink))
      emit(at, sub, *value, [&](nlohmann::ordered_json& d) { extra(sub, d); });
  });
}

void read_location(const Place& at, const Key& key) {
  switch (at.where.shape) {
    case Shape::every_value:
      for_each_value(key, at.sink, [&](const Value& v) { emit(at, key, v); });
      break;
    case Shape::run_once_ex:
      for_each_subkey(key, at.sink, [&](const Key& entry) {
        for_each_value(entry, at.sink, [&](const Value& v) { emit(at, entry, v); });
        if (auto depend = subkey(entry, "Depend", at.sink))
          for_each_value(*depend, at.sink, [&](const Value& v) { emit(at, *depend, v); });
      });
      break;
    case Shape::named_values:
      for (std::string_view name : at.where.names)
        if (!name.empty())
          if (auto value = named(key, name, at.sink)) emit(at, key, *value);
      break;
    case Shape::winlogon_notify:
      each_subkey_with(at, key, "DllName", [](const Key&, nlohmann::ordered_json&) {});
      break;
    case Shape::ifeo:
      each_subkey_with(at, key, "Debugger", [](const Key& sub, nlohmann::ordered_json& d) {
        d["Executable"] = sub.name();
      });
      break;
    case Shape::silent_exit:
      each_subkey_with(at, key, "MonitorProcess", [&](const Key& sub, nlohmann::ordered_json& d) {
        const std::string exe = sub.name();
        d["Executable"] = exe;
        d["ReportingMode"] = value_field(sub, "ReportingMode", at.sink);
        // MonitorProcess only runs when the image's IFEO GlobalFlag has
        // FLG_MONITOR_SILENT_PROCESS_EXIT (0x200).
        nlohmann::ordered_json flag = nullptr;
        const std::string ifeo = at.prefix + std::string(kIfeo) + "\\" + exe;
        if (auto image = find_key(at.hive, ifeo, at.sink))
          flag = value_field(*image, "GlobalFlag", at.sink);
        d["GlobalFlag"] = flag;
      });
      break;
    case Shape::app_init:
      if (auto value = named(key, "AppInit_DLLs", at.sink)) {
        const nlohmann::ordered_json data = value_json(*value);
        const bool empty = data.is_null() ||
                           (data.is_string() && data.get<std::string>().empty()) ||
                           (data.is_array() && data.empty());
        if (!empty)
          emit(at, key, *value, [&](nlohmann::ordered_json& d) {
            d["LoadAppInit_DLLs"] = value_field(key, "LoadAppInit_DLLs", at.sink);
            d["RequireSignedAppInit_DLLs"] = value_field(key, "RequireSignedAppInit_DLLs", at.sink);
          });
      }
      break;
    case Shape::active_setup:
      each_subkey_with(at, key, "StubPath", [&](const Key& sub, nlohmann::ordered_json& d) {
        d["Name"] = or_null(string_value(sub, "", at.sink));
      });
      break;
  }
}

}  // namespace

void read_autoruns(const HiveContext& hive, Sink& sink) {
  unsigned kind = 0;
  std::string_view prefixes[2];
  if (hive.kind == HiveKind::software) {
    kind = kSoftware;
    prefixes[0] = "";
    prefixes[1] = "Wow6432Node\\";
  } else if (hive.kind == HiveKind::ntuser) {
    kind = kNtuser;
    prefixes[0] = "Software\\";
    prefixes[1] = "Software\\Wow6432Node\\";
  } else {
    return;
  }
  for (const Location& where : kLocations) {
    if ((where.hives & kind) == 0) continue;
    for (int wow = 0; wow < (where.also_wow64 ? 2 : 1); ++wow) {
      const Place at{hive, sink, where, std::string(prefixes[wow]), wow == 1};
      auto key = find_key(hive, at.prefix + std::string(where.path), sink);
      if (!key) continue;
      try {
        read_location(at, *key);
      } catch (const ArtifactError& e) {
        sink.record_error(e);
      }
    }
  }
}

}  // namespace sqltriage::registry
