// The flow-log reader and the conversation rules on their own: header detection, the service
// port, records of a custom format with reordered fields, NODATA/SKIPDATA, the error cap,
// binary junk, IPv6 host addresses.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "artifacts/aws/flowlogs_fields.hpp"
#include "aws_flow_fixture.hpp"
#include "pipeline/aws/flow_conversations.hpp"
#include "sqltriage/aws_flowlogs.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "support.hpp"

using namespace sqltriage;
using namespace sqltriage::test;
using sqltriage::aws::FlowRecord;
namespace fl = sqltriage::aws::flowlogs;
namespace pa = sqltriage::pipeline::aws;

namespace {

struct Read {
  aws::FlowFileSummary summary;
  std::vector<FlowRecord> records;
  std::vector<ErrorEntry> errors;
};

Read read_text(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.path() / name;
  write_file(path, text);
  Read r;
  r.summary = aws::read_flowlogs(
      open_host_file(path), path.string(), [&](const FlowRecord& rec) { r.records.push_back(rec); },
      [&](ErrorEntry e) { r.errors.push_back(std::move(e)); });
  return r;
}

std::vector<std::string_view> split(const std::string& line) {
  std::vector<std::string_view> out;
  fl::split_fields(line, out);
  return out;
}

}  // namespace

TEST_CASE("aws flowlogs: header lines are told from records", "[aws-flowlogs]") {
  CHECK(fl::is_header(split(flow::kDefaultHeader)));
  CHECK(fl::is_header(split(flow::kCustomHeader)));
  CHECK(fl::is_header(split("${version} ${srcaddr} ${dstaddr} ${bytes}")));
  CHECK(fl::is_header(split("account_id interface_id pkt_srcaddr dstaddr")));
  // a default record: digits-only fields
  CHECK_FALSE(fl::is_header(
      split("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
            "1418530010 1418530070 ACCEPT OK")));
  // names but neither address field
  CHECK_FALSE(fl::is_header(split("version account-id interface-id bytes start end")));
  // a header-looking line with a number in it is a record
  CHECK_FALSE(fl::is_header(split("srcaddr dstaddr 22")));
  CHECK(fl::field_of("pkt_srcaddr") == fl::Field::pkt_srcaddr);
  CHECK(fl::field_of("${log-status}") == fl::Field::log_status);
  CHECK(fl::field_of("vpc-id") == fl::Field::other);
}

TEST_CASE("aws flowlogs: the service port and who opened the conversation", "[aws-flowlogs]") {
  // a lateral port wins over a lower port
  auto sp = pa::service_port(445, 80);
  CHECK(sp.port == 445);
  CHECK(sp.server == pa::Server::source);
  sp = pa::service_port(50000, 3389);
  CHECK(sp.port == 3389);
  CHECK(sp.server == pa::Server::destination);
  // both lateral: the lower
  sp = pa::service_port(3389, 22);
  CHECK(sp.port == 22);
  CHECK(sp.server == pa::Server::destination);
  // neither: the lower
  sp = pa::service_port(443, 51000);
  CHECK(sp.port == 443);
  CHECK(sp.server == pa::Server::source);
  sp = pa::service_port(1024, 8080);
  CHECK(sp.port == 1024);
  CHECK(sp.server == pa::Server::source);
  // same ports
  sp = pa::service_port(123, 123);
  CHECK(sp.port == 123);
  CHECK(sp.server == pa::Server::both);
  for (const std::uint32_t p : {22u, 3389u, 445u, 135u, 5985u, 5986u, 1433u})
    CHECK(pa::is_lateral_port(p));
  CHECK_FALSE(pa::is_lateral_port(443));

  // The two directions of one TCP connection fold into one conversation the host opened.
  pa::ConversationTable table("10.0.1.15", std::nullopt, std::nullopt);
  FlowRecord out;
  out.srcaddr = "10.0.1.15";
  out.dstaddr = "10.0.2.20";
  out.srcport = 50123;
  out.dstport = 445;
  out.protocol = 6;
  out.bytes = 1000;
  out.action = "ACCEPT";
  FlowRecord back = out;
  std::swap(back.srcaddr, back.dstaddr);
  std::swap(back.srcport, back.dstport);
  back.bytes = 7000;
  CHECK(table.add(out, 0) == pa::Folded::folded);
  CHECK(table.add(back, 0) == pa::Folded::folded);
  REQUIRE(table.conversations().size() == 1);
  const auto& c = table.conversations()[0];
  CHECK(c.host_opened());
  CHECK(c.service_port == 445);
  CHECK(c.bytes_host_to_peer == 1000);
  CHECK(c.bytes_peer_to_host == 7000);
  CHECK(c.client_port == 50123u);
  FlowRecord other = out;
  other.srcaddr = "10.0.9.9";
  CHECK(table.add(other, 0) == pa::Folded::not_host);
}

TEST_CASE("aws flowlogs: the conversation limit counts what it cannot keep", "[aws-flowlogs]") {
  pa::TableLimits lim;
  lim.checked = 3;
  pa::ConversationTable table("10.0.1.15", std::nullopt, std::nullopt, {}, lim);
  FlowRecord r;
  r.srcaddr = "10.0.1.15";
  r.srcport = 50000;
  r.protocol = 6;
  for (std::uint32_t port = 1; port <= 5; ++port) {
    r.dstaddr = "10.0.2." + std::to_string(port);
    r.dstport = 443;
    table.add(r, 0);
    table.add(r, 0);
  }
  CHECK(table.conversations().size() == 3);
  CHECK(table.untracked_records() == 4);
}

TEST_CASE("aws flowlogs: an IPv6 host address matches however it is written", "[aws-flowlogs]") {
  pa::ConversationTable table("2001:DB8:0::0:15", std::nullopt, std::nullopt);
  CHECK(table.host() == "2001:db8::15");
  FlowRecord r;
  r.srcaddr = "2001:db8:0:0::15";
  r.dstaddr = "fd00::20";
  r.srcport = 50000;
  r.dstport = 22;
  CHECK(table.add(r, 0) == pa::Folded::folded);
  CHECK_THROWS_AS(pa::ConversationTable("10.0.1.300", std::nullopt, std::nullopt),
                  std::invalid_argument);
}

TEST_CASE("aws flowlogs: a custom format with reordered and extra fields", "[aws-flowlogs]") {
  TempDir dir;
  const auto recs = flow::records(5);
  std::string text = std::string(flow::kCustomHeader) + "\n";
  for (std::size_t i = 0; i < 50; ++i) text += flow::custom_line(recs[i]);
  const auto r = read_text(dir, "custom.log", text);
  INFO(errors_text(r.errors));
  CHECK(r.errors.empty());
  CHECK(r.summary.format == "custom");
  CHECK(r.summary.fields == flow::kCustomHeader);
  REQUIRE(r.records.size() == 50);
  for (std::size_t i = 0; i < 50; ++i) {
    const auto& got = r.records[i];
    const auto& want = recs[i];
    CHECK(got.line == i + 2);
    CHECK(got.srcaddr == want.src);
    CHECK(got.dstaddr == want.dst);
    CHECK(got.pkt_srcaddr == want.src);
    CHECK(got.srcport == want.sport);
    CHECK(got.dstport == want.dport);
    CHECK(got.protocol == want.proto);
    CHECK(got.bytes == want.bytes);
    CHECK(got.packets == want.packets);
    CHECK(got.start == kFiletimeUnixEpoch + want.start * kTicksPerSecond);
    CHECK(got.end == kFiletimeUnixEpoch + want.end * kTicksPerSecond);
    CHECK(got.action == want.action);
    CHECK(got.interface_id == want.eni);
    CHECK(got.instance_id == "i-0123456789abcdef0");
    CHECK(got.account_id == "123456789010");
    CHECK(got.flow_direction == (want.src == flow::kHost ? "egress" : "ingress"));
  }
}

TEST_CASE("aws flowlogs: NODATA and SKIPDATA records, and the default format", "[aws-flowlogs]") {
  TempDir dir;
  const std::string text =
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
      "1418530010 1418530070 ACCEPT OK\n"
      "\n"
      "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n"
      "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA\r\n";
  const auto r = read_text(dir, "default.log", text);
  CHECK(r.errors.empty());
  CHECK(r.summary.format == "default");
  CHECK(r.summary.records == 3);
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0].bytes == 4249u);
  CHECK(r.records[0].srcport == 20641u);
  CHECK(r.records[1].line == 3);
  CHECK(r.records[1].offset == text.find("2 123456789010 eni-1235b8ca123456789 - "));
  CHECK(r.records[1].log_status == "NODATA");
  CHECK(r.records[1].srcaddr.empty());
  CHECK(!r.records[1].bytes);
  CHECK(r.records[1].start == kFiletimeUnixEpoch + 1431280876ull * kTicksPerSecond);
  CHECK(r.records[2].log_status == "SKIPDATA");
}

TEST_CASE("aws flowlogs: bad lines are reported up to 100, then counted", "[aws-flowlogs]") {
  TempDir dir;
  std::string text;
  const std::string good =
      "2 123456789010 eni-1 10.0.1.15 10.0.2.20 50000 445 6 3 300 1700000000 1700000060 ACCEPT "
      "OK\n";
  for (int i = 0; i < 130; ++i) {
    text += good;
    text += i % 2 ? "2 123456789010 eni-1 10.0.1.15 10.0.2.20 50000 99999 6 3 300 1700000000 "
                    "1700000060 ACCEPT OK\n"
                  : "2 123456789010 eni-1 10.0.1.15\n";
  }
  const auto r = read_text(dir, "bad.log", text);
  CHECK(r.summary.records == 130);
  CHECK(r.summary.bad_lines == 130);
  REQUIRE(r.errors.size() == 101);
  for (std::size_t i = 0; i < 100; ++i) {
    CHECK(r.errors[i].code == "record");
    CHECK(r.errors[i].artifact.record == 2 * i + 2);
    CHECK(r.errors[i].message.rfind("line " + std::to_string(2 * i + 2) + ": ", 0) == 0);
  }
  CHECK(r.errors[1].message.find("99999") != std::string::npos);
  CHECK(r.errors[100].code == "limit");
  CHECK(r.errors[100].message.rfind("30 more bad lines", 0) == 0);
}

TEST_CASE("aws flowlogs: binary junk is no flow log", "[aws-flowlogs]") {
  TempDir dir;
  std::string junk = "MZ";
  junk += std::string("\x90\x00\x03\x00\x00\x00\x04\x00", 8);
  try {
    read_text(dir, "junk.bin", junk);
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == (dir.path() / "junk.bin").string());
    CHECK(std::string(e.what()).find("binary") != std::string::npos);
  }
}
