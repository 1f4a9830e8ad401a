// NoiseFilter: the --noise list of addresses and networks (weblog_analysis.hpp).
//
// Lookup: entries are kept masked to their prefix and sorted by (family, network, prefix), so
// an address is matched with one binary search per prefix length, longest first: the most
// specific entry wins, and among equal entries the first in the file.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "core/csv.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

/// The 4 or 16 bytes of an IPv4 or IPv6 literal ("[...]" and a "%zone" allowed); an
/// IPv4-mapped IPv6 address (::ffff:a.b.c.d) gives its 4 IPv4 bytes. Empty when `text` is not
/// an address.
std::vector<std::uint8_t> address_bytes(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const auto zone = text.find('%'); zone != std::string_view::npos) {
    text = text.substr(0, zone);
  }
  if (text.empty() || text.size() > 64) return {};
  const std::string s(text);
  std::array<std::uint8_t, 4> v4{};
  if (inet_pton(AF_INET, s.c_str(), v4.data()) == 1) return {v4.begin(), v4.end()};
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, s.c_str(), v6.data()) != 1) return {};
  const bool mapped = std::all_of(v6.begin(), v6.begin() + 10, [](auto b) { return b == 0; }) &&
                      v6[10] == 0xFF && v6[11] == 0xFF;
  if (mapped) return {v6.begin() + 12, v6.end()};
  return {v6.begin(), v6.end()};
}

/// Clears every bit of `bytes` past the first `prefix` bits.
void mask(std::vector<std::uint8_t>& bytes, unsigned prefix) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix >= first_bit + 8) continue;
    const unsigned keep = prefix > first_bit ? prefix - first_bit : 0;
    bytes[i] = static_cast<std::uint8_t>(keep == 0 ? 0 : bytes[i] & (0xFF << (8 - keep)));
  }
}

struct ParsedNet {
  std::vector<std::uint8_t> bytes;
  unsigned prefix = 0;
};

/// "a.b.c.d", "a.b.c.d/n", "x::y", "x::y/n"; host bits past the prefix are cleared
/// ("198.51.100.7/24" is 198.51.100.0/24). False for anything else.
bool parse_net(std::string_view text, ParsedNet& out) {
  text = trim(text);
  const auto slash = text.find('/');
  const bool has_prefix = slash != std::string_view::npos;
  const std::string_view address = has_prefix ? text.substr(0, slash) : text;
  if (address.find('%') != std::string_view::npos) return false;  // no zones in a list
  // An IPv4-mapped IPv6 network counts its prefix over the IPv6 bits.
  const bool v6_text = address.find(':') != std::string_view::npos;
  out.bytes = address_bytes(address);
  if (out.bytes.empty()) return false;
  const unsigned width = static_cast<unsigned>(out.bytes.size()) * 8;
  const unsigned text_width = v6_text ? 128 : 32;
  out.prefix = width;
  if (has_prefix) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return false;
    unsigned n = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n > text_width) return false;
    if (text_width != width) {                   // ::ffff:a.b.c.d/n
      if (n < text_width - width) return false;  // wider than the mapped range
      n -= text_width - width;
    }
    out.prefix = n;
  }
  mask(out.bytes, out.prefix);
  return true;
}

/// Entry order: family (address length), network bytes, prefix; -1, 0 or 1. A plain loop: g++
/// 12 reports a false -Wstringop-overread on std::vector<std::uint8_t>'s operator<=>.
int compare_net(const std::vector<std::uint8_t>& a, unsigned a_prefix,
                const std::vector<std::uint8_t>& b, unsigned b_prefix) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  if (a_prefix != b_prefix) return a_prefix < b_prefix ? -1 : 1;
  return 0;
}

/// A string source for read_csv_record that counts the line ends it has passed.
class CountingSource {
 public:
  explicit CountingSource(std::string_view s) : s_(s) {}
  int get() {
    if (i_ >= s_.size()) return -1;
    const auto c = static_cast<unsigned char>(s_[i_++]);
    if (c == '\n') ++line_ends_;
    return c;
  }
  int peek() const { return i_ < s_.size() ? static_cast<unsigned char>(s_[i_]) : -1; }
  std::uint64_t line_ends() const { return line_ends_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  std::uint64_t line_ends_ = 0;
};

constexpr std::size_t kMaxRecordBytes = 1 << 20;

[[noreturn]] void fail(const std::string& display, std::uint64_t line, const std::string& what) {
  throw std::invalid_argument(display + " line " + std::to_string(line) + ": " + what);
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 80;
  std::string out(text.substr(0, kShown));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  if (text.size() > kShown) out += "...";
  return "\"" + out + "\"";
}

}  // namespace

NoiseFilter NoiseFilter::from_values(const std::vector<std::string>& values,
                                     const std::string& option) {
  std::string list;
  for (const auto& v : values) {
    const auto refuse = [&] {
      throw std::invalid_argument(option + " " + v + ": not an IPv4 or IPv6 address or CIDR block");
    };
    // One value at a time, so that the error names it and nothing else on a line counts.
    if (v.empty() || v.find_first_of("\n#,") != std::string::npos) refuse();
    try {
      parse(v, option);
    } catch (const std::invalid_argument&) {
      refuse();
    }
    list += v + "\n";
  }
  return parse(list, option);
}

NoiseFilter NoiseFilter::parse(const std::string& text, const std::string& display) {
  NoiseFilter filter;
  auto add = [&](std::string_view entry, std::string label, std::uint64_t line) {
    ParsedNet net;
    if (!parse_net(entry, net))
      fail(display, line, quoted(entry) + " is not an address or network");
    filter.nets_.push_back({std::move(net.bytes), net.prefix, std::move(label)});
  };

  // The first line that is neither blank nor a comment decides: a CSV header when one of its
  // cells is "ip", otherwise a list of one entry a line.
  std::string_view rest = text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  std::uint64_t skipped_lines = 0;
  bool csv = false;
  for (std::string_view scan = rest; !scan.empty();) {
    const auto end = scan.find('\n');
    const std::string_view line = trim(scan.substr(0, end));
    if (!line.empty() && line.front() != '#') {
      std::vector<std::string> cells;
      csv::CsvRecordState state;
      CountingSource src(line);
      csv::read_csv_record(src, cells, kMaxRecordBytes, state);
      csv = std::any_of(cells.begin(), cells.end(),
                        [](const std::string& c) { return ascii_lower(c) == "ip"; });
      rest = scan;
      break;
    }
    ++skipped_lines;
    if (end == std::string_view::npos) {
      rest = {};
      break;
    }
    scan.remove_prefix(end + 1);
  }

  if (!csv) {
    std::uint64_t number = skipped_lines;
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      ++number;
      if (const auto hash = line.find('#'); hash != std::string_view::npos) {
        line = line.substr(0, hash);  // "203.0.113.7  # scanner"
      }
      line = trim(line);
      if (!line.empty()) add(line, "noise", number);
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  } else {
    CountingSource src(rest);
    std::vector<std::string> cells;
    csv::CsvRecordState state;
    std::optional<std::size_t> ip_column, label_column;
    while (true) {
      const std::uint64_t number = skipped_lines + src.line_ends() + 1;
      if (!csv::read_csv_record(src, cells, kMaxRecordBytes, state)) break;
      if (state.unterminated) fail(display, number, "a quoted field is not closed");
      if (state.too_long) fail(display, number, "record longer than 1 MiB");
      const bool blank = cells.size() == 1 && cells[0].empty();
      if (blank || (!cells.empty() && !cells[0].empty() && cells[0].front() == '#')) continue;
      if (!ip_column) {
        for (std::size_t i = 0; i < cells.size(); ++i) {
          const std::string name = ascii_lower(trim(cells[i]));
          if (name == "ip" && !ip_column) ip_column = i;
          if (name == "classification" && !label_column) label_column = i;
        }
        continue;
      }
      if (*ip_column >= cells.size()) {
        fail(display, number,
             std::to_string(cells.size()) + " fields, no \"ip\" column (field " +
                 std::to_string(*ip_column + 1) + ")");
      }
      std::string label = "noise";
      if (label_column && *label_column < cells.size() && !trim(cells[*label_column]).empty()) {
        label = std::string(trim(cells[*label_column]));
      }
      add(cells[*ip_column], std::move(label), number);
    }
  }

  std::stable_sort(filter.nets_.begin(), filter.nets_.end(), [](const Net& a, const Net& b) {
    return compare_net(a.bytes, a.prefix, b.bytes, b.prefix) < 0;
  });
  return filter;
}

std::optional<std::string> NoiseFilter::match(const std::string& address) const {
  const std::vector<std::uint8_t> bytes = address_bytes(address);
  if (bytes.empty() || nets_.empty()) return std::nullopt;
  std::vector<std::uint8_t> key = bytes;
  for (unsigned prefix = static_cast<unsigned>(bytes.size()) * 8 + 1; prefix-- > 0;) {
    mask(key, prefix);  // one more bit cleared each round
    const auto it = std::lower_bound(
        nets_.begin(), nets_.end(), key,
        [&](const Net& n, const auto& k) { return compare_net(n.bytes, n.prefix, k, prefix) < 0; });
    if (it != nets_.end() && compare_net(it->bytes, it->prefix, key, prefix) == 0) return it->label;
  }
  return std::nullopt;
}

std::size_t NoiseFilter::size() const { return nets_.size(); }

}  // namespace sqltriage::weblog
