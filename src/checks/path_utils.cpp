// Path and name helpers shared by the checks: basename, executable of a command line,
// user-writable folders, web server workers.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Whether the last component of `path` ends in an extension Windows starts directly
/// (programs, scripts the shell runs, drivers and DLLs named as service binaries).
bool has_program_extension(std::string_view path) {
  static constexpr std::array<std::string_view, 8> kExtensions{".exe", ".com", ".bat", ".cmd",
                                                               ".scr", ".sys", ".dll", ".cpl"};
  const auto name = basename(path);
  return std::any_of(kExtensions.begin(), kExtensions.end(), [&](std::string_view ext) {
    return name.size() > ext.size() && iequals(name.substr(name.size() - ext.size()), ext);
  });
}

}  // namespace

std::string_view basename(std::string_view path) {
  path = trim_spaces(path);
  while (!path.empty() && (path.front() == '"' || path.front() == '\'')) path.remove_prefix(1);
  while (!path.empty() && (path.back() == '"' || path.back() == '\'')) path.remove_suffix(1);
  const auto slash = path.find_last_of("\\/");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string executable_from_command(std::string_view command_line) {
  const auto cmd = trim_spaces(command_line);
  if (cmd.empty()) return {};
  std::string_view exe;
  if (cmd.front() == '"') {
    const auto close = cmd.find('"', 1);
    exe = cmd.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else {
    // Unquoted: Windows tries each prefix ending before a space in turn ("C:\Program.exe",
    // "C:\Program Files\My.exe", ...); without the file system, the first prefix naming a
    // program file is the best guess, else the first token.
    const auto first_space = std::find_if(cmd.begin(), cmd.end(), is_space);
    exe = cmd.substr(0, static_cast<std::size_t>(first_space - cmd.begin()));
    for (std::size_t i = 1; i <= cmd.size(); ++i) {
      if ((i == cmd.size() || is_space(cmd[i])) && !is_space(cmd[i - 1]) &&
          has_program_extension(cmd.substr(0, i))) {
        exe = cmd.substr(0, i);
        break;
      }
    }
  }
  exe = trim_spaces(exe);
  if (starts_with_icase(exe, "\\??\\") || starts_with_icase(exe, "\\\\?\\")) {
    exe.remove_prefix(4);
  }
  if (starts_with_icase(exe, "\\SystemRoot\\")) {
    return "%SystemRoot%" + std::string(exe.substr(11));
  }
  // Service ImagePaths may be relative to the Windows folder ("System32\drivers\x.sys").
  if (starts_with_icase(exe, "System32\\") || starts_with_icase(exe, "SysWOW64\\")) {
    return "%SystemRoot%\\" + std::string(exe);
  }
  return std::string(exe);
}

bool in_user_writable_or_web_folder(std::string_view path) {
  static constexpr std::array<std::string_view, 13> kAnywhere{
      "programdata", "appdata", "inetpub",   "$recycle.bin",   "recycler", "perflogs",     "temp",
      "%temp%",      "%tmp%",   "%appdata%", "%localappdata%", "%public%", "%programdata%"};
  const auto parts = detail::path_components(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    if (std::find(kAnywhere.begin(), kAnywhere.end(), part) != kAnywhere.end()) return true;
    const bool users = part == "users" || part == "%userprofile%";
    if (part == "users" && i + 1 < parts.size() && parts[i + 1] == "public") return true;
    if (users) {
      // Users\<name>\Downloads|Desktop, or %USERPROFILE%\Downloads|Desktop.
      const std::size_t sub = part == "users" ? i + 2 : i + 1;
      if (sub < parts.size() && (parts[sub] == "downloads" || parts[sub] == "desktop")) {
        return true;
      }
    }
  }
  return false;
}

bool is_web_server_worker(std::string_view image_path) {
  static constexpr std::array<std::string_view, 7> kWorkers{
      "w3wp.exe", "httpd.exe", "nginx.exe", "php-cgi.exe", "php.exe", "java.exe", "javaw.exe"};
  const auto name = detail::to_lower(basename(image_path));
  if (std::find(kWorkers.begin(), kWorkers.end(), name) != kWorkers.end()) return true;
  return name.size() >= 10 && name.starts_with("tomcat") && name.ends_with(".exe");
}

}  // namespace sqltriage::checks
