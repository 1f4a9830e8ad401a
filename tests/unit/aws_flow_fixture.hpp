// Flow-log fixtures for the `aws flowlogs` tests, generated with a seeded generator in the
// formats of the Amazon VPC User Guide ("Flow log records"), and the awk oracle that folds the
// same text into conversations independently of the reader.
//
// The host is 10.0.1.15. Its peers: 10.0.2.20 (host -> 445, before and after the pivot; also
// ICMP both ways), 10.0.2.21 (host -> 22), 10.0.2.30 (-> the host's 3389), 10.0.2.40 (host ->
// 8080), 10.0.3.33 (host -> 3389, only after the pivot), 198.51.100.7 (host -> 443, large),
// 203.0.113.9 (host -> 443, small), 192.0.2.50 (-> the host's 443), 10.0.4.1-12 (host -> 22,
// all REJECT). Records between 10.0.9.9 and 10.0.9.10 do not involve the host.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace sqltriage::test::flow {

inline constexpr const char* kHost = "10.0.1.15";
inline constexpr std::uint64_t kT0 = 1700000000;                  ///< Unix seconds
inline constexpr std::uint64_t kPivot = kT0 + 3600;               ///< Unix seconds
inline constexpr const char* kPivotIso = "2023-11-14T23:13:20Z";  ///< kPivot as text

/// One record, every field a custom format may name.
struct Rec {
  std::string src, dst;
  std::uint32_t sport = 0, dport = 0, proto = 6;
  std::uint64_t packets = 0, bytes = 0, start = 0, end = 0;
  std::string action = "ACCEPT", status = "OK", eni = "eni-0a1b2c3d4e5f60001";
};

class Gen {
 public:
  explicit Gen(std::uint32_t seed) : g_(seed) {}
  std::uint64_t below(std::uint64_t n) { return g_() % n; }

 private:
  std::mt19937 g_;
};

/// The records of one conversation: `n` request/response pairs from client to server.
inline void conversation(Gen& g, std::vector<Rec>& out, const std::string& client,
                         const std::string& server, std::uint32_t port, int n, std::uint64_t from,
                         std::uint64_t to, std::uint64_t max_bytes, double reject_share = 0.0) {
  for (int i = 0; i < n; ++i) {
    Rec req;
    req.src = client;
    req.dst = server;
    req.sport = 49152 + static_cast<std::uint32_t>(g.below(16000));
    req.dport = port;
    req.start = from + g.below(to - from);
    req.end = req.start + 60;
    req.packets = 1 + g.below(50);
    req.bytes = 40 + g.below(max_bytes);
    req.eni = g.below(3) == 0 ? "eni-0a1b2c3d4e5f60002" : "eni-0a1b2c3d4e5f60001";
    if (static_cast<double>(g.below(1000)) < reject_share * 1000) req.action = "REJECT";
    out.push_back(req);
    if (req.action == "REJECT") continue;
    Rec resp = req;
    std::swap(resp.src, resp.dst);
    std::swap(resp.sport, resp.dport);
    resp.packets = 1 + g.below(50);
    resp.bytes = 40 + g.below(max_bytes);
    out.push_back(resp);
  }
}

/// All the records, in generation order.
inline std::vector<Rec> records(std::uint32_t seed) {
  Gen g(seed);
  std::vector<Rec> r;
  const std::string h = kHost;
  conversation(g, r, h, "10.0.2.20", 445, 30, kT0, kT0 + 7200, 20000, 0.1);
  conversation(g, r, h, "10.0.2.21", 22, 12, kT0, kT0 + 7200, 3000);
  conversation(g, r, "10.0.2.30", h, 3389, 9, kT0, kT0 + 7200, 9000);
  conversation(g, r, h, "10.0.2.40", 8080, 7, kT0, kT0 + 7200, 1500);
  conversation(g, r, h, "10.0.3.33", 3389, 8, kPivot + 60, kT0 + 7200, 9000);
  conversation(g, r, h, "198.51.100.7", 443, 20, kT0, kT0 + 7200, 3000000);
  conversation(g, r, h, "203.0.113.9", 443, 10, kT0, kT0 + 7200, 2000);
  conversation(g, r, "192.0.2.50", h, 443, 10, kT0, kT0 + 7200, 2000);
  conversation(g, r, "10.0.9.9", "10.0.9.10", 443, 15, kT0, kT0 + 7200, 2000);
  for (int i = 1; i <= 12; ++i)
    conversation(g, r, h, "10.0.4." + std::to_string(i), 22, 2, kT0, kT0 + 7200, 100, 1.0);
  for (int i = 0; i < 6; ++i) {  // ICMP both ways, ports 0 and 0, distinct start times
    Rec e;
    e.src = i % 2 ? "10.0.2.20" : h;
    e.dst = i % 2 ? h : "10.0.2.20";
    e.proto = 1;
    e.start = kT0 + 100 + 7 * static_cast<std::uint64_t>(i);
    e.end = e.start + 60;
    e.packets = 1 + g.below(5);
    e.bytes = 84 * e.packets;
    r.push_back(e);
  }
  // Shuffle so every file holds some of every conversation.
  for (std::size_t i = r.size(); i > 1; --i) std::swap(r[i - 1], r[g.below(i)]);
  return r;
}

inline const char* kDefaultHeader =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status";

/// A version-2 default-format line.
inline std::string default_line(const Rec& x) {
  std::ostringstream s;
  s << "2 123456789010 " << x.eni << ' ' << x.src << ' ' << x.dst << ' ' << x.sport << ' '
    << x.dport << ' ' << x.proto << ' ' << x.packets << ' ' << x.bytes << ' ' << x.start << ' '
    << x.end << ' ' << x.action << ' ' << x.status << '\n';
  return s.str();
}

/// The custom format: reordered fields and fields the reader does not use.
inline const char* kCustomHeader =
    "start end instance-id vpc-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport "
    "protocol tcp-flags bytes packets action log-status interface-id account-id version "
    "flow-direction region az-id traffic-path sublocation-type";

inline std::string custom_line(const Rec& x) {
  std::ostringstream s;
  s << x.start << ' ' << x.end << " i-0123456789abcdef0 vpc-0f1e2d3c " << x.src << ' ' << x.dst
    << ' ' << x.src << ' ' << x.dst << ' ' << x.sport << ' ' << x.dport << ' ' << x.proto << " 19 "
    << x.bytes << ' ' << x.packets << ' ' << x.action << ' ' << x.status << ' ' << x.eni
    << " 123456789010 5 " << (x.src == kHost ? "egress" : "ingress") << " eu-west-1 euw1-az1 1 -\n";
  return s.str();
}

/// The texts of the three files: a_default.log (no header, a line with too few fields in the
/// middle, NODATA and SKIPDATA records), b_header.log (the default fields under their header;
/// written gzip-compressed as b_header.log.gz) and c_custom.log (custom format, a line with a
/// bad address in the middle).
struct Texts {
  std::string a_default, b_header, c_custom;
  std::size_t records = 0;  ///< good records written in all
};

inline Texts texts(std::uint32_t seed) {
  const auto recs = records(seed);
  Texts t;
  t.b_header = std::string(kDefaultHeader) + "\n";
  t.c_custom = std::string(kCustomHeader) + "\n";
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (i == recs.size() / 6) {
      t.a_default += "2 123456789010 eni-0a1b2c3d4e5f60001 10.0.1.15 10.0.2.20 50000 445 6\n";
      t.a_default += "2 123456789010 eni-0a1b2c3d4e5f60001 - - - - - - - " + std::to_string(kT0) +
                     " " + std::to_string(kT0 + 60) + " - NODATA\n";
      t.a_default += "2 123456789010 eni-0a1b2c3d4e5f60001 - - - - - - - " +
                     std::to_string(kT0 + 60) + " " + std::to_string(kT0 + 120) + " - SKIPDATA\n";
    }
    if (i == recs.size() / 2) {
      Rec bad = recs[i];
      bad.src = "not-an-ip";
      t.c_custom += custom_line(bad);
    }
    const auto which = i % 3;
    (which == 0   ? t.a_default
     : which == 1 ? t.b_header
                  : t.c_custom) += which == 2 ? custom_line(recs[i]) : default_line(recs[i]);
  }
  t.records = recs.size() + 2;  // NODATA and SKIPDATA are records
  return t;
}

/// The awk oracle: folds the records of the files (header lines name the columns; without
/// one, the default format) that involve H into conversations, with the rules of the issue
/// (lateral ports first, else the lower port; the other side opened it; same ports: the
/// source of the earliest record). Prints per conversation
///   C peer port proto opener flows bytes_out bytes_in packets_out packets_in accepted
///     rejected first_start last_end
/// and per peer "P peer first_start".
inline const char* kAwkOracle = R"AWK(
BEGIN { split("22 3389 445 135 5985 5986 1433", L, " "); for (i in L) lat[L[i]] = 1 }
function reset_default(   n, i) {
  split("", col)
  n = split("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", names, " ")
  for (i = 1; i <= n; i++) col[names[i]] = i
  nf = n
}
function num(v) { return v ~ /^[0-9]+$/ || v == "-" }
function addr(v) { return v ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ || v == "-" }
function f(name) { return (name in col) ? $(col[name]) : "-" }
FNR == 1 { reset_default() }
/srcaddr/ { split("", col); for (i = 1; i <= NF; i++) col[$i] = i; nf = NF; next }
NF != nf { next }
{
  s = f("srcaddr"); d = f("dstaddr")
  if (!addr(s) || !addr(d)) next
  if (!num(f("srcport")) || !num(f("dstport")) || !num(f("bytes")) || !num(f("packets"))) next
  if (s == H) { hs = 1; peer = d } else if (d == H) { hs = 0; peer = s } else next
  sp = f("srcport") + 0; dp = f("dstport") + 0; st = f("start") + 0; en = f("end") + 0
  if (!(peer in pfirst) || st < pfirst[peer]) pfirst[peer] = st
  if (sp == dp) { port = sp; op = "same" }
  else {
    sl = (sp in lat); dl = (dp in lat)
    if (sl != dl) srv = sl ? "src" : "dst"; else srv = (sp < dp) ? "src" : "dst"
    port = (srv == "src") ? sp : dp
    op = ((srv == "src") == hs) ? "peer" : "host"
  }
  k = peer " " port " " (f("protocol") + 0) " " op
  flows[k]++
  if (hs) { bo[k] += f("bytes"); po[k] += f("packets") } else { bi[k] += f("bytes"); pi[k] += f("packets") }
  if (f("action") == "ACCEPT") acc[k]++
  if (f("action") == "REJECT") rej[k]++
  if (!(k in first) || st < first[k]) { first[k] = st; firsths[k] = hs }
  if (!(k in last) || en > last[k]) last[k] = en
}
END {
  for (k in flows) {
    split(k, p, " "); o = p[4]
    if (o == "same") o = firsths[k] ? "host" : "peer"
    printf "C %s %s %s %s %d %.0f %.0f %.0f %.0f %d %d %.0f %.0f\n", p[1], p[2], p[3], o, flows[k], bo[k], bi[k], po[k], pi[k], acc[k], rej[k], first[k], last[k]
  }
  for (p1 in pfirst) printf "P %s %.0f\n", p1, pfirst[p1]
}
)AWK";

/// One conversation as the oracle printed it.
struct Conv {
  std::string peer, opener;
  std::uint64_t port = 0, proto = 0, flows = 0, bytes_out = 0, bytes_in = 0, packets_out = 0,
                packets_in = 0, accepted = 0, rejected = 0, first = 0, last = 0;
};

struct Oracle {
  std::map<std::string, Conv> conversations;  ///< by "peer port proto opener"
  std::map<std::string, std::uint64_t> peer_first;
};

/// Runs the oracle over the plain texts written into `dir` (file order as given).
inline Oracle run_oracle(const std::filesystem::path& dir, const std::vector<std::string>& texts) {
  Oracle o;
  std::string files;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto p = dir / ("oracle-" + std::to_string(i) + ".txt");
    write_file(p, texts[i]);
    files += " " + shell_quote(p.string());
  }
  write_file(dir / "oracle.awk", kAwkOracle);
  const auto r = run("awk -v H=" + std::string(kHost) + " -f " +
                     shell_quote((dir / "oracle.awk").string()) + files);
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  std::string tag;
  while (in >> tag) {
    if (tag == "C") {
      Conv c;
      in >> c.peer >> c.port >> c.proto >> c.opener >> c.flows >> c.bytes_out >> c.bytes_in >>
          c.packets_out >> c.packets_in >> c.accepted >> c.rejected >> c.first >> c.last;
      o.conversations[c.peer + " " + std::to_string(c.port) + " " + std::to_string(c.proto) + " " +
                      c.opener] = c;
    } else {
      std::string peer;
      std::uint64_t t = 0;
      in >> peer >> t;
      o.peer_first[peer] = t;
    }
  }
  return o;
}

}  // namespace sqltriage::test::flow
