// The web log reader on the real logs of the corpus (../shared/corpus/weblogs): IIS W3C logs
// with several field layouts, an edge-case log, a 4,308-line tunnelling log, and an Apache
// access log mixing common, combined and virtual-host lines.
//
// Oracles, run by the test over the same files: awk counts requests, wrong-field-count lines,
// statuses, distinct client IPs and the sum of time-taken (columns picked by each #Fields:
// line); Python gives every request's line number, byte offset, UTC time and fields, and
// decompresses gzip files with zlib (for the truncated .gz); gzip makes the .gz files.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/weblog.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
namespace wl = sqltriage::weblog;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::split_tabs;
using sqltriage::test::TempDir;

const char* const kW3cLogs[] = {
    "plaso_iis10.log",     "plaso_iis10_edge_cases.log", "plaso_iis6.log",
    "plaso_iis7_sqli.log", "plaso_iis_without_date.log", "sbous_Tunna_rdp_tunnel_IIS.log",
};

// Per file: requests, lines whose field count differs from #Fields:, statuses, distinct
// c-ip, sum of time-taken. Fields split on runs of blanks (awk's default).
constexpr const char* kW3cAwk = R"AWK(
{ sub(/\r$/, "") }
/^#[Ff][Ii][Ee][Ll][Dd][Ss]:/ {
  split("", col); nf = 0
  for (i = 2; i <= NF; i++) { nf++; col[tolower($i)] = nf }
  next
}
/^#/ { next }
NF == 0 { next }
NF != nf { bad++; next }
{
  req++
  if ("sc-status" in col) status[$(col["sc-status"])]++
  if ("c-ip" in col) ip[$(col["c-ip"])] = 1
  if ("time-taken" in col && $(col["time-taken"]) != "-") taken += $(col["time-taken"])
}
END {
  printf "requests\t%d\nbad\t%d\ntime_taken\t%.0f\n", req, bad, taken
  n = 0; for (k in ip) n++
  printf "ips\t%d\n", n
  for (s in status) printf "status\t%s\t%d\n", s, status[s]
}
)AWK";

// Every W3C request: line, offset, Unix seconds, c-ip, cs-uri-stem, cs-uri-query, sc-status.
constexpr const char* kW3cPython = R"PY(
import calendar, sys, time
data = open(sys.argv[1], 'rb').read()
cols = None
ddate = None
pos = 0
n = 0
while pos < len(data):
    end = data.find(b'\n', pos)
    nxt = end + 1
    if end < 0:
        end = len(data)
        nxt = end
    line = data[pos:end]
    start = pos
    pos = nxt
    n += 1
    if line.endswith(b'\r'):
        line = line[:-1]
    if n == 1 and line.startswith(b'\xef\xbb\xbf'):
        line = line[3:]
    t = line.decode('latin-1').strip(' \t')
    if not t:
        continue
    if t.startswith('#'):
        if t.lower().startswith('#fields:'):
            cols = [c.lower() for c in t[8:].split()]
        elif t.lower().startswith('#date:'):
            ddate = t[6:].split()[0]
        continue
    f = t.split()
    if cols is None or len(f) != len(cols):
        continue
    v = dict(zip(cols, f))
    d = v.get('date', ddate)
    tm = v['time'].split('.')[0]
    secs = calendar.timegm(time.strptime(d + ' ' + tm, '%Y-%m-%d %H:%M:%S'))
    row = [n, start, secs] + [v.get(k, '-') for k in ('c-ip', 'cs-uri-stem', 'cs-uri-query', 'sc-status')]
    print('\t'.join(str(x) for x in row))
)PY";

// A gzip file cut short, decompressed by zlib as far as it goes: the lines that end with a
// line end and are not directives, and the number of the unterminated last line (0: none).
constexpr const char* kCutPython = R"PY(
import sys, zlib
d = zlib.decompressobj(31)
out = d.decompress(open(sys.argv[1], 'rb').read())
parts = out.split(b'\n')
complete = [p.rstrip(b'\r') for p in parts[:-1]]
requests = sum(1 for p in complete if p.strip() and not p.startswith(b'#'))
print('requests\t%d' % requests)
print('cut_line\t%d' % (len(parts) if parts[-1] else 0))
print('eof\t%d' % (1 if d.eof else 0))
)PY";

std::vector<std::vector<std::string>> tsv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(split_tabs(line));
  return rows;
}

std::string run_ok(const std::string& command) {
  const auto r = run(command);
  INFO(command << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::vector<wl::Request> read_all(wl::Reader& reader) {
  std::vector<wl::Request> out;
  wl::Request r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

std::unique_ptr<wl::Reader> open_file(const fs::path& path) {
  return wl::Reader::open(sqltriage::open_host_file(path), path.filename().string());
}

std::string bad_text(const wl::Reader& reader) {
  std::string out;
  for (const auto& b : reader.bad_lines())
    out += std::to_string(b.line) + "@" + std::to_string(b.offset) + ": " + b.reason + "\n";
  return out;
}

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

TEST_CASE("weblog corpus W3C logs match awk counts", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "weblogs");
  TempDir tmp;
  const auto script = tmp.path() / "w3c.awk";
  sqltriage::test::write_file(script, kW3cAwk);
  for (const char* name : kW3cLogs) {
    const fs::path path = dir / name;
    INFO(name);
    std::map<std::string, std::string> awk;
    std::map<std::string, std::uint64_t> awk_status;
    for (const auto& row : tsv_rows(run_ok("LC_ALL=C awk -f " + shell_quote(script.string()) + " " +
                                           shell_quote(path.string())))) {
      if (row.at(0) == "status")
        awk_status[row.at(1)] = std::stoull(row.at(2));
      else
        awk[row.at(0)] = row.at(1);
    }

    auto reader = open_file(path);
    CHECK(reader->format() == wl::Format::w3c);
    std::uint64_t requests = 0;
    std::uint64_t taken = 0;
    std::map<std::string, std::uint64_t> status;
    std::set<std::string> ips;
    wl::Request r;
    while (reader->next(r)) {
      ++requests;
      status[r.status ? std::to_string(*r.status) : "-"]++;
      ips.insert(dash(r.client_ip));
      taken += r.time_taken_ms.value_or(0);
    }
    INFO(bad_text(*reader));
    CHECK(std::to_string(requests) == awk.at("requests"));
    CHECK(std::to_string(reader->bad_line_count()) == awk.at("bad"));
    CHECK(std::to_string(ips.size()) == awk.at("ips"));
    CHECK(std::to_string(taken) == awk.at("time_taken"));
    CHECK(status == awk_status);
    CHECK_FALSE(reader->truncation().has_value());
    CHECK_FALSE(reader->records_request_size());  // none of these logs has cs-bytes
    const auto wc = run_ok("wc -l " + shell_quote(path.string()));
    // lines() counts an unterminated last line too; wc -l does not.
    const auto newlines = std::stoull(wc);
    const auto lines = reader->lines();
    CHECK((lines == newlines || lines == newlines + 1));
  }
}

TEST_CASE("weblog corpus W3C requests match Python line by line", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "weblogs");
  if (!sqltriage::test::tool_or_skip("python3")) return;
  TempDir tmp;
  const auto script = tmp.path() / "w3c.py";
  sqltriage::test::write_file(script, kW3cPython);
  for (const char* name : kW3cLogs) {
    const fs::path path = dir / name;
    INFO(name);
    const auto rows = tsv_rows(
        run_ok("python3 " + shell_quote(script.string()) + " " + shell_quote(path.string())));
    auto reader = open_file(path);
    const auto requests = read_all(*reader);
    REQUIRE(requests.size() == rows.size());
    REQUIRE_FALSE(rows.empty());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      const auto& r = requests[i];
      INFO("line " << row.at(0));
      REQUIRE(std::to_string(r.line) == row.at(0));
      REQUIRE(std::to_string(r.offset) == row.at(1));
      REQUIRE(r.time.has_value());
      REQUIRE(std::to_string(sqltriage::filetime_to_unix_seconds(*r.time)) == row.at(2));
      REQUIRE(dash(r.client_ip) == row.at(3));
      REQUIRE(dash(r.uri_stem) == row.at(4));
      REQUIRE(dash(r.uri_query) == row.at(5));
      REQUIRE((r.status ? std::to_string(*r.status) : "-") == row.at(6));
    }
  }
}

TEST_CASE("weblog corpus gzip of the tunnelling log equals the plain one", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(path, "weblogs/sbous_Tunna_rdp_tunnel_IIS.log");
  if (!sqltriage::test::tool_or_skip("gzip")) return;
  TempDir tmp;
  const auto gz = tmp.path() / "tunna.log.gz";
  sqltriage::test::write_file(gz, run_ok("gzip -9 -c " + shell_quote(path.string())));
  auto plain_reader = open_file(path);
  auto gz_reader = open_file(gz);
  const auto plain = read_all(*plain_reader);
  const auto unzipped = read_all(*gz_reader);
  CHECK(gz_reader->format() == wl::Format::w3c);
  CHECK_FALSE(gz_reader->truncation().has_value());
  CHECK(gz_reader->lines() == plain_reader->lines());
  CHECK(gz_reader->bad_line_count() == plain_reader->bad_line_count());
  REQUIRE(unzipped.size() == plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const auto& a = plain[i];
    const auto& b = unzipped[i];
    REQUIRE(a.line == b.line);
    REQUIRE(a.offset == b.offset);
    REQUIRE(a.time == b.time);
    REQUIRE(a.client_ip == b.client_ip);
    REQUIRE(a.method == b.method);
    REQUIRE(a.uri_stem == b.uri_stem);
    REQUIRE(a.uri_query == b.uri_query);
    REQUIRE(a.status == b.status);
    REQUIRE(a.time_taken_ms == b.time_taken_ms);
    REQUIRE(a.user_agent == b.user_agent);
  }
}

TEST_CASE("weblog corpus truncated gzip gives the requests before the cut", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(path, "weblogs/sbous_Tunna_rdp_tunnel_IIS.log");
  if (!sqltriage::test::tool_or_skip("gzip") || !sqltriage::test::tool_or_skip("python3")) return;
  TempDir tmp;
  const auto cut = tmp.path() / "cut.log.gz";
  const std::string gz_bytes = run_ok("gzip -c " + shell_quote(path.string()));
  const std::uint64_t keep = gz_bytes.size() / 2;
  sqltriage::test::write_file(cut, gz_bytes.substr(0, keep));
  const auto script = tmp.path() / "cut.py";
  sqltriage::test::write_file(script, kCutPython);
  std::map<std::string, std::uint64_t> oracle;
  for (const auto& row : tsv_rows(
           run_ok("python3 " + shell_quote(script.string()) + " " + shell_quote(cut.string()))))
    oracle[row.at(0)] = std::stoull(row.at(1));
  REQUIRE(oracle.at("eof") == 0);
  REQUIRE(oracle.at("requests") > 100);

  auto reader = open_file(cut);
  auto plain_reader = open_file(path);
  const auto got = read_all(*reader);
  const auto plain = read_all(*plain_reader);
  INFO(bad_text(*reader));
  CHECK(got.size() == oracle.at("requests"));
  REQUIRE(got.size() < plain.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    REQUIRE(got[i].line == plain[i].line);
    REQUIRE(got[i].uri_stem == plain[i].uri_stem);
    REQUIRE(got[i].time == plain[i].time);
  }
  REQUIRE(reader->truncation().has_value());
  CHECK(reader->truncation()->find("offset " + std::to_string(keep)) != std::string::npos);
  if (oracle.at("cut_line") != 0) {
    REQUIRE(reader->bad_line_count() == 1);
    CHECK(reader->bad_lines()[0].line == oracle.at("cut_line"));
    CHECK(reader->bad_lines()[0].reason == "cut off where the compressed stream ends");
  } else {
    CHECK(reader->bad_line_count() == 0);
  }
}

TEST_CASE("weblog corpus Apache access log is read as NCSA", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(path, "weblogs/plaso_apache_access.log");
  // awk: lines starting with an IPv4 address and holding balanced quotes are common or
  // combined lines, the status is the ninth blank-separated field; lines whose first field is
  // "host:port" before the address are vhost_combined, the status one field later (the
  // webshell requests of this log are among them); the others (cut off inside a quoted field)
  // fit none.
  TempDir tmp;
  const auto script = tmp.path() / "ncsa.awk";
  sqltriage::test::write_file(script, R"AWK(
{ quotes = gsub(/"/, "\"") }
$1 ~ /^[0-9.]+$/ && quotes % 2 == 0 { print "req\t" NR "\t" $9; next }
$1 ~ /:[0-9]+$/ && $2 ~ /^[0-9.]+$/ && quotes % 2 == 0 { print "req\t" NR "\t" $10; next }
NF { print "bad\t" NR }
)AWK");
  const auto out =
      run_ok("LC_ALL=C awk -f " + shell_quote(script.string()) + " " + shell_quote(path.string()));
  std::vector<std::pair<std::uint64_t, int>> expected;
  std::vector<std::uint64_t> expected_bad;
  for (const auto& row : tsv_rows(out)) {
    if (row.at(0) == "req")
      expected.emplace_back(std::stoull(row.at(1)), std::stoi(row.at(2)));
    else
      expected_bad.push_back(std::stoull(row.at(1)));
  }
  REQUIRE(expected.size() > 5);

  auto reader = open_file(path);
  CHECK((reader->format() == wl::Format::ncsa_common ||
         reader->format() == wl::Format::ncsa_combined));
  const auto got = read_all(*reader);
  INFO(bad_text(*reader));
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].line == expected[i].first);
    CHECK(got[i].status == expected[i].second);
  }
  REQUIRE(reader->bad_line_count() == expected_bad.size());
  for (std::size_t i = 0; i < expected_bad.size(); ++i)
    CHECK(reader->bad_lines()[i].line == expected_bad[i]);
}
