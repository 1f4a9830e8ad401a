// The web log accumulators: the noise filter (address lists, CIDRs, GreyNoise-style CSV),
// upload matching, resource stacking and per-client summaries.
//
// Oracles: Python's ipaddress module decides which list entry covers each generated address
// (longest prefix, then first in the file); awk, run by the test over the same log file,
// computes the per-resource and per-client counts, statuses and first/last times of the
// corpus logs (IIS stems case-folded with tolower), and `sort` the expected rarest() order;
// everything else is a value the test wrote into its own fixture.
#include "sqltriage/weblog_analysis.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/weblog.hpp"
#include "support.hpp"

namespace {

namespace wl = sqltriage::weblog;
namespace fs = std::filesystem;
using sqltriage::Filetime;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::split_tabs;
using sqltriage::test::TempDir;
using sqltriage::test::write_file;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string run_ok(const std::string& command) {
  const auto r = run(command);
  INFO(command << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

/// Every request of a log file, read with the web log reader.
template <typename Fn>
void for_each_request(const fs::path& path, Fn fn) {
  auto reader = wl::Reader::open(sqltriage::open_host_file(path), path.string());
  for (wl::Request r; reader->next(r); r = wl::Request{}) fn(r);
}

/// "2019-09-03 10:13:44" (the awk form of a W3C date and time) as format_filetime writes it.
std::string iso(const std::string& w3c_time) {
  std::string out = w3c_time;
  if (out.size() > 10) out[10] = 'T';
  return out + ".0000000Z";
}

std::string iso(const std::optional<Filetime>& ft) {
  return ft ? sqltriage::format_filetime(*ft) : std::string("-");
}

/// ASCII lower case (the awk oracle's tolower on these logs).
std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Filetime at(const std::string& text) {
  const auto ft = sqltriage::parse_iso8601(text);
  REQUIRE(ft.has_value());
  return *ft;
}

// ---------------------------------------------------------------------------------------------
// NoiseFilter

/// Picks, for each address in `addresses`, the label Python's ipaddress module gives: the
/// entry of `entries` (entry, label) with the longest prefix that covers it, the first in the
/// list among equal ones; "-" when none does. ::ffff:a.b.c.d is looked up as a.b.c.d.
std::map<std::string, std::string> python_labels(
    const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& entries,
    const std::vector<std::string>& addresses) {
  std::string entry_text, address_text;
  for (const auto& [e, label] : entries) entry_text += e + "\t" + label + "\n";
  for (const auto& a : addresses) address_text += a + "\n";
  write_file(dir.path() / "entries.tsv", entry_text);
  write_file(dir.path() / "addresses.txt", address_text);
  write_file(dir.path() / "oracle.py", R"PY(
import ipaddress, sys
entries = []
for line in open(sys.argv[1]):
    text, label = line.rstrip("\n").split("\t")
    entries.append((ipaddress.ip_network(text, strict=False), label))
for line in open(sys.argv[2]):
    a = line.strip()
    ip = ipaddress.ip_address(a)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    best = None
    for net, label in entries:
        if net.version == ip.version and ip in net:
            if best is None or net.prefixlen > best[0].prefixlen:
                best = (net, label)
    print(a + "\t" + (best[1] if best else "-"))
)PY");
  const std::string out =
      run_ok("/usr/bin/python3 " + shell_quote((dir.path() / "oracle.py").string()) + " " +
             shell_quote((dir.path() / "entries.tsv").string()) + " " +
             shell_quote((dir.path() / "addresses.txt").string()));
  std::map<std::string, std::string> labels;
  for (const auto& line : lines_of(out)) {
    const auto cells = split_tabs(line);
    REQUIRE(cells.size() == 2);
    labels[cells[0]] = cells[1];
  }
  REQUIRE(labels.size() == std::set<std::string>(addresses.begin(), addresses.end()).size());
  return labels;
}

std::string v4_text(const std::vector<std::uint8_t>& b) {
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
         std::to_string(b[3]);
}

std::string v6_text(const std::vector<std::uint8_t>& b) {
  std::string out;
  char group[8];
  for (int i = 0; i < 16; i += 2) {
    std::snprintf(group, sizeof group, "%x", static_cast<unsigned>((b[i] << 8) | b[i + 1]));
    out += (i == 0 ? "" : ":") + std::string(group);
  }
  return out;
}

std::string text_of(const std::vector<std::uint8_t>& b) {
  return b.size() == 4 ? v4_text(b) : v6_text(b);
}

TEST_CASE("weblog NoiseFilter agrees with Python ipaddress on random networks v4 and v6",
          "[weblog]") {
  if (!sqltriage::test::tool_or_skip("python3")) return;
  TempDir dir;
  std::mt19937 rng(20240611);
  auto random_bytes = [&](std::size_t n) {
    std::vector<std::uint8_t> b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng() & 0xFF);
    return b;
  };
  // Entries: nested networks at many prefix lengths, host bits left set on purpose (the
  // filter, like strict=False, clears them); the /0 of each family only in the second round.
  for (const bool with_zero : {false, true}) {
    std::vector<std::pair<std::string, std::string>> entries;
    std::vector<std::vector<std::uint8_t>> bases;
    std::vector<unsigned> prefixes;
    for (int i = 0; i < 40; ++i) {
      const std::size_t width = i % 2 == 0 ? 4 : 16;
      auto base = random_bytes(width);
      const auto outer = static_cast<std::size_t>(i - 20);
      if (i >= 20) base = bases[outer];  // a network inside another
      const unsigned bits = static_cast<unsigned>(width * 8);
      const auto draw = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
      const unsigned prefix =
          i < 20 ? 1 + draw(bits - 1) : std::min(bits, prefixes[outer] + 1 + draw(9));
      bases.push_back(base);
      prefixes.push_back(prefix);
      const bool bare = prefix == bits && rng() % 2 == 0;  // "/32" written or left out
      entries.emplace_back(text_of(base) + (bare ? "" : "/" + std::to_string(prefix)),
                           "n" + std::to_string(i));
    }
    entries.emplace_back(v4_text({192, 0, 2, 1}) + "/32", "single4");
    entries.emplace_back(v4_text({192, 0, 2, 1}), "duplicate-of-single4");
    if (with_zero) {
      entries.emplace_back("0.0.0.0/0", "all4");
      entries.emplace_back("::/0", "all6");
    }
    // Addresses: inside each entry (host bits randomised), just outside it (the last prefix
    // bit flipped), and random ones.
    std::vector<std::string> addresses = {"192.0.2.1", "192.0.2.0", "192.0.2.2", "::ffff:192.0.2.1",
                                          "::ffff:198.51.100.9"};
    for (std::size_t i = 0; i < bases.size(); ++i) {
      for (int k = 0; k < 3; ++k) {
        auto inside = bases[i];
        for (unsigned bit = prefixes[i]; bit < inside.size() * 8; ++bit) {
          if (rng() % 2) inside[bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
        }
        addresses.push_back(text_of(inside));
        if (prefixes[i] > 0) {
          auto outside = inside;
          const unsigned bit = prefixes[i] - 1;
          outside[bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
          addresses.push_back(text_of(outside));
        }
      }
    }
    for (int i = 0; i < 200; ++i) addresses.push_back(text_of(random_bytes(i % 2 ? 16 : 4)));
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());

    std::string list = "# noise list\n\n";
    for (const auto& [e, label] : entries) list += e + "\n";
    // The plain list has no labels: compare which entry covers by giving each a CSV label.
    std::string csv = "ip,classification\n";
    for (const auto& [e, label] : entries) csv += e + "," + label + "\n";
    const auto plain = wl::NoiseFilter::parse(list, "noise.txt");
    const auto labelled = wl::NoiseFilter::parse(csv, "noise.csv");
    CHECK(plain.size() == entries.size());
    CHECK(labelled.size() == entries.size());

    const auto expected = python_labels(dir, entries, addresses);
    std::size_t matched = 0;
    for (const auto& a : addresses) {
      INFO(a << (with_zero ? " (with /0)" : ""));
      const std::string want = expected.at(a);
      const auto got = labelled.match(a);
      CHECK(got.value_or("-") == want);
      CHECK(plain.match(a).value_or("-") == (want == "-" ? "-" : "noise"));
      if (want != "-") ++matched;
    }
    // Both outcomes are exercised: without /0 many addresses match nothing, with it all do.
    if (with_zero) {
      CHECK(matched == addresses.size());
    } else {
      CHECK(matched > addresses.size() / 4);
      CHECK(matched < addresses.size());
    }
  }
}

TEST_CASE("weblog NoiseFilter addresses, /0, /32, mapped, brackets and zones", "[weblog]") {
  const auto f = wl::NoiseFilter::parse(
      "\xEF\xBB\xBF# scanners\r\n"
      "203.0.113.7\r\n"
      "\r\n"
      "192.0.2.1/32   # one host\r\n"
      "198.51.100.0/24\n"
      "2001:db8::/32\n"
      "fe80::/10\n"
      "2001:db8:1::5/128\n",
      "noise.txt");
  CHECK(f.size() == 6);
  CHECK(f.match("203.0.113.7") == "noise");
  CHECK(!f.match("203.0.113.6"));
  CHECK(!f.match("203.0.113.8"));
  CHECK(f.match("192.0.2.1") == "noise");
  CHECK(!f.match("192.0.2.0"));
  CHECK(!f.match("192.0.2.2"));
  CHECK(f.match("198.51.100.0") == "noise");
  CHECK(f.match("198.51.100.255") == "noise");
  CHECK(!f.match("198.51.101.0"));
  CHECK(!f.match("198.51.99.255"));
  CHECK(f.match("::ffff:198.51.100.9") == "noise");  // IPv4-mapped is the IPv4 address
  CHECK(f.match("2001:db8:ffff::1") == "noise");
  CHECK(f.match("[2001:db8::1]") == "noise");
  CHECK(!f.match("2001:db9::1"));
  CHECK(f.match("fe80::1%12") == "noise");
  CHECK(f.match(" 2001:db8:1::5 ") == "noise");
  CHECK(!f.match(""));
  CHECK(!f.match("-"));
  CHECK(!f.match("not-an-address"));
  CHECK(!f.match("198.51.100"));  // inet_pton wants four parts

  const auto all4 = wl::NoiseFilter::parse("0.0.0.0/0\n", "all4");
  CHECK(all4.match("0.0.0.0") == "noise");
  CHECK(all4.match("255.255.255.255") == "noise");
  CHECK(all4.match("::ffff:8.8.8.8") == "noise");
  CHECK(!all4.match("2001:db8::1"));
  const auto all6 = wl::NoiseFilter::parse("::/0\n", "all6");
  CHECK(all6.match("::") == "noise");
  CHECK(all6.match("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "noise");
  CHECK(!all6.match("8.8.8.8"));
  const auto mapped = wl::NoiseFilter::parse("::ffff:10.1.0.0/112\n", "mapped");
  CHECK(mapped.match("10.1.200.3") == "noise");  // ::ffff:10.1.0.0/112 is 10.1.0.0/16
  CHECK(!mapped.match("10.2.0.1"));

  const auto empty = wl::NoiseFilter::parse("# nothing\n\n", "empty");
  CHECK(empty.size() == 0);
  CHECK(!empty.match("10.0.0.1"));
  CHECK(wl::NoiseFilter::parse("", "empty").size() == 0);
}

TEST_CASE("weblog NoiseFilter reads a GreyNoise-style CSV with quoted fields", "[weblog]") {
  // The classification column comes after quoted fields holding commas, quotes and a line end,
  // so a reader that split on every comma or line would read the wrong column.
  const std::string csv =
      "\"IP\",\"first_seen\",\"last_seen\",\"tags\",\"actor\",\"Classification\",\"cve\"\r\n"
      "\"198.51.100.23\",\"2024-01-01\",\"2024-02-01\",\"SSH Bruteforcer, Telnet "
      "Scanner\",\"unknown\",\"malicious\",\"CVE-2021-1, CVE-2021-2\"\r\n"
      "198.51.100.24,2024-01-01,2024-02-01,\"Web Crawler\",Googlebot,benign,\r\n"
      "\"2001:db8:5::7\",2024-01-01,2024-02-01,\"say \"\"hi\"\", twice\",x,\"unknown\",\r\n"
      "\"203.0.113.0/24\",2024-01-01,2024-02-01,\"two\nlines\",y,,\r\n"
      "\r\n"
      "192.0.2.77 , 2024-01-01,2024-02-01, \"a,b\" ,z, suspicious ,\r\n";
  const auto f = wl::NoiseFilter::parse(csv, "greynoise.csv");
  CHECK(f.size() == 5);
  CHECK(f.match("198.51.100.23") == "malicious");
  CHECK(f.match("198.51.100.24") == "benign");
  CHECK(f.match("2001:db8:5::7") == "unknown");
  CHECK(f.match("203.0.113.200") == "noise");  // empty classification
  CHECK(f.match("192.0.2.77") == "suspicious");
  CHECK(!f.match("198.51.100.25"));

  // No classification column: every entry is "noise".
  const auto bare =
      wl::NoiseFilter::parse("note,ip\n\"a, b\",10.9.8.7\nc,10.9.0.0/16\n", "ips.csv");
  CHECK(bare.size() == 2);
  CHECK(bare.match("10.9.8.7") == "noise");
  CHECK(bare.match("10.9.1.1") == "noise");
}

TEST_CASE("weblog NoiseFilter bad entries throw naming the line", "[weblog]") {
  struct Case {
    std::string text;
    std::string line;   // "line N"
    std::string shown;  // the entry quoted in the message
  };
  const std::vector<Case> cases = {
      {"10.0.0.1\n# c\n\n300.1.2.3\n", "line 4", "300.1.2.3"},
      {"10.0.0.0/33\n", "line 1", "10.0.0.0/33"},
      {"10.0.0.1\n::/129\n", "line 2", "::/129"},
      {"10.0.0.0/\n", "line 1", "10.0.0.0/"},
      {"10.0.0.0/-1\n", "line 1", "10.0.0.0/-1"},
      {"10.0.0.0/8x\n", "line 1", "10.0.0.0/8x"},
      {"10.0.0.0/0008\n", "line 1", "10.0.0.0/0008"},
      {"10.0.0.0/8/8\n", "line 1", "10.0.0.0/8/8"},
      {"scanner.example.com\n", "line 1", "scanner.example.com"},
      {"fe80::1%eth0\n", "line 1", "fe80::1%eth0"},
      {"::ffff:10.0.0.0/95\n", "line 1", "::ffff:10.0.0.0/95"},
      {"10.0.0.1 10.0.0.2\n", "line 1", "10.0.0.1 10.0.0.2"},
      {"\x01\xff\xfe garbage\n", "line 1", "garbage"},
      {"ip,classification\n10.0.0.1,benign\n\"two\nlines\",x\n", "line 3", "two"},
      {"ip,classification\n10.0.0.1,a\n\n\nnope,b\n", "line 5", "nope"},
      {"tags,ip\n\"x,y\",10.0.0.1\nonly-one-field\n", "line 3", "fields"},
      {"ip,classification\n10.0.0.1,a\n\"10.0.0.2,b\n", "line 3", "not closed"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    REQUIRE_THROWS_AS(wl::NoiseFilter::parse(c.text, "list.txt"), std::invalid_argument);
    REQUIRE_THROWS_WITH(wl::NoiseFilter::parse(c.text, "list.txt"),
                        Catch::Contains("list.txt " + c.line + ":") && Catch::Contains(c.shown));
  }
}

// ---------------------------------------------------------------------------------------------
// UploadMatcher

TEST_CASE("weblog UploadMatcher boundaries are inclusive and a missing size never matches",
          "[weblog]") {
  wl::UploadMatcher m;
  CHECK(m.slack == 64 * 1024);
  m.size = 1000;
  m.slack = 100;
  wl::Request r;
  CHECK(!m.matches(r));
  for (const auto& [bytes, want] : std::vector<std::pair<std::uint64_t, bool>>{
           {0, false}, {999, false}, {1000, true}, {1050, true}, {1100, true}, {1101, false}}) {
    INFO(bytes);
    r.bytes_received = bytes;
    CHECK(m.matches(r) == want);
  }
  r.bytes_sent = 1000;  // the response size is not the request size
  r.bytes_received.reset();
  CHECK(!m.matches(r));

  wl::UploadMatcher exact{4096, 0};
  r.bytes_received = 4096;
  CHECK(exact.matches(r));
  r.bytes_received = 4097;
  CHECK(!exact.matches(r));

  // No overflow at the top of the range.
  wl::UploadMatcher top{UINT64_MAX - 10, 64 * 1024};
  r.bytes_received = UINT64_MAX;
  CHECK(top.matches(r));
  r.bytes_received = UINT64_MAX - 11;
  CHECK(!top.matches(r));
  wl::UploadMatcher zero{0, 0};
  r.bytes_received = 0;
  CHECK(zero.matches(r));
}

TEST_CASE("weblog UploadMatcher over a W3C log with cs-bytes agrees with awk", "[weblog]") {
  TempDir dir;
  // cs-bytes around the boundaries of [50000, 50000 + 65536], '-' on some lines.
  const std::vector<std::string> sizes = {"49999",  "50000",  "50001", "-",     "115535",
                                          "115536", "115537", "-",     "80000", "0"};
  std::string log =
      "#Software: Microsoft Internet Information Services 10.0\r\n"
      "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs-bytes\r\n";
  std::set<std::uint64_t> expected_lines;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    log += "2024-03-01 10:00:0" + std::to_string(i) + " 10.0.0." + std::to_string(i) +
           " POST /upload.aspx 200 " + sizes[i] + "\r\n";
  }
  const fs::path path = dir.path() / "u.log";
  write_file(path, log);
  write_file(dir.path() / "m.awk",
             "{ sub(/\\r$/, \"\") } /^#/ { next } $7 != \"-\" && $7 >= 50000 && $7 <= 115536 "
             "{ print NR }\n");
  for (const auto& line : lines_of(run_ok("awk -f " + shell_quote((dir.path() / "m.awk").string()) +
                                          " " + shell_quote(path.string())))) {
    expected_lines.insert(std::stoull(line));
  }
  REQUIRE(expected_lines.size() == 5);  // 50000, 50001, 115535, 115536 and 80000
  std::set<std::uint64_t> got;
  const wl::UploadMatcher m{50000, 65536};
  for_each_request(path, [&](const wl::Request& r) {
    if (m.matches(r)) got.insert(r.line);
  });
  CHECK(got == expected_lines);
}

// ---------------------------------------------------------------------------------------------
// Stacker

/// awk over a W3C log (any #Fields layout; lines whose field count differs from it skipped):
///   R <key> <first stem> <requests> <distinct c-ip> <POST 200> <first time> <last time>
///   S <key> <status> <count>
///   M <key> <method> <count>
/// with key = tolower(cs-uri-stem) and '-' addresses not counted.
constexpr const char* kStackAwk = R"AWK(
{ sub(/\r$/, "") }
/^#Fields:/ {
  for (k in col) delete col[k]
  nf = split(substr($0, 9), names, " ")
  for (i = 1; i <= nf; i++) col[names[i]] = i
  next
}
/^#/ || NF == 0 { next }
NF != nf { next }
{
  stem = $(col["cs-uri-stem"]); key = tolower(stem)
  if (!(key in req)) { name[key] = stem; ips[key] = 0; post[key] = 0 }
  req[key]++
  ip = $(col["c-ip"])
  if (ip != "-" && !((key, ip) in seen)) { seen[key, ip] = 1; ips[key]++ }
  status = $(col["sc-status"]); method = $(col["cs-method"])
  st[key, status]++
  me[key, method]++
  if (method == "POST" && status == 200) post[key]++
  if ("date" in col) {
    t = $(col["date"]) " " $(col["time"])
    if (!(key in first) || t < first[key]) first[key] = t
    if (!(key in last) || t > last[key]) last[key] = t
  }
}
END {
  for (k in req) printf "R\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", k, name[k], req[k], ips[k], post[k], first[k], last[k]
  for (k in st) { split(k, p, SUBSEP); printf "S\t%s\t%s\t%d\n", p[1], p[2], st[k] }
  for (k in me) { split(k, p, SUBSEP); printf "M\t%s\t%s\t%d\n", p[1], p[2], me[k] }
}
)AWK";

struct AwkStack {
  std::string name;
  std::uint64_t requests = 0, ips = 0, post_200 = 0;
  std::string first, last;
  std::map<int, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> methods;
};

std::map<std::string, AwkStack> awk_stacks(const TempDir& dir, const fs::path& log) {
  const fs::path prog = dir.path() / "stack.awk";
  write_file(prog, kStackAwk);
  std::map<std::string, AwkStack> out;
  for (const auto& line :
       lines_of(run_ok("awk -f " + shell_quote(prog.string()) + " " + shell_quote(log.string())))) {
    const auto c = split_tabs(line);
    REQUIRE(c.size() >= 4);
    if (c[0] == "R") {
      REQUIRE(c.size() == 8);
      auto& s = out[c[1]];
      s.name = c[2];
      s.requests = std::stoull(c[3]);
      s.ips = std::stoull(c[4]);
      s.post_200 = std::stoull(c[5]);
      s.first = c[6];
      s.last = c[7];
    } else if (c[0] == "S") {
      out[c[1]].statuses[std::stoi(c[2])] = std::stoull(c[3]);
    } else {
      out[c[1]].methods[c[2]] = std::stoull(c[3]);
    }
  }
  return out;
}

void check_stacks_against_awk(const fs::path& log) {
  TempDir dir;
  const auto expected = awk_stacks(dir, log);
  REQUIRE(!expected.empty());
  wl::Stacker stacker(true);
  std::uint64_t requests = 0;
  for_each_request(log, [&](const wl::Request& r) {
    stacker.add(r);
    ++requests;
  });
  std::uint64_t awk_requests = 0;
  for (const auto& [key, s] : expected) awk_requests += s.requests;
  CHECK(requests == awk_requests);

  const auto stacks = stacker.rarest();
  CHECK(stacker.resources() == expected.size());
  REQUIRE(stacks.size() == expected.size());
  for (const auto& s : stacks) {
    INFO(s.resource);
    const auto it = expected.find(lower(s.resource));
    REQUIRE(it != expected.end());
    const AwkStack& e = it->second;
    CHECK(s.resource == e.name);
    CHECK(s.requests == e.requests);
    CHECK(s.client_ip_count == e.ips);
    CHECK(stacker.client_ips(s).size() == e.ips);
    CHECK(!s.client_ips_truncated);
    CHECK(s.post_200 == e.post_200);
    CHECK(s.statuses == e.statuses);
    CHECK(s.methods == e.methods);
    CHECK(iso(s.first_seen) == iso(e.first));
    CHECK(iso(s.last_seen) == iso(e.last));
  }

  // rarest(): the order `sort` gives to "distinct-ips requests name".
  const fs::path prog = dir.path() / "stack.awk";
  // In a subshell: run() redirects the last command's stdin, which would be sort's.
  const std::string order =
      run_ok("( awk -f " + shell_quote(prog.string()) + " " + shell_quote(log.string()) +
             " | awk -F '\\t' '$1 == \"R\" { print $5, $4, $3 }' | LC_ALL=C sort -k1,1n -k2,2n "
             "-k3,3 )");
  std::vector<std::string> want = lines_of(order);
  std::vector<std::string> got;
  for (const auto& s : stacks) {
    got.push_back(std::to_string(s.client_ip_count) + " " + std::to_string(s.requests) + " " +
                  s.resource);
  }
  CHECK(got == want);
}

TEST_CASE("weblog Stacker over the tunnelling log agrees with awk", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/sbous_Tunna_rdp_tunnel_IIS.log");
  check_stacks_against_awk(log);
}

TEST_CASE("weblog Stacker rarest order over the IIS 6 log agrees with awk and sort", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/plaso_iis6.log");
  check_stacks_against_awk(log);
}

wl::Request request(const std::string& ip, const std::string& method, const std::string& stem,
                    std::optional<int> status, std::optional<Filetime> time = std::nullopt) {
  wl::Request r;
  r.client_ip = ip;
  r.method = method;
  r.uri_stem = stem;
  r.status = status;
  r.time = time;
  return r;
}

TEST_CASE("weblog Stacker folds case for IIS only, caps addresses and orders the rarest",
          "[weblog]") {
  const Filetime t1 = at("2024-03-01T10:00:00Z");
  const Filetime t2 = at("2024-03-01T11:00:00Z");
  const Filetime t3 = at("2024-03-01T12:00:00Z");
  const std::vector<wl::Request> requests = {
      request("10.0.0.1", "POST", "/Shell.aspx", 200, t2),
      request("10.0.0.2", "post", "/shell.ASPX", 200, t3),
      request("10.0.0.1", "GET", "/shell.aspx", 404, t1),
      request("", "GET", "/shell.aspx", std::nullopt),  // no address, status or time
      request("10.0.0.3", "POST", "/index.html", 500, t1),
      request("10.0.0.3", "", "/index.html", 200),
      request("10.0.0.4", "GET", "/a.js", 200, t1),
  };
  wl::Stacker folded(true), exact(false);
  for (const auto& r : requests) {
    folded.add(r);
    exact.add(r);
  }
  REQUIRE(folded.resources() == 3);
  const auto f = folded.rarest();
  // (ips, requests, name): /a.js (1,1), /index.html (1,2), /Shell.aspx (2,4).
  REQUIRE(f.size() == 3);
  CHECK(f[0].resource == "/a.js");
  CHECK(f[1].resource == "/index.html");
  CHECK(f[2].resource == "/Shell.aspx");  // as first seen
  const auto& shell = f[2];
  CHECK(shell.requests == 4);
  CHECK(shell.client_ip_count == 2);
  CHECK(folded.client_ips(shell) == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(folded.client_ips(f[0]) == std::vector<std::string>{"10.0.0.4"});
  wl::ResourceStack unknown;
  unknown.resource = "/never.aspx";
  CHECK(folded.client_ips(unknown).empty());
  // Asked again after more requests: the new address is listed (the grouping is redone).
  folded.add(request("10.0.0.0", "GET", "/SHELL.aspx", 200));
  CHECK(folded.client_ips(shell) == std::vector<std::string>{"10.0.0.0", "10.0.0.1", "10.0.0.2"});
  CHECK(folded.rarest()[2].client_ip_count == 3);
  CHECK(shell.methods ==
        std::map<std::string, std::uint64_t>{{"GET", 2}, {"POST", 1}, {"post", 1}});
  CHECK(shell.statuses == std::map<int, std::uint64_t>{{200, 2}, {404, 1}});
  CHECK(shell.post_200 == 2);
  CHECK(shell.first_seen == t1);
  CHECK(shell.last_seen == t3);
  CHECK(f[1].post_200 == 0);  // POST answered 500
  CHECK(f[1].methods == std::map<std::string, std::uint64_t>{{"POST", 1}});
  CHECK(f[1].first_seen == t1);
  CHECK(f[1].last_seen == t1);

  REQUIRE(exact.resources() == 5);
  const auto e = exact.rarest();
  std::vector<std::string> names;
  for (const auto& s : e) names.push_back(s.resource);
  // /shell.aspx: 1 address (10.0.0.1) and 2 requests; the others 1 and 1, by name (bytes).
  CHECK(names == std::vector<std::string>{"/Shell.aspx", "/a.js", "/shell.ASPX", "/index.html",
                                          "/shell.aspx"});

  wl::Stacker busy(false);
  for (int i = 0; i < 1500; ++i) {
    busy.add(request("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1", "GET",
                     "/busy", 200));
  }
  busy.add(request("10.0.0.1", "GET", "/busy", 200));  // already kept
  const auto b = busy.rarest();
  REQUIRE(b.size() == 1);
  CHECK(b[0].requests == 1501);
  CHECK(b[0].client_ip_count == wl::kMaxTrackedIps);
  CHECK(b[0].client_ips_truncated);
  // The first 1,000 distinct addresses are the ones kept, listed in byte order.
  std::vector<std::string> first;
  for (int i = 0; i < 1000; ++i)
    first.push_back("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1");
  std::sort(first.begin(), first.end());
  CHECK(busy.client_ips(b[0]) == first);
}

// ---------------------------------------------------------------------------------------------
// ClientTracker

/// awk over a W3C log: per c-ip inside [since, until] (W3C "date time" text, compared as
/// strings):
///   C <ip> <requests> <first> <last>
///   S <ip> <status> <count>
///   P <ip> <stem>        (each distinct stem)
///   U <ip> <user agent>  (each distinct one, '-' left out)
/// and with since empty, "T <second-earliest time> <second-latest time>" of the whole file.
constexpr const char* kClientAwk = R"AWK(
{ sub(/\r$/, "") }
/^#Fields:/ {
  for (k in col) delete col[k]
  nf = split(substr($0, 9), names, " ")
  for (i = 1; i <= nf; i++) col[names[i]] = i
  next
}
/^#/ || NF == 0 { next }
NF != nf { next }
{
  t = $(col["date"]) " " $(col["time"])
  if (lo == "" || t < lo) lo = t
  if (hi == "" || t > hi) hi = t
  times[t] = 1
  if (since == "" || t < since || t > until) next
  ip = $(col["c-ip"])
  if (ip == "-") next
  req[ip]++
  if (!(ip in first) || t < first[ip]) first[ip] = t
  if (!(ip in last) || t > last[ip]) last[ip] = t
  st[ip, $(col["sc-status"])]++
  res[ip, $(col["cs-uri-stem"])] = 1
  if ("cs(User-Agent)" in col && $(col["cs(User-Agent)"]) != "-") ua[ip, $(col["cs(User-Agent)"])] = 1
}
END {
  if (since == "") {  # the second-earliest and second-latest times
    for (t in times) {
      if (t != lo && (lo2 == "" || t < lo2)) lo2 = t
      if (t != hi && (hi2 == "" || t > hi2)) hi2 = t
    }
    printf "T\t%s\t%s\n", lo2, hi2
    exit
  }
  for (k in req) printf "C\t%s\t%d\t%s\t%s\n", k, req[k], first[k], last[k]
  for (k in st) { split(k, p, SUBSEP); printf "S\t%s\t%s\t%d\n", p[1], p[2], st[k] }
  for (k in res) { split(k, p, SUBSEP); printf "P\t%s\t%s\n", p[1], p[2] }
  for (k in ua) { split(k, p, SUBSEP); printf "U\t%s\t%s\n", p[1], p[2] }
}
)AWK";

/// "YYYY-MM-DD hh:mm:ss" of a whole-second FILETIME.
std::string w3c_time(Filetime ft) {
  std::string s = sqltriage::format_filetime(ft).substr(0, 19);
  s[10] = ' ';
  return s;
}

void check_clients_against_awk(const fs::path& log) {
  TempDir dir;
  const fs::path prog = dir.path() / "clients.awk";
  write_file(prog, kClientAwk);
  const std::string awk = "awk -f " + shell_quote(prog.string());
  const auto span = split_tabs(lines_of(run_ok(awk + " " + shell_quote(log.string()))).at(0));
  REQUIRE(span.size() == 3);
  REQUIRE(span[0] == "T");
  // The window: from the file's second-earliest to its second-latest time, so both ends leave
  // requests out and both bounds fall on logged times (inclusive).
  const Filetime since = at(span[1] + "Z"), until = at(span[2] + "Z");
  REQUIRE(until > since);
  INFO("window " << w3c_time(since) << " .. " << w3c_time(until));

  struct Want {
    std::uint64_t requests = 0;
    std::string first, last;
    std::map<int, std::uint64_t> statuses;
    std::set<std::string> resources, user_agents;
  };
  std::map<std::string, Want> want;
  for (const auto& line : lines_of(run_ok(awk + " -v since=" + shell_quote(w3c_time(since)) +
                                          " -v until=" + shell_quote(w3c_time(until)) + " " +
                                          shell_quote(log.string())))) {
    const auto c = split_tabs(line);
    if (c[0] == "C") {
      REQUIRE(c.size() == 5);
      want[c[1]].requests = std::stoull(c[2]);
      want[c[1]].first = c[3];
      want[c[1]].last = c[4];
    } else if (c[0] == "S") {
      want[c[1]].statuses[std::stoi(c[2])] = std::stoull(c[3]);
    } else if (c[0] == "P") {
      want[c[1]].resources.insert(c[2]);
    } else if (c[0] == "U") {
      want[c[1]].user_agents.insert(c[2]);
    }
  }
  REQUIRE(!want.empty());

  wl::ClientTracker tracker(since, until);
  wl::ClientTracker everything(std::nullopt, std::nullopt);
  std::uint64_t total = 0;
  for_each_request(log, [&](const wl::Request& r) {
    tracker.add(r);
    everything.add(r);
    ++total;
  });
  const auto clients = tracker.clients();
  REQUIRE(clients.size() == want.size());
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const auto& c = clients[i];
    INFO(c.client_ip);
    REQUIRE(want.count(c.client_ip) == 1);
    const Want& w = want.at(c.client_ip);
    CHECK(c.requests == w.requests);
    CHECK(iso(c.first_seen) == iso(w.first));
    CHECK(iso(c.last_seen) == iso(w.last));
    CHECK(c.statuses == w.statuses);
    CHECK(c.resources == w.resources);
    CHECK(c.user_agents == w.user_agents);
    if (i > 0) {  // by first_seen, then address
      const auto& p = clients[i - 1];
      CHECK((p.first_seen < c.first_seen ||
             (p.first_seen == c.first_seen && p.client_ip < c.client_ip)));
    }
  }
  // Without a window every request counts; with it, some are left out.
  std::uint64_t all = 0, inside = 0;
  for (const auto& c : everything.clients()) all += c.requests;
  for (const auto& c : clients) inside += c.requests;
  CHECK(all == total);
  CHECK(inside < total);
  CHECK(inside > 0);
}

TEST_CASE("weblog ClientTracker over the tunnelling log agrees with awk inside a window",
          "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/sbous_Tunna_rdp_tunnel_IIS.log");
  check_clients_against_awk(log);
}

TEST_CASE("weblog ClientTracker over the IIS 6 log agrees with awk inside a window", "[weblog]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/plaso_iis6.log");
  check_clients_against_awk(log);
}

TEST_CASE("weblog ClientTracker window bounds, classes, caps and order", "[weblog]") {
  const Filetime t0 = at("2024-03-01T09:59:59Z");
  const Filetime t1 = at("2024-03-01T10:00:00Z");
  const Filetime t2 = at("2024-03-01T10:30:00Z");
  const Filetime t3 = at("2024-03-01T11:00:00Z");
  const Filetime t4 = at("2024-03-01T11:00:01Z");
  wl::ClientTracker window(t1, t3);
  wl::ClientTracker open_ended(std::nullopt, std::nullopt);
  std::vector<wl::Request> requests = {
      request("203.0.113.9", "GET", "/early", 200, t0),  // before the window
      request("203.0.113.9", "GET", "/a", 200, t3),      // on the upper bound
      request("10.0.0.5", "POST", "/b", 500, t1),        // on the lower bound
      request("10.0.0.5", "GET", "/b", 200, t2),        request("::1", "GET", "/c", 401, t2),
      request("8.8.8.8", "GET", "/late", 200, t4),    // after the window
      request("192.0.2.50", "GET", "/untimed", 200),  // no time: outside any window
      request("", "GET", "/anonymous", 200, t2),      // no address
  };
  requests[1].user_agent = "curl/8.0";
  requests[3].user_agent = "Mozilla/5.0+(X11)";
  requests[2].user_agent = "Mozilla/5.0+(X11)";
  for (const auto& r : requests) {
    window.add(r);
    open_ended.add(r);
  }
  const auto w = window.clients();
  REQUIRE(w.size() == 3);
  CHECK(w[0].client_ip == "10.0.0.5");     // first seen t1
  CHECK(w[1].client_ip == "::1");          // t2
  CHECK(w[2].client_ip == "203.0.113.9");  // t3 (its t0 request is outside)
  CHECK(w[0].address_class == "private");
  CHECK(w[1].address_class == "loopback");
  CHECK(w[2].address_class == "public");
  CHECK(w[0].requests == 2);
  CHECK(w[0].first_seen == t1);
  CHECK(w[0].last_seen == t2);
  CHECK(w[0].resources == std::set<std::string>{"/b"});
  CHECK(w[0].user_agents == std::set<std::string>{"Mozilla/5.0+(X11)"});
  CHECK(w[0].statuses == std::map<int, std::uint64_t>{{200, 1}, {500, 1}});
  CHECK(w[2].requests == 1);
  CHECK(w[2].resources == std::set<std::string>{"/a"});
  CHECK(w[1].user_agents.empty());

  const auto all = open_ended.clients();
  std::vector<std::string> order;
  for (const auto& c : all) order.push_back(c.client_ip);
  // Timed by first_seen then address; the untimed address last.
  CHECK(order ==
        std::vector<std::string>{"203.0.113.9", "10.0.0.5", "::1", "8.8.8.8", "192.0.2.50"});
  CHECK(all[0].requests == 2);
  CHECK(!all[4].first_seen);

  wl::ClientTracker only_since(t3, std::nullopt);
  for (const auto& r : requests) only_since.add(r);
  const auto s = only_since.clients();
  REQUIRE(s.size() == 2);
  CHECK(s[0].client_ip == "203.0.113.9");
  CHECK(s[1].client_ip == "8.8.8.8");

  wl::ClientTracker capped(std::nullopt, std::nullopt);
  for (int i = 0; i < 300; ++i) {
    auto r = request("198.51.100.1", "GET", "/r" + std::to_string(i), 200, t1);
    r.user_agent = "agent-" + std::to_string(i);
    capped.add(r);
  }
  const auto c = capped.clients();
  REQUIRE(c.size() == 1);
  CHECK(c[0].requests == 300);
  CHECK(c[0].resources.size() == wl::kMaxTrackedResources);
  CHECK(c[0].user_agents.size() == wl::kMaxTrackedResources);
}

}  // namespace

TEST_CASE("weblog analysis: stacks and clients stop growing at their bounds, and count the rest",
          "[weblog]") {
  wl::Stacker stacker(false);
  wl::ClientTracker clients(std::nullopt, std::nullopt);
  wl::Request r;
  r.client_ip = "192.0.2.1";
  r.method = "GET";
  for (std::size_t i = 0; i < wl::kMaxResources + 10; ++i) {
    r.uri_stem = "/r" + std::to_string(i);
    stacker.add(r);
  }
  r.uri_stem = "/r0";  // a resource already stacked is still counted
  stacker.add(r);
  CHECK(stacker.resources() == wl::kMaxResources);
  CHECK(stacker.untracked() == 10);
  const auto rare = stacker.rarest();
  const auto r0 = std::find_if(rare.begin(), rare.end(),
                               [](const wl::ResourceStack& s) { return s.resource == "/r0"; });
  REQUIRE(r0 != rare.end());
  CHECK(r0->requests == 2);

  r.uri_stem = "/";
  for (std::size_t i = 0; i < wl::kMaxClients + 7; ++i) {
    r.client_ip = "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                  std::to_string(i & 255);
    clients.add(r);
  }
  CHECK(clients.untracked() == 7);
  CHECK(clients.clients().size() == wl::kMaxClients);
}
