// Whether a value (a path, a command line, a registry value) names the analyst's target.
#include <algorithm>
#include <string>
#include <string_view>

#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {
namespace {

/// Characters that end a path component or a command-line token.
bool is_boundary(char c) {
  static constexpr std::string_view kBoundaries = " \t\r\n\\/\"',;=|<>():`";
  return kBoundaries.find(c) != std::string_view::npos;
}

std::string normalised(std::string_view s) {
  auto out = detail::to_lower(s);
  std::replace(out.begin(), out.end(), '/', '\\');
  return out;
}

/// Whether `needle` occurs in `hay` with a boundary (or the string's end) on both sides.
bool occurs_delimited(const std::string& hay, const std::string& needle) {
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    const auto end = pos + needle.size();
    const bool left = pos == 0 || is_boundary(hay[pos - 1]) || is_boundary(needle.front());
    const bool right = end == hay.size() || is_boundary(hay[end]) || is_boundary(needle.back());
    if (left && right) return true;
  }
  return false;
}

}  // namespace

bool names_target(std::string_view value, std::string_view target) {
  const auto t = normalised(target);
  if (t.empty() || value.empty()) return false;
  const auto v = normalised(value);
  if (t.find('\\') != std::string::npos) return v == t || occurs_delimited(v, t);
  return iequals(basename(value), target) || occurs_delimited(v, t);
}

}  // namespace sqltriage::checks
