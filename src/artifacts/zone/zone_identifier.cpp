#include "sqltriage/zone_identifier.hpp"

#include <cctype>
#include <charconv>

namespace sqltriage {

namespace {

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<ZoneIdentifier> parse_zone_identifier(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto section = text.find("[ZoneTransfer]");
  if (section == std::string_view::npos) return std::nullopt;
  text.remove_prefix(section + 14);
  ZoneIdentifier z;
  // Items are separated by line breaks (the stream) or runs of spaces (Sysmon's rendering);
  // a value runs to the next separator, since URLs and package names hold no spaces.
  while (!text.empty()) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    if (text.empty() || text.front() == '[') break;  // the next section
    std::size_t end = 0;
    while (end < text.size() && !is_space(text[end])) ++end;
    std::string_view item = text.substr(0, end);
    text.remove_prefix(end);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string key(item.substr(0, eq));
    std::string value(item.substr(eq + 1));
    if (istarts_with(key, "ZoneId") && key.size() == 6) {
      int v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec == std::errc() && p == value.data() + value.size()) z.zone_id = v;
    } else if (istarts_with(key, "HostUrl") && key.size() == 7) {
      z.host_url = value;
    } else if (istarts_with(key, "ReferrerUrl") && key.size() == 11) {
      z.referrer_url = value;
    }
    z.values.emplace_back(std::move(key), std::move(value));
  }
  return z;
}

std::string_view zone_name(int zone_id) {
  switch (zone_id) {
    case 0:
      return "Local machine";
    case 1:
      return "Local intranet";
    case 2:
      return "Trusted sites";
    case 3:
      return "Internet";
    case 4:
      return "Restricted sites";
    default:
      return "";
  }
}

}  // namespace sqltriage
