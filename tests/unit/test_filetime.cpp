// FILETIME formatting and parsing, checked against GNU date (an independent calendar).
#include <cstdint>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/filetime.hpp"
#include "support.hpp"

using sqltriage::Filetime;
using sqltriage::format_filetime;
using sqltriage::kTicksPerSecond;
using sqltriage::parse_duration;
using sqltriage::parse_iso8601;

namespace {

constexpr std::int64_t kSecondsFrom1601To1970 = 11644473600;

/// Runs `date -u -f FILE +FORMAT` over `inputs` (one per line) and returns its output lines.
std::vector<std::string> date_lines(const std::vector<std::string>& inputs,
                                    const std::string& format) {
  REQUIRE(sqltriage::test::have_tool("date"));
  sqltriage::test::TempDir tmp;
  const auto file = tmp.path() / "inputs.txt";
  {
    std::ofstream out(file);
    for (const auto& line : inputs) out << line << '\n';
  }
  const auto r = sqltriage::test::run("date -u -f " + sqltriage::test::shell_quote(file.string()) +
                                      " " + sqltriage::test::shell_quote("+" + format));
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == inputs.size());
  return lines;
}

/// Unix seconds (floor) of a FILETIME, computed without the code under test.
std::int64_t unix_seconds(Filetime ft) {
  return static_cast<std::int64_t>(ft / kTicksPerSecond) - kSecondsFrom1601To1970;
}

/// FILETIME of Unix seconds + 100-ns ticks.
Filetime from_unix(std::int64_t seconds, std::uint64_t ticks = 0) {
  return static_cast<Filetime>(seconds + kSecondsFrom1601To1970) * kTicksPerSecond + ticks;
}

std::string seven_digits(std::uint64_t ticks) {
  std::string s = std::to_string(ticks);
  return std::string(7 - s.size(), '0') + s;
}

}  // namespace

TEST_CASE("format_filetime: fixed points", "[filetime]") {
  CHECK(format_filetime(0) == "1601-01-01T00:00:00.0000000Z");
  CHECK(format_filetime(1) == "1601-01-01T00:00:00.0000001Z");
  CHECK(format_filetime(sqltriage::kFiletimeUnixEpoch) == "1970-01-01T00:00:00.0000000Z");
  CHECK(format_filetime(sqltriage::kFiletimeUnixEpoch - 1) == "1969-12-31T23:59:59.9999999Z");
  // 2023-02-20T14:03:11Z is Unix 1676901791 (date -u -d 2023-02-20T14:03:11Z +%s).
  CHECK(format_filetime(from_unix(1676901791, 1234567)) == "2023-02-20T14:03:11.1234567Z");
  // The largest FILETIME: years past 9999 print with more digits.
  CHECK(format_filetime(std::numeric_limits<std::uint64_t>::max()) ==
        "60056-05-28T05:36:10.9551615Z");
}

TEST_CASE("format_filetime agrees with GNU date", "[filetime]") {
  std::vector<Filetime> values = {0,
                                  1,
                                  9999999,
                                  10000000,
                                  sqltriage::kFiletimeUnixEpoch,
                                  std::numeric_limits<std::uint64_t>::max()};

  // Around leap days and century years, both leap (1600 rule) and not: the second before,
  // at and after midnight of Feb 28, Feb 29 (when it exists), Mar 1 and Dec 31 / Jan 1.
  std::vector<std::string> dates;
  for (int year :
       {1601, 1604, 1700, 1800, 1900, 1999, 2000, 2004, 2023, 2024, 2100, 2400, 9996, 9999}) {
    for (const char* md : {"-02-28", "-03-01", "-12-31", "-01-01"})
      dates.push_back(std::to_string(year) + md + "T00:00:00Z");
    if (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
      dates.push_back(std::to_string(year) + "-02-29T00:00:00Z");
  }
  dates.push_back("9999-12-31T23:59:59Z");
  const auto epochs = date_lines(dates, "%s");
  for (const auto& e : epochs) {
    const std::int64_t s = std::stoll(e);
    for (std::int64_t delta : {-1, 0, 1, 86399, 86400}) {
      if (s + delta + kSecondsFrom1601To1970 >= 0) values.push_back(from_unix(s + delta, 0));
    }
  }

  std::mt19937_64 rng(20230220);
  const Filetime year_9999_end = from_unix(253402300799, kTicksPerSecond - 1);
  std::uniform_int_distribution<std::uint64_t> any;
  std::uniform_int_distribution<std::uint64_t> upto_9999(0, year_9999_end);
  for (int i = 0; i < 400; ++i) values.push_back(any(rng));
  for (int i = 0; i < 1600; ++i) values.push_back(upto_9999(rng));

  std::vector<std::string> inputs;
  for (Filetime ft : values) {
    std::string input = "@";  // built in steps: g++ 12 -O3 misreports "@" + string (PR 105329)
    input += std::to_string(unix_seconds(ft));
    inputs.push_back(input);
  }
  const auto expected = date_lines(inputs, "%Y-%m-%dT%H:%M:%S");
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO("FILETIME " << values[i]);
    CHECK(format_filetime(values[i]) ==
          expected[i] + "." + seven_digits(values[i] % kTicksPerSecond) + "Z");
  }
}

TEST_CASE("filetime_to_unix_seconds floors", "[filetime]") {
  using sqltriage::filetime_to_unix_seconds;
  CHECK(filetime_to_unix_seconds(0) == -11644473600);
  CHECK(filetime_to_unix_seconds(sqltriage::kFiletimeUnixEpoch) == 0);
  CHECK(filetime_to_unix_seconds(sqltriage::kFiletimeUnixEpoch + 9999999) == 0);
  CHECK(filetime_to_unix_seconds(sqltriage::kFiletimeUnixEpoch - 1) == -1);
  CHECK(filetime_to_unix_seconds(std::numeric_limits<std::uint64_t>::max()) == 1833029933770);
}

TEST_CASE("parse_iso8601: accepted forms", "[filetime]") {
  const Filetime t = from_unix(1676901791);  // 2023-02-20T14:03:11Z
  CHECK(parse_iso8601("2023-02-20T14:03:11Z") == t);
  CHECK(parse_iso8601("2023-02-20T14:03:11") == t);
  CHECK(parse_iso8601("2023-02-20 14:03:11") == t);
  CHECK(parse_iso8601("2023-02-20t14:03:11z") == t);  // RFC 3339 5.6 allows lower case
  CHECK(parse_iso8601("2023-02-20T14:03:11+00:00") == t);
  CHECK(parse_iso8601("2023-02-20T19:33:11+05:30") == t);
  CHECK(parse_iso8601("2023-02-20T08:33:11-05:30") == t);
  CHECK(parse_iso8601("2023-02-20") == from_unix(1676851200));
  CHECK(parse_iso8601("2023-02-20T14:03:11.1Z") == t + 1000000);
  CHECK(parse_iso8601("2023-02-20T14:03:11.1234567Z") == t + 1234567);
  CHECK(parse_iso8601("2023-02-20T14:03:11.123456789Z") == t + 1234567);  // truncated
  CHECK(parse_iso8601("2023-02-20T14:03:11.999999999+01:00") ==
        t - 3600 * kTicksPerSecond + 9999999);
  CHECK(parse_iso8601("1601-01-01T00:00:00Z") == Filetime{0});
  CHECK(parse_iso8601("1601-01-01T00:00:00.0000001Z") == Filetime{1});
  CHECK(parse_iso8601("1601-01-01T00:00:00-00:01") == Filetime{60 * kTicksPerSecond});
  CHECK(parse_iso8601("2000-02-29") == from_unix(951782400));
  CHECK(parse_iso8601("2400-02-29") == from_unix(13574563200));
  CHECK(parse_iso8601("9999-12-31T23:59:59.9999999Z") == from_unix(253402300799, 9999999));
  // Past 9999 in UTC is still a FILETIME.
  CHECK(parse_iso8601("9999-12-31T23:59:59-23:59") == from_unix(253402387139));
}

TEST_CASE("parse_iso8601: rejected text", "[filetime]") {
  for (const char* bad : {"",
                          "2023",
                          "2023-02",
                          "2023-2-20",
                          "23-02-20",
                          "2023/02/20",
                          "2023-02-20T",
                          "2023-02-20T14:03",
                          "2023-02-20T14:03:1",
                          "2023-02-20T14:03:11.",
                          "2023-02-20T14:03:11,5",
                          "2023-02-20T14:03:11.1234567890Z",
                          "2023-02-20T14:03:11ZZ",
                          "2023-02-20T14:03:11+0530",
                          "2023-02-20T14:03:11+05",
                          "2023-02-20T14:03:11+24:00",
                          "2023-02-20T14:03:11+05:60",
                          "2023-02-20Z",
                          "2023-02-20T14:03:11 ",
                          " 2023-02-20",
                          "2023-00-10",
                          "2023-13-01",
                          "2023-01-00",
                          "2023-01-32",
                          "2023-02-29",
                          "1900-02-29",
                          "2100-02-29",
                          "2023-04-31",
                          "2023-02-20T24:00:00",
                          "2023-02-20T23:60:00",
                          "2023-02-20T23:59:60",
                          "1600-12-31T23:59:59Z",
                          "1601-01-01T00:00:00+00:01",
                          "1601-01-01T04:59:59+05:00",
                          "+2023-02-20",
                          "2023-02-20T14:03:11+05:30junk",
                          "２０２３-02-20"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso8601(bad).has_value());
  }
}

TEST_CASE("parse_iso8601 agrees with GNU date", "[filetime]") {
  std::mt19937_64 rng(1601);
  const Filetime year_9999_end = from_unix(253402300799, kTicksPerSecond - 1);
  std::uniform_int_distribution<std::uint64_t> instant(0, year_9999_end);
  std::uniform_int_distribution<std::uint64_t> near_1601(0, 2 * 86400 * kTicksPerSecond);
  const std::vector<std::string> offsets = {"Z",      "",       "+00:00", "-00:00",
                                            "+05:30", "-05:30", "+14:00", "-12:00",
                                            "+23:59", "-23:59", "+00:01", "-09:45"};
  std::uniform_int_distribution<std::size_t> pick_offset(0, offsets.size() - 1);
  std::uniform_int_distribution<int> pick_digits(0, 9);
  std::uniform_int_distribution<int> pick_form(0, 9);

  std::vector<std::string> texts;
  for (int i = 0; i < 1500; ++i) {
    const Filetime ft = i % 5 == 0 ? near_1601(rng) : instant(rng);
    std::string base = format_filetime(ft);  // the input; the expected value comes from date
    base.pop_back();                         // 'Z'
    const int form = pick_form(rng);
    if (form == 0) {
      texts.push_back(base.substr(0, 10));  // date only
      continue;
    }
    std::string text = base.substr(0, 19);
    if (form == 1) text[10] = ' ';
    const int digits = pick_digits(rng);
    if (digits > 0) {
      std::string fraction = base.substr(20) + "83";  // up to 9 digits
      text += '.';
      text += fraction.substr(0, static_cast<std::size_t>(digits));
    }
    texts.push_back(text + offsets[pick_offset(rng)]);
  }
  const auto expected = date_lines(texts, "%s %N");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    INFO(texts[i] << " -> date: " << expected[i]);
    std::istringstream in(expected[i]);
    std::int64_t seconds = 0;
    std::uint64_t nanoseconds = 0;
    in >> seconds >> nanoseconds;
    const auto parsed = parse_iso8601(texts[i]);
    if (seconds + kSecondsFrom1601To1970 < 0) {
      CHECK_FALSE(parsed.has_value());
    } else {
      REQUIRE(parsed.has_value());
      CHECK(*parsed == from_unix(seconds, nanoseconds / 100));
    }
  }
}

TEST_CASE("parse_iso8601 reads back format_filetime", "[filetime]") {
  std::mt19937_64 rng(9999);
  std::uniform_int_distribution<std::uint64_t> instant(0, from_unix(253402300799, 9999999));
  for (int i = 0; i < 5000; ++i) {
    const Filetime ft = instant(rng);
    INFO(ft);
    CHECK(parse_iso8601(format_filetime(ft)) == ft);
  }
}

TEST_CASE("parse_duration", "[filetime]") {
  const std::uint64_t s = kTicksPerSecond;
  CHECK(parse_duration("90s") == 90 * s);
  CHECK(parse_duration("15m") == 900 * s);
  CHECK(parse_duration("2h") == 7200 * s);
  CHECK(parse_duration("1d") == 86400 * s);
  CHECK(parse_duration("1h30m") == 5400 * s);
  CHECK(parse_duration("1d2h3m4s") == (86400 + 7200 + 180 + 4) * s);
  CHECK(parse_duration("2H") == 7200 * s);
  CHECK(parse_duration("90m") == 5400 * s);
  CHECK(parse_duration("3600") == 3600 * s);
  CHECK(parse_duration("0") == 0u);
  CHECK(parse_duration("0s") == 0u);
  // The largest whole number of seconds that fits in 64-bit ticks, and one more.
  CHECK(parse_duration("1844674407370") == 1844674407370ULL * s);
  CHECK_FALSE(parse_duration("1844674407371").has_value());
  CHECK(parse_duration("21350398d") == 21350398ULL * 86400 * s);
  CHECK_FALSE(parse_duration("21350399d").has_value());  // overflow in the multiplication
  CHECK(parse_duration("21350398d20170s") == 1844674407370ULL * s);
  CHECK_FALSE(parse_duration("21350398d20171s").has_value());  // overflow in the addition
  CHECK_FALSE(parse_duration("99999999999999999999999").has_value());
  for (const char* bad : {"", "h", "s1", "1x", "-1", "+1", "1.5h", " 1h", "1h ", "1h30", "1m1h",
                          "1h1h", "1hm", "1 h", "1w", "0x10"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}
