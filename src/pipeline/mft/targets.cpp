#include "pipeline/mft/targets.hpp"

#include <cctype>

#include "sqltriage/checks.hpp"

namespace sqltriage::pipeline::mft_scan {

namespace {

bool is_path(std::string_view t) { return t.find_first_of("\\/") != std::string_view::npos; }

std::string_view leaf(std::string_view path) {
  const auto slash = path.find_last_of('\\');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view folder_of(std::string_view path) {
  const auto slash = path.find_last_of('\\');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

}  // namespace

Targets::Targets(const std::vector<std::string>& targets) {
  for (const auto& t : targets) {
    std::string_view v = t;
    while (!v.empty() && (v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.remove_suffix(1);
    if (v.empty()) continue;
    if (is_path(v)) {
      auto p = normalize_path(v);
      if (p != "\\") paths_.push_back(std::move(p));
    } else {
      names_.emplace_back(v);
    }
  }
}

std::string Targets::normalize_path(std::string_view path) {
  std::string s(path);
  for (auto& c : s)
    if (c == '/') c = '\\';
  std::string_view v = s;
  if (v.starts_with("\\\\?\\") || v.starts_with("\\??\\")) v.remove_prefix(4);
  if (v.size() >= 2 && v[1] == ':' && std::isalpha(static_cast<unsigned char>(v[0])))
    v.remove_prefix(2);
  std::string out = "\\";
  for (char c : v) {
    if (c == '\\' && out.back() == '\\') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '\\') out.pop_back();
  return out;
}

bool Targets::has_short_name() const {
  for (const auto& n : names_)
    if (n.find('~') != std::string::npos) return true;
  return false;
}

bool Targets::name_matches(std::string_view name) const {
  for (const auto& n : names_)
    if (checks::iequals(n, name)) return true;
  return false;
}

bool Targets::path_leaf_matches(std::string_view name) const {
  for (const auto& p : paths_)
    if (checks::iequals(leaf(p), name)) return true;
  return false;
}

bool Targets::path_matches(std::string_view path) const {
  if (paths_.empty()) return false;
  const auto normalized = normalize_path(path);
  for (const auto& p : paths_)
    if (checks::iequals(p, normalized)) return true;
  return false;
}

bool Targets::names_file(std::string_view name, std::string_view folder) const {
  if (name_matches(name)) return true;
  const auto f = folder.empty() ? std::string() : normalize_path(folder);
  for (const auto& p : paths_) {
    if (!checks::iequals(leaf(p), name)) continue;
    if (f.empty() || checks::iequals(folder_of(p), f)) return true;
  }
  return false;
}

}  // namespace sqltriage::pipeline::mft_scan
