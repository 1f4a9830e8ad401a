// registry.shimcache: the AppCompatCache value of every control set of a SYSTEM hive.
#include <array>
#include <string_view>

#include "artifacts/registry/execution/shimcache_layouts.hpp"
#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

/// The value is a few hundred KiB on real systems; this bounds what one value may cost.
constexpr std::size_t kMaxValueBytes = 16 * 1024 * 1024;

// Windows Server 2003 and later, and XP's own location.
constexpr std::array<std::string_view, 2> kCacheKeys = {
    "Control\\Session Manager\\AppCompatCache",
    "Control\\Session Manager\\AppCompatibility",
};

void read_value(const HiveContext& system, const std::string& control_set, const Key& key,
                const Value& value, Sink& sink) {
  const std::vector<std::uint8_t> bytes = value.data(kMaxValueBytes);
  const shimcache::Parsed parsed = shimcache::parse(bytes);
  for (std::size_t i = 0; i < parsed.entries.size(); ++i) {
    const shimcache::Entry& e = parsed.entries[i];
    Finding f = key_finding("registry.shimcache", system, key);
    f.artifact.offset = value.offset();
    f.time = e.last_modified == 0 ? std::nullopt : std::optional<Filetime>(e.last_modified);
    f.data["Path"] = e.path;
    f.data["LastModified"] = time_or_null(e.last_modified);
    f.data["Position"] = i;
    f.data["ControlSet"] = control_set;
    f.data["Executed"] = e.executed ? nlohmann::ordered_json(*e.executed) : nullptr;
    f.data["InsertFlags"] =
        e.insert_flags ? nlohmann::ordered_json(*e.insert_flags) : nlohmann::ordered_json(nullptr);
    if (e.file_size) f.data["FileSize"] = *e.file_size;
    f.data["Layout"] = parsed.layout;
    f.summary = "ShimCache " + control_set + " #" + std::to_string(i) + ": " + e.path +
                (e.last_modified ? " (modified " + format_filetime(e.last_modified) + ")" : "");
    sink.finding(std::move(f));
  }
  if (parsed.damage) {
    std::string where = "value \"" + value.name() + "\" of key \"" + key.path() + "\"";
    if (auto cell = value.offset())
      where += " (value cell at hive offset " + hex_offset(*cell) + ")";
    sink.errors.push_back(make_error(
        system.hive.display_path(), "record",
        "AppCompatCache " + where + ", layout \"" +
            (parsed.layout.empty() ? std::string("unknown") : parsed.layout) + "\", byte " +
            std::to_string(parsed.damage->offset) + " of " + std::to_string(bytes.size()) +
            " in the value data: " + parsed.damage->message + "; " +
            std::to_string(parsed.entries.size()) + " entries read before it",
        value.offset()));
  }
}

}  // namespace

void read_shimcache(const HiveContext& system, Sink& sink) {
  const ControlSets sets = control_sets(system, sink);
  for (const std::string& set : sets.names) {
    for (std::string_view sub : kCacheKeys) {
      const std::string path = set + "\\" + std::string(sub);
      auto key = find_key(system, path, sink);
      if (!key) continue;
      try {
        auto value = key->value("AppCompatCache");
        if (!value) continue;
        read_value(system, set, *key, *value, sink);
      } catch (const ArtifactError& e) {
        sink.record_error(e);
      }
    }
  }
}

}  // namespace sqltriage::registry
