#include "artifacts/weblog/w3c.hpp"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "artifacts/weblog/request_reset.hpp"
#include "core/ascii.hpp"

namespace sqltriage::weblog {
namespace detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// The index of the first space or tab in `text` at or after `i`, or text.size(). Eight bytes
/// at a time: the zero-byte test's lowest flagged byte is always a true match.
std::size_t next_blank(std::string_view text, std::size_t i) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    const std::uint64_t space = w ^ (kOnes * ' ');
    const std::uint64_t tab = w ^ (kOnes * '\t');
    const std::uint64_t found =
        ((space - kOnes) & ~space & kHighs) | ((tab - kOnes) & ~tab & kHighs);
    if (found != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return i + static_cast<std::size_t>(std::countr_zero(found)) / 8;
      } else {
        break;  // the byte loop finds it
      }
    }
  }
  while (i < text.size() && !is_blank(text[i])) ++i;
  return i;
}

W3cField field_for(std::string_view name) {
  struct Entry {
    std::string_view name;
    W3cField field;
  };
  static constexpr Entry kFields[] = {
      {"date", W3cField::date},
      {"time", W3cField::time},
      {"c-ip", W3cField::client_ip},
      {"cs-username", W3cField::username},
      {"cs-method", W3cField::method},
      {"cs-uri-stem", W3cField::uri_stem},
      {"cs-uri-query", W3cField::uri_query},
      {"cs-version", W3cField::protocol},
      {"sc-status", W3cField::status},
      {"sc-substatus", W3cField::substatus},
      {"sc-win32-status", W3cField::win32_status},
      {"sc-bytes", W3cField::bytes_sent},
      {"cs-bytes", W3cField::bytes_received},
      {"time-taken", W3cField::time_taken},
      {"cs(user-agent)", W3cField::user_agent},
      {"cs(referer)", W3cField::referer},
      {"s-ip", W3cField::server_ip},
      {"s-port", W3cField::server_port},
      {"s-sitename", W3cField::site_name},
      {"s-computername", W3cField::computer_name},
  };
  const std::string lower = ascii_lower(name);
  for (const Entry& e : kFields)
    if (e.name == lower) return e.field;
  return W3cField::other;
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || text.front() == '-') return std::nullopt;
  return value;
}

// "hh:mm:ss" with an optional ".fraction": only digits, ':' and '.', so parse_iso8601 sees no
// offset or zone designator.
bool plausible_time(std::string_view text) {
  if (text.size() < 8) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == ':' || c == '.')) return false;
  return true;
}

bool plausible_date(std::string_view text) {
  if (text.size() != 10) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

const char* field_name(W3cField f) {
  switch (f) {
    case W3cField::status:
      return "sc-status";
    case W3cField::substatus:
      return "sc-substatus";
    case W3cField::win32_status:
      return "sc-win32-status";
    case W3cField::bytes_sent:
      return "sc-bytes";
    case W3cField::bytes_received:
      return "cs-bytes";
    case W3cField::time_taken:
      return "time-taken";
    case W3cField::server_port:
      return "s-port";
    default:
      return "field";
  }
}

std::string bad_number(W3cField f, std::string_view text) {
  std::string shown(text.substr(0, 64));
  if (text.size() > 64) shown += "...";
  return std::string(field_name(f)) + " '" + shown + "' is not a number";
}

/// "hh:mm:ss" exactly (no fraction) as a second of the day; std::nullopt for anything else,
/// which then takes the general path.
std::optional<std::uint64_t> second_of_day(std::string_view time) {
  if (time.size() != 8 || time[2] != ':' || time[5] != ':') return std::nullopt;
  for (const std::size_t i : {0, 1, 3, 4, 6, 7})
    if (time[i] < '0' || time[i] > '9') return std::nullopt;
  const auto two = [&](std::size_t i) {
    return static_cast<unsigned>((time[i] - '0') * 10 + (time[i + 1] - '0'));
  };
  const unsigned hh = two(0), mm = two(3), ss = two(6);
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return std::uint64_t{hh} * 3600 + mm * 60 + ss;
}

}  // namespace

void split_w3c_fields(std::string_view text, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    if (i == text.size()) break;
    const std::size_t start = i;
    i = next_blank(text, i);
    out.push_back(text.substr(start, i - start));
  }
}

W3cColumns w3c_columns(const std::vector<std::string>& names) {
  W3cColumns columns;
  columns.fields.reserve(names.size());
  for (const std::string& name : names) {
    const W3cField f = field_for(name);
    columns.fields.push_back(f);
    if (f == W3cField::date) columns.has_date = true;
    if (f == W3cField::bytes_received) columns.has_request_size = true;
  }
  return columns;
}

std::optional<std::string> parse_w3c_line(std::string_view line, const W3cColumns& columns,
                                          std::string_view directive_date,
                                          std::vector<std::string_view>& scratch,
                                          W3cDateCache& dates, Request& out) {
  split_w3c_fields(line, scratch);
  if (scratch.size() != columns.fields.size())
    return std::to_string(scratch.size()) + " fields where #Fields: names " +
           std::to_string(columns.fields.size());

  const std::uint64_t line_number = out.line;
  const std::uint64_t offset = out.offset;
  reset_request(out);
  out.line = line_number;
  out.offset = offset;

  std::string_view date = columns.has_date ? std::string_view() : directive_date;
  std::string_view time;
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    const std::string_view value = scratch[i] == "-" ? std::string_view() : scratch[i];
    const W3cField f = columns.fields[i];
    switch (f) {
      case W3cField::other:
        break;
      case W3cField::date:
        date = value;
        break;
      case W3cField::time:
        time = value;
        break;
      case W3cField::client_ip:
        out.client_ip = value;
        break;
      case W3cField::username:
        out.username = value;
        break;
      case W3cField::method:
        out.method = value;
        break;
      case W3cField::uri_stem:
        out.uri_stem = value;
        break;
      case W3cField::uri_query:
        out.uri_query = value;
        break;
      case W3cField::protocol:
        out.protocol = value;
        break;
      case W3cField::user_agent:
        out.user_agent = value;
        break;
      case W3cField::referer:
        out.referer = value;
        break;
      case W3cField::server_ip:
        out.server_ip = value;
        break;
      case W3cField::site_name:
        out.site_name = value;
        break;
      case W3cField::computer_name:
        out.computer_name = value;
        break;
      case W3cField::status:
      case W3cField::substatus:
      case W3cField::server_port: {
        if (value.empty()) break;
        const auto n = parse_number<int>(value);
        if (!n || (f == W3cField::server_port && *n > 65535)) return bad_number(f, value);
        if (f == W3cField::status) out.status = *n;
        if (f == W3cField::substatus) out.substatus = *n;
        if (f == W3cField::server_port) out.server_port = *n;
        break;
      }
      case W3cField::win32_status:
      case W3cField::bytes_sent:
      case W3cField::bytes_received:
      case W3cField::time_taken: {
        if (value.empty()) break;
        const auto n = parse_number<std::uint64_t>(value);
        if (!n) return bad_number(f, value);
        if (f == W3cField::win32_status) out.win32_status = *n;
        if (f == W3cField::bytes_sent) out.bytes_sent = *n;
        if (f == W3cField::bytes_received) out.bytes_received = *n;
        if (f == W3cField::time_taken) out.time_taken_ms = *n;
        break;
      }
    }
  }

  if (!date.empty() && !time.empty()) {
    std::optional<Filetime> ft;
    if (const auto second = second_of_day(time); second && plausible_date(date)) {
      // Fast path, the same instant parse_iso8601 gives for "date hh:mm:ss": the date's
      // midnight (parsed once per date) plus the time of day.
      if (date != dates.text) {
        dates.text.assign(date);
        dates.midnight = parse_iso8601(date);
      }
      if (dates.midnight) ft = *dates.midnight + *second * kTicksPerSecond;
    } else if (plausible_date(date) && plausible_time(time)) {
      std::string text;
      text.reserve(date.size() + 1 + time.size());
      text.append(date).append(" ").append(time);
      ft = parse_iso8601(text);
    }
    if (!ft) {
      std::string shown = std::string(date.substr(0, 32)) + " " + std::string(time.substr(0, 32));
      return "unparsable date and time '" + shown + "'";
    }
    out.time = ft;
  } else if (columns.has_date && !date.empty() && !plausible_date(date)) {
    return "unparsable date '" + std::string(date.substr(0, 32)) + "'";
  }
  return std::nullopt;
}

}  // namespace detail

std::vector<std::string> w3c_field_names(const std::string& directive_value) {
  std::vector<std::string_view> parts;
  detail::split_w3c_fields(directive_value, parts);
  return {parts.begin(), parts.end()};
}

}  // namespace sqltriage::weblog
