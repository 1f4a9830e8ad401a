// Matching a file's folder against a well-known binary's expected folders.
#include "checks/expected_folder.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "checks/windows_path.hpp"

namespace sqltriage::checks::detail {
namespace {

/// Glob match where '*' matches any run of characters (both already lower-case and
/// confined to one component, so '*' never has a separator to cross).
bool glob(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool components_match(const std::vector<std::string>& folder,
                      const std::vector<std::string>& pattern) {
  if (folder.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < folder.size(); ++i) {
    if (!glob(folder[i], pattern[i])) return false;
  }
  return true;
}

}  // namespace

bool folder_is_judgeable(std::string_view path) {
  while (!path.empty() && (path.front() == '"' || path.front() == ' ')) path.remove_prefix(1);
  // Absolute only: "X:\...", "\...", "\\server\...", or a leading %VARIABLE%.
  const bool absolute =
      (path.size() >= 3 && path[1] == ':' && (path[2] == '\\' || path[2] == '/')) ||
      (!path.empty() && (path[0] == '\\' || path[0] == '/' || path[0] == '%'));
  if (!absolute) return false;
  const auto parts = path_components(path);
  if (parts.size() < 2) return false;
  return std::none_of(parts.begin(), parts.end(), [](const std::string& part) {
    const auto tilde = part.find('~');
    return tilde != std::string::npos && tilde + 1 < part.size() && part[tilde + 1] >= '0' &&
           part[tilde + 1] <= '9';
  });
}

bool folder_matches(std::string_view folder, std::string_view pattern) {
  return components_match(path_components(folder), path_components(pattern));
}

bool in_expected_folder(std::string_view path, const KnownBinary& known) {
  auto parts = path_components(path);
  if (parts.empty()) return false;
  parts.pop_back();  // the file name
  return std::any_of(known.folders.begin(), known.folders.end(), [&](const std::string& f) {
    return components_match(parts, path_components(f));
  });
}

}  // namespace sqltriage::checks::detail
