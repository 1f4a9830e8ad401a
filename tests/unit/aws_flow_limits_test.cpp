// The conversation table's limits (inbound internet traffic must not crowd out conversations
// that can raise a check), saturating byte sums and "vpc" peers (--vpc-cidr and the host's
// IPv6 /56). Expected values are the counts and sums the tests themselves write.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "pipeline/aws/flow_conversations.hpp"
#include "pipeline/aws/flow_peer_class.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage;
using namespace sqltriage::test;
using sqltriage::aws::FlowRecord;
namespace pa = sqltriage::pipeline::aws;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

Filetime unix_ft(std::uint64_t s) { return kFiletimeUnixEpoch + s * kTicksPerSecond; }

FlowRecord record(const std::string& src, const std::string& dst, std::uint32_t sport,
                  std::uint32_t dport, std::uint64_t bytes, std::uint64_t start) {
  FlowRecord r;
  r.srcaddr = src;
  r.dstaddr = dst;
  r.srcport = sport;
  r.dstport = dport;
  r.protocol = 6;
  r.packets = 1;
  r.bytes = bytes;
  r.start = unix_ft(start);
  r.end = unix_ft(start + 60);
  r.action = "ACCEPT";
  r.log_status = "OK";
  return r;
}

std::string public_peer(std::uint32_t i) {
  return std::to_string(11 + i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
         std::to_string(i % 256) + ".7";
}

std::string flow_line(const std::string& src, const std::string& dst, std::uint32_t sport,
                      std::uint32_t dport, const std::string& bytes, std::uint64_t start) {
  return "2 123456789010 eni-1 " + src + " " + dst + " " + std::to_string(sport) + " " +
         std::to_string(dport) + " 6 2 " + bytes + " " + std::to_string(start) + " " +
         std::to_string(start + 60) + " ACCEPT OK\n";
}

Json only_peer(const CollectingSink& out, const std::string& peer) {
  Json found;
  for (const auto& f : out.findings)
    if (f["type"] == "aws.flow_peer" && f["data"]["aws"]["flow"]["peer_ip"] == peer) {
      REQUIRE(found.is_null());
      found = f;
    }
  return found;
}

std::set<std::string> check_ids(const Json& f) {
  std::set<std::string> ids;
  for (const auto& k : f["checks"]) ids.insert(k["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("aws flowlogs: inbound public traffic cannot crowd out a private peer",
          "[aws-flowlogs]") {
  const std::size_t kPublic = 10;
  pa::TableLimits lim;
  lim.checked = 4;
  lim.inbound_public = 3;
  lim.aggregates = 1;
  pa::ConversationTable table("10.0.1.15", std::nullopt, std::nullopt, {}, lim);
  std::uint64_t bytes_beyond = 0;
  for (std::uint32_t i = 0; i < kPublic; ++i) {
    const std::uint64_t bytes = 100 + i;
    const auto folded = table.add(record(public_peer(i), "10.0.1.15", 50000, 443, bytes, 1000), 0);
    if (i >= lim.inbound_public) bytes_beyond += bytes;
    CHECK(folded == (i < lim.inbound_public ? pa::Folded::folded : pa::Folded::aggregated));
  }
  // Port 80 is a second (port, protocol) pair: beyond the one aggregate allowed.
  CHECK(table.add(record(public_peer(99), "10.0.1.15", 50000, 80, 5, 1000), 0) ==
        pa::Folded::untracked);
  // The host's SMB to a private peer, and the host's HTTPS to a public peer that was first seen
  // inbound (beyond the public peers' table, so untracked there): both are held.
  CHECK(table.add(record("10.0.1.15", "10.0.2.30", 49700, 445, 300000, 5000), 0) ==
        pa::Folded::folded);
  CHECK(table.add(record("10.0.1.15", public_peer(7), 49800, 443, 42, 6000), 0) ==
        pa::Folded::folded);

  REQUIRE(table.conversations().size() == lim.inbound_public + 2);
  CHECK(table.conversations()[lim.inbound_public].peer == "10.0.2.30");
  CHECK(table.conversations()[lim.inbound_public].bytes_host_to_peer == 300000);
  CHECK(table.peer_first_seen("10.0.2.30") == unix_ft(5000));
  CHECK(table.aggregated_records() == kPublic - lim.inbound_public);
  REQUIRE(table.aggregates().size() == 1);
  CHECK(table.aggregates()[0].service_port == 443);
  CHECK(table.aggregates()[0].records == kPublic - lim.inbound_public);
  CHECK(table.aggregates()[0].bytes_peer_to_host == bytes_beyond);
  CHECK(table.unaggregated_records() == 1);
  CHECK(table.untracked_records() == 0);
  // Public peers 3..9 and 99 came when their table was full: not tracked.
  CHECK(table.untracked_public_peer_records() == kPublic - lim.inbound_public + 1);

  // Checkable conversations have their own limit: 2 more fit (4 in all), the third does not.
  for (std::uint32_t i = 0; i < 3; ++i)
    table.add(record("10.0.1.15", "10.0.3." + std::to_string(i), 49000, 22, 1, 7000), 0);
  CHECK(table.untracked_records() == 1);
}

TEST_CASE("aws flowlogs: byte and packet sums saturate instead of wrapping", "[aws-flowlogs]") {
  pa::ConversationTable table("10.0.1.15", std::nullopt, std::nullopt);
  auto r = record("10.0.1.15", "203.0.113.9", 49000, 443, 100, 1000);
  table.add(r, 0);
  CHECK_FALSE(table.conversations()[0].bytes_saturated);
  r.bytes = kMax;
  r.packets = kMax;
  table.add(r, 0);
  const auto& c = table.conversations()[0];
  CHECK(c.bytes_host_to_peer == kMax);
  CHECK(c.bytes_saturated);
  CHECK(c.packets_host_to_peer == kMax);
  CHECK(c.packets_saturated);
  CHECK(c.flows == 2);

  // End to end: the finding says so, and --egress-bytes still sees a huge sum.
  if (!tool_or_skip("/usr/bin/python3")) return;
  TempDir dir;
  const std::string max_text = std::to_string(kMax);
  write_file(dir.path() / "f.log",
             flow_line("10.0.1.15", "203.0.113.9", 49000, 443, "100", 1000) +
                 flow_line("10.0.1.15", "203.0.113.9", 49000, 443, max_text, 1100));
  // Oracle: the true sum exceeds 2^64 - 1, so the reported value is 2^64 - 1.
  const auto py = run("/usr/bin/python3 -c 'print(min(100 + " + max_text + ", 2**64 - 1))'");
  REQUIRE(py.exit_code == 0);
  AwsFlowLogsScanOptions opt;
  opt.inputs = {dir.path() / "f.log"};
  opt.host_ip = "10.0.1.15";
  CollectingSink out;
  scan_aws_flowlogs(opt, "aws flowlogs", out);
  const auto f = only_peer(out, "203.0.113.9");
  REQUIRE_FALSE(f.is_null());
  const auto& fl = f["data"]["aws"]["flow"];
  CHECK(std::to_string(fl["bytes_host_to_peer"].get<std::uint64_t>()) + "\n" == py.out);
  CHECK(fl["bytes_saturated"] == true);
  CHECK(f["summary"].get<std::string>().find(max_text + " bytes sent") != std::string::npos);
  CHECK(check_ids(f).count("public_egress") == 1);
}

TEST_CASE("aws flowlogs: VPC IPv6 peers and --vpc-cidr peers are internal", "[aws-flowlogs]") {
  TempDir dir;
  const std::string host6 = "2600:1f18:abcd:100::15";
  write_file(dir.path() / "v6.log",
             // same /56 as the host (2600:1f18:abcd:100::/56 holds :100: to :1ff:): vpc
             flow_line(host6, "2600:1f18:abcd:1a0::30", 49700, 445, "5000", 1000) +
                 // another /56 (:200:): public, accepted, not reported without --vpc-cidr
                 flow_line(host6, "2600:1f18:abcd:200::30", 49701, 445, "5000", 1000) +
                 // a unique-local peer on RDP: private, bracketed in the summary
                 flow_line(host6, "fd00::30", 49702, 3389, "10", 1000));
  AwsFlowLogsScanOptions opt;
  opt.inputs = {dir.path() / "v6.log"};
  opt.host_ip = host6;
  CollectingSink out;
  scan_aws_flowlogs(opt, "aws flowlogs", out);
  const auto vpc = only_peer(out, "2600:1f18:abcd:1a0::30");
  REQUIRE_FALSE(vpc.is_null());
  CHECK(vpc["data"]["aws"]["flow"]["peer_class"] == "vpc");
  CHECK(check_ids(vpc).count("lateral_movement_port") == 1);
  CHECK(vpc["summary"].get<std::string>().find("-> [2600:1f18:abcd:1a0::30]:445/tcp") !=
        std::string::npos);
  CHECK(only_peer(out, "2600:1f18:abcd:200::30").is_null());
  const auto ula = only_peer(out, "fd00::30");
  REQUIRE_FALSE(ula.is_null());
  CHECK(ula["summary"].get<std::string>().find("[fd00::30]:3389") != std::string::npos);
  // A VPC whose block is wider than the host's /56: --vpc-cidr covers it.
  opt.vpc_cidrs = {"2600:1f18:abcd::/48"};
  CollectingSink wide;
  scan_aws_flowlogs(opt, "aws flowlogs", wide);
  const auto other56 = only_peer(wide, "2600:1f18:abcd:200::30");
  REQUIRE_FALSE(other56.is_null());
  CHECK(other56["data"]["aws"]["flow"]["peer_class"] == "vpc");
  CHECK(check_ids(other56).count("lateral_movement_port") == 1);
  opt.vpc_cidrs.clear();

  // An IPv4 VPC on a public range: only --vpc-cidr makes its peers internal.
  write_file(dir.path() / "v4" / "a.log",
             flow_line("198.51.100.15", "198.51.100.40", 49700, 3389, "700", 1000));
  opt.inputs = {dir.path() / "v4"};
  opt.host_ip = "198.51.100.15";
  CollectingSink without;
  scan_aws_flowlogs(opt, "aws flowlogs", without);
  CHECK(only_peer(without, "198.51.100.40").is_null());
  opt.vpc_cidrs = {"198.51.100.0/25", "2001:db8::/32"};
  CollectingSink with;
  scan_aws_flowlogs(opt, "aws flowlogs", with);
  const auto v4 = only_peer(with, "198.51.100.40");
  REQUIRE_FALSE(v4.is_null());
  CHECK(v4["data"]["aws"]["flow"]["peer_class"] == "vpc");
  CHECK(check_ids(v4).count("lateral_movement_port") == 1);

  // The classifier alone: block edges, and values that are no block.
  pa::PeerClassifier c("10.0.1.15", {"198.51.100.0/25"});
  CHECK(c.classify("198.51.100.127") == "vpc");
  CHECK(c.classify("198.51.100.128") == "public");
  CHECK(c.classify("10.0.2.2") == "private");
  for (const std::string bad : {"198.51.100.0/33", "10.0.0.0/", "2001:db8::/129", "vpc-1234"}) {
    opt.vpc_cidrs = {bad};
    CHECK_THROWS_AS(check_options(opt), std::invalid_argument);
  }
}
