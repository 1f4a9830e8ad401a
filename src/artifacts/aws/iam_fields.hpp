// Internal to the IAM reader: reading members of CLI output objects without trusting their
// types (a member of another type reads as absent).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

/// At most this many list items, and characters per item, are spelled out in a summary or a
/// check reason (data values are never cut short).
constexpr std::size_t kShownItems = 5;
constexpr std::size_t kShownChars = 120;

/// `s` cut to kShownChars bytes (at a UTF-8 character boundary) with "..." when longer.
inline std::string clip(const std::string& s) {
  if (s.size() <= kShownChars) return s;
  std::size_t n = kShownChars;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

/// "a, b, c, d, e and 3 more": at most kShownItems items, each clipped.
inline std::string shown(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == kShownItems) return out + " and " + std::to_string(items.size() - i) + " more";
    out += (i ? sep : "") + clip(items[i]);
  }
  return out;
}

/// What a sensitive grant holds in its family, as patterns to print: the actions the Denies
/// leave (`remaining`), else the statement's Action patterns that reach it (`via`), else, for
/// a NotAction statement, "every action but X, Y" (`not_actions` of the statement).
inline std::vector<std::string> granted(const std::vector<std::string>& remaining,
                                        const std::vector<std::string>& via,
                                        const std::vector<std::string>& not_actions) {
  if (!remaining.empty()) return remaining;
  if (!via.empty()) return via;
  std::string all = "every action but ";
  for (std::size_t i = 0; i < not_actions.size(); ++i) all += (i ? ", " : "") + not_actions[i];
  return {all};
}

}  // namespace sqltriage::aws::iam_detail
