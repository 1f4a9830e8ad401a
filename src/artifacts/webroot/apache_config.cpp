// Apache httpd.conf and its includes (see apache_config.hpp).
#include "artifacts/webroot/apache_config.hpp"

#include "artifacts/webroot/config_text.hpp"
#include "artifacts/webroot/paths.hpp"
#include "core/ascii.hpp"

namespace sqltriage::webroots {

namespace {

/// Sections nested deeper than this are refused (the file is hostile or broken).
constexpr std::size_t kMaxSections = 256;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

/// One logical line: its text (continuations joined) and the line it starts on.
struct Line {
  std::string text;
  std::size_t number = 0;
};

/// Splits text into logical lines: a line whose last character is '\' continues on the next
/// (httpd allows no white space after it); CR before LF is dropped.
std::vector<Line> logical_lines(const std::string& text) {
  std::vector<Line> lines;
  std::size_t number = 0;
  std::size_t at = 0;
  Line current;
  bool continued = false;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view physical(text.data() + at, end - at);
    if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
    ++number;
    if (!continued) current = Line{{}, number};
    if (!physical.empty() && physical.back() == '\\') {
      current.text.append(physical.substr(0, physical.size() - 1));
      continued = true;
    } else {
      current.text.append(physical);
      continued = false;
      lines.push_back(std::move(current));
      current = Line{};
    }
    at = end + 1;
  }
  if (continued) lines.push_back(std::move(current));
  return lines;
}

/// The words of a directive line as ap_getword_conf splits them. Sets `unterminated` when a
/// quote is not closed (the word then runs to the end of the line, as in httpd).
std::vector<std::string> split_words(std::string_view line, bool& unterminated) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (true) {
    while (at < line.size() && is_space(line[at])) ++at;
    if (at >= line.size()) break;
    const char quote = (line[at] == '"' || line[at] == '\'') ? line[at] : '\0';
    std::string word;
    if (quote != '\0') ++at;
    while (at < line.size()) {
      const char c = line[at];
      if (quote != '\0' && c == quote) break;
      if (quote == '\0' && is_space(c)) break;
      if (c == '\\' && at + 1 < line.size() &&
          (line[at + 1] == '\\' || (quote != '\0' && line[at + 1] == quote))) {
        word += line[at + 1];
        at += 2;
        continue;
      }
      word += c;
      ++at;
    }
    if (quote != '\0') {
      if (at >= line.size())
        unterminated = true;
      else
        ++at;  // the closing quote
    }
    words.push_back(std::move(word));
  }
  return words;
}

/// An AliasMatch target up to its first back-reference ($1..$9), without trailing
/// separators: "C:/Apache24/manual$1" -> "C:/Apache24/manual".
std::string before_backreference(const std::string& target) {
  std::size_t cut = target.size();
  for (std::size_t i = 0; i + 1 < target.size(); ++i)
    if (target[i] == '$' && target[i + 1] >= '0' && target[i + 1] <= '9') {
      cut = i;
      break;
    }
  std::string out = target.substr(0, cut);
  while (!out.empty() && (out.back() == '/' || out.back() == '\\')) out.pop_back();
  return out;
}

}  // namespace

ApacheReader::ApacheReader(std::string& server_root,
                           std::vector<std::pair<std::string, std::string>>& defines,
                           Includer includer, ParsedConfig& out)
    : server_root_(server_root), defines_(defines), includer_(std::move(includer)), out_(out) {}

std::string ApacheReader::substitute(const std::string& line) const {
  std::string out;
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t open = line.find("${", at);
    if (open == std::string::npos) break;
    const std::size_t close = line.find('}', open + 2);
    if (close == std::string::npos) break;
    out.append(line, at, open - at);
    const std::string name = line.substr(open + 2, close - open - 2);
    const std::string* value = nullptr;
    for (auto it = defines_.rbegin(); it != defines_.rend() && value == nullptr; ++it)
      if (it->first == name) value = &it->second;
    if (value != nullptr)
      out += *value;
    else
      out.append(line, open, close - open + 1);  // httpd keeps an undefined ${VAR} as it is
    at = close + 1;
  }
  out.append(line, std::min(at, line.size()));
  return out;
}

void ApacheReader::read(std::string_view bytes, const std::string& display, int depth) {
  const ConfigText text(bytes);
  std::vector<Section>& sections = sections_;
  const std::size_t base = sections.size();  // sections opened by the including files
  for (const Line& line : logical_lines(text.utf8())) {
    if (out_.full()) return;
    std::size_t first = 0;
    while (first < line.text.size() && is_space(line.text[first])) ++first;
    if (first == line.text.size() || line.text[first] == '#') continue;
    bool unterminated = false;
    const auto words = split_words(substitute(line.text.substr(first)), unterminated);
    if (unterminated)
      out_.error(make_error(display, "record",
                            "line " + std::to_string(line.number) + ": unterminated quote"));
    if (!words.empty()) directive(words, display, line.number, depth, base);
  }
  while (sections.size() > base) {
    out_.error(
        make_error(display, "record",
                   "<" + sections.back().name + "> is not closed before the end of the file"));
    close_section();
  }
}

void ApacheReader::close_section() {
  Section done = std::move(sections_.back());
  sections_.pop_back();
  if (done.name != "virtualhost") return;
  for (const std::size_t i : done.roots) {
    if (done.server_name.empty())
      main_roots_.push_back(i);
    else
      out_.parsed().roots[i].site = done.server_name;
  }
  for (const std::size_t i : done.logs) {
    if (done.server_name.empty())
      main_logs_.push_back(i);
    else
      out_.parsed().logs[i].site = done.server_name;
  }
}

void ApacheReader::add(std::string path, std::string url, const std::string& display,
                       std::size_t line) {
  auto& sections = sections_;
  WebRoot root;
  root.path = normalize_windows_path(path, server_root_);
  root.server = "Apache";
  root.url_path = std::move(url);
  root.source = source_of(display, line);
  const std::size_t index = out_.parsed().roots.size();
  if (!out_.root(std::move(root), display)) return;
  for (auto it = sections.rbegin(); it != sections.rend(); ++it)
    if (it->name == "virtualhost") {
      it->roots.push_back(index);
      return;
    }
  main_roots_.push_back(index);
}

void ApacheReader::directive(const std::vector<std::string>& words, const std::string& display,
                             std::size_t line, int depth, std::size_t base) {
  auto& sections = sections_;
  const std::string name = ascii_lower(words[0]);
  const auto at_line = [&](const std::string& what) { return webroots::at_line(line, what); };
  const auto need = [&](std::size_t n) {
    if (words.size() > n) return true;
    out_.error(make_error(display, "record", at_line(words[0] + " needs an argument")));
    return false;
  };

  if (name.size() > 2 && name[0] == '<' && name[1] == '/') {
    std::string closing = name.substr(2);
    if (!closing.empty() && closing.back() == '>') closing.pop_back();
    if (sections.size() <= base || sections.back().name != closing) {
      out_.error(make_error(display, "record", at_line("unexpected </" + closing + ">")));
      return;
    }
    close_section();
    return;
  }
  if (name.size() > 1 && name[0] == '<') {
    if (sections.size() >= kMaxSections) {
      out_.error(make_error(display, "limit", at_line("sections nested too deep")));
      return;
    }
    Section s;
    s.name = name.substr(1);
    if (!s.name.empty() && s.name.back() == '>') s.name.pop_back();
    if (words.size() > 1) {
      s.arg = words[1];
      if (!s.arg.empty() && s.arg.back() == '>') s.arg.pop_back();
    }
    if (s.name == "virtualhost") {
      s.scope = formats_.size();
      formats_.emplace_back();
    }
    sections.push_back(std::move(s));
    return;
  }

  if (name == "define") {
    if (need(1)) defines_.emplace_back(words[1], words.size() > 2 ? words[2] : std::string());
  } else if (name == "undefine") {
    if (need(1)) std::erase_if(defines_, [&](const auto& d) { return d.first == words[1]; });
  } else if (name == "serverroot") {
    if (need(1)) server_root_ = normalize_windows_path(words[1], server_root_);
  } else if (name == "servername") {
    if (!need(1)) return;
    for (auto it = sections.rbegin(); it != sections.rend(); ++it)
      if (it->name == "virtualhost") {
        it->server_name = words[1];
        return;
      }
    main_server_name_ = words[1];
  } else if (name == "documentroot") {
    if (need(1)) add(words[1], "/", display, line);
  } else if (name == "alias" || name == "scriptalias") {
    if (!need(1)) return;
    if (words.size() > 2) {
      add(words[2], join_url_path(words[1]), display, line);
      return;
    }
    // One argument: inside <Location>, the location's URL is the alias.
    std::string url;
    for (auto it = sections.rbegin(); it != sections.rend(); ++it)
      if (it->name == "location") {
        url = join_url_path(it->arg);
        break;
      }
    add(words[1], url, display, line);
  } else if (name == "aliasmatch" || name == "scriptaliasmatch") {
    if (need(2)) add(before_backreference(words[2]), "", display, line);
  } else if (name == "logformat" || name == "customlog" || name == "transferlog") {
    log_directive(name, words, display, line);
  } else if (name == "include" || name == "includeoptional") {
    if (!need(1)) return;
    const std::string pattern = normalize_windows_path(words[1], server_root_);
    out_.parsed().includes.push_back(pattern);
    if (!includer_) return;
    if (!include_within_depth(out_, depth, display, line, pattern)) return;
    const bool optional = name == "includeoptional";
    std::vector<ErrorEntry> errors;
    includer_(
        pattern, optional, source_of(display, line),
        [&](const std::string& child, std::string_view bytes) { read(bytes, child, depth + 1); },
        errors);
    for (auto& e : errors) out_.error(std::move(e));
  }
}

void ApacheReader::finish() {
  auto& logs = out_.parsed().logs;
  for (const PendingFormat& p : pending_) {
    if (p.log >= logs.size()) continue;
    if (p.format) {
      logs[p.log].logformat = resolve_format(*p.format, p.scope);
      continue;
    }
    // TransferLog: the default format of its server, else the main server's, else common.
    const auto& own = formats_[p.scope].unnamed;
    const auto& main = formats_[0].unnamed;
    logs[p.log].logformat = own    ? resolve_format(*own, p.scope)
                            : main ? resolve_format(*main, p.scope)
                                   : std::optional<std::string>("common");
  }
  pending_.clear();
  if (main_server_name_.empty()) return;
  for (const std::size_t i : main_roots_)
    if (out_.parsed().roots[i].site.empty()) out_.parsed().roots[i].site = main_server_name_;
  for (const std::size_t i : main_logs_)
    if (i < logs.size() && logs[i].site.empty()) logs[i].site = main_server_name_;
}

ParsedConfig parse_apache_config(std::string_view text, const std::string& display,
                                 std::string& server_root,
                                 std::vector<std::pair<std::string, std::string>>& defines) {
  ParsedConfig out;
  ApacheReader reader(server_root, defines, nullptr, out);
  reader.read(text, display);
  reader.finish();
  return out;
}

}  // namespace sqltriage::webroots
