// The reader's fast paths on W3C lines, which look at eight bytes at a time or remember the
// last date:
// - date and time fields: lines of one day reuse the day's parsed date, so the test mixes
//   repeated, alternating and impossible dates (29 February of common years, month 13, day 00,
//   hour 24, minute 60, a year before 1601) with and without fractions. Oracle: Python's
//   datetime computes each line's instant (or that it has none) from the same text.
// - field splitting on spaces and tabs, and the control-byte check, at every position of an
//   eight-byte word. Oracle: the field values and the bad columns the test wrote.
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/weblog.hpp"
#include "support.hpp"

namespace {

namespace wl = sqltriage::weblog;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::write_file;

constexpr const char* kOracle = R"PY(
import datetime, sys
EPOCH = datetime.datetime(1601, 1, 1)
for line in open(sys.argv[1]):
    date, time = line.split()
    whole, _, frac = time.partition(".")
    try:
        t = datetime.datetime.strptime(date + " " + whole, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        print("bad")
        continue
    if len(date) != 10 or len(whole) != 8 or t < EPOCH:
        print("bad")
        continue
    delta = t - EPOCH
    ticks = (delta.days * 86400 + delta.seconds) * 10**7 + int((frac + "0000000")[:7])
    print(ticks)
)PY";

}  // namespace

TEST_CASE("weblog W3C dates repeated, alternating and impossible agree with Python", "[weblog]") {
  if (!sqltriage::test::tool_or_skip("/usr/bin/python3")) return;
  const std::vector<std::string> dates = {"2024-02-29", "2023-02-29", "2024-03-01", "2023-13-01",
                                          "2024-01-00", "1600-12-31", "1601-01-01", "9999-12-31",
                                          "2024-12-31", "2025-01-01"};
  const std::vector<std::string> times = {"00:00:00",    "23:59:59",        "24:00:00",
                                          "12:60:00",    "12:00:60",        "07:08:09",
                                          "01:02:03.25", "10:11:12.1234567"};
  std::uint64_t x = 20261130;
  const auto next = [&](std::uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  };
  std::string log =
      "#Software: Microsoft Internet Information Services 10.0\n"
      "#Fields: date time c-ip cs-method cs-uri-stem sc-status\n";
  std::string stamps;
  std::vector<std::string> stamp_of;
  std::size_t date = 0;
  for (int i = 0; i < 3000; ++i) {
    if (next(4) == 0) date = next(dates.size());  // runs of one date, then a jump
    const std::string stamp = dates[date] + " " + times[next(times.size())];
    log += stamp + " 192.0.2." + std::to_string(i % 250) + " GET /p" + std::to_string(i) + " 200\n";
    stamps += stamp + "\n";
    stamp_of.push_back(stamp);
  }
  TempDir dir;
  write_file(dir.path() / "stamps.txt", stamps);
  write_file(dir.path() / "oracle.py", kOracle);
  const auto oracle = run("/usr/bin/python3 " + shell_quote((dir.path() / "oracle.py").string()) +
                          " " + shell_quote((dir.path() / "stamps.txt").string()));
  REQUIRE(oracle.exit_code == 0);
  std::vector<std::string> expected;
  std::istringstream in(oracle.out);
  for (std::string line; std::getline(in, line);) expected.push_back(line);
  REQUIRE(expected.size() == 3000);

  write_file(dir.path() / "u_ex.log", log);
  auto reader = wl::Reader::open(sqltriage::open_host_file(dir.path() / "u_ex.log"), "u_ex.log");
  wl::Request r;
  std::vector<std::string> got(expected.size(), "bad");
  std::size_t good = 0;
  while (reader->next(r)) {
    REQUIRE(r.time.has_value());
    got.at(r.line - 3) = std::to_string(*r.time);  // data lines start at line 3
    ++good;
  }
  CHECK(good + reader->bad_line_count() == expected.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("line " << i + 3 << ": " << stamp_of[i]);
    CHECK(got[i] == expected[i]);
    bad += expected[i] == "bad";
  }
  CHECK(bad == reader->bad_line_count());
  CHECK(bad > 300);   // the impossible stamps did come up
  CHECK(good > 300);  // and the possible ones
}

TEST_CASE("weblog W3C splits on spaces and tabs and finds control bytes at every column",
          "[weblog]") {
  // Field values of every length 1..19, so separators fall at every place in a word.
  TempDir dir;
  for (int shift = 0; shift < 8; ++shift) {
    std::string log = "#Fields: c-ip cs-method cs-uri-stem cs-username\n";
    std::vector<std::vector<std::string>> want;
    std::vector<std::string> bad_reason;  // per data line: "" or the column expected
    for (int len = 1; len < 20; ++len) {
      const std::string stem = "/" + std::string(static_cast<std::size_t>(len), 'a' + len % 26);
      const std::string user(static_cast<std::size_t>(shift + 1), 'u');
      const std::string ip = "10.0." + std::to_string(len) + "." + std::to_string(shift);
      const std::string sep = len % 3 == 0 ? "\t" : len % 3 == 1 ? " " : " \t  ";
      log += std::string(static_cast<std::size_t>(shift % 3), ' ') + ip + sep + "GET" + sep + stem +
             sep + user + "\n";
      want.push_back({ip, stem, user});
      // The same line with a control byte (0x01 .. 0x1F but tab, or 0x7F) at column `col`.
      const std::string clean = ip + " GET " + stem + " " + user;
      const std::size_t col = static_cast<std::size_t>(len + shift) % clean.size();
      std::string dirty = clean;
      dirty[col] = len % 2 == 0 ? '\x7F' : static_cast<char>(1 + len % 8);
      log += dirty + "\n";
      want.push_back({});
      bad_reason.push_back("at column " + std::to_string(col + 1));
    }
    const auto path = dir.path() / ("u_ex" + std::to_string(shift) + ".log");
    write_file(path, log);
    auto reader = wl::Reader::open(sqltriage::open_host_file(path), path.string());
    wl::Request r;
    std::size_t good = 0;
    while (reader->next(r)) {
      const auto& w = want.at(r.line - 2);
      REQUIRE(w.size() == 3);
      CHECK(r.client_ip == w[0]);
      CHECK(r.method == "GET");
      CHECK(r.uri_stem == w[1]);
      CHECK(r.username == w[2]);
      ++good;
    }
    CHECK(good == 19);
    REQUIRE(reader->bad_line_count() == 19);
    for (std::size_t i = 0; i < 19; ++i) {
      const auto& b = reader->bad_lines()[i];
      CHECK(b.line == 2 + 2 * i + 1);
      INFO(b.reason);
      CHECK(b.reason.starts_with("binary data: byte 0x"));
      CHECK(b.reason.ends_with(bad_reason[i]));
    }
  }
}
