// `sqltriage weblog` end to end: logs generated here with a seeded generator (IIS W3C with
// cs-bytes, a W3C log whose #Fields: changes mid-file and drops cs-bytes, NCSA combined with
// several UTC offsets, a gzip-rotated log, an Apache log read with --format and %I), the
// tunnelling log of the corpus, hostile logs, and the usage errors.
//
// Oracle: awk, run by the test over the same bytes (gzip -dc for the .gz), picks every column
// by name from each #Fields: line (W3C) or by position (NCSA), converts local times to UTC with
// its own civil-date arithmetic, and prints: the lines whose request size lies in
// [size, size + slack] (U), each resource's requests and distinct client addresses (R; lower-
// cased for W3C), the requests of noise addresses per file (N), and the addresses with a
// request inside the window (C). The JSON document is parsed with nlohmann and compared.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support.hpp"

using namespace sqltriage::test;
using Json = nlohmann::json;

namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

constexpr std::uint64_t kSize = 11776;  // --size
constexpr std::uint64_t kSlack = 4096;  // --slack 4K
constexpr const char* kPivot = "2023-02-20T14:03:11Z";
constexpr const char* kWindowFrom = "2023-02-20T13:33:11";  // the pivot - 30m
constexpr const char* kWindowTo = "2023-02-20T14:33:11";    // the pivot + 30m

// ---- the generator -----------------------------------------------------------------------

/// std::mt19937 (its sequence is fixed by the standard) reduced by modulo: the same logs on
/// every platform.
class Gen {
 public:
  explicit Gen(std::uint32_t seed) : g_(seed) {}
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(g_() % n); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<std::uint32_t>(v.size()))];
  }

 private:
  std::mt19937 g_;
};

struct Req {
  long t = 0;  ///< UTC seconds since 2023-02-20 00:00:00
  std::string ip, method, stem, query, status, sc_bytes, cs_bytes, time_taken, ua;
  int offset_min = 0;  ///< NCSA: the line's UTC offset in minutes
};

std::vector<std::string> client_pool() {
  std::vector<std::string> ips = {"203.0.113.7", "10.0.0.5",      "10.0.0.23",      "192.168.1.10",
                                  "127.0.0.1",   "198.51.100.23", "198.51.100.200", "203.0.113.66",
                                  "192.0.2.44",  "192.0.2.45",    "2001:db8::7",    "172.16.4.4"};
  for (int i = 0; i < 18; ++i)
    ips.push_back("45.33." + std::to_string(i) + "." + std::to_string(i * 7 % 250 + 1));
  return ips;
}

const std::vector<std::string> kW3cStems = {"/app/",
                                            "/app/default.aspx",
                                            "/APP/Default.aspx",
                                            "/app/login.aspx",
                                            "/app/css/site.css",
                                            "/app/js/app.js",
                                            "/app/img/logo.png",
                                            "/app/api/orders.ashx",
                                            "/app/a~b.aspx",
                                            "/app/x%20y.asp",
                                            "/app/star*.aspx",
                                            "/app/p|ipe.aspx",
                                            "/app/Docs/Readme.txt"};
const std::vector<std::string> kNcsaStems = {
    "/site/",           "/site/index.php",    "/site/Index.php",  "/site/about.html",
    "/site/search.php", "/site/wp-login.php", "/site/img/a~b.png"};
const std::vector<std::string> kMethods = {"GET",  "GET",  "GET",  "GET", "GET",  "GET", "GET",
                                           "POST", "POST", "POST", "PUT", "HEAD", "GET"};
const std::vector<std::string> kStatuses = {"200", "200", "200", "200", "200", "200",
                                            "201", "204", "302", "304", "404", "500"};

/// A request size: mostly small, sometimes at or around the edges of [size, size + slack].
std::string request_size(Gen& g) {
  const auto r = g.below(100);
  if (r < 2) return "-";
  if (r >= 8) return std::to_string(200 + g.below(3000));
  const std::uint64_t edges[] = {kSize - 1,
                                 kSize,
                                 kSize + 1,
                                 kSize + kSlack - 1,
                                 kSize + kSlack,
                                 kSize + kSlack + 1,
                                 kSize + g.below(kSlack + 1)};
  return std::to_string(edges[g.below(7)]);
}

/// The next request, `clock` moving on by 1 to `step` seconds.
Req random_req(Gen& g, long& clock, long step, bool w3c) {
  static const auto pool = client_pool();
  clock += 1 + g.below(static_cast<std::uint32_t>(step));
  Req r;
  r.t = clock;
  r.ip = g.pick(pool);
  r.method = g.pick(kMethods);
  r.status = g.pick(kStatuses);
  r.stem = g.pick(w3c ? kW3cStems : kNcsaStems);
  r.query = g.below(4) == 0 ? "id=" + std::to_string(g.below(90)) : "";
  const auto rare = g.below(100);
  if (rare < 3) {  // the webshell: one address, POST answered 200
    r.ip = "203.0.113.7";
    r.method = "POST";
    r.status = "200";
    r.stem = w3c ? "/app/uploads/up.aspx" : "/site/shell.php";
  } else if (rare < 5) {
    r.ip = g.below(2) ? "192.0.2.45" : "10.0.0.23";
    r.method = "GET";
    r.status = "200";
    r.stem = w3c ? (g.below(2) ? "/App/Admin/Backup.aspx" : "/app/admin/backup.aspx")
                 : "/site/Admin/backup.php";
  }
  r.sc_bytes = std::to_string(100 + g.below(50000));
  r.cs_bytes = request_size(g);
  r.time_taken = std::to_string(g.below(900));
  r.ua = g.below(3) ? "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" : "curl/7.88.1";
  const int offsets[] = {0, 60, -300, 330};
  r.offset_min = offsets[g.below(4)];
  return r;
}

std::string two(long v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string hms(long t) { return two(t / 3600) + ":" + two(t / 60 % 60) + ":" + two(t % 60); }

const char* const kFieldsFull =
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken";
// No cs-bytes, columns reordered.
const char* const kFieldsShort =
    "date time c-ip cs-method cs-uri-stem cs-uri-query sc-status time-taken cs(User-Agent)";

std::string w3c_value(const Req& r, const std::string& field) {
  const auto dash = [](const std::string& v) { return v.empty() ? std::string("-") : v; };
  std::string ua = r.ua;
  std::replace(ua.begin(), ua.end(), ' ', '+');
  if (field == "date") return "2023-02-20";
  if (field == "time") return hms(r.t);
  if (field == "s-ip") return "10.0.0.1";
  if (field == "cs-method") return r.method;
  if (field == "cs-uri-stem") return r.stem;
  if (field == "cs-uri-query") return dash(r.query);
  if (field == "s-port") return "443";
  if (field == "cs-username") return "-";
  if (field == "c-ip") return r.ip;
  if (field == "cs(User-Agent)") return ua;
  if (field == "cs(Referer)") return "-";
  if (field == "sc-status") return r.status;
  if (field == "sc-substatus" || field == "sc-win32-status") return "0";
  if (field == "sc-bytes") return r.sc_bytes;
  if (field == "cs-bytes") return r.cs_bytes;
  if (field == "time-taken") return r.time_taken;
  FAIL("unknown field " << field);
  return {};
}

std::string w3c_line(const Req& r, const std::string& fields) {
  std::istringstream names(fields);
  std::string name, line;
  while (names >> name) line += (line.empty() ? "" : " ") + w3c_value(r, name);
  return line + "\r\n";
}

std::string w3c_header(const std::string& fields) {
  return "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
         "#Date: 2023-02-20 00:00:00\r\n#Fields: " +
         fields + "\r\n";
}

/// [20/Feb/2023:15:03:11 +0100]: local time with its offset (kept on the same day).
std::string ncsa_time(const Req& r) {
  const long local = r.t + r.offset_min * 60L;
  const int off = r.offset_min < 0 ? -r.offset_min : r.offset_min;
  return "[20/Feb/2023:" + hms(local) + " " + (r.offset_min < 0 ? "-" : "+") + two(off / 60) +
         two(off % 60) + "]";
}

std::string request_line(const Req& r) {
  return "\"" + r.method + " " + r.stem + (r.query.empty() ? "" : "?" + r.query) + " HTTP/1.1\"";
}

/// NCSA combined.
std::string ncsa_line(const Req& r) {
  return r.ip + " - - " + ncsa_time(r) + " " + request_line(r) + " " + r.status + " " + r.sc_bytes +
         " \"-\" \"" + r.ua + "\"\n";
}

/// LogFormat '%h %l %u %t "%r" %>s %O %I %D' (%I never "-": mod_logio always counts).
std::string logio_line(const Req& r) {
  const std::string in = r.cs_bytes == "-" ? "0" : r.cs_bytes;
  return r.ip + " - - " + ncsa_time(r) + " " + request_line(r) + " " + r.status + " " + r.sc_bytes +
         " " + in + " " + std::to_string(std::stoul(r.time_taken) * 1000) + "\n";
}

Req fixed(long t, const std::string& ip, const std::string& method, const std::string& stem,
          const std::string& status, const std::string& cs_bytes, int offset_min = 0) {
  Req r;
  r.t = t;
  r.ip = ip;
  r.method = method;
  r.stem = stem;
  r.status = status;
  r.sc_bytes = "512";
  r.cs_bytes = cs_bytes;
  r.time_taken = "15";
  r.ua = "python-requests/2.28.2";
  r.offset_min = offset_min;
  return r;
}

long at(long h, long m, long s) { return h * 3600 + m * 60 + s; }

/// IIS log A: every field, cs-bytes included, plus planted requests at the window's edges,
/// at the upload range's edges, and from noise addresses.
std::string iis_log_a() {
  Gen g(20230220);
  long clock = at(8, 0, 0);
  std::string text = w3c_header(kFieldsFull);
  for (int i = 0; i < 400; ++i) text += w3c_line(random_req(g, clock, 120, true), kFieldsFull);
  const std::string s = std::to_string(kSize), top = std::to_string(kSize + kSlack);
  const Req planted[] = {
      fixed(at(13, 33, 10), "192.0.2.101", "GET", "/app/", "200", "300"),
      fixed(at(13, 33, 11), "192.0.2.102", "GET", "/app/", "200", "300"),
      fixed(at(14, 33, 11), "192.0.2.103", "GET", "/app/", "200", "300"),
      fixed(at(14, 33, 12), "192.0.2.104", "GET", "/app/", "200", "300"),
      fixed(at(14, 1, 0), "45.33.2.15", "POST", "/app/uploads/up.aspx", "200",
            std::to_string(kSize - 1)),
      fixed(at(14, 2, 0), "45.33.3.22", "POST", "/app/uploads/up.aspx", "200", s),
      fixed(at(14, 3, 0), "45.33.4.29", "POST", "/app/uploads/up.aspx", "200", top),
      fixed(at(14, 4, 0), "45.33.5.36", "POST", "/app/uploads/up.aspx", "200",
            std::to_string(kSize + kSlack + 1)),
      fixed(at(14, 5, 0), "198.51.100.23", "POST", "/app/api/orders.ashx", "200",
            std::to_string(kSize + 10)),
      fixed(at(14, 6, 0), "192.0.2.44", "PUT", "/app/uploads/up.aspx", "201", top),
  };
  for (const auto& r : planted) text += w3c_line(r, kFieldsFull);
  return text;
}

/// IIS log B: cs-bytes in the first half; then a #Fields: line drops it (and its time-taken
/// values fall in the upload range, which must not be taken for a request size).
std::string iis_log_b() {
  Gen g(7);
  long clock = at(11, 0, 0);
  std::string text = w3c_header(kFieldsFull);
  for (int i = 0; i < 150; ++i) text += w3c_line(random_req(g, clock, 90, true), kFieldsFull);
  text += "#Date: 2023-02-20 15:00:00\r\n#Fields: " + std::string(kFieldsShort) + "\r\n";
  for (int i = 0; i < 150; ++i) {
    Req r = random_req(g, clock, 90, true);
    r.time_taken = std::to_string(kSize + g.below(kSlack));
    text += w3c_line(r, kFieldsShort);
  }
  return text;
}

/// IIS log C, for the gzip-rotated file.
std::string iis_log_c() {
  Gen g(3);
  long clock = at(9, 0, 0);
  std::string text = w3c_header(kFieldsFull);
  for (int i = 0; i < 250; ++i) text += w3c_line(random_req(g, clock, 150, true), kFieldsFull);
  return text;
}

/// NCSA combined, offsets +00:00, +01:00, -05:00, +05:30, with planted window edges.
std::string ncsa_log() {
  Gen g(4);
  long clock = at(8, 0, 0);
  std::string text;
  for (int i = 0; i < 300; ++i) text += ncsa_line(random_req(g, clock, 100, false));
  text += ncsa_line(fixed(at(14, 33, 11), "192.0.2.105", "GET", "/site/", "200", "-", 60));
  text += ncsa_line(fixed(at(14, 33, 12), "192.0.2.106", "GET", "/site/", "200", "-", -300));
  text += ncsa_line(fixed(at(13, 33, 10), "192.0.2.107", "GET", "/site/", "200", "-", 330));
  return text;
}

std::string logio_log() {
  Gen g(5);
  long clock = at(8, 0, 0);
  std::string text;
  for (int i = 0; i < 300; ++i) text += logio_line(random_req(g, clock, 100, false));
  return text;
}

// ---- the awk oracle ------------------------------------------------------------------------

constexpr const char* kOracleAwk = R"AWK(
function days(y, m, d) {
  if (m <= 2) { y -= 1; m += 12 }
  return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d - 719469
}
function epoch(y, mo, d, h, mi, s) { return days(y + 0, mo + 0, d + 0) * 86400 + h * 3600 + mi * 60 + s }
function noisy(ip) { return (ip in single) || (pfx != "" && index(ip, pfx) == 1) }
BEGIN {
  n = split(noise, a, " "); for (i = 1; i <= n; i++) single[a[i]] = 1
  split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mn, " ")
  for (i = 1; i <= 12; i++) mon[mn[i]] = i
  split(wfrom, a, /[-T:]/); t0 = epoch(a[1], a[2], a[3], a[4], a[5], a[6])
  split(wto, a, /[-T:]/); t1 = epoch(a[1], a[2], a[3], a[4], a[5], a[6])
}
FNR == 1 { file = FILENAME; sub(/.*\//, "", file) }
{ sub(/\r$/, "") }
mode == "w3c" && /^#[Ff][Ii][Ee][Ll][Dd][Ss]:/ {
  split("", col)
  for (i = 2; i <= NF; i++) col[tolower($i)] = i - 1
  next
}
mode == "w3c" && /^#/ { next }
NF == 0 { next }
{
  if (mode == "w3c") {
    ip = $(col["c-ip"]); key = tolower($(col["cs-uri-stem"]))
    bytes = ("cs-bytes" in col) ? $(col["cs-bytes"]) : "-"
    split($(col["date"]), d, "-"); split($(col["time"]), t, ":")
    when = epoch(d[1], d[2], d[3], t[1], t[2], t[3])
  } else {
    ip = $1; key = $7; sub(/\?.*/, "", key)
    bytes = logio ? $11 : "-"
    split(substr($4, 2), p, /[\/:]/)
    z = substr($5, 1, 5)
    off = (substr(z, 2, 2) * 3600 + substr(z, 4, 2) * 60) * (substr(z, 1, 1) == "-" ? -1 : 1)
    when = epoch(p[3], mon[p[2]], p[1], p[4], p[5], p[6]) - off
  }
  if (bytes ~ /^[0-9]+$/ && bytes + 0 >= lo && bytes + 0 <= hi)
    printf "U\t%s\t%d\t%s\t%s\n", file, FNR, ip, bytes
  if (noisy(ip)) { nz[file]++; next }
  req[key]++
  if (!((key, ip) in seen)) { seen[key, ip] = 1; ips[key]++ }
  if (when >= t0 && when <= t1) inwin[ip] = 1
}
END {
  for (k in req) printf "R\t%s\t%d\t%d\n", k, req[k], ips[k]
  for (f in nz) printf "N\t%s\t%d\n", f, nz[f]
  for (k in inwin) printf "C\t%s\n", k
}
)AWK";

struct Oracle {
  std::set<std::tuple<std::string, std::uint64_t, std::string, std::uint64_t>> uploads;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> resources;  // requests, ips
  std::map<std::string, std::uint64_t> noise;                                // per file
  std::set<std::string> window_clients;
};

struct OracleArgs {
  std::string mode;  ///< "w3c" or "ncsa"
  bool logio = false;
  std::string noise_ips, noise_prefix;
  std::string from = kWindowFrom, to = kWindowTo;
};

void run_oracle(const fs::path& script, const OracleArgs& a, const std::vector<fs::path>& files,
                Oracle& out) {
  std::string cmd = "awk -v mode=" + a.mode + " -v logio=" + (a.logio ? "1" : "0") +
                    " -v lo=" + std::to_string(kSize) + " -v hi=" + std::to_string(kSize + kSlack) +
                    " -v noise=" + shell_quote(a.noise_ips) +
                    " -v pfx=" + shell_quote(a.noise_prefix) + " -v wfrom=" + a.from +
                    " -v wto=" + a.to + " -f " + q(script);
  for (const auto& f : files) cmd += " " + q(f);
  const auto r = run(cmd);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto c = split_tabs(line);
    if (c[0] == "U") {
      REQUIRE(c.size() == 5);
      out.uploads.emplace(c[1], std::stoull(c[2]), c[3], std::stoull(c[4]));
    } else if (c[0] == "R") {
      REQUIRE(c.size() == 4);
      REQUIRE(out.resources.count(c[1]) == 0);  // W3C and NCSA resources never share a name
      out.resources[c[1]] = {std::stoull(c[2]), std::stoull(c[3])};
    } else if (c[0] == "N") {
      out.noise[c[1]] = std::stoull(c[2]);
    } else if (c[0] == "C") {
      out.window_clients.insert(c[1]);
    }
  }
}

// ---- the document ----------------------------------------------------------------------------

Json parse_doc(const CommandResult& r) {
  INFO(r.err.substr(0, 4000));
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  return doc;
}

std::vector<Json> of_type(const Json& doc, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == type) out.push_back(f);
  return out;
}

std::string errors_text(const Json& doc) {
  std::string out;
  for (const auto& e : doc.at("errors")) out += e.dump() + "\n";
  return out;
}

std::vector<Json> errors_for(const Json& doc, const std::string& file_name) {
  std::vector<Json> out;
  for (const auto& e : doc.at("errors"))
    if (fs::path(e.at("artifact").at("path").get<std::string>()).filename() == file_name)
      out.push_back(e);
  return out;
}

std::size_t errors_containing(const Json& doc, const std::string& text) {
  std::size_t n = 0;
  for (const auto& e : doc.at("errors"))
    if (e.at("message").get<std::string>().find(text) != std::string::npos) ++n;
  return n;
}

/// The file name of a finding's artifact: a host path, or a Windows path inside evidence.
std::string base(const Json& finding) {
  const auto path = finding.at("artifact").at("path").get<std::string>();
  const auto cut = path.find_last_of("\\/");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

const Json* log_finding(const Json& doc, const std::string& file_name) {
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == "weblog.log" && base(f) == file_name) return &f;
  return nullptr;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return s;
}

/// The resource stacks of the document, by the oracle's key (W3C resources lower-cased).
std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> doc_resources(const Json& doc) {
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> out;
  for (const auto& f : of_type(doc, "weblog.resource")) {
    const auto& d = f.at("data");
    std::string key = d.at("Resource");
    if (lower(key).rfind("/app/", 0) == 0) key = lower(key);
    INFO(key);
    CHECK(out.count(key) == 0);
    CHECK(d.at("ClientIpCount") == d.at("ClientIps").size());
    out[key] = {d.at("Requests").get<std::uint64_t>(), d.at("ClientIpCount").get<std::uint64_t>()};
  }
  return out;
}

std::set<std::tuple<std::string, std::uint64_t, std::string, std::uint64_t>> doc_uploads(
    const Json& doc) {
  std::set<std::tuple<std::string, std::uint64_t, std::string, std::uint64_t>> out;
  for (const auto& f : of_type(doc, "weblog.upload")) {
    const auto& d = f.at("data");
    CHECK(f.at("artifact").at("record") == d.at("Line"));
    out.emplace(base(f), d.at("Line").get<std::uint64_t>(), d.at("c-ip").get<std::string>(),
                d.at("cs-bytes").get<std::uint64_t>());
  }
  return out;
}

std::set<std::string> doc_clients(const Json& doc) {
  std::set<std::string> out;
  for (const auto& f : of_type(doc, "weblog.client")) out.insert(f.at("data").at("c-ip"));
  return out;
}

/// The evidence folder of generated logs, and the plain texts awk reads.
struct Corpus {
  TempDir dir;
  fs::path logs, oracle, awk;
  std::vector<fs::path> w3c_plain;  ///< what awk reads for the W3C logs
  fs::path ncsa, logio;
};

void make_corpus(Corpus& c) {
  c.logs = c.dir.path() / "logs";
  c.oracle = c.dir.path() / "oracle";
  c.awk = c.dir.path() / "oracle.awk";
  write_file(c.awk, kOracleAwk);
  write_file(c.logs / "u_ex230220.log", iis_log_a());
  write_file(c.logs / "u_ex230221.log", iis_log_b());
  write_file(c.logs / "access.log", ncsa_log());
  // The rotated log: gzip's own bytes in the evidence, gzip -dc's for awk.
  const auto plain = c.oracle / "plain" / "u_ex230219.log";
  write_file(plain, iis_log_c());
  const auto gz = run("gzip -9 -n -c " + q(plain));
  REQUIRE(gz.exit_code == 0);
  write_file(c.logs / "u_ex230219.log.gz", gz.out);
  const auto back = run("gzip -dc " + q(c.logs / "u_ex230219.log.gz"));
  REQUIRE(back.exit_code == 0);
  write_file(c.oracle / "u_ex230219.log.gz", back.out);
  c.w3c_plain = {c.logs / "u_ex230220.log", c.logs / "u_ex230221.log",
                 c.oracle / "u_ex230219.log.gz"};
  c.ncsa = c.logs / "access.log";
  c.logio = c.dir.path() / "apache" / "access.log";
  write_file(c.logio, logio_log());
}

Oracle oracle_for(const Corpus& c, const std::string& noise_ips, const std::string& prefix,
                  const std::string& from = kWindowFrom, const std::string& to = kWindowTo) {
  Oracle o;
  OracleArgs a;
  a.noise_ips = noise_ips;
  a.noise_prefix = prefix;
  a.from = from;
  a.to = to;
  a.mode = "w3c";
  run_oracle(c.awk, a, c.w3c_plain, o);
  a.mode = "ncsa";
  run_oracle(c.awk, a, {c.ncsa}, o);
  return o;
}

}  // namespace

TEST_CASE("weblog cli: uploads, stacks and window clients against awk", "[weblog][cli]") {
  Corpus c;
  make_corpus(c);
  const Oracle o = oracle_for(c, "", "");
  // The oracle itself on the planted requests: the range's edges, the window's edges.
  const auto size_seen = [&](std::uint64_t bytes) {
    return std::any_of(o.uploads.begin(), o.uploads.end(),
                       [&](const auto& u) { return std::get<3>(u) == bytes; });
  };
  REQUIRE(size_seen(kSize));
  REQUIRE(size_seen(kSize + kSlack));
  REQUIRE_FALSE(size_seen(kSize - 1));
  REQUIRE_FALSE(size_seen(kSize + kSlack + 1));
  for (const char* in : {"192.0.2.102", "192.0.2.103", "192.0.2.105"})
    REQUIRE(o.window_clients.count(in) == 1);
  for (const char* out : {"192.0.2.101", "192.0.2.104", "192.0.2.106", "192.0.2.107"})
    REQUIRE(o.window_clients.count(out) == 0);
  // Enough of each for the comparisons to mean something.
  REQUIRE(o.uploads.size() >= 15);
  REQUIRE(o.resources.size() >= 20);
  REQUIRE(o.window_clients.size() >= 10);
  REQUIRE(o.resources.count("/app/default.aspx") == 1);  // "/APP/Default.aspx" folded into it
  REQUIRE(o.resources.count("/site/Index.php") == 1);    // NCSA keeps the case
  REQUIRE(o.resources.count("/site/index.php") == 1);

  const auto r = run_sqltriage("weblog " + q(c.logs) + " --size " + std::to_string(kSize) +
                               " --slack 4K --all --top 100000"
                               " --pivot " +
                               kPivot + " --window 30m");
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  INFO(errors_text(doc));
  CHECK(doc.at("errors").empty());

  SECTION("(a) uploads: the lines whose request size is in [size, size + slack]") {
    CHECK(doc_uploads(doc) == o.uploads);
    CHECK(errors_containing(doc, "no upload can be matched") == 0);
    for (const auto& f : of_type(doc, "weblog.upload")) {
      const auto& d = f.at("data");
      CHECK(d.at("TargetSize") == kSize);
      CHECK(d.at("SizeOverTarget") == d.at("cs-bytes").get<std::uint64_t>() - kSize);
    }
    // Per log: how many, and whether the log records the request size.
    std::map<std::string, std::uint64_t> per_file;
    for (const auto& u : o.uploads) ++per_file[std::get<0>(u)];
    for (const char* name : {"u_ex230220.log", "u_ex230221.log", "u_ex230219.log.gz"}) {
      const Json* log = log_finding(doc, name);
      REQUIRE(log);
      CHECK(log->at("data").at("UploadMatches") == per_file[name]);
      CHECK(log->at("data").at("RecordsRequestSize") == true);
      CHECK(log->at("data").at("Format") == "w3c");
    }
    const Json* ncsa = log_finding(doc, "access.log");
    REQUIRE(ncsa);
    CHECK(ncsa->at("data").at("RecordsRequestSize") == false);
    CHECK(ncsa->at("data").at("UploadMatches") == 0);
    CHECK(ncsa->at("data").at("Format") == "ncsa_combined");
  }

  SECTION("(b) --all: every resource's requests and distinct addresses") {
    CHECK(doc_resources(doc) == o.resources);
  }

  SECTION("(d) --pivot/--window: the clients with a request inside the window") {
    CHECK(doc_clients(doc) == o.window_clients);
  }
}

TEST_CASE("weblog cli: the Apache log read with --format and %I", "[weblog][cli]") {
  Corpus c;
  make_corpus(c);
  Oracle o;
  OracleArgs a;
  a.mode = "ncsa";
  a.logio = true;
  run_oracle(c.awk, a, {c.logio}, o);
  REQUIRE_FALSE(o.uploads.empty());
  const auto r = run_sqltriage("weblog " + q(c.logio.parent_path()) + " --size " +
                               std::to_string(kSize) + " --slack 4096 --all --top 100000" +
                               " --format '%h %l %u %t \"%r\" %>s %O %I %D'");
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  INFO(errors_text(doc));
  CHECK(doc.at("errors").empty());
  CHECK(doc_uploads(doc) == o.uploads);
  CHECK(doc_resources(doc) == o.resources);
  const Json* log = log_finding(doc, "access.log");
  REQUIRE(log);
  CHECK(log->at("data").at("Format") == "logformat");
  CHECK(log->at("data").at("RecordsRequestSize") == true);
  // %D is microseconds; time-taken is milliseconds: the planted values were ms x 1000.
  for (const auto& f : of_type(doc, "weblog.upload"))
    CHECK(f.at("data").at("time-taken").get<std::uint64_t>() < 900);
}

TEST_CASE("weblog cli: --noise leaves the noise addresses out", "[weblog][cli]") {
  Corpus c;
  make_corpus(c);
  struct Case {
    const char* file;
    std::string text, singles, prefix;
    std::map<std::string, std::string> labels;  // address -> the label its uploads carry
  };
  const Case cases[] = {
      {"noise.txt",
       "# scanners seen everywhere\n198.51.100.0/24\n\n203.0.113.66   # a crawler\n",
       "203.0.113.66",
       "198.51.100.",
       {{"198.51.100.23", "noise"}}},
      {"greynoise.csv",
       "ip,classification,name,last_seen\r\n198.51.100.23,benign,\"Censys, Inc.\","
       "2023-02-20\r\n\"192.0.2.44\",malicious,unknown,2023-02-19\r\n",
       "198.51.100.23 192.0.2.44",
       "",
       {{"198.51.100.23", "benign"}, {"192.0.2.44", "malicious"}}},
  };
  for (const auto& k : cases) {
    DYNAMIC_SECTION(k.file) {
      const auto list = c.dir.path() / k.file;
      write_file(list, k.text);
      const Oracle o =
          oracle_for(c, k.singles, k.prefix, "2023-02-20T00:00:00", "2023-02-21T00:00:00");
      const auto noisy = [&](const std::string& ip) {
        std::istringstream words(k.singles);
        const std::set<std::string> singles((std::istream_iterator<std::string>(words)),
                                            std::istream_iterator<std::string>());
        return singles.count(ip) == 1 || (!k.prefix.empty() && ip.rfind(k.prefix, 0) == 0);
      };
      const auto r = run_sqltriage("weblog " + q(c.logs) + " --noise " + q(list) + " --size " +
                                   std::to_string(kSize) + " --slack 4K" + " --all --top 100000" +
                                   " --since 2023-02-20T00:00:00Z --until 2023-02-21T00:00:00Z");
      INFO(r.err.substr(0, 4000));
      REQUIRE(r.exit_code == 0);
      const Json doc = parse_doc(r);
      INFO(errors_text(doc));
      CHECK(doc.at("errors").empty());

      // No noise address in any stack or client summary.
      for (const auto& f : of_type(doc, "weblog.resource"))
        for (const auto& ip : f.at("data").at("ClientIps")) CHECK_FALSE(noisy(ip));
      for (const auto& ip : doc_clients(doc)) CHECK_FALSE(noisy(ip));
      CHECK(doc_clients(doc) == o.window_clients);
      CHECK(doc_resources(doc) == o.resources);

      // The requests removed, per log.
      std::uint64_t removed = 0;
      for (const char* name :
           {"u_ex230220.log", "u_ex230221.log", "u_ex230219.log.gz", "access.log"}) {
        const Json* log = log_finding(doc, name);
        REQUIRE(log);
        INFO(name);
        const auto it = o.noise.find(name);
        CHECK(log->at("data").at("NoiseRequests") == (it == o.noise.end() ? 0 : it->second));
        removed += log->at("data").at("NoiseRequests").get<std::uint64_t>();
      }
      CHECK(removed > 0);

      // Uploads are still matched for noise addresses, labelled.
      CHECK(doc_uploads(doc) == o.uploads);
      for (const auto& f : of_type(doc, "weblog.upload")) {
        const std::string ip = f.at("data").at("c-ip");
        INFO(ip);
        if (noisy(ip)) {
          const auto label = k.labels.find(ip);
          CHECK(f.at("data").at("Noise") == (label == k.labels.end() ? "noise" : label->second));
        } else {
          CHECK_FALSE(f.at("data").contains("Noise"));
        }
      }
    }
  }
}

TEST_CASE("weblog cli: the Tunna tunnelling log of the corpus", "[weblog][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(log, "weblogs/sbous_Tunna_rdp_tunnel_IIS.log");
  // Requests to /erp/conn.aspx (any case), and those of them POSTed and answered 200.
  const auto awk = run(
      "awk '{ sub(/\\r$/, \"\") } "
      "/^#[Ff]ields:/ { split(\"\", c); for (i = 2; i <= NF; i++) c[tolower($i)] = i - 1; next } "
      "/^#/ || NF == 0 { next } "
      "tolower($(c[\"cs-uri-stem\"])) == \"/erp/conn.aspx\" { n++; ip[$(c[\"c-ip\"])] = 1; "
      "if (toupper($(c[\"cs-method\"])) == \"POST\" && $(c[\"sc-status\"]) == 200) p++ } "
      "END { k = 0; for (a in ip) k++; printf \"%d %d %d\\n\", n, p, k }' " +
      q(log));
  REQUIRE(awk.exit_code == 0);
  std::istringstream counts(awk.out);
  std::uint64_t requests = 0, post200 = 0, ips = 0;
  counts >> requests >> post200 >> ips;
  REQUIRE(requests > 4000);

  const auto r = run_sqltriage("weblog " + q(log));
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  const auto resources = of_type(doc, "weblog.resource");
  const auto found = std::find_if(resources.begin(), resources.end(), [](const Json& f) {
    return lower(f.at("data").at("Resource")) == "/erp/conn.aspx";
  });
  REQUIRE(found != resources.end());
  const Json* conn = &*found;
  CHECK(conn->at("severity") == "high");
  std::set<std::string> ids;
  for (const auto& k : conn->at("checks")) ids.insert(k.at("id"));
  CHECK(ids.count("rare_script_post_200") == 1);
  CHECK(ids.count("rare_resource") == 1);
  CHECK(conn->at("data").at("Requests") == requests);
  CHECK(conn->at("data").at("Post200") == post200);
  CHECK(conn->at("data").at("ClientIpCount") == ips);
  CHECK(conn->at("data").at("Script") == true);
  // The address that posted to it is raised too.
  bool client_raised = false;
  for (const auto& f : of_type(doc, "weblog.client"))
    for (const auto& k : f.at("checks"))
      if (k.at("id") == "client_reached_rare_script") client_raised = true;
  CHECK(client_raised);
}

TEST_CASE("weblog cli: hostile logs are reported and the others still read", "[weblog][cli]") {
  TempDir dir;
  const auto logs = dir.path() / "hostile";
  // A sound W3C log.
  std::string good = w3c_header(kFieldsFull);
  {
    Gen g(11);
    long clock = at(10, 0, 0);
    for (int i = 0; i < 40; ++i) good += w3c_line(random_req(g, clock, 60, true), kFieldsFull);
  }
  write_file(logs / "good.log", good);
  // Binary garbage, with line ends here and there.
  std::string garbage;
  {
    Gen g(12);
    for (int i = 0; i < 6000; ++i) {
      const auto b = g.below(256);
      garbage += static_cast<char>(b == 0x0A || g.below(70) == 0 ? '\n' : b);
    }
  }
  garbage[0] = '\x01';  // no gzip magic, no text
  write_file(logs / "garbage.log", garbage);
  // A gzip stream cut in the middle.
  std::string big;
  {
    Gen g(13);
    long clock = at(9, 0, 0);
    big = w3c_header(kFieldsFull);
    for (int i = 0; i < 3000; ++i) big += w3c_line(random_req(g, clock, 5, true), kFieldsFull);
  }
  write_file(dir.path() / "big.log", big);
  const auto whole = run("gzip -c " + q(dir.path() / "big.log"));
  REQUIRE(whole.exit_code == 0);
  write_file(dir.path() / "big.log.gz", whole.out);
  const auto cut =
      run("head -c " + std::to_string(whole.out.size() / 2) + " " + q(dir.path() / "big.log.gz"));
  REQUIRE(cut.exit_code == 0);
  write_file(logs / "cut.log.gz", cut.out);
  // Empty.
  write_file(logs / "empty.log", "");
  // An NCSA log whose third line is 2 MiB long.
  Req r = fixed(at(12, 0, 0), "203.0.113.9", "GET", "/site/", "200", "-");
  std::string longlog = ncsa_line(r) + ncsa_line(r);
  const std::uint64_t long_offset = longlog.size();
  Req huge = r;
  huge.stem = "/site/" + std::string(2u << 20, 'A');
  longlog += ncsa_line(huge) + ncsa_line(r) + ncsa_line(r);
  write_file(logs / "long.log", longlog);
  // Prose named like a log.
  write_file(logs / "notes.log", "Dear team,\nthe web server was restarted at noon.\nRegards\n");
  // A Windows tree without any web log, as a second evidence argument.
  const auto nologs = dir.path() / "nologs";
  fs::create_directories(nologs / "Windows" / "System32");

  const auto res = run_sqltriage("weblog " + q(logs) + " " + q(nologs) + " --size 1000");
  INFO(res.err.substr(0, 4000));
  CHECK(res.exit_code == 0);
  const Json doc = parse_doc(res);
  INFO(errors_text(doc));

  SECTION("the sound log is read whole") {
    const Json* log = log_finding(doc, "good.log");
    REQUIRE(log);
    const auto awk =
        run("awk '!/^#/ && NF > 0 { n++ } END { print n + 0 }' " + q(logs / "good.log"));
    CHECK(log->at("data").at("Requests") == std::stoull(awk.out));
    CHECK(log->at("data").at("BadLines") == 0);
    CHECK(errors_for(doc, "good.log").empty());
  }
  SECTION("binary garbage: bad lines named with their line and offset") {
    const auto errs = errors_for(doc, "garbage.log");
    REQUIRE_FALSE(errs.empty());
    // Line starts in the bytes written.
    std::vector<std::uint64_t> starts = {0};
    for (std::size_t i = 0; i < garbage.size(); ++i)
      if (garbage[i] == '\n' && i + 1 < garbage.size()) starts.push_back(i + 1);
    std::size_t record_errors = 0;
    for (const auto& e : errs) {
      if (e.at("code") != "record") continue;
      ++record_errors;
      const auto line = e.at("artifact").at("record").get<std::uint64_t>();
      REQUIRE(line >= 1);
      REQUIRE(line <= starts.size());
      CHECK(e.at("artifact").at("offset") == starts[line - 1]);
      CHECK(e.at("message").get<std::string>().find("line " + std::to_string(line)) !=
            std::string::npos);
    }
    CHECK(record_errors > 0);
  }
  SECTION("a cut gzip stream: truncated, and the lines before the cut read") {
    const auto errs = errors_for(doc, "cut.log.gz");
    CHECK(std::any_of(errs.begin(), errs.end(),
                      [](const Json& e) { return e.at("code") == "truncated"; }));
    const Json* log = log_finding(doc, "cut.log.gz");
    REQUIRE(log);
    CHECK(log->at("data").at("Truncated") == true);
    // Python's zlib on the same bytes: the complete lines of what can be inflated.
    const auto py =
        run("/usr/bin/python3 -c 'import sys, zlib; d = zlib.decompressobj(31); "
            "t = d.decompress(open(sys.argv[1], \"rb\").read()); "
            "print(sum(1 for l in t.split(b\"\\n\")[:-1] if l.strip() and not "
            "l.startswith(b\"#\")))' " +
            q(logs / "cut.log.gz"));
    REQUIRE(py.exit_code == 0);
    const auto complete = std::stoull(py.out);
    REQUIRE(complete > 100);
    CHECK(log->at("data").at("Requests") == complete);
  }
  SECTION("an empty log: no requests, no crash") {
    const Json* log = log_finding(doc, "empty.log");
    REQUIRE(log);
    CHECK(log->at("data").at("Requests") == 0);
    CHECK(log->at("data").at("Lines") == 0);
  }
  SECTION("a 2 MiB line: one bad line, the others read") {
    const auto errs = errors_for(doc, "long.log");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].at("code") == "record");
    CHECK(errs[0].at("artifact").at("record") == 3);
    CHECK(errs[0].at("artifact").at("offset") == long_offset);
    const Json* log = log_finding(doc, "long.log");
    REQUIRE(log);
    CHECK(log->at("data").at("Requests") == 4);
    CHECK(log->at("data").at("BadLines") == 1);
  }
  SECTION("prose: each line a bad line") {
    const auto errs = errors_for(doc, "notes.log");
    REQUIRE(errs.size() >= 1);
    std::set<std::uint64_t> lines;
    for (const auto& e : errs)
      if (e.at("code") == "record")
        lines.insert(e.at("artifact").at("record").get<std::uint64_t>());
    CHECK(lines == std::set<std::uint64_t>{1, 2, 3});
  }
  SECTION("the Windows tree without logs: one missing error naming it") {
    std::size_t missing = 0;
    for (const auto& e : doc.at("errors"))
      if (e.at("code") == "missing" && e.at("artifact").at("path") == nologs.string()) ++missing;
    CHECK(missing == 1);
  }
  SECTION("good.log records cs-bytes: no \"cannot say\" error") {
    CHECK(errors_containing(doc, "no upload can be matched") == 0);
  }
}

TEST_CASE("weblog cli: a log that cannot say which request carried the file is said once",
          "[weblog][cli]") {
  TempDir dir;
  Gen g(21);
  long clock = at(10, 0, 0);
  std::string ncsa1, ncsa2, iis = w3c_header(kFieldsShort);
  for (int i = 0; i < 30; ++i) {
    ncsa1 += ncsa_line(random_req(g, clock, 30, false));
    ncsa2 += ncsa_line(random_req(g, clock, 30, false));
    iis += w3c_line(random_req(g, clock, 30, true), kFieldsShort);
  }
  write_file(dir.path() / "logs" / "access.log", ncsa1);
  write_file(dir.path() / "logs" / "access.log.1", ncsa2);
  write_file(dir.path() / "logs" / "u_ex230220.log", iis);
  write_file(dir.path() / "more" / "other_access.log", ncsa2);
  const auto r = run_sqltriage("weblog " + q(dir.path() / "logs") + " " + q(dir.path() / "more") +
                               " --size 11776");
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  INFO(errors_text(doc));
  CHECK(errors_containing(doc, "no upload can be matched") == 1);
  CHECK(of_type(doc, "weblog.upload").empty());
  CHECK(of_type(doc, "weblog.log").size() == 4);
  // Without --size, nothing to say.
  const auto plain = run_sqltriage("weblog " + q(dir.path() / "logs"));
  REQUIRE(plain.exit_code == 0);
  CHECK(errors_containing(parse_doc(plain), "no upload can be matched") == 0);
}

TEST_CASE("weblog cli: exit code 3 when nothing could be read", "[weblog][cli]") {
  TempDir dir;
  const auto nologs = dir.path() / "nologs";
  fs::create_directories(nologs / "Windows" / "System32");
  write_file(nologs / "inetpub" / "wwwroot" / "index.html", "<html></html>\n");
  SECTION("a Windows tree without logs") {
    const auto r = run_sqltriage("weblog " + q(nologs));
    CHECK(r.exit_code == 3);
    const Json doc = parse_doc(r);
    CHECK(doc.at("errors").size() == 1);
    CHECK(of_type(doc, "weblog.log").empty());
  }
  SECTION("a path that does not exist") {
    const auto r = run_sqltriage("weblog " + q(dir.path() / "absent.log"));
    CHECK(r.exit_code == 3);
  }
  SECTION("a folder of files none of which is named like a log") {
    write_file(dir.path() / "misc" / "notes.txt", "nothing\n");
    const auto r = run_sqltriage("weblog " + q(dir.path() / "misc"));
    CHECK(r.exit_code == 3);
  }
  SECTION("a log of nothing but binary garbage: not one request could be read") {
    std::string garbage(4096, '\0');
    Gen g(31);
    for (auto& ch : garbage) ch = static_cast<char>(1 + g.below(255));
    write_file(dir.path() / "garbage.log", garbage);
    const auto r = run_sqltriage("weblog " + q(dir.path() / "garbage.log"));
    CHECK(r.exit_code == 3);
    CHECK_FALSE(parse_doc(r).at("errors").empty());
  }
  SECTION("a log that opens, read whole: 0 even when empty") {
    write_file(dir.path() / "empty.log", "");
    CHECK(run_sqltriage("weblog " + q(dir.path() / "empty.log")).exit_code == 0);
  }
}

TEST_CASE("weblog cli: unusable options are usage errors before any output", "[weblog][cli]") {
  TempDir dir;
  const auto logs = dir.path() / "logs";
  write_file(logs / "u_ex230220.log",
             w3c_header(kFieldsFull) +
                 w3c_line(fixed(at(12, 0, 0), "203.0.113.7", "POST", "/a.aspx", "200", "12000"),
                          kFieldsFull));
  const std::string ev = q(logs);
  struct Case {
    const char* what;
    std::string args;
  };
  const auto bad_noise = dir.path() / "bad-noise.txt";
  write_file(bad_noise, "198.51.100.0/24\n# fine so far\nnot-an-address\n");
  const Case cases[] = {
      {"--size with --target", ev + " --size 100 --target sqlserver.exe"},
      {"--size not a number", ev + " --size 12x"},
      {"--size negative", ev + " --size -5"},
      {"--size 0", ev + " --size 0"},
      {"--size empty", ev + " --size ''"},
      {"--slack not a number", ev + " --size 100 --slack lots"},
      {"--rare 0", ev + " --rare 0"},
      {"--top 0", ev + " --top 0"},
      {"--format unusable", ev + " --format '%{'"},
      {"--noise with a bad line", ev + " --noise " + q(bad_noise)},
      {"--noise missing", ev + " --noise " + q(dir.path() / "absent.txt")},
      {"no evidence", ""},
  };
  SECTION("each exits 2 and writes nothing") {
    for (const auto& c : cases) {
      INFO(c.what);
      const auto r = run_sqltriage("weblog " + c.args);
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
    }
  }
  SECTION("the --noise error names the file and the line") {
    const auto r = run_sqltriage("weblog " + ev + " --noise " + q(bad_noise));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(bad_noise.string()) != std::string::npos);
    CHECK(r.err.find("line 3") != std::string::npos);
  }
  SECTION("a --target that names nothing leaves an existing -o file untouched") {
    const auto out = dir.path() / "out.json";
    const std::string before = "{\"previous\": \"run\"}\n";
    write_file(out, before);
    const auto r =
        run_sqltriage("weblog " + ev + " --target 'C:\\ProgramData\\absent.exe' -o " + q(out));
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("absent.exe") != std::string::npos);
    const auto after = run("cat " + q(out));
    CHECK(after.out == before);
  }
  SECTION("the same options, usable, exit 0") {
    // 11K = 11264 and 1K = 1024: the planted 12000 bytes lie in [11264, 12288].
    const auto r = run_sqltriage("weblog " + ev + " --size 11K --slack 1K --rare 1 --top 1" +
                                 " --format common");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const Json doc = parse_doc(r);
    CHECK(of_type(doc, "weblog.upload").size() == 1);
    const auto narrower = run_sqltriage("weblog " + ev + " --size 11K --slack 735");
    REQUIRE(narrower.exit_code == 0);
    CHECK(of_type(parse_doc(narrower), "weblog.upload").empty());  // 11264 + 735 = 11999
  }
}

TEST_CASE("weblog cli: an Apache log read in the LogFormat its httpd.conf gives", "[weblog][cli]") {
  Corpus c;
  make_corpus(c);
  Oracle o;
  OracleArgs a;
  a.mode = "ncsa";
  a.logio = true;
  run_oracle(c.awk, a, {c.logio}, o);
  REQUIRE_FALSE(o.uploads.empty());
  // The same log inside a server's evidence tree, its format named only by the configuration.
  TempDir dir;
  const fs::path root = dir.path() / "snapshot";
  fs::create_directories(root / "Windows" / "System32" / "config");
  fs::create_directories(root / "xampp" / "apache" / "logs");
  fs::copy_file(c.logio, root / "xampp" / "apache" / "logs" / "access.log");
  write_file(root / "xampp" / "apache" / "conf" / "httpd.conf",
             "ServerRoot \"C:/xampp/apache\"\n"
             "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O %I %D\" withio\n"
             "CustomLog \"logs/access.log\" withio\n");
  const auto r = run_sqltriage("weblog " + q(root) + " --size " + std::to_string(kSize) +
                               " --slack 4096 --all --top 100000");
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  INFO(errors_text(doc));
  CHECK(doc.at("errors").empty());
  CHECK(doc_uploads(doc) == o.uploads);
  const Json* log = log_finding(doc, "access.log");
  REQUIRE(log);
  CHECK(log->at("data").at("Format") == "logformat");
  CHECK(log->at("data").at("FormatSource") ==
        "configuration C:\\xampp\\apache\\conf\\httpd.conf:3");
  CHECK(log->at("data").at("ConfiguredAt") == "C:\\xampp\\apache\\conf\\httpd.conf:3");
}

// What a first-time user's hostile run found; each case failed before its fix.
TEST_CASE("weblog cli: evidence is never written, not even through a hard link", "[weblog][cli]") {
  TempDir dir;
  const fs::path ev = dir.path() / "ev";
  const std::string log = "1.2.3.4 - - [20/Feb/2023:14:00:00 +0000] \"GET /a HTTP/1.1\" 200 5\n";
  write_file(ev / "access.log", log);
  const fs::path link = dir.path() / "report.json";
  fs::create_hard_link(ev / "access.log", link);
  const auto r = run_sqltriage("weblog " + q(ev) + " -o " + q(link));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("hard link") != std::string::npos);
  std::ifstream in(ev / "access.log", std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(after == log);
}

TEST_CASE("weblog cli: nothing in a folder or a gzip file is dropped unsaid", "[weblog][cli]") {
  TempDir dir;
  const fs::path ev = dir.path() / "ev";
  const std::string line = "1.2.3.4 - - [20/Feb/2023:14:00:00 +0000] \"GET /a HTTP/1.1\" 200 5\n";
  write_file(ev / "other_access.log", line);
  REQUIRE(::mkfifo((ev / "access.log").c_str(), 0644) == 0);  // must not hang either
  write_file(dir.path() / "plain.log", line);
  REQUIRE(run("gzip -c " + q(dir.path() / "plain.log")).exit_code == 0);
  write_file(ev / "old_access.log.gz", run("gzip -c " + q(dir.path() / "plain.log")).out + "JUNK");
  const auto r = run_sqltriage("weblog " + q(ev));
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  INFO(errors_text(doc));
  CHECK(errors_containing(doc, "FIFO") == 1);
  CHECK(errors_containing(doc, "4 bytes after the last gzip member") == 1);
  CHECK(of_type(doc, "weblog.log").size() == 2);
}

TEST_CASE("weblog cli: a client a check raises is summarised even outside the window",
          "[weblog][cli]") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 5; ++i)  // ordinary visitors, all inside the window
    text += "192.0.2." + std::to_string(10 + i) + " - - [20/Feb/2023:14:00:0" + std::to_string(i) +
            " +0000] \"GET / HTTP/1.1\" 200 5\n";
  // The webshell's user, a day before the window, and only by GET and one POST.
  text += "198.51.100.7 - - [19/Feb/2023:09:00:00 +0000] \"POST /up.php HTTP/1.1\" 200 12\n";
  text += "198.51.100.7 - - [19/Feb/2023:09:00:05 +0000] \"GET /up.php?c=id HTTP/1.1\" 200 12\n";
  write_file(dir.path() / "access.log", text);
  const auto r = run_sqltriage("weblog " + q(dir.path() / "access.log") +
                               " --pivot 2023-02-20T14:00:00Z --window 10m");
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  std::map<std::string, Json> clients;
  for (const auto& f : of_type(doc, "weblog.client")) clients[f.at("data").at("c-ip")] = f;
  CHECK(clients.size() == 6);
  REQUIRE(clients.count("198.51.100.7"));
  const Json& shell_user = clients.at("198.51.100.7");
  CHECK(shell_user.at("severity") == "high");
  CHECK(shell_user.at("data").at("InWindow") == false);
  CHECK(shell_user.at("data").at("FirstSeen") == "2023-02-19T09:00:00.0000000Z");
  CHECK(clients.at("192.0.2.10").at("data").at("InWindow") == true);
}

TEST_CASE("weblog cli: options a user can get wrong are usage errors", "[weblog][cli]") {
  TempDir dir;
  write_file(dir.path() / "access.log",
             "1.2.3.4 - - [20/Feb/2023:14:00:00 +0000] \"POST /a HTTP/1.1\" 200 5\n");
  write_file(dir.path() / "tree" / "empty.exe", "");
  write_file(dir.path() / "tree" / "access.log",
             "1.2.3.4 - - [20/Feb/2023:14:00:00 +0000] \"POST /a HTTP/1.1\" 200 5\n");
  for (const std::string& args :
       {q(dir.path() / "access.log") + " --top -1", q(dir.path() / "access.log") + " --rare -1",
        q(dir.path() / "access.log") + " --format ''",
        q(dir.path() / "tree") + " --target empty.exe"}) {
    INFO(args);
    const auto r = run_sqltriage("weblog " + args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
}

// The second hostile pass; each case failed before its fix.
TEST_CASE(
    "weblog cli: -o through a dangling link into the evidence, or onto the target, is refused",
    "[weblog][cli]") {
  TempDir dir;
  const fs::path ev = dir.path() / "ev";
  write_file(ev / "access.log",
             "1.2.3.4 - - [20/Feb/2023:14:00:00 +0000] \"POST /a HTTP/1.1\" 200 5\n");
  fs::create_symlink(ev / "new.json", dir.path() / "dangling.json");
  auto r = run_sqltriage("weblog " + q(ev) + " -o " + q(dir.path() / "dangling.json"));
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(ev / "new.json"));
  write_file(dir.path() / "implant.exe", "MZ");  // the analyst's extracted copy
  r = run_sqltriage("weblog " + q(ev) + " --target " + q(dir.path() / "implant.exe") + " -o " +
                    q(dir.path() / "implant.exe"));
  CHECK(r.exit_code == 2);
  std::ifstream in(dir.path() / "implant.exe", std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(after == "MZ");
  r = run_sqltriage("weblog " + q(ev) + " --noise ''");
  CHECK(r.exit_code == 2);
}

TEST_CASE("weblog cli: blank lines before the first record, and years past 9999", "[weblog][cli]") {
  TempDir dir;
  // 200,000 blank lines (they used to be held whole for format detection), then IIS.
  std::string text(200000, '\n');
  text +=
      "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip "
      "cs-method cs-uri-stem sc-status\n2023-02-20 14:00:00 192.0.2.1 GET /a.aspx 200\n";
  // An offset that carries the last second of 9999 past it: not a time ISO 8601 can write.
  write_file(dir.path() / "u_ex230220.log", text);
  write_file(dir.path() / "access.log",
             "1.2.3.4 - - [31/Dec/9999:23:59:59 -1400] \"GET /a HTTP/1.1\" 200 5\n"
             "1.2.3.4 - - [31/Dec/9999:23:59:59 +0000] \"GET /b HTTP/1.1\" 200 5\n");
  const auto r = run_sqltriage("weblog " + q(dir.path()) + " --all");
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r);
  const Json* iis = log_finding(doc, "u_ex230220.log");
  REQUIRE(iis);
  CHECK(iis->at("data").at("Format") == "w3c");
  CHECK(iis->at("data").at("Requests") == 1);
  CHECK(iis->at("data").at("Lines") == 200003);
  const Json* ncsa = log_finding(doc, "access.log");
  REQUIRE(ncsa);
  CHECK(ncsa->at("data").at("Requests") == 1);
  CHECK(ncsa->at("data").at("BadLines") == 1);
  CHECK(ncsa->at("data").at("LastRequest") == "9999-12-31T23:59:59.0000000Z");
}
