// Internal to the checks: reading a finding's `data` without trusting its shape (a field may
// be absent, null or of another type; the checks then do not fire).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sqltriage/filetime.hpp"

namespace sqltriage::checks::data {

/// The member `key` of object `j`; nullptr when `j` is not an object, or it is absent or null.
inline const nlohmann::ordered_json* member(const nlohmann::ordered_json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

/// The string member `key`; empty when absent or not a string.
inline std::string text(const nlohmann::ordered_json& j, const char* key) {
  const auto* m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : std::string();
}

/// The ISO 8601 time in the string member `key`; std::nullopt when absent or unparsable.
inline std::optional<Filetime> time_of(const nlohmann::ordered_json& j, const char* key) {
  const auto s = text(j, key);
  return s.empty() ? std::nullopt : parse_iso8601(s);
}

}  // namespace sqltriage::checks::data
