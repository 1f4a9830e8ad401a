// nginx.conf and its includes (see nginx_config.hpp).
#include "artifacts/webroot/nginx_config.hpp"

#include "artifacts/webroot/config_text.hpp"
#include "artifacts/webroot/log_paths.hpp"
#include "artifacts/webroot/paths.hpp"

namespace sqltriage::webroots {

namespace {

/// Blocks nested deeper than this are counted but not read.
constexpr std::size_t kMaxBlocks = 256;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Blocks whose lines are tables, not directives.
bool is_table_block(const std::string& name) {
  return name == "map" || name == "types" || name == "geo" || name == "split_clients" ||
         name == "charset_map" || name == "match";
}

/// A token: a word, or one of ';', '{', '}' (`punct` set).
struct Token {
  std::string text;
  std::size_t line = 0;
  char punct = '\0';
};

/// Splits nginx configuration text into tokens. Reports an unterminated quote in `error`
/// (with its line) and stops there.
std::vector<Token> tokenize(const std::string& s, std::string& error) {
  std::vector<Token> tokens;
  std::size_t line = 1;
  std::size_t at = 0;
  while (at < s.size()) {
    const char c = s[at];
    if (c == '\n') ++line;
    if (is_space(c)) {
      ++at;
      continue;
    }
    if (c == '#') {
      while (at < s.size() && s[at] != '\n') ++at;
      continue;
    }
    if (c == ';' || c == '{' || c == '}') {
      tokens.push_back({{}, line, c});
      ++at;
      continue;
    }
    Token t;
    t.line = line;
    const char quote = (c == '"' || c == '\'') ? c : '\0';
    if (quote != '\0') ++at;
    bool closed = quote == '\0';
    while (at < s.size()) {
      const char d = s[at];
      if (quote != '\0' && d == quote) {
        ++at;
        closed = true;
        break;
      }
      if (quote == '\0' && (is_space(d) || d == ';' || d == '{' || d == '}')) break;
      if (d == '\\' && at + 1 < s.size()) {
        const char e = s[at + 1];
        if (e == '\n') ++line;
        switch (e) {
          case '"':
          case '\'':
          case '\\':
            t.text += e;
            break;
          case 't':
            t.text += '\t';
            break;
          case 'r':
            t.text += '\r';
            break;
          case 'n':
            t.text += '\n';
            break;
          default:
            t.text += d;
            t.text += e;
        }
        at += 2;
        continue;
      }
      if (d == '\n') ++line;
      t.text += d;
      ++at;
    }
    if (!closed) {
      error = "line " + std::to_string(t.line) + ": unterminated quoted string";
      return tokens;
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

/// The URI a `location` block serves when it is a prefix or exact match; empty for regular
/// expressions and named locations.
std::string location_url(const std::vector<std::string>& words) {
  if (words.size() < 2) return {};
  std::string arg = words[1];
  if (words.size() >= 3) {
    if (arg == "=" || arg == "^~") return join_url_path(words[2]);
    return {};  // "~" or "~*": a regular expression
  }
  if (arg.rfind("^~", 0) == 0) return join_url_path(arg.substr(2));
  if (!arg.empty() && arg[0] == '=') return join_url_path(arg.substr(1));
  if (!arg.empty() && (arg[0] == '~' || arg[0] == '@')) return {};
  return join_url_path(arg);
}

}  // namespace

NginxReader::NginxReader(std::string prefix, Includer includer, ParsedConfig& out)
    : prefix_(normalize_windows_path(prefix)), includer_(std::move(includer)), out_(out) {}

void NginxReader::close_block() {
  if (overflow_ > 0) {
    --overflow_;
    return;
  }
  Block done = std::move(blocks_.back());
  blocks_.pop_back();
  if (done.name != "server") return;
  for (const std::size_t i : done.roots) out_.parsed().roots[i].site = done.server_name;
  for (const std::size_t i : done.logs) out_.parsed().logs[i].site = done.server_name;
}

void NginxReader::access_log(const std::vector<std::string>& words, std::size_t line,
                             const std::string& display) {
  if (words.size() < 2) {
    out_.error(make_error(display, "record", at_line(line, "access_log needs an argument")));
    return;
  }
  const std::string& target = words[1];
  if (target == "off" || target.rfind("syslog:", 0) == 0) return;
  LogTarget where = pattern_target(target, prefix_, '$');
  LogLocation log;
  log.path = std::move(where.path);
  log.folder = where.folder;
  log.name_prefix = std::move(where.name_prefix);
  log.server = "nginx";
  log.source = source_of(display, line);
  const std::size_t index = out_.parsed().logs.size();
  if (!out_.log(std::move(log), display)) return;
  for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it)
    if (it->name == "server") {
      it->logs.push_back(index);
      break;
    }
}

void NginxReader::read(std::string_view bytes, const std::string& display, int depth) {
  const ConfigText text(bytes);
  std::string error;
  const std::vector<Token> tokens = tokenize(text.utf8(), error);
  const std::size_t base = blocks_.size() + overflow_;  // blocks of the including files
  std::vector<std::string> words;
  std::size_t first_line = 0;
  for (const Token& t : tokens) {
    if (out_.full()) return;
    if (t.punct == '\0') {
      if (words.empty()) first_line = t.line;
      words.push_back(t.text);
    } else if (t.punct == ';') {
      if (!words.empty()) statement(words, first_line, false, display, depth);
      words.clear();
    } else if (t.punct == '{') {
      if (words.empty())
        out_.error(
            make_error(display, "record", "line " + std::to_string(t.line) + ": unexpected \"{\""));
      statement(words, words.empty() ? t.line : first_line, true, display, depth);
      words.clear();
    } else {  // '}'
      if (!words.empty())
        out_.error(make_error(display, "record",
                              "line " + std::to_string(t.line) + ": unexpected \"}\" after \"" +
                                  words[0] + "\" (missing \";\")"));
      words.clear();
      if (blocks_.size() + overflow_ <= base)
        out_.error(
            make_error(display, "record", "line " + std::to_string(t.line) + ": unexpected \"}\""));
      else
        close_block();
    }
  }
  if (!error.empty()) out_.error(make_error(display, "record", error));
  if (!words.empty())
    out_.error(make_error(display, "record",
                          "line " + std::to_string(first_line) + ": \"" + words[0] +
                              "\" is not ended by \";\" before the end of the file"));
  if (blocks_.size() + overflow_ > base)
    out_.error(make_error(display, "record", "unexpected end of file, expecting \"}\""));
  while (blocks_.size() + overflow_ > base) close_block();
}

void NginxReader::statement(std::vector<std::string>& words, std::size_t line, bool opens_block,
                            const std::string& display, int depth) {
  const bool in_table = !blocks_.empty() && blocks_.back().skip;
  if (opens_block) {
    if (blocks_.size() >= kMaxBlocks || overflow_ > 0) {
      if (overflow_++ == 0)
        out_.error(make_error(display, "limit",
                              "line " + std::to_string(line) + ": blocks nested deeper than " +
                                  std::to_string(kMaxBlocks) + " are not read"));
      return;
    }
    Block b;
    b.name = words.empty() ? std::string() : words[0];
    b.skip = in_table || is_table_block(b.name);
    if (b.name == "location") b.url = location_url(words);
    blocks_.push_back(std::move(b));
    return;
  }
  if (in_table || overflow_ > 0 || words.empty()) return;

  const std::string& name = words[0];
  const auto at_line = [&](const std::string& what) { return webroots::at_line(line, what); };
  if (name == "root" || name == "alias") {
    if (words.size() < 2) {
      out_.error(make_error(display, "record", at_line(name + " needs an argument")));
      return;
    }
    WebRoot root;
    root.path = normalize_windows_path(words[1], prefix_);
    root.server = "nginx";
    root.url_path = "/";
    if (name == "alias") {
      root.url_path.clear();
      for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it)
        if (it->name == "location") {
          root.url_path = it->url;
          break;
        }
    }
    root.source = source_of(display, line);
    const std::size_t index = out_.parsed().roots.size();
    if (!out_.root(std::move(root), display)) return;
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it)
      if (it->name == "server") {
        it->roots.push_back(index);
        break;
      }
  } else if (name == "access_log") {
    access_log(words, line, display);
  } else if (name == "server_name") {
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it)
      if (it->name == "server") {
        if (it->server_name.empty() && words.size() > 1) it->server_name = words[1];
        break;
      }
  } else if (name == "include") {
    if (words.size() < 2) {
      out_.error(make_error(display, "record", at_line("include needs an argument")));
      return;
    }
    const std::string pattern = normalize_windows_path(words[1], prefix_ + "\\conf");
    out_.parsed().includes.push_back(pattern);
    if (!includer_) return;
    if (!include_within_depth(out_, depth, display, line, pattern)) return;
    std::vector<ErrorEntry> errors;
    includer_(
        pattern, has_wildcard(pattern), source_of(display, line),
        [&](const std::string& child, std::string_view bytes) { read(bytes, child, depth + 1); },
        errors);
    for (auto& e : errors) out_.error(std::move(e));
  }
}

ParsedConfig parse_nginx_config(std::string_view text, const std::string& display,
                                const std::string& prefix) {
  ParsedConfig out;
  NginxReader reader(prefix, nullptr, out);
  reader.read(text, display);
  return out;
}

}  // namespace sqltriage::webroots
