// Well-known binaries: the table compiled in from data/known_binaries.tsv, and lookups on it.
#include "sqltriage/known_binaries.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/known_binaries_internal.hpp"

namespace sqltriage::embedded {
extern const std::string_view known_binaries_tsv;
}

namespace sqltriage {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

[[noreturn]] void malformed(std::size_t line_number, const std::string& why) {
  throw std::logic_error("known_binaries.tsv line " + std::to_string(line_number) + ": " + why);
}

/// Splits "name.ext" into stem and extension (without the dot); no dot: empty extension.
std::pair<std::string_view, std::string_view> stem_and_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {name, {}};
  return {name.substr(0, dot), name.substr(dot + 1)};
}

struct Table {
  std::vector<KnownBinary> entries;
  std::unordered_map<std::string, const KnownBinary*> by_name;
};

const Table& table() {
  static const Table instance = [] {
    Table t;
    t.entries = detail::parse_known_binaries(embedded::known_binaries_tsv);
    for (const auto& e : t.entries) t.by_name.emplace(e.name, &e);
    return t;
  }();
  return instance;
}

}  // namespace

namespace detail {

std::vector<KnownBinary> parse_known_binaries(std::string_view text) {
  std::vector<KnownBinary> out;
  std::unordered_map<std::string, std::size_t> seen;  // name -> line
  bool header_seen = false;
  std::size_t line_number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || trim(line).front() == '#') continue;
    const auto columns = split(line, '\t');
    if (columns.size() != 4) {
      malformed(line_number,
                "expected 4 tab-separated columns, found " + std::to_string(columns.size()));
    }
    if (!header_seen) {
      if (columns[0] != "name" || columns[1] != "folders" || columns[2] != "signer" ||
          columns[3] != "description") {
        malformed(line_number, "expected the header line 'name folders signer description'");
      }
      header_seen = true;
      continue;
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (trim(columns[i]).empty()) {
        malformed(line_number, "column " + std::to_string(i + 1) + " is empty");
      }
    }
    KnownBinary b;
    b.name = to_lower(trim(columns[0]));
    if (b.name.find_first_of("\\/ ") != std::string::npos) {
      malformed(line_number, "name '" + b.name + "' must be a bare file name");
    }
    const auto [stem, ext] = stem_and_extension(b.name);
    if (stem.empty() || ext.empty()) {
      malformed(line_number, "name '" + b.name + "' has no extension");
    }
    for (std::string_view folder : split(columns[1], ';')) {
      folder = trim(folder);
      if (folder.empty()) malformed(line_number, "empty folder in the folders column");
      b.folders.emplace_back(folder);
    }
    b.signer = std::string(trim(columns[2]));
    b.description = std::string(trim(columns[3]));
    if (const auto [it, inserted] = seen.emplace(b.name, line_number); !inserted) {
      malformed(line_number, "duplicate name '" + b.name + "' (first on line " +
                                 std::to_string(it->second) + ")");
    }
    out.push_back(std::move(b));
  }
  if (!header_seen) malformed(line_number, "no header line");
  return out;
}

int edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows of the optimal string alignment table.
  const std::size_t n = b.size();
  std::vector<int> before(n + 1), previous(n + 1), current(n + 1);
  for (std::size_t j = 0; j <= n; ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= n; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[n];
}

int lookalike_limit(std::size_t stem_length) {
  if (stem_length < 5) return 0;
  if (stem_length < 8) return 1;
  return 2;
}

}  // namespace detail

const std::vector<KnownBinary>& known_binaries() { return table().entries; }

const KnownBinary* find_known_binary(std::string_view file_name) {
  const auto& by_name = table().by_name;
  const auto it = by_name.find(to_lower(trim(file_name)));
  return it == by_name.end() ? nullptr : it->second;
}

std::optional<Lookalike> find_lookalike(std::string_view file_name) {
  const std::string name = to_lower(trim(file_name));
  if (name.empty() || find_known_binary(name) != nullptr) return std::nullopt;
  const auto [stem, ext] = stem_and_extension(name);
  std::optional<Lookalike> best;
  for (const auto& known : table().entries) {
    const auto [known_stem, known_ext] = stem_and_extension(known.name);
    if (known_ext != ext) continue;
    const int limit = detail::lookalike_limit(known_stem.size());
    const auto length_gap = static_cast<int>(known_stem.size()) - static_cast<int>(stem.size());
    if (limit == 0 || std::abs(length_gap) > limit) continue;
    // Two letters more or fewer is an imitation only when they hang off the end of the
    // known name (services32.exe); at the front they make another word (launcher.exe is
    // not fdlauncher.exe).
    if (std::abs(length_gap) >= 2) {
      const auto& shorter = length_gap > 0 ? stem : known_stem;
      const auto& longer = length_gap > 0 ? known_stem : stem;
      if (longer.compare(0, shorter.size(), shorter) != 0) continue;
    }
    const int d = detail::edit_distance(stem, known_stem);
    if (d > 0 && d <= limit && (!best || d < best->distance)) best = Lookalike{&known, d};
  }
  return best;
}

}  // namespace sqltriage
