// The well-known SID table compiled in from data/well_known_sids.tsv.
#include <stdexcept>
#include <unordered_set>

#include "artifacts/registry/accounts/account_sources.hpp"

namespace sqltriage::embedded {
extern const std::string_view well_known_sids_tsv;
}

namespace sqltriage::accounts {

namespace {

[[noreturn]] void malformed(std::size_t line, const std::string& why) {
  throw std::logic_error("well_known_sids.tsv line " + std::to_string(line) + ": " + why);
}

bool is_sid_text(std::string_view s) {
  if (s.size() < 5 || s.substr(0, 4) != "S-1-") return false;
  bool digit = false;
  for (char c : s.substr(4)) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '-' && digit) {
      digit = false;
    } else {
      return false;
    }
  }
  return digit;
}

}  // namespace

WellKnown parse_well_known_sids(std::string_view text) {
  WellKnown out;
  std::unordered_set<std::string> seen;
  bool header = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos)
      malformed(line_number, "expected 2 tab-separated columns");
    const std::string sid(line.substr(0, tab));
    const std::string name(line.substr(tab + 1));
    if (!header) {
      if (sid != "sid" || name != "name") malformed(line_number, "expected the header 'sid name'");
      header = true;
      continue;
    }
    if (name.empty() || name.front() == ' ' || name.back() == ' ')
      malformed(line_number, "empty or padded name");
    if (!seen.insert(sid).second) malformed(line_number, "duplicate sid " + sid);
    constexpr std::string_view kDomain = "S-1-5-21-*-";
    if (sid.rfind(kDomain, 0) == 0) {
      const std::string rid = sid.substr(kDomain.size());
      if (!is_sid_text("S-1-" + rid) || rid.find('-') != std::string::npos)
        malformed(line_number, "bad domain-relative RID in " + sid);
      out.domain_rid.push_back({rid, name});
    } else {
      if (!is_sid_text(sid)) malformed(line_number, "not a SID: " + sid);
      out.fixed.push_back({sid, name});
    }
  }
  if (!header) malformed(line_number, "no header line");
  return out;
}

const WellKnown& well_known_sids() {
  static const WellKnown table = parse_well_known_sids(embedded::well_known_sids_tsv);
  return table;
}

}  // namespace sqltriage::accounts
