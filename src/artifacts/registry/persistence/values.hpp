// Reading one named value of a key for the persistence readers: a damaged value becomes an
// error entry (code "record") and reads as absent, so one bad value never loses the rest of
// a finding.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "artifacts/registry/extract.hpp"

namespace sqltriage::registry {

/// The value's data as value_json() gives it; JSON null when absent or unreadable.
nlohmann::ordered_json value_field(const Key& key, std::string_view name, Sink& sink);

/// REG_SZ / REG_EXPAND_SZ data (not expanded); std::nullopt when absent, of another type or
/// unreadable.
std::optional<std::string> string_value(const Key& key, std::string_view name, Sink& sink);

/// REG_DWORD data; std::nullopt when absent, of another type or unreadable.
std::optional<std::uint32_t> dword_value(const Key& key, std::string_view name, Sink& sink);

/// The subkey at `relative_path`; std::nullopt when absent or unreadable (an error entry).
std::optional<Key> subkey(const Key& key, std::string_view relative_path, Sink& sink);

}  // namespace sqltriage::registry
