// detail::LogFormat: Apache LogFormat strings and NCSA common / combined lines. The corpus
// Apache log is checked against Python's own reading of it (a regular expression per format
// and datetime.strptime with %z for the times); generated lines against the values the test
// wrote into them, with their times converted by Python.
#include <array>
#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "artifacts/weblog/logformat.hpp"
#include "sqltriage/filetime.hpp"
#include "support.hpp"

using sqltriage::filetime_to_unix_seconds;
using sqltriage::weblog::Request;
using sqltriage::weblog::detail::kCombinedLogFormat;
using sqltriage::weblog::detail::kCommonLogFormat;
using sqltriage::weblog::detail::LogFormat;

namespace {

/// Apache's "vhost_combined".
constexpr const char* kVhostCombined =
    "%v:%p %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";

std::vector<std::string> output_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> file_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Runs a Python script (written to `dir`) with `arg`; REQUIREs exit code 0.
std::vector<std::string> run_python(const sqltriage::test::TempDir& dir, const std::string& script,
                                    const std::filesystem::path& arg) {
  REQUIRE(sqltriage::test::tool_or_skip("python3"));
  const auto path = dir.path() / "oracle.py";
  sqltriage::test::write_file(path, script);
  const auto r = sqltriage::test::run("python3 " + sqltriage::test::shell_quote(path.string()) +
                                      " " + sqltriage::test::shell_quote(arg.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return output_lines(r.out);
}

// Python's reading of an NCSA / Apache log: a line per input line, tab-separated:
// kind ip status bytes unix_time method uri_stem uri_query protocol referer user_agent
// vhost port. kind is combined, vhost (vhost_combined), common or bad.
constexpr const char* kCorpusOracle = R"PY(
import re, sys, datetime
head = r'(\S+) (\S+) (\S+) \[([^\]]*)\] "(.*?)" (\S+) (\S+)'
combined = re.compile('^' + head + r' "(.*?)" "(.*)"$')
vhost = re.compile(r'^([^:\s]+):(\d+) ' + head + r' "(.*?)" "(.*)"$')
common = re.compile('^' + head + '$')
def dash(v):
    return '' if v == '-' else v
for raw in open(sys.argv[1], 'rb').read().split(b'\n')[:-1]:
    line = raw.decode('utf-8')
    kind, host, port, ref, ua = 'bad', '', '', '', ''
    m = combined.match(line)
    if m:
        kind = 'combined'
        ip, _, _, t, r, st, b, ref, ua = m.groups()
    else:
        m = vhost.match(line)
        if m:
            kind = 'vhost'
            host, port, ip, _, _, t, r, st, b, ref, ua = m.groups()
        else:
            m = common.match(line)
            if m:
                kind = 'common'
                ip, _, _, t, r, st, b = m.groups()
    if kind == 'bad':
        print('bad')
        continue
    ts = int(datetime.datetime.strptime(t, '%d/%b/%Y:%H:%M:%S %z').timestamp())
    parts = r.split(' ')
    method, proto = parts[0], ''
    rest = parts[1:]
    if len(rest) >= 2 and rest[-1].startswith('HTTP/'):
        proto = rest[-1]
        rest = rest[:-1]
    stem, _, query = ' '.join(rest).partition('?')
    b = '0' if b == '-' else b
    print('\t'.join([kind, ip, st, b, str(ts), method, stem, query, proto, dash(ref),
                     dash(ua), host, port]))
)PY";

// One Unix time per line of "[dd/Mon/yyyy:HH:MM:SS +hhmm]" times.
constexpr const char* kTimeOracle = R"PY(
import sys, datetime
for t in open(sys.argv[1]).read().split('\n')[:-1]:
    print(int(datetime.datetime.strptime(t, '[%d/%b/%Y:%H:%M:%S %z]').timestamp()))
)PY";

Request parsed(const LogFormat& format, const std::string& line) {
  Request r;
  const auto reason = format.parse(line, r);
  INFO(line);
  INFO(reason.value_or(""));
  REQUIRE_FALSE(reason);
  return r;
}

std::string reason_for(const LogFormat& format, const std::string& line) {
  Request r;
  const auto reason = format.parse(line, r);
  INFO(line);
  REQUIRE(reason);
  CHECK_FALSE(reason->empty());
  return *reason;
}

std::string invalid_argument_text(const std::string& format) {
  try {
    LogFormat f(format);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  FAIL("no invalid_argument for " << format);
  return "";
}

}  // namespace

TEST_CASE("LogFormat: the corpus Apache log against Python's reading", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/plaso_apache_access.log");
  sqltriage::test::TempDir tmp;
  const auto expected = run_python(tmp, kCorpusOracle, log);
  const auto lines = file_lines(log);
  REQUIRE(expected.size() == lines.size());

  const LogFormat combined("combined");
  const LogFormat common("common");
  const LogFormat vhost(kVhostCombined);
  std::array<int, 4> kinds{};  // combined, vhost, common, bad
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto want = sqltriage::test::split_tabs(expected[i]);
    INFO("line " << i + 1 << ": " << lines[i]);
    if (want[0] == "bad") {
      ++kinds[3];
      Request r;
      CHECK(combined.parse(lines[i], r));
      CHECK(common.parse(lines[i], r));
      CHECK(vhost.parse(lines[i], r));
      continue;
    }
    REQUIRE(want.size() == 13);
    Request r;
    r.line = i + 1;
    r.offset = 12345;
    if (want[0] == "combined") {
      ++kinds[0];
      CHECK_FALSE(combined.parse(lines[i], r));
    } else if (want[0] == "vhost") {
      ++kinds[1];
      CHECK(combined.parse(lines[i], r));  // the leading vhost:port is not an address
      CHECK_FALSE(vhost.parse(lines[i], r));
      CHECK(r.site_name == want[11]);
      REQUIRE(r.server_port);
      CHECK(*r.server_port == std::stoi(want[12]));
    } else {
      ++kinds[2];
      CHECK(combined.parse(lines[i], r));  // no referer or user agent
      CHECK_FALSE(common.parse(lines[i], r));
    }
    CHECK(r.line == i + 1);
    CHECK(r.offset == 12345);
    CHECK(r.client_ip == want[1]);
    REQUIRE(r.status);
    CHECK(std::to_string(*r.status) == want[2]);
    REQUIRE(r.bytes_sent);
    CHECK(std::to_string(*r.bytes_sent) == want[3]);
    REQUIRE(r.time);
    CHECK(filetime_to_unix_seconds(*r.time) == std::stoll(want[4]));
    CHECK(*r.time % sqltriage::kTicksPerSecond == 0);
    CHECK(r.method == want[5]);
    CHECK(r.uri_stem == want[6]);
    CHECK(r.uri_query == want[7]);
    CHECK(r.protocol == want[8]);
    CHECK(r.referer == want[9]);
    CHECK(r.user_agent == want[10]);
    CHECK_FALSE(r.bytes_received);
    CHECK_FALSE(r.time_taken_ms);
  }
  // The corpus log holds every kind of line; the checks above saw each.
  CHECK(kinds[0] > 0);
  CHECK(kinds[1] > 0);
  CHECK(kinds[2] > 0);
  CHECK(kinds[3] > 0);
}

TEST_CASE("LogFormat: generated lines with %I %O %D %T %v %p and the values written", "[weblog]") {
  std::mt19937_64 rng(20240607);
  const auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const char* methods[] = {"GET", "POST", "PUT", "PROPFIND", "OPTIONS"};
  const std::string path_chars = "abcXYZ019/._-~|*%20 ";
  const auto two = [](std::uint64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };

  struct Line {
    std::string ip, user, time, method, stem, query, referer, agent, vhost;
    std::uint64_t status = 0, in = 0, out = 0, micros = 0, seconds = 0, port = 0;
  };
  std::vector<Line> lines;
  for (int i = 0; i < 300; ++i) {
    Line l;
    l.ip = std::to_string(pick(1, 254)) + "." + std::to_string(pick(0, 255)) + "." +
           std::to_string(pick(0, 255)) + "." + std::to_string(pick(1, 254));
    l.user = pick(0, 3) == 0 ? "-" : "user" + std::to_string(pick(0, 99));
    const auto offset_h = pick(0, 14);
    l.time = "[" + two(pick(1, 28)) + "/" + months[pick(0, 11)] + "/" +
             std::to_string(pick(1990, 2035)) + ":" + two(pick(0, 23)) + ":" + two(pick(0, 59)) +
             ":" + two(pick(0, 59)) + " " + (pick(0, 1) ? "+" : "-") + two(offset_h) +
             two(offset_h == 14 ? 0 : pick(0, 3) * 15) + "]";
    l.method = methods[pick(0, 4)];
    l.stem = "/";
    for (auto n = pick(0, 30); n > 0; --n) l.stem += path_chars[pick(0, path_chars.size() - 1)];
    if (l.stem.back() == ' ') l.stem += 'x';  // a space before the protocol would end the URI
    if (pick(0, 1)) l.query = "id=" + std::to_string(pick(0, 1000)) + "&a=|~*%41";
    l.referer = pick(0, 1) ? "-" : "http://example.test/" + std::to_string(i);
    l.agent = "Agent/" + std::to_string(pick(0, 9)) + " (x; y)";
    l.vhost = "site" + std::to_string(pick(0, 9)) + ".example.test";
    l.status = pick(100, 599);
    l.in = pick(0, 1ULL << 40);
    l.out = pick(0, 1ULL << 40);
    l.micros = pick(0, 10'000'000'000ULL);
    l.seconds = pick(0, 100'000);
    l.port = pick(1, 65535);
    lines.push_back(l);
  }

  // The times, converted by Python.
  sqltriage::test::TempDir tmp;
  std::string times;
  for (const auto& l : lines) times += l.time + "\n";
  sqltriage::test::write_file(tmp.path() / "times.txt", times);
  const auto unix_times = run_python(tmp, kTimeOracle, tmp.path() / "times.txt");
  REQUIRE(unix_times.size() == lines.size());

  const LogFormat a(
      "%a %l %u %t \"%r\" %>s %O %I %D \"%{Referer}i\" \"%{X-Forwarded-For}i\" "
      "\"%{User-Agent}i\"");
  const LogFormat b("%v:%p %h %t \"%m %U%q %H\" %s %B %T");
  CHECK(a.records_request_size());
  CHECK_FALSE(b.records_request_size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const std::string uri = l.stem + (l.query.empty() ? "" : "?" + l.query);
    const std::string line_a = l.ip + " - " + l.user + " " + l.time + " \"" + l.method + " " + uri +
                               " HTTP/1.1\" " + std::to_string(l.status) + " " +
                               std::to_string(l.out) + " " + std::to_string(l.in) + " " +
                               std::to_string(l.micros) + " \"" + l.referer + "\" \"10.0.0." +
                               std::to_string(i % 250) + "\" \"" + l.agent + "\"";
    // %U is not quoted: its text ends at the first space.
    std::string stem_b = l.stem;
    for (auto& c : stem_b) c = c == ' ' ? '_' : c;
    const std::string line_b =
        l.vhost + ":" + std::to_string(l.port) + " " + l.ip + " " + l.time + " \"" + l.method +
        " " + stem_b + (l.query.empty() ? "" : "?" + l.query) + " HTTP/2.0\" " +
        std::to_string(l.status) + " " + std::to_string(l.out) + " " + std::to_string(l.seconds);
    const auto want_time = std::stoll(unix_times[i]);

    const Request ra = parsed(a, line_a);
    INFO(line_a);
    CHECK(ra.client_ip == l.ip);
    CHECK(ra.username == (l.user == "-" ? "" : l.user));
    REQUIRE(ra.time);
    CHECK(filetime_to_unix_seconds(*ra.time) == want_time);
    CHECK(ra.method == l.method);
    CHECK(ra.uri_stem == l.stem);
    CHECK(ra.uri_query == l.query);
    CHECK(ra.protocol == "HTTP/1.1");
    CHECK(ra.status == static_cast<int>(l.status));
    CHECK(ra.bytes_sent == l.out);
    CHECK(ra.bytes_received == l.in);
    CHECK(ra.time_taken_ms == l.micros / 1000);
    CHECK(ra.referer == (l.referer == "-" ? "" : l.referer));
    CHECK(ra.user_agent == l.agent);

    const Request rb = parsed(b, line_b);
    INFO(line_b);
    CHECK(rb.site_name == l.vhost);
    CHECK(rb.server_port == static_cast<int>(l.port));
    CHECK(rb.client_ip == l.ip);
    REQUIRE(rb.time);
    CHECK(filetime_to_unix_seconds(*rb.time) == want_time);
    CHECK(rb.method == l.method);
    CHECK(rb.uri_stem == stem_b);
    CHECK(rb.uri_query == l.query);
    CHECK(rb.protocol == "HTTP/2.0");
    CHECK(rb.status == static_cast<int>(l.status));
    CHECK(rb.bytes_sent == l.out);
    CHECK_FALSE(rb.bytes_received);
    CHECK(rb.time_taken_ms == l.seconds * 1000);
  }
}

TEST_CASE("LogFormat: %b dash is 0, %O wins over %b, %T with a fraction", "[weblog]") {
  const LogFormat common(kCommonLogFormat);
  const auto r =
      parsed(common, "1.2.3.4 - - [01/Feb/2020:03:04:05 +0000] \"GET / HTTP/1.1\" 304 -");
  CHECK(r.bytes_sent == 0U);
  const LogFormat both("%h %b %O %I %T");
  const auto r2 = parsed(both, "1.2.3.4 100 250 17 2.5");
  CHECK(r2.bytes_sent == 250U);
  CHECK(r2.bytes_received == 17U);
  CHECK(r2.time_taken_ms == 2500U);
  const LogFormat reversed("%h %O %b");
  CHECK(parsed(reversed, "1.2.3.4 250 100").bytes_sent == 250U);
  const auto r3 = parsed(both, "1.2.3.4 - - - -");
  CHECK_FALSE(r3.bytes_sent);  // %O '-' is unknown, %b loses to %O
  CHECK_FALSE(r3.bytes_received);
  CHECK_FALSE(r3.time_taken_ms);
}

TEST_CASE("LogFormat: escaped and unescaped quotes in quoted fields", "[weblog]") {
  const LogFormat combined("combined");
  const auto r = parsed(
      combined,
      R"L(1.2.3.4 - - [01/Feb/2020:03:04:05 +0000] "GET /x?q=\"a\" HTTP/1.1" 200 5 "-" "Mozilla \"quoted\" back\\slash \\")L");
  CHECK(r.uri_stem == "/x");
  CHECK(r.uri_query == "q=\"a\"");
  CHECK(r.user_agent == "Mozilla \"quoted\" back\\slash \\");
  CHECK(r.referer.empty());

  // Quotes other servers leave unescaped: the field ends where the rest of the line matches.
  const auto u = parsed(combined,
                        "1.2.3.4 - - [01/Feb/2020:03:04:05 +0000] \"GET /x\" y HTTP/1.1\" 200 5 "
                        "\"-\" \"a \"b\" c\"");
  CHECK(u.method == "GET");
  CHECK(u.uri_stem == "/x\" y");
  CHECK(u.protocol == "HTTP/1.1");
  CHECK(u.status == 200);
  CHECK(u.user_agent == "a \"b\" c");

  // The format as httpd.conf writes it, with \" around the quoted fields.
  const LogFormat conf(R"L(%h %l %u %t \"%r\" %>s %b)L");
  const std::string line = "1.2.3.4 - bob [01/Feb/2020:03:04:05 +0000] \"GET /a HTTP/1.0\" 200 7";
  const auto c1 = parsed(conf, line);
  const auto c2 = parsed(LogFormat("common"), line);
  CHECK(c1.username == "bob");
  CHECK(c1.uri_stem == c2.uri_stem);
  CHECK(c1.bytes_sent == c2.bytes_sent);
}

TEST_CASE("LogFormat: request lines with odd characters, and ones that are not requests",
          "[weblog]") {
  const LogFormat common("common");
  const std::string head = "10.0.0.1 - - [29/Feb/2020:23:59:59 -0130] ";
  const auto r =
      parsed(common, head + "\"POST /a b/c|d~e*f%20g.aspx?x=1|2&y=~*%41?z HTTP/1.1\" 200 -");
  CHECK(r.method == "POST");
  CHECK(r.uri_stem == "/a b/c|d~e*f%20g.aspx");
  CHECK(r.uri_query == "x=1|2&y=~*%41?z");
  CHECK(r.protocol == "HTTP/1.1");
  REQUIRE(r.time);
  // 2020-03-01T01:29:59Z, written by hand: 29 Feb 23:59:59 at -01:30.
  CHECK(filetime_to_unix_seconds(*r.time) == 1583026199);

  const auto dash = parsed(common, head + "\"-\" 408 -");
  CHECK(dash.method.empty());
  CHECK(dash.uri_stem.empty());
  CHECK(dash.protocol.empty());
  CHECK(dash.status == 408);

  const std::string tls = R"L(\x16\x03\x01\x00\xa5\x01)L";
  const auto garbage = parsed(common, head + "\"" + tls + "\" 400 226");
  CHECK(garbage.method.empty());
  CHECK(garbage.uri_stem == tls);
  CHECK(garbage.uri_query.empty());

  const auto http09 = parsed(common, head + "\"GET /index.html\" 200 10");
  CHECK(http09.method == "GET");
  CHECK(http09.uri_stem == "/index.html");
  CHECK(http09.protocol.empty());

  // Fields a line does not carry are reset; line and offset stay.
  Request reused =
      parsed(LogFormat("combined"), head + "\"GET / HTTP/1.1\" 200 1 \"http://r/\" \"UA\"");
  reused.line = 7;
  reused.offset = 99;
  REQUIRE_FALSE(common.parse(head + "\"GET / HTTP/1.1\" 200 1", reused));
  CHECK(reused.user_agent.empty());
  CHECK(reused.referer.empty());
  CHECK(reused.line == 7);
  CHECK(reused.offset == 99);
}

TEST_CASE("LogFormat: malformed lines give a reason", "[weblog]") {
  const LogFormat common("common");
  const LogFormat combined("combined");
  const std::string head = "1.2.3.4 - - [01/Feb/2020:03:04:05 +0000] ";

  CHECK_THAT(reason_for(common, head + "\"GET / HTTP/1.1 200 5"),
             Catch::Contains("%r") && Catch::Contains("closing"));
  const auto letters = reason_for(common, head + "\"GET / HTTP/1.1\" 2x0 5");
  CHECK_THAT(letters, Catch::Contains("%>s") && Catch::Contains("2x0"));
  CHECK_THAT(reason_for(common, head + "\"GET / HTTP/1.1\" 200 12k"), Catch::Contains("%b"));
  CHECK_THAT(reason_for(common, head + "\"GET / HTTP/1.1\" 200 5 \"-\" \"UA\""),
             Catch::Contains("%b"));  // the last field runs to the end of the line
  CHECK_THAT(reason_for(LogFormat("%h [%>s]"), "1.2.3.4 [200] x"),
             Catch::Contains("after the last field"));
  CHECK_THAT(reason_for(common, "1.2.3.4 - - 01/Feb/2020:03:04:05 \"GET / HTTP/1.1\" 200 5"),
             Catch::Contains("%t"));

  // Bad dates.
  for (const char* t : {"[32/Jan/2020:00:00:00 +0000]", "[29/Feb/2021:00:00:00 +0000]",
                        "[01/Foo/2020:00:00:00 +0000]", "[01/Jan/2020:24:00:00 +0000]",
                        "[01/Jan/2020:00:60:00 +0000]", "[01/Jan/2020:00:00:00 +2400]",
                        "[01/Jan/2020:00:00:00 0000]", "[1/Jan/2020:00:00:00 +0000]",
                        "[01/Jan/1600:00:00:00 +0000]", "[01/Jan/2020:00:00:00]"}) {
    INFO(t);
    CHECK_THAT(reason_for(common, std::string("1.2.3.4 - - ") + t + " \"GET / HTTP/1.1\" 200 5"),
               Catch::Contains("%t"));
  }

  // Every cut-off prefix of a combined line.
  const std::string full = head + "\"GET /a?b HTTP/1.1\" 200 5 \"http://r/\" \"Mozilla/5.0 (X)\"";
  parsed(combined, full);
  for (std::size_t n = 0; n < full.size(); ++n) reason_for(combined, full.substr(0, n));

  // Binary garbage: seeded random bytes, NULs included.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    if (i % 2 == 0) junk = head + junk;  // garbage after a good start
    reason_for(i % 3 == 0 ? common : combined, junk);
  }

  // A 1 MiB line full of quote pairs: the search for a quoted field's end is bounded.
  std::string huge = head + "\"";
  while (huge.size() < (1U << 20)) huge += "\" x";
  reason_for(combined, huge);
  reason_for(common, huge);
  huge = head + "\"";
  while (huge.size() < (1U << 20)) huge += "\"\" 1 \"";
  reason_for(combined, huge);
  reason_for(common, huge);
}

TEST_CASE("LogFormat: formats it cannot use throw invalid_argument naming the directive",
          "[weblog]") {
  CHECK_THAT(invalid_argument_text("%h %Z %s"), Catch::Contains("%Z"));
  CHECK_THAT(invalid_argument_text("%h \"%{User-Agent\""), Catch::Contains("%{User-Agent"));
  CHECK_THAT(invalid_argument_text("%h %{%d/%b/%Y}t"), Catch::Contains("%{%d/%b/%Y}t"));
  CHECK_THAT(invalid_argument_text("%h %{X}o"), Catch::Contains("%{X}o"));
  CHECK_THAT(invalid_argument_text("%h %400,501{Referer}i"), Catch::Contains("%400"));
  CHECK_THAT(invalid_argument_text("%h %"), Catch::Contains("%"));
  CHECK_THAT(invalid_argument_text("%h%u"), Catch::Contains("%h") && Catch::Contains("%u"));
  CHECK_NOTHROW(LogFormat("%{X-Forwarded-For}i %h %% %<s %{c}a"));
  const auto r = parsed(LogFormat("%{X-Forwarded-For}i %h %% %<s %{c}a"),
                        "9.9.9.9,8.8.8.8 1.2.3.4 % 201 5.6.7.8");
  CHECK(r.client_ip == "5.6.7.8");
  CHECK(r.status == 201);
}

TEST_CASE("LogFormat: records_request_size only with %I", "[weblog]") {
  CHECK_FALSE(LogFormat("common").records_request_size());
  CHECK_FALSE(LogFormat("combined").records_request_size());
  CHECK_FALSE(LogFormat(kCombinedLogFormat).records_request_size());
  CHECK_FALSE(LogFormat("%h %O %B %b %D").records_request_size());
  CHECK(LogFormat("%h %I").records_request_size());
  CHECK(LogFormat("%h %O %<I").records_request_size());
}
