// Windows variables and paths as web server configurations write them (see web_roots.hpp and
// paths.hpp). Format knowledge: Microsoft Learn, "Naming Files, Paths, and Namespaces"
// (drive letters, UNC paths, the \\?\ prefix, "." and ".."); "Recognized environment
// variables" (the default values of %SystemDrive% and friends).
#include "artifacts/webroot/paths.hpp"

#include <cctype>

#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

/// The default values of the variables every Windows server defines.
const std::vector<std::pair<std::string, std::string>>& system_variables() {
  static const std::vector<std::pair<std::string, std::string>> vars = {
      {"systemdrive", "C:"},
      {"systemroot", "C:\\Windows"},
      {"windir", "C:\\Windows"},
      {"programfiles", "C:\\Program Files"},
      {"programfiles(x86)", "C:\\Program Files (x86)"},
      {"programdata", "C:\\ProgramData"},
      {"public", "C:\\Users\\Public"},
      {"allusersprofile", "C:\\ProgramData"},
  };
  return vars;
}

const std::string* lookup(std::string_view name,
                          const std::vector<std::pair<std::string, std::string>>& extra) {
  const std::string key = ascii_lower(name);
  for (auto it = extra.rbegin(); it != extra.rend(); ++it)
    if (ascii_lower(it->first) == key) return &it->second;
  for (const auto& [n, v] : system_variables())
    if (n == key) return &v;
  return nullptr;
}

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_sep(char c) { return c == '\\' || c == '/'; }

}  // namespace

std::string expand_windows_variables(
    std::string_view text, const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('%', i);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('%', open + 1);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    const std::string_view name = text.substr(open + 1, close - open - 1);
    const std::string* value = name.empty() ? nullptr : lookup(name, extra);
    if (value != nullptr) {
      out += *value;
      i = close + 1;
    } else {
      out += '%';  // not a variable we know: keep it, and look again from the next '%'
      i = open + 1;
    }
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

std::string normalize_windows_path(std::string_view path, std::string_view base) {
  std::string p(path);
  for (char& c : p)
    if (c == '/') c = '\\';
  // \\?\C:\x -> C:\x, \\?\UNC\server\share -> \\server\share
  if (p.rfind("\\\\?\\", 0) == 0 || p.rfind("\\??\\", 0) == 0) {
    p.erase(0, 4);
    if (p.size() >= 4 && ascii_lower(p.substr(0, 4)) == "unc\\") p = "\\\\" + p.substr(4);
  }

  std::string root;
  std::string rest;
  if (p.size() >= 2 && p[0] == '\\' && p[1] == '\\') {
    // UNC: \\server\share is the root.
    std::size_t at = 2;
    std::vector<std::string> head;
    while (head.size() < 2 && at < p.size()) {
      while (at < p.size() && p[at] == '\\') ++at;
      const std::size_t end = std::min(p.find('\\', at), p.size());
      if (end > at) head.push_back(p.substr(at, end - at));
      at = end;
    }
    root = "\\\\" + (head.empty() ? std::string() : head[0]);
    if (head.size() > 1) root += "\\" + head[1];
    rest = p.substr(std::min(at, p.size()));
  } else if (p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':') {
    root = std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(p[0])))) + ":";
    rest = p.substr(2);
  } else {
    const std::string b = base.empty() ? std::string("C:\\") : normalize_windows_path(base);
    if (!p.empty() && p[0] == '\\') {
      // Drive-relative: the root of the base's drive (or share).
      std::string base_root;
      path_components(b, base_root);
      return normalize_windows_path(base_root + p);
    }
    return normalize_windows_path(b + "\\" + p);
  }

  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at <= rest.size()) {
    const std::size_t end = std::min(rest.find('\\', at), rest.size());
    const std::string part = rest.substr(at, end - at);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = end + 1;
  }
  std::string out = root;
  for (const auto& part : parts) out += "\\" + part;
  if (parts.empty() && root.size() == 2 && root[1] == ':') out += "\\";  // "C:\"
  return out;
}

bool has_wildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

bool wildcard_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && (pattern[p] == '?' || fold(pattern[p]) == fold(name[n]))) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string join_url_path(std::string_view a, std::string_view b) {
  std::string out;
  for (const std::string_view part : {a, b}) {
    std::size_t at = 0;
    while (at < part.size()) {
      while (at < part.size() && part[at] == '/') ++at;
      const std::size_t end = std::min(part.find('/', at), part.size());
      if (end > at) out += "/" + std::string(part.substr(at, end - at));
      at = end;
    }
  }
  return out.empty() ? "/" : out;
}

bool path_covers(std::string_view outer, std::string_view inner) {
  const std::string o = ascii_lower(outer);
  const std::string i = ascii_lower(inner);
  if (o == i) return true;
  if (i.size() <= o.size() || i.compare(0, o.size(), o) != 0) return false;
  return o.back() == '\\' || i[o.size()] == '\\';
}

std::vector<std::string> path_components(std::string_view normalized, std::string& root) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  if (normalized.size() >= 2 && is_sep(normalized[0]) && is_sep(normalized[1])) {
    // \\server\share
    std::size_t seps = 0;
    at = 2;
    while (at < normalized.size()) {
      if (is_sep(normalized[at]) && ++seps == 2) break;
      ++at;
    }
  } else if (normalized.size() >= 2 && normalized[1] == ':') {
    at = 2;
  }
  root = std::string(normalized.substr(0, at));
  while (at < normalized.size()) {
    while (at < normalized.size() && is_sep(normalized[at])) ++at;
    std::size_t end = at;
    while (end < normalized.size() && !is_sep(normalized[end])) ++end;
    if (end > at) parts.emplace_back(normalized.substr(at, end - at));
    at = end;
  }
  return parts;
}

}  // namespace sqltriage::webroots
