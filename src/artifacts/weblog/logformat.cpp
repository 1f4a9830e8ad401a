// Apache LogFormat strings: compiled into literals and fields, then matched against a line.
//
// Format knowledge: Apache HTTP Server 2.4 mod_log_config ("Custom Log Formats": the
// directives, the '<' / '>' modifiers, "%{format}t", and the escaping of '"', '\' and control
// characters in logged strings as \", \\ and \xhh) and mod_logio (%I, %O); the literal escapes
// \\ \n \r \t follow mod_log_config's parse_log_misc_string, \" the quoting of httpd.conf.
//
// Matching: a field between a literal ending in '"' and one starting with '"' is quoted: it
// ends at an unescaped '"' followed by that next literal, and when the rest of the line then
// does not match, the next such '"' is tried (a bounded number of times), so unescaped quotes
// written by other servers (`alert("x")` inside a request line) still parse. Any other field
// ends at the first occurrence of the literal after it (or at the end of the line); %t is
// self-delimited by its brackets.
#include "artifacts/weblog/logformat.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "artifacts/weblog/request_reset.hpp"
#include "core/ascii.hpp"

namespace sqltriage::weblog::detail {

namespace {

/// What a field fills in.
enum class Field {
  client_ip,     // %h %a %{c}a %{c}h
  ignored,       // %l, %{Header}i other than Referer / User-Agent
  username,      // %u
  time,          // %t
  request_line,  // %r
  status,        // %s %>s
  bytes_clf,     // %b ('-' is 0)
  bytes,         // %B
  bytes_out,     // %O (headers included: wins over %b / %B)
  bytes_in,      // %I
  micros,        // %D
  seconds,       // %T
  method,        // %m
  uri_stem,      // %U
  query,         // %q
  protocol,      // %H
  site_name,     // %v %V
  server_port,   // %p
  server_ip,     // %A
  referer,       // %{Referer}i
  user_agent,    // %{User-Agent}i
};

struct Token {
  bool is_literal = false;
  std::string literal;           // is_literal
  Field field = Field::ignored;  // !is_literal
  bool quoted = false;           // between literals ending / starting with '"'
  std::string name;              // the directive as written, for reasons
};

/// Most alternatives tried for quoted fields' ends before a line is given up.
constexpr int kMaxBacktracks = 64;

/// Text for a reason: at most 40 bytes, control and non-ASCII bytes as \xhh.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

std::string at_column(std::size_t pos) { return " at column " + std::to_string(pos + 1); }

/// Unsigned decimal digits only (no sign, no space), without overflow.
std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Undoes the \" and \\ escapes of a quoted field; other escapes (\xhh, \t) stay as logged.
void unescape_into(std::string_view text, std::string& out) {
  out.clear();
  if (text.find('\\') == std::string_view::npos) {
    out.assign(text);
    return;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
    out += text[i];
  }
}

/// "-" (Apache's "no value") is empty.
void text_into(std::string_view text, bool quoted, std::string& out) {
  if (text == "-") {
    out.clear();
  } else if (quoted) {
    unescape_into(text, out);
  } else {
    out.assign(text);
  }
}

/// An RFC 9110 token character (the request method).
bool is_tchar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void split_uri(std::string_view uri, Request& out) {
  const auto q = uri.find('?');
  if (q == std::string_view::npos) {
    out.uri_stem.assign(uri);
    out.uri_query.clear();
  } else {
    out.uri_stem.assign(uri.substr(0, q));
    out.uri_query.assign(uri.substr(q + 1));
  }
}

/// "%r": "METHOD URI PROTOCOL" or "METHOD URI" (HTTP/0.9). The URI is everything between the
/// first space and the last one before an "HTTP/" protocol, so it may hold spaces. Anything
/// else ("-", a TLS handshake a scanner sent to a plain-text port) leaves method, query and
/// protocol empty and puts the whole (unescaped) text into uri_stem.
void split_request_line(std::string_view text, Request& out) {
  out.method.clear();
  out.uri_query.clear();
  out.protocol.clear();
  const auto space = text.find(' ');
  bool method_ok = space != std::string_view::npos && space > 0 && space + 1 < text.size();
  for (std::size_t i = 0; method_ok && i < space; ++i) method_ok = is_tchar(text[i]);
  if (!method_ok) {
    out.uri_stem.assign(text == "-" ? std::string_view() : text);
    return;
  }
  std::string_view uri = text.substr(space + 1);
  const auto last = uri.rfind(' ');
  if (last != std::string_view::npos && uri.substr(last + 1).starts_with("HTTP/")) {
    out.protocol.assign(uri.substr(last + 1));
    uri = uri.substr(0, last);
  }
  out.method.assign(text.substr(0, space));
  split_uri(uri, out);
}

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

/// "%t": "[10/Oct/2000:13:55:36 -0700]" (brackets included) to a UTC FILETIME.
std::optional<std::string> parse_time(std::string_view text, Request& out) {
  const auto bad = [&](const char* why) {
    return std::optional<std::string>("%t '" + excerpt(text) + "': " + why);
  };
  // [dd/Mon/yyyy:HH:MM:SS +hhmm]
  // 0123456789012345678901234567
  if (text.size() != 28 || text[0] != '[' || text[27] != ']')
    return bad("not [dd/Mon/yyyy:HH:MM:SS +hhmm]");
  const auto digits_at = [&](std::initializer_list<std::size_t> positions) {
    for (const auto p : positions)
      if (text[p] < '0' || text[p] > '9') return false;
    return true;
  };
  if (!digits_at({1, 2, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20, 23, 24, 25, 26}) || text[3] != '/' ||
      text[7] != '/' || text[12] != ':' || text[15] != ':' || text[18] != ':' || text[21] != ' ' ||
      (text[22] != '+' && text[22] != '-'))
    return bad("not [dd/Mon/yyyy:HH:MM:SS +hhmm]");
  const std::string month = ascii_lower(text.substr(4, 3));
  std::size_t m = 0;
  while (m < kMonths.size() && kMonths[m] != month) ++m;
  if (m == kMonths.size()) return bad("unknown month");
  // parse_iso8601 checks the calendar (days in the month, hours, minutes, offset) and
  // applies the offset.
  std::array<char, 25> iso{};  // yyyy-mm-ddTHH:MM:SS+hh:mm
  const auto put = [&](std::size_t at, std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) iso[at + i] = s[i];
  };
  put(0, text.substr(8, 4));
  iso[4] = '-';
  iso[5] = static_cast<char>('0' + (m + 1) / 10);
  iso[6] = static_cast<char>('0' + (m + 1) % 10);
  iso[7] = '-';
  put(8, text.substr(1, 2));
  iso[10] = 'T';
  put(11, text.substr(13, 8));
  put(19, text.substr(22, 3));
  iso[22] = ':';
  put(23, text.substr(25, 2));
  const auto ft = parse_iso8601(std::string_view(iso.data(), iso.size()));
  if (!ft) return bad("no such date, time or offset (or before 1601)");
  // An offset may carry the last day of 9999 past it: ISO 8601 has four-digit years.
  static const Filetime kLast = *parse_iso8601("9999-12-31T23:59:59.9999999Z");
  if (*ft > kLast) return bad("after the year 9999 in UTC");
  out.time = *ft;
  return std::nullopt;
}

/// Parses a count; '-' gives `dash`.
std::optional<std::string> parse_count(std::string_view text, const Token& t,
                                       std::optional<std::uint64_t> dash,
                                       std::optional<std::uint64_t>& out) {
  if (text == "-") {
    out = dash;
    return std::nullopt;
  }
  const auto v = parse_u64(text);
  if (!v) return t.name + " '" + excerpt(text) + "' is not a number";
  out = *v;
  return std::nullopt;
}

/// Parses a small number (a status, a port) of at most `max`; '-' leaves `out` empty. `what`
/// names it in the reason ("a status code").
std::optional<std::string> parse_small(std::string_view text, const Token& t, std::uint64_t max,
                                       const char* what, std::optional<int>& out) {
  if (text == "-") {
    out.reset();
    return std::nullopt;
  }
  const auto v = parse_u64(text);
  if (!v || *v > max) return t.name + " '" + excerpt(text) + "' is not " + what;
  out = static_cast<int>(*v);
  return std::nullopt;
}

/// "%T": whole seconds, or with a fraction ("0.123", as some servers write); to ms.
std::optional<std::uint64_t> seconds_to_ms(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = parse_u64(text.substr(0, dot));
  if (!whole || *whole > std::numeric_limits<std::uint64_t>::max() / 1000) return std::nullopt;
  std::uint64_t ms = *whole * 1000;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (!parse_u64(fraction)) return std::nullopt;
    std::uint64_t scale = 100;
    for (std::size_t i = 0; i < fraction.size() && i < 3; ++i, scale /= 10)
      ms += static_cast<std::uint64_t>(fraction[i] - '0') * scale;
  }
  return ms;
}

/// Stores one matched field; a reason when its text is not what the directive writes.
std::optional<std::string> store(const Token& t, std::string_view text, Request& out,
                                 bool& have_bytes_out) {
  switch (t.field) {
    case Field::ignored:
      return std::nullopt;
    case Field::client_ip:
      text_into(text, t.quoted, out.client_ip);
      return std::nullopt;
    case Field::username:
      text_into(text, t.quoted, out.username);
      return std::nullopt;
    case Field::time:
      return parse_time(text, out);
    case Field::request_line: {
      if (t.quoted && text.find('\\') != std::string_view::npos) {
        std::string unescaped;
        unescape_into(text, unescaped);
        split_request_line(unescaped, out);
      } else {
        split_request_line(text, out);
      }
      return std::nullopt;
    }
    case Field::status:
      return parse_small(text, t, 9999, "a status code", out.status);
    case Field::bytes_clf:
    case Field::bytes: {
      std::optional<std::uint64_t> v;
      auto reason = parse_count(
          text, t, t.field == Field::bytes_clf ? std::optional<std::uint64_t>(0) : std::nullopt, v);
      if (!reason && !have_bytes_out) out.bytes_sent = v;
      return reason;
    }
    case Field::bytes_out: {
      have_bytes_out = true;
      return parse_count(text, t, std::nullopt, out.bytes_sent);
    }
    case Field::bytes_in:
      return parse_count(text, t, std::nullopt, out.bytes_received);
    case Field::micros: {
      std::optional<std::uint64_t> v;
      auto reason = parse_count(text, t, std::nullopt, v);
      if (!reason) out.time_taken_ms = v ? std::optional<std::uint64_t>(*v / 1000) : std::nullopt;
      return reason;
    }
    case Field::seconds: {
      if (text == "-") {
        out.time_taken_ms.reset();
        return std::nullopt;
      }
      const auto ms = seconds_to_ms(text);
      if (!ms) return t.name + " '" + excerpt(text) + "' is not a number of seconds";
      out.time_taken_ms = *ms;
      return std::nullopt;
    }
    case Field::method:
      text_into(text, t.quoted, out.method);
      return std::nullopt;
    case Field::uri_stem:
      text_into(text, t.quoted, out.uri_stem);
      return std::nullopt;
    case Field::query: {
      std::string_view q = text;
      if (q.starts_with('?')) q.remove_prefix(1);
      text_into(q, t.quoted, out.uri_query);
      return std::nullopt;
    }
    case Field::protocol:
      text_into(text, t.quoted, out.protocol);
      return std::nullopt;
    case Field::site_name:
      text_into(text, t.quoted, out.site_name);
      return std::nullopt;
    case Field::server_ip:
      text_into(text, t.quoted, out.server_ip);
      return std::nullopt;
    case Field::server_port:
      return parse_small(text, t, 65535, "a port", out.server_port);
    case Field::referer:
      text_into(text, t.quoted, out.referer);
      return std::nullopt;
    case Field::user_agent:
      text_into(text, t.quoted, out.user_agent);
      return std::nullopt;
  }
  return std::nullopt;
}

/// The field a one-letter directive fills; nullopt when it is not one we read.
std::optional<Field> simple_directive(char c) {
  switch (c) {
    case 'h':
    case 'a':
      return Field::client_ip;
    case 'l':
      return Field::ignored;
    case 'u':
      return Field::username;
    case 't':
      return Field::time;
    case 'r':
      return Field::request_line;
    case 's':
      return Field::status;
    case 'b':
      return Field::bytes_clf;
    case 'B':
      return Field::bytes;
    case 'O':
      return Field::bytes_out;
    case 'I':
      return Field::bytes_in;
    case 'D':
      return Field::micros;
    case 'T':
      return Field::seconds;
    case 'm':
      return Field::method;
    case 'U':
      return Field::uri_stem;
    case 'q':
      return Field::query;
    case 'H':
      return Field::protocol;
    case 'v':
    case 'V':
      return Field::site_name;
    case 'p':
      return Field::server_port;
    case 'A':
      return Field::server_ip;
    default:
      return std::nullopt;
  }
}

/// Appends literal text, undoing the escapes \\ \" \n \r \t (others stay verbatim).
void append_literal(std::string_view text, std::vector<Token>& tokens) {
  if (tokens.empty() || !tokens.back().is_literal) {
    Token t;
    t.is_literal = true;
    tokens.push_back(std::move(t));
  }
  std::string& lit = tokens.back().literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      const char mapped = next == 'n' ? '\n' : next == 'r' ? '\r' : next == 't' ? '\t' : next;
      if (next == '\\' || next == '"' || next == 'n' || next == 'r' || next == 't') {
        lit += mapped;
        ++i;
        continue;
      }
    }
    lit += text[i];
  }
}

std::vector<Token> compile(std::string_view format) {
  if (format == "common") format = kCommonLogFormat;
  if (format == "combined") format = kCombinedLogFormat;
  if (format == "vhost_combined") format = kVhostCombinedLogFormat;
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < format.size()) {
    const auto pct = format.find('%', i);
    if (pct != i) {
      append_literal(format.substr(i, pct == std::string_view::npos ? pct : pct - i), tokens);
      if (pct == std::string_view::npos) break;
    }
    // format[pct] == '%'
    std::size_t j = pct + 1;
    if (j < format.size() && format[j] == '%') {
      append_literal("%", tokens);
      i = j + 1;
      continue;
    }
    std::string_view argument;
    bool has_argument = false;
    // Modifiers: '<' / '>' (original or final request), status conditions "400,501" or "!200".
    bool condition = false;
    for (; j < format.size(); ++j) {
      const char c = format[j];
      if (c == '!' || c == ',' || (c >= '0' && c <= '9')) {
        condition = true;
      } else if (c != '<' && c != '>') {
        break;
      }
    }
    if (j < format.size() && format[j] == '{') {
      const auto close = format.find('}', j + 1);
      if (close == std::string_view::npos)
        throw std::invalid_argument("LogFormat directive '" + std::string(format.substr(pct)) +
                                    "' has no closing '}'");
      argument = format.substr(j + 1, close - j - 1);
      has_argument = true;
      j = close + 1;
    }
    while (j < format.size() && (format[j] == '<' || format[j] == '>')) ++j;
    if (j >= format.size())
      throw std::invalid_argument("LogFormat ends in an incomplete directive '" +
                                  std::string(format.substr(pct)) + "'");
    const char letter = format[j];
    Token t;
    t.name = std::string(format.substr(pct, j + 1 - pct));
    if (condition)
      throw std::invalid_argument("LogFormat directive '" + t.name +
                                  "': status-code conditions are not supported");
    if (!has_argument) {
      const auto field = simple_directive(letter);
      if (!field) throw std::invalid_argument("unknown LogFormat directive '" + t.name + "'");
      t.field = *field;
    } else if (letter == 'i') {
      const std::string header = ascii_lower(argument);
      t.field = header == "referer"      ? Field::referer
                : header == "user-agent" ? Field::user_agent
                                         : Field::ignored;
    } else if ((letter == 'a' || letter == 'h') && argument == "c") {
      t.field = Field::client_ip;
    } else if (letter == 't') {
      throw std::invalid_argument("LogFormat directive '" + t.name +
                                  "' (a custom time format) is not supported; use %t");
    } else {
      throw std::invalid_argument("unknown LogFormat directive '" + t.name + "'");
    }
    // Two fields in a row need something to tell where the first ends: %t's brackets, or the
    // '?' that starts %q ("%U%q").
    const bool after_field = !tokens.empty() && !tokens.back().is_literal;
    if (after_field && tokens.back().field != Field::time && t.field != Field::time &&
        t.field != Field::query)
      throw std::invalid_argument("LogFormat directives '" + tokens.back().name + "' and '" +
                                  t.name + "' need literal text between them");
    if (after_field && tokens.size() >= 2 && !tokens[tokens.size() - 2].is_literal &&
        tokens.back().field == Field::query)
      throw std::invalid_argument("LogFormat directive '" + tokens.back().name +
                                  "' needs literal text after it");
    tokens.push_back(std::move(t));
    i = j + 1;
  }
  // Quoted fields: a literal ending in '"' before, one starting with '"' after.
  for (std::size_t k = 1; k + 1 < tokens.size(); ++k) {
    Token& t = tokens[k];
    if (t.is_literal || t.field == Field::time) continue;
    t.quoted = tokens[k - 1].is_literal && tokens[k - 1].literal.ends_with('"') &&
               tokens[k + 1].is_literal && tokens[k + 1].literal.starts_with('"');
  }
  return tokens;
}

}  // namespace

struct LogFormat::Impl {
  std::vector<Token> tokens;
  std::size_t field_count = 0;
  bool records_request_size = false;
};

LogFormat::LogFormat(std::string_view format) : impl_(std::make_unique<Impl>()) {
  impl_->tokens = compile(format);
  for (const auto& t : impl_->tokens) {
    if (t.is_literal) continue;
    ++impl_->field_count;
    if (t.field == Field::bytes_in) impl_->records_request_size = true;
  }
}

LogFormat::~LogFormat() = default;
LogFormat::LogFormat(LogFormat&&) noexcept = default;
LogFormat& LogFormat::operator=(LogFormat&&) noexcept = default;

bool LogFormat::records_request_size() const { return impl_->records_request_size; }

std::optional<std::string> LogFormat::parse(std::string_view line, Request& out) const {
  if (line.ends_with('\r')) line.remove_suffix(1);
  const auto& tokens = impl_->tokens;

  // Where each field's text lies; a choice point for each quoted field, to try its next end.
  struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  struct Choice {
    std::size_t token = 0;
    std::size_t begin = 0;
    std::size_t next = 0;  // where to look for the next closing quote
  };
  std::vector<Span> spans(tokens.size());
  std::vector<Choice> choices;
  std::optional<std::string> first_reason;
  int backtracks = 0;

  // A quoted field's end from `from` on: an unescaped '"' followed by the next literal.
  const auto closing_quote = [&](std::size_t token, std::size_t from) -> std::size_t {
    const std::string& next = tokens[token + 1].literal;
    const bool last = token + 2 == tokens.size();
    for (std::size_t p = from; p < line.size(); ++p) {
      if (line[p] == '\\') {
        ++p;
        continue;
      }
      if (line[p] != '"') continue;
      if (last) {
        // The closing literal ends the line: only one unescaped quote can close the field.
        if (line.size() - p == next.size() && line.substr(p) == next) return p;
        continue;
      }
      if (line.substr(p).starts_with(next)) return p;
    }
    return std::string_view::npos;
  };

  std::size_t k = 0;
  std::size_t pos = 0;
  bool have_bytes_out = false;
  while (true) {
    std::optional<std::string> reason;
    if (k == tokens.size()) {
      if (pos != line.size()) {
        reason = "unexpected text after the last field" + at_column(pos) + ": '" +
                 excerpt(line.substr(pos)) + "'";
      } else {
        // Every field found: store them; a field that does not read is a failure too.
        const std::uint64_t line_no = out.line;
        const std::uint64_t offset = out.offset;
        reset_request(out);
        out.line = line_no;
        out.offset = offset;
        have_bytes_out = false;
        for (std::size_t t = 0; t < tokens.size() && !reason; ++t) {
          if (tokens[t].is_literal) continue;
          reason = store(tokens[t], line.substr(spans[t].begin, spans[t].end - spans[t].begin), out,
                         have_bytes_out);
        }
        if (!reason) return std::nullopt;
      }
    } else if (const Token& t = tokens[k]; t.is_literal) {
      if (line.substr(pos).starts_with(t.literal)) {
        pos += t.literal.size();
        ++k;
        continue;
      }
      if (pos >= line.size()) {
        reason = "line ends" + at_column(pos) + " where '" + excerpt(t.literal) + "' should follow";
      } else {
        reason = "expected '" + excerpt(t.literal) + "'" + at_column(pos) + ", found '" +
                 excerpt(line.substr(pos)) + "'";
      }
    } else if (t.field == Field::time) {
      if (pos < line.size() && line[pos] == '[') {
        const auto close = line.find(']', pos);
        if (close != std::string_view::npos) {
          spans[k] = {pos, close + 1};
          pos = close + 1;
          ++k;
          continue;
        }
        reason = t.name + " has no closing ']'" + at_column(pos);
      } else {
        reason = "expected '[' of " + t.name + at_column(pos) + ", found '" +
                 excerpt(line.substr(pos)) + "'";
      }
    } else if (t.quoted) {
      const auto end = closing_quote(k, pos);
      if (end != std::string_view::npos) {
        spans[k] = {pos, end};
        choices.push_back({k, pos, end + 1});
        pos = end;
        ++k;
        continue;
      }
      reason = "quoted " + t.name + " has no closing '\"'" + at_column(pos);
    } else if (k + 1 == tokens.size()) {
      spans[k] = {pos, line.size()};
      pos = line.size();
      ++k;
      continue;
    } else if (!tokens[k + 1].is_literal) {
      // "%U%q": the field ends at the '?' that starts the query, if any, before the literal
      // after %q (compile() makes sure there is one, or the line's end).
      const auto region_end =
          k + 2 < tokens.size() ? line.find(tokens[k + 2].literal, pos) : line.size();
      if (region_end != std::string_view::npos) {
        const auto q = line.substr(pos, region_end - pos).find('?');
        const auto end = q == std::string_view::npos ? region_end : pos + q;
        spans[k] = {pos, end};
        pos = end;
        ++k;
        continue;
      }
      reason = "no '" + excerpt(tokens[k + 2].literal) + "' after " + t.name + at_column(pos);
    } else {
      const std::string& next = tokens[k + 1].literal;
      const auto end = line.find(next, pos);
      if (end != std::string_view::npos) {
        spans[k] = {pos, end};
        pos = end;
        ++k;
        continue;
      }
      reason = "no '" + excerpt(next) + "' after " + t.name + at_column(pos);
    }

    // A failure: keep the first reason, then try a quoted field's next closing quote.
    if (!first_reason) first_reason = std::move(reason);
    bool resumed = false;
    while (!choices.empty() && backtracks < kMaxBacktracks) {
      Choice& c = choices.back();
      ++backtracks;
      const auto end = closing_quote(c.token, c.next);
      if (end == std::string_view::npos) {
        choices.pop_back();
        continue;
      }
      spans[c.token] = {c.begin, end};
      c.next = end + 1;
      k = c.token + 1;
      pos = end;
      resumed = true;
      break;
    }
    if (!resumed) return first_reason;
  }
}

}  // namespace sqltriage::weblog::detail
