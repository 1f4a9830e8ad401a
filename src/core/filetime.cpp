// FILETIME text forms: formatting, ISO-8601 parsing and durations.
//
// Calendar arithmetic is the proleptic Gregorian "days from civil" / "civil from days"
// algorithm (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"); no time zone
// database, locale or std::chrono::parse is involved, so results are the same everywhere.
#include "sqltriage/filetime.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace sqltriage {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
/// Seconds from 1601-01-01 to 1970-01-01.
constexpr std::int64_t kUnixEpochSeconds = 11644473600;
/// Days from 1601-01-01 to 1970-01-01.
constexpr std::int64_t kUnixEpochDays = kUnixEpochSeconds / kSecondsPerDay;

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

/// Days since 1970-01-01 of a proleptic Gregorian date.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
constexpr CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(1601, 1, 1) == -kUnixEpochDays);
static_assert(civil_from_days(-kUnixEpochDays).year == 1601);

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

/// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }

  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  /// Reads exactly `count` decimal digits.
  std::optional<unsigned> digits(std::size_t count) {
    if (text_.size() - pos_ < count) return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    return value;
  }

  /// Reads a fraction of 1..9 digits as 100-ns ticks (truncated).
  std::optional<std::uint64_t> fraction_ticks() {
    std::uint64_t ticks = 0;
    std::size_t n = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      if (n < 7) ticks = ticks * 10 + static_cast<std::uint64_t>(peek() - '0');
      ++n;
      ++pos_;
    }
    if (n == 0 || n > 9) return std::nullopt;
    for (std::size_t i = n; i < 7; ++i) ticks *= 10;
    return ticks;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Parses "+hh:mm" / "-hh:mm" into signed seconds east of UTC.
std::optional<std::int64_t> parse_offset(Scanner& s) {
  const bool negative = s.peek() == '-';
  if (!s.accept('+') && !s.accept('-')) return std::nullopt;
  const auto hh = s.digits(2);
  if (!hh || *hh > 23 || !s.accept(':')) return std::nullopt;
  const auto mm = s.digits(2);
  if (!mm || *mm > 59) return std::nullopt;
  const std::int64_t seconds = static_cast<std::int64_t>(*hh) * 3600 + *mm * 60;
  return negative ? -seconds : seconds;
}

}  // namespace

std::string format_filetime(Filetime ft) {
  const std::uint64_t seconds = ft / kTicksPerSecond;
  const auto fraction = static_cast<unsigned long>(ft % kTicksPerSecond);
  const auto days = static_cast<std::int64_t>(seconds / kSecondsPerDay);
  const auto second_of_day = static_cast<unsigned>(seconds % kSecondsPerDay);
  const CivilDate date = civil_from_days(days - kUnixEpochDays);

  // Longest form: a 5-digit year (FILETIME ends in year 60056) plus 24 characters.
  std::array<char, 48> buffer{};
  const int n =
      std::snprintf(buffer.data(), buffer.size(), "%04lld-%02u-%02uT%02u:%02u:%02u.%07luZ",
                    static_cast<long long>(date.year), date.month, date.day, second_of_day / 3600,
                    second_of_day / 60 % 60, second_of_day % 60, fraction);
  return std::string(buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::optional<Filetime> parse_iso8601(std::string_view text) {
  Scanner s(text);
  const auto year = s.digits(4);
  if (!year || !s.accept('-')) return std::nullopt;
  const auto month = s.digits(2);
  if (!month || *month < 1 || *month > 12 || !s.accept('-')) return std::nullopt;
  const auto day = s.digits(2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;

  std::int64_t second_of_day = 0;
  std::uint64_t fraction = 0;
  std::int64_t offset = 0;
  if (!s.done()) {
    // RFC 3339 section 5.6 allows a lower-case "t" and "z" as well.
    if (!s.accept('T') && !s.accept('t') && !s.accept(' ')) return std::nullopt;
    const auto hh = s.digits(2);
    if (!hh || *hh > 23 || !s.accept(':')) return std::nullopt;
    const auto mm = s.digits(2);
    if (!mm || *mm > 59 || !s.accept(':')) return std::nullopt;
    const auto ss = s.digits(2);
    if (!ss || *ss > 59) return std::nullopt;  // FILETIME has no leap seconds
    second_of_day = static_cast<std::int64_t>(*hh) * 3600 + *mm * 60 + *ss;
    if (s.accept('.')) {
      const auto ticks = s.fraction_ticks();
      if (!ticks) return std::nullopt;
      fraction = *ticks;
    }
    if (!s.accept('Z') && !s.accept('z') && !s.done()) {
      const auto parsed = parse_offset(s);
      if (!parsed) return std::nullopt;
      offset = *parsed;
    }
  }
  if (!s.done()) return std::nullopt;

  const std::int64_t days = days_from_civil(*year, *month, *day) + kUnixEpochDays;
  const std::int64_t seconds = days * kSecondsPerDay + second_of_day - offset;
  if (seconds < 0) return std::nullopt;  // before 1601-01-01T00:00:00Z
  // Four-digit years end in 9999, far below the FILETIME limit (year 60056): no overflow.
  return static_cast<Filetime>(seconds) * kTicksPerSecond + fraction;
}

std::optional<std::uint64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto read_number = [](std::string_view& rest) -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    return value;
  };
  auto add_scaled = [](std::uint64_t total, std::uint64_t count,
                       std::uint64_t seconds_per_unit) -> std::optional<std::uint64_t> {
    std::uint64_t ticks = 0;
    if (__builtin_mul_overflow(count, seconds_per_unit * kTicksPerSecond, &ticks) ||
        __builtin_add_overflow(total, ticks, &ticks))
      return std::nullopt;
    return ticks;
  };

  std::string_view rest = text;
  if (rest.front() < '0' || rest.front() > '9') return std::nullopt;  // no sign, no space
  const auto first = read_number(rest);
  if (!first) return std::nullopt;
  if (rest.empty()) return add_scaled(0, *first, 1);  // a bare number of seconds

  // Otherwise a sequence of <number><unit>, units in decreasing size, each at most once.
  constexpr std::string_view kUnits = "dhms";
  constexpr std::array<std::uint64_t, 4> kUnitSeconds = {86400, 3600, 60, 1};
  std::uint64_t total = 0;
  std::size_t next_unit = 0;  // the smallest index still allowed
  std::optional<std::uint64_t> count = first;
  while (true) {
    if (rest.empty()) return std::nullopt;  // a number without a unit after a unit
    const char unit = static_cast<char>(rest.front() | 0x20);  // ASCII lower case
    const auto index = kUnits.find(unit);
    if (index == std::string_view::npos || index < next_unit) return std::nullopt;
    rest.remove_prefix(1);
    const auto sum = add_scaled(total, *count, kUnitSeconds[index]);
    if (!sum) return std::nullopt;
    total = *sum;
    next_unit = index + 1;
    if (rest.empty()) return total;
    if (rest.front() < '0' || rest.front() > '9') return std::nullopt;
    count = read_number(rest);
    if (!count) return std::nullopt;
  }
}

std::int64_t filetime_to_unix_seconds(Filetime ft) {
  return static_cast<std::int64_t>(ft / kTicksPerSecond) - kUnixEpochSeconds;
}

Filetime now_filetime() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100;
  return kFiletimeUnixEpoch + static_cast<Filetime>(ticks);
}

}  // namespace sqltriage
