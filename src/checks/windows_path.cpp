// Reducing Windows paths to comparable components (see windows_path.hpp).
#include "checks/windows_path.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sqltriage::checks::detail {
namespace {

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && to_lower(s.substr(0, prefix.size())) == prefix;
}

/// Removes "\Device\HarddiskVolume<N>" or "\Device\HarddiskVolumeShadowCopy<N>".
void strip_device(std::string_view& p) {
  for (std::string_view device :
       {"\\device\\harddiskvolumeshadowcopy", "\\device\\harddiskvolume"}) {
    if (!starts_with_icase(p, device)) continue;
    std::size_t i = device.size();
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i])) != 0) ++i;
    if (i == device.size()) continue;  // no volume number: not a volume device
    p.remove_prefix(i);
    return;
  }
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

std::vector<std::string> path_components(std::string_view path) {
  std::string slashed(path);
  std::replace(slashed.begin(), slashed.end(), '/', '\\');
  std::string_view p = slashed;
  while (!p.empty() && (p.front() == '"' || p.front() == ' ')) p.remove_prefix(1);
  while (!p.empty() && (p.back() == '"' || p.back() == ' ')) p.remove_suffix(1);

  if (starts_with_icase(p, "\\\\?\\globalroot")) p.remove_prefix(14);
  for (std::string_view prefix : {"\\\\?\\", "\\??\\", "\\\\.\\"}) {
    if (starts_with_icase(p, prefix)) {
      p.remove_prefix(prefix.size() - 1);  // keep the separator
      break;
    }
  }
  strip_device(p);
  if (p.size() >= 2 && p[1] == ':' && std::isalpha(static_cast<unsigned char>(p[0])) != 0) {
    p.remove_prefix(2);
  } else if (p.size() >= 3 && p[0] == '\\' && p[2] == ':' &&
             std::isalpha(static_cast<unsigned char>(p[1])) != 0) {
    p.remove_prefix(3);  // "\C:\..." left by the prefix removal
  }

  static const std::array<std::pair<std::string_view, std::string_view>, 9> kVariables{{
      {"%systemroot%", "\\windows"},
      {"%windir%", "\\windows"},
      {"\\systemroot", "\\windows"},
      {"%programfiles(x86)%", "\\program files (x86)"},
      {"%programfiles%", "\\program files"},
      {"%programw6432%", "\\program files"},
      {"%programdata%", "\\programdata"},
      {"%allusersprofile%", "\\programdata"},
      {"%systemdrive%", ""},
  }};
  std::string expanded;
  for (const auto& [variable, value] : kVariables) {
    if (starts_with_icase(p, variable) &&
        (p.size() == variable.size() || p[variable.size()] == '\\')) {
      expanded = std::string(value) + std::string(p.substr(variable.size()));
      p = expanded;
      break;
    }
  }

  std::vector<std::string> components;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find('\\', start);
    if (end == std::string_view::npos) end = p.size();
    const auto part = p.substr(start, end - start);
    if (part == "..") {
      if (!components.empty()) components.pop_back();
    } else if (!part.empty() && part != ".") {
      components.push_back(to_lower(part));
    }
    start = end + 1;
  }
  return components;
}

std::string join_components(const std::vector<std::string>& components, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < components.size(); ++i) out += "\\" + components[i];
  return out.empty() ? "\\" : out;
}

}  // namespace sqltriage::checks::detail
