// Internal to the IAM reader: reading members of CLI output objects without trusting their
// types (a member of another type reads as absent).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sqltriage::aws::iam_detail {

/// The string member `key` of `j`; "" when `j` is not an object or the member is absent or
/// not a string.
inline std::string str(const nlohmann::ordered_json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The member `key` of `j` when it is an array; an empty array otherwise.
inline const nlohmann::ordered_json& array(const nlohmann::ordered_json& j, const char* key) {
  static const nlohmann::ordered_json empty = nlohmann::ordered_json::array();
  if (!j.is_object()) return empty;
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

/// Whether `j` is an object with member `key`.
inline bool has(const nlohmann::ordered_json& j, const char* key) {
  return j.is_object() && j.contains(key);
}

}  // namespace sqltriage::aws::iam_detail
