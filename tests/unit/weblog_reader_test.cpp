// The web log reader on logs written by the tests: W3C "#Fields:" changes and optional fields,
// dates from "#Date:", odd URIs, malformed lines (wrong field count, bad numbers, binary
// garbage, a cut-off last line, a 3 MiB line), line ends, BOM, gzip (single and multi-member,
// not gzip at all).
//
// Oracles: every expected value is one the test itself wrote into the fixture (field values,
// line numbers and byte offsets recorded while the text is built); gzip files are made by the
// gzip tool, and the plain text they came from is read for comparison.
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqltriage/error.hpp"
#include "sqltriage/weblog.hpp"
#include "support.hpp"

namespace {

namespace wl = sqltriage::weblog;
namespace fs = std::filesystem;
using sqltriage::ByteSource;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    if (offset >= bytes_.size()) return 0;
    const std::size_t count = std::min<std::size_t>(n, bytes_.size() - offset);
    std::memcpy(buf, bytes_.data() + offset, count);
    return count;
  }

 private:
  std::string bytes_;
};

std::unique_ptr<wl::Reader> open_text(const std::string& text,
                                      const std::optional<std::string>& logformat = std::nullopt) {
  return wl::Reader::open(std::make_shared<MemorySource>(text), "test.log", logformat);
}

std::vector<wl::Request> read_all(wl::Reader& reader) {
  std::vector<wl::Request> out;
  wl::Request r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

/// Builds a log line by line, remembering each line's number and offset.
class LogText {
 public:
  /// Appends `line` and its line end; returns the line's 1-based number.
  std::uint64_t add(const std::string& line, const std::string& eol = "\n") {
    offsets_.push_back(text_.size());
    text_ += line + eol;
    return offsets_.size();
  }
  std::uint64_t offset_of(std::uint64_t line) const { return offsets_.at(line - 1); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::uint64_t> offsets_;
};

std::int64_t unix_seconds(const std::optional<sqltriage::Filetime>& ft) {
  REQUIRE(ft.has_value());
  return sqltriage::filetime_to_unix_seconds(*ft);
}

std::string bad_text(const wl::Reader& reader) {
  std::string out;
  for (const auto& b : reader.bad_lines())
    out += std::to_string(b.line) + "@" + std::to_string(b.offset) + ": " + b.reason + "\n";
  return out;
}

}  // namespace

TEST_CASE("weblog to_string and w3c_field_names", "[weblog]") {
  CHECK(std::string(wl::to_string(wl::Format::w3c)) == "w3c");
  CHECK(std::string(wl::to_string(wl::Format::ncsa_common)) == "ncsa_common");
  CHECK(std::string(wl::to_string(wl::Format::ncsa_combined)) == "ncsa_combined");
  CHECK(std::string(wl::to_string(wl::Format::logformat)) == "logformat");
  CHECK(wl::w3c_field_names(" date  time\tc-ip cs(User-Agent) ") ==
        std::vector<std::string>{"date", "time", "c-ip", "cs(User-Agent)"});
  CHECK(wl::w3c_field_names("").empty());
}

TEST_CASE("weblog W3C Fields change mid-file with optional fields on and off", "[weblog]") {
  LogText log;
  log.add("#Software: Microsoft Internet Information Services 10.0");
  log.add("#Version: 1.0");
  log.add("#Date: 2024-03-01 00:00:00");
  log.add(
      "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query "
      "s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) sc-status sc-substatus "
      "sc-win32-status sc-bytes cs-bytes time-taken");
  const auto l1 = log.add(
      "2024-03-01 10:20:30 W3SVC1 WEB01 10.0.0.5 POST /upload/handler.aspx id=7&x=%20y 443 "
      "CORP\\alice 203.0.113.9 HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0) https://example.test/ "
      "200 0 0 512 1048999 1234");
  const auto l2 = log.add(
      "2024-03-01 10:20:31 W3SVC1 WEB01 10.0.0.5 GET /a*b~c|d/%2e%2e/x.asp - 80 - "
      "198.51.100.7 HTTP/2 - - 404 2 1234567890123 0 - -");
  // The layout changes: no site, computer, cs-bytes, sc-bytes, time-taken.
  log.add("#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status");
  const auto l3 = log.add("2024-03-02 23:59:59 192.0.2.1 GET /~user/index.htm q=1|2 302");
  // And again: no date field, so the #Date: directive dates the line.
  log.add("#Date: 2024-03-05 12:00:00");
  log.add("#Fields: time c-ip cs-method cs-uri-stem cs-bytes");
  const auto l4 = log.add("01:02:03.250 192.0.2.2 PUT /shell.aspx 77");

  auto reader = open_text(log.text());
  CHECK(reader->format() == wl::Format::w3c);
  const auto requests = read_all(*reader);
  INFO(bad_text(*reader));
  CHECK(reader->bad_line_count() == 0);
  REQUIRE(requests.size() == 4);
  CHECK(reader->lines() == l4);
  CHECK(reader->records_request_size());

  const auto& a = requests[0];
  CHECK(a.line == l1);
  CHECK(a.offset == log.offset_of(l1));
  CHECK(unix_seconds(a.time) == 1709288430);  // 2024-03-01T10:20:30Z
  CHECK(a.site_name == "W3SVC1");
  CHECK(a.computer_name == "WEB01");
  CHECK(a.server_ip == "10.0.0.5");
  CHECK(a.method == "POST");
  CHECK(a.uri_stem == "/upload/handler.aspx");
  CHECK(a.uri_query == "id=7&x=%20y");
  CHECK(a.server_port == 443);
  CHECK(a.username == "CORP\\alice");
  CHECK(a.client_ip == "203.0.113.9");
  CHECK(a.protocol == "HTTP/1.1");
  CHECK(a.user_agent == "Mozilla/5.0+(Windows+NT+10.0)");
  CHECK(a.referer == "https://example.test/");
  CHECK(a.status == 200);
  CHECK(a.substatus == 0);
  CHECK(a.win32_status == 0u);
  CHECK(a.bytes_sent == 512u);
  CHECK(a.bytes_received == 1048999u);
  CHECK(a.time_taken_ms == 1234u);

  const auto& b = requests[1];
  CHECK(b.line == l2);
  CHECK(b.uri_stem == "/a*b~c|d/%2e%2e/x.asp");
  CHECK(b.uri_query.empty());
  CHECK(b.username.empty());
  CHECK(b.protocol == "HTTP/2");
  CHECK(b.user_agent.empty());
  CHECK(b.referer.empty());
  CHECK(b.status == 404);
  CHECK(b.substatus == 2);
  CHECK(b.win32_status == 1234567890123u);
  CHECK(b.bytes_sent == 0u);
  CHECK_FALSE(b.bytes_received.has_value());
  CHECK_FALSE(b.time_taken_ms.has_value());

  const auto& c = requests[2];
  CHECK(c.line == l3);
  CHECK(unix_seconds(c.time) == 1709423999);  // 2024-03-02T23:59:59Z
  CHECK(c.uri_stem == "/~user/index.htm");
  CHECK(c.uri_query == "q=1|2");
  CHECK(c.status == 302);
  CHECK(c.site_name.empty());
  CHECK(c.computer_name.empty());
  CHECK_FALSE(c.bytes_sent.has_value());
  CHECK_FALSE(c.bytes_received.has_value());
  CHECK_FALSE(c.time_taken_ms.has_value());
  CHECK_FALSE(c.server_port.has_value());

  const auto& d = requests[3];
  CHECK(d.line == l4);
  REQUIRE(d.time.has_value());
  // 2024-03-05T01:02:03.25Z: the date from #Date:, the fraction kept.
  CHECK(*d.time == static_cast<sqltriage::Filetime>(1709600523) * sqltriage::kTicksPerSecond +
                       sqltriage::kFiletimeUnixEpoch + 2500000);
  CHECK(d.method == "PUT");
  CHECK(d.bytes_received == 77u);
  CHECK_FALSE(d.status.has_value());
}

TEST_CASE("weblog W3C without cs-bytes does not record the request size", "[weblog]") {
  const std::string text =
      "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes\n"
      "2024-01-01 00:00:00 192.0.2.1 GET / 200 10\n";
  auto reader = open_text(text);
  CHECK(read_all(*reader).size() == 1);
  CHECK_FALSE(reader->records_request_size());
}

TEST_CASE("weblog W3C malformed lines are BadLines with line numbers and offsets", "[weblog]") {
  LogText log;
  log.add("#Software: Microsoft Internet Information Services 8.5");
  log.add("#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status time-taken");
  const auto good1 = log.add("2024-01-01 00:00:01 192.0.2.1 GET /a - 200 5");
  const auto short_line = log.add("2024-01-01 00:00:02 192.0.2.1 GET /a 200 5");
  const auto long_line = log.add("2024-01-01 00:00:02 192.0.2.1 GET /a - 200 5 extra");
  const auto bad_status = log.add("2024-01-01 00:00:03 192.0.2.1 GET /a - abc 5");
  const auto negative = log.add("2024-01-01 00:00:03 192.0.2.1 GET /a - 200 -5");
  const auto huge = log.add("2024-01-01 00:00:03 192.0.2.1 GET /a - 200 99999999999999999999999");
  const auto bad_date = log.add("2024-13-01 00:00:03 192.0.2.1 GET /a - 200 5");
  const auto bad_time = log.add("2024-01-01 25:00:03 192.0.2.1 GET /a - 200 5");
  const auto zone_time = log.add("2024-01-01 00:00:03+01:00 192.0.2.1 GET /a - 200 5");
  // Binary garbage: a NUL-filled run (what a crash leaves in a preallocated log) and random
  // bytes with control characters.
  const auto nuls = log.add(std::string(300, '\0'));
  std::string garbage;
  for (int i = 0; i < 200; ++i) {
    char c = static_cast<char>((i * 73 + 11) & 0xFF);
    if (c == '\n') c = '\x01';
    garbage += c;
  }
  const auto random_bytes = log.add(garbage);
  const auto good2 = log.add("2024-01-01 00:00:04 192.0.2.1 GET /b - 200 6");
  const auto cut = log.add("2024-01-01 00:00:05 192.0.2.1 GET /c", "");  // no line end

  auto reader = open_text(log.text());
  const auto requests = read_all(*reader);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].line == good1);
  CHECK(requests[1].line == good2);
  CHECK(requests[1].uri_stem == "/b");
  CHECK(reader->lines() == cut);

  const std::map<std::uint64_t, std::string> expected = {
      {short_line, "7 fields where #Fields: names 8"},
      {long_line, "9 fields where #Fields: names 8"},
      {bad_status, "sc-status 'abc' is not a number"},
      {negative, "time-taken '-5' is not a number"},
      {huge, "time-taken '99999999999999999999999' is not a number"},
      {bad_date, "unparsable date and time '2024-13-01 00:00:03'"},
      {bad_time, "unparsable date and time '2024-01-01 25:00:03'"},
      {zone_time, "unparsable date and time '2024-01-01 00:00:03+01:00'"},
      {nuls, "binary data: byte 0x00 at column 1"},
      {random_bytes, ""},  // reason checked below
      {cut, "5 fields where #Fields: names 8 (last line, no line end)"},
  };
  INFO(bad_text(*reader));
  REQUIRE(reader->bad_line_count() == expected.size());
  REQUIRE(reader->bad_lines().size() == expected.size());
  for (const auto& bad : reader->bad_lines()) {
    INFO("line " << bad.line);
    REQUIRE(expected.count(bad.line) == 1);
    CHECK(bad.offset == log.offset_of(bad.line));
    if (bad.line == random_bytes)
      CHECK(bad.reason.rfind("binary data: byte 0x", 0) == 0);
    else
      CHECK(bad.reason == expected.at(bad.line));
  }
}

TEST_CASE("weblog a 3 MiB line is one BadLine and reading goes on", "[weblog]") {
  LogText log;
  log.add("#Fields: date time c-ip cs-method cs-uri-stem sc-status");
  const auto before = log.add("2024-01-01 00:00:01 192.0.2.1 GET /before 200");
  const std::string big =
      "2024-01-01 00:00:02 192.0.2.1 GET /" + std::string(3 << 20, 'A') + " 200";
  const auto big_line = log.add(big);
  const auto after = log.add("2024-01-01 00:00:03 192.0.2.1 GET /after 200");

  auto reader = open_text(log.text());
  const auto requests = read_all(*reader);
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].line == before);
  CHECK(requests[1].line == after);
  CHECK(requests[1].offset == log.offset_of(after));
  CHECK(requests[1].uri_stem == "/after");
  REQUIRE(reader->bad_line_count() == 1);
  CHECK(reader->bad_lines()[0].line == big_line);
  CHECK(reader->bad_lines()[0].offset == log.offset_of(big_line));
  CHECK(reader->bad_lines()[0].reason ==
        "line of " + std::to_string(big.size()) + " bytes is longer than the 1 MiB limit");
}

TEST_CASE("weblog a 3 MiB file of one line without a line end is one BadLine", "[weblog]") {
  auto reader = open_text(std::string(3 << 20, 'x'));
  CHECK(read_all(*reader).empty());
  REQUIRE(reader->bad_line_count() == 1);
  CHECK(reader->bad_lines()[0].line == 1);
  CHECK(reader->bad_lines()[0].offset == 0);
  CHECK(reader->lines() == 1);
}

TEST_CASE("weblog lines crossing read chunks, CRLF, BOM and blank lines", "[weblog]") {
  // About 4,000 lines of varied length: many cross the reader's chunk boundaries.
  for (const std::string eol : {"\n", "\r\n"}) {
    LogText log;
    log.add("\xEF\xBB\xBF#Version: 1.0", eol);
    log.add("#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken", eol);
    std::vector<std::uint64_t> lines;
    std::vector<std::string> stems;
    std::uint64_t sum = 0;
    for (int i = 0; i < 4000; ++i) {
      if (i % 500 == 0) log.add("", eol);
      std::string stem =
          "/p" + std::to_string(i) + "/" + std::string(static_cast<std::size_t>(i % 97), 'z');
      stems.push_back(stem);
      sum += static_cast<std::uint64_t>(i);
      lines.push_back(
          log.add("2024-01-01 00:00:01 192.0.2.1 GET " + stem + " 200 " + std::to_string(i), eol));
    }
    auto reader = open_text(log.text());
    CHECK(reader->format() == wl::Format::w3c);
    const auto requests = read_all(*reader);
    INFO(bad_text(*reader));
    CHECK(reader->bad_line_count() == 0);
    REQUIRE(requests.size() == lines.size());
    std::uint64_t got_sum = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      REQUIRE(requests[i].line == lines[i]);
      REQUIRE(requests[i].offset == log.offset_of(lines[i]));
      REQUIRE(requests[i].uri_stem == stems[i]);
      got_sum += requests[i].time_taken_ms.value_or(0);
    }
    CHECK(got_sum == sum);
  }
}

TEST_CASE("weblog data before any Fields directive is a BadLine", "[weblog]") {
  const std::string text =
      "#Software: Microsoft Internet Information Services 10.0\n"
      "2024-01-01 00:00:01 192.0.2.1 GET / 200\n"
      "#Fields: date time c-ip cs-method cs-uri-stem sc-status\n"
      "2024-01-01 00:00:01 192.0.2.1 GET / 200\n";
  auto reader = open_text(text);
  CHECK(read_all(*reader).size() == 1);
  REQUIRE(reader->bad_line_count() == 1);
  CHECK(reader->bad_lines()[0].line == 2);
  CHECK(reader->bad_lines()[0].reason == "no #Fields: directive before this line");
}

TEST_CASE("weblog keeps the first 1000 BadLines and counts them all", "[weblog]") {
  std::string text = "#Fields: date time c-ip\n";
  for (int i = 0; i < 1500; ++i) text += "2024-01-01 00:00:01\n";
  auto reader = open_text(text);
  CHECK(read_all(*reader).empty());
  CHECK(reader->bad_line_count() == 1500);
  REQUIRE(reader->bad_lines().size() == 1000);
  CHECK(reader->bad_lines().front().line == 2);
  CHECK(reader->bad_lines().back().line == 1001);
}

TEST_CASE("weblog empty and blank files read as nothing", "[weblog]") {
  for (const std::string text : {"", "\n\n\r\n", "\xEF\xBB\xBF"}) {
    auto reader = open_text(text);
    CHECK(read_all(*reader).empty());
    CHECK(reader->bad_line_count() == 0);
  }
}

TEST_CASE("weblog gzip files read like the plain text, multi-member too", "[weblog]") {
  if (!sqltriage::test::tool_or_skip("gzip")) return;
  TempDir dir;
  LogText log;
  log.add("#Fields: date time c-ip cs-method cs-uri-stem cs-bytes");
  for (int i = 0; i < 3000; ++i)
    log.add("2024-01-01 00:00:01 192.0.2." + std::to_string(i % 250) + " POST /up" +
            std::to_string(i) + " " + std::to_string(i * 7));
  const auto plain = dir.path() / "a.log";
  sqltriage::test::write_file(plain, log.text());
  const auto gz = dir.path() / "a.log.gz";
  const auto gzip = [](const fs::path& path) {
    const auto r = run("gzip -c " + shell_quote(path.string()));
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  sqltriage::test::write_file(gz, gzip(plain));
  // Two members: the same text gzipped as two halves and concatenated.
  const std::string first = log.text().substr(0, log.offset_of(1500));
  const std::string second = log.text().substr(log.offset_of(1500));
  sqltriage::test::write_file(dir.path() / "h1", first);
  sqltriage::test::write_file(dir.path() / "h2", second);
  const auto two = dir.path() / "two.gz";
  sqltriage::test::write_file(two, gzip(dir.path() / "h1") + gzip(dir.path() / "h2"));

  auto reference = wl::Reader::open(sqltriage::open_host_file(plain), "a.log");
  const auto expected = read_all(*reference);
  REQUIRE(expected.size() == 3000);
  for (const auto& path : {gz, two}) {
    INFO(path.string());
    auto reader = wl::Reader::open(sqltriage::open_host_file(path), path.string());
    const auto got = read_all(*reader);
    CHECK_FALSE(reader->truncation().has_value());
    CHECK(reader->bad_line_count() == 0);
    CHECK(reader->records_request_size());
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      REQUIRE(got[i].line == expected[i].line);
      REQUIRE(got[i].offset == expected[i].offset);
      REQUIRE(got[i].uri_stem == expected[i].uri_stem);
      REQUIRE(got[i].bytes_received == expected[i].bytes_received);
    }
  }
}

TEST_CASE("weblog a gzip header that is not deflate is an ArtifactError", "[weblog]") {
  const std::string bytes("\x1F\x8B\x07\x00\x00\x00\x00\x00\x00\x03garbage", 18);
  try {
    open_text(bytes);
    FAIL("no exception");
  } catch (const sqltriage::ArtifactError& e) {
    CHECK(e.path() == "test.log");
    CHECK(e.offset() == 2u);
  }
}

TEST_CASE("weblog gzip damage and a bare gzip magic set truncation", "[weblog]") {
  {
    auto reader = open_text(std::string("\x1F\x8B", 2));
    CHECK(read_all(*reader).empty());
    CHECK(reader->truncation().has_value());
  }
  {
    // A valid header followed by bytes that are not a deflate stream (block type 3).
    const std::string bytes("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xFF\xFF\xFF\xFF", 14);
    auto reader = open_text(bytes);
    CHECK(read_all(*reader).empty());
    REQUIRE(reader->truncation().has_value());
    CHECK(reader->truncation()->find("damaged at compressed offset") != std::string::npos);
  }
}

TEST_CASE("weblog a given LogFormat reads every line with it", "[weblog]") {
  const std::string line =
      "192.0.2.9 - bob [10/Oct/2000:13:55:36 -0700] \"POST /up.php?a=1 HTTP/1.0\" 200 2326 "
      "\"http://example.test/\" \"curl/8.0\"\n";
  auto combined = open_text(line, std::string("combined"));
  CHECK(combined->format() == wl::Format::ncsa_combined);
  const auto requests = read_all(*combined);
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].client_ip == "192.0.2.9");
  CHECK(requests[0].uri_stem == "/up.php");
  CHECK(requests[0].user_agent == "curl/8.0");
  // 2000-10-10T20:55:36Z: the line's -0700 applied.
  CHECK(unix_seconds(requests[0].time) == 971211336);

  auto custom = open_text("192.0.2.9 512 1500\n", std::string("%h %I %D"));
  CHECK(custom->format() == wl::Format::logformat);
  const auto got = read_all(*custom);
  REQUIRE(got.size() == 1);
  CHECK(got[0].bytes_received == 512u);
  CHECK(custom->records_request_size());

  // Detected NCSA: a common line first, then a combined one; both are requests.
  auto detected =
      open_text("192.0.2.1 - - [10/Oct/2000:13:55:36 +0000] \"GET / HTTP/1.1\" 200 10\n" + line);
  CHECK(detected->format() == wl::Format::ncsa_common);
  CHECK(read_all(*detected).size() == 2);
  CHECK(detected->bad_line_count() == 0);

  CHECK_THROWS_AS(open_text(line, std::string("%h %{Referer")), std::invalid_argument);
}
