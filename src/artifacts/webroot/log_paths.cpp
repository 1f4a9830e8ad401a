// Files of configured access logs (see log_paths.hpp).
#include "artifacts/webroot/log_paths.hpp"

#include <vector>

#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

bool is_sep(char c) { return c == '/' || c == '\\'; }

/// Splits a command line into words at spaces and tabs; double quotes group (and are
/// dropped), as Windows' command line parsing does for paths.
std::vector<std::string> command_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (const char c : command) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (any) words.push_back(std::move(word));
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(std::move(word));
  return words;
}

/// The file name of a path, lower case, without ".exe".
std::string program_name(const std::string& path) {
  std::size_t start = path.size();
  while (start > 0 && !is_sep(path[start - 1])) --start;
  std::string name = ascii_lower(path.substr(start));
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".exe") == 0)
    name.resize(name.size() - 4);
  return name;
}

}  // namespace

LogTarget pattern_target(std::string_view pattern, std::string_view base, char mark) {
  const std::size_t at = pattern.find(mark);
  if (at == std::string_view::npos) return {normalize_windows_path(pattern, base), false, {}};
  std::size_t sep = at;  // the separator before the component holding the mark
  while (sep > 0 && !is_sep(pattern[sep - 1])) --sep;
  const std::string_view folder = sep == 0 ? std::string_view() : pattern.substr(0, sep - 1);
  std::string prefix;
  bool in_name = true;
  for (std::size_t i = at; i < pattern.size(); ++i)
    if (is_sep(pattern[i])) in_name = false;
  if (in_name) prefix = std::string(pattern.substr(sep, at - sep));
  // "C:" alone is the drive's root; an empty folder is the base itself.
  std::string path;
  if (folder.empty())
    path = sep == 0 ? normalize_windows_path(base) : normalize_windows_path("\\", base);
  else if (folder.size() == 2 && folder[1] == ':')
    path = normalize_windows_path(std::string(folder) + "\\", base);
  else
    path = normalize_windows_path(folder, base);
  return {std::move(path), true, std::move(prefix)};
}

std::optional<LogTarget> rotatelogs_target(std::string_view pipe, std::string_view server_root) {
  std::string_view command = pipe;
  if (!command.empty() && command[0] == '|') command.remove_prefix(1);
  if (!command.empty() && (command[0] == '$' || command[0] == '|')) command.remove_prefix(1);
  const std::vector<std::string> words = command_words(command);
  if (words.empty() || program_name(words[0]) != "rotatelogs") return std::nullopt;
  bool numbered = false;  // -n: logfile, logfile.1, ... without a time suffix
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() >= 2 && w[0] == '-') {
      if (w == "-n") numbered = true;
      if (w == "-L" || w == "-p" || w == "-n") ++i;  // options taking a value
      continue;
    }
    LogTarget target = pattern_target(w, server_root, '%');
    if (!target.folder) {
      // No '%': rotatelogs appends ".<seconds>" (or, with -n, ".1", ".2" after the first).
      const std::string file = target.path;
      const std::size_t slash = file.find_last_of('\\');
      target.name_prefix = file.substr(slash + 1) + (numbered ? "" : ".");
      target.path = normalize_windows_path(file.substr(0, slash + 1));
      target.folder = true;
    }
    return target;
  }
  return std::nullopt;
}

}  // namespace sqltriage::webroots
