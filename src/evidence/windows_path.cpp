#include "evidence/windows_path.hpp"

#include <cctype>
#include <system_error>

namespace sqltriage::evidence {

namespace {

bool iequal_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> split_windows_path(std::string_view path) {
  // Drop a drive prefix such as "C:" and the NT prefixes "\\?\" and "\??\".
  for (std::string_view prefix : {"\\\\?\\", "\\??\\"}) {
    if (path.substr(0, prefix.size()) == prefix) path.remove_prefix(prefix.size());
  }
  if (path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0])))
    path.remove_prefix(2);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find_first_of("\\/", start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

std::optional<std::filesystem::path> resolve_case_insensitive(
    const std::filesystem::path& root, const std::vector<std::string>& components) {
  std::filesystem::path current = root;
  for (const auto& name : components) {
    std::error_code ec;
    auto exact = current / name;
    if (std::filesystem::symlink_status(exact, ec).type() !=
            std::filesystem::file_type::not_found &&
        !ec) {
      if (std::filesystem::is_symlink(std::filesystem::symlink_status(exact, ec)))
        return std::nullopt;
      current = exact;
      continue;
    }
    std::optional<std::filesystem::path> found;
    std::filesystem::directory_iterator it(current, ec);
    if (ec) return std::nullopt;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (ec) return std::nullopt;
      if (iequal_ascii(it->path().filename().string(), name)) {
        if (it->is_symlink(ec)) continue;
        found = it->path();
        break;
      }
    }
    if (!found) return std::nullopt;
    current = *found;
  }
  return current;
}

std::string to_windows_display(const std::vector<std::string>& components) {
  std::string out = "C:";
  for (const auto& c : components) {
    out += '\\';
    out += c;
  }
  if (components.empty()) out += '\\';
  return out;
}

}  // namespace sqltriage::evidence
