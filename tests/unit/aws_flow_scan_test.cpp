// scan_aws_flowlogs on generated flow logs (aws_flow_fixture.hpp): conversation totals against
// the awk oracle run on the same text, the checks on the conversations the fixture plants,
// and damaged files (a bad line, a truncated gzip, binary junk) that leave the rest read.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "aws_flow_fixture.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage;
using namespace sqltriage::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

using Collect = sqltriage::test::CollectingSink;

struct Scan {
  Collect out;
  ScanOutcome outcome;
};

Filetime unix_ft(std::uint64_t s) { return kFiletimeUnixEpoch + s * kTicksPerSecond; }

/// The three fixture files in `dir` (the .gz made by gzip from the header text).
flow::Texts write_fixture(const TempDir& dir) {
  const auto t = flow::texts(8);
  write_file(dir.path() / "logs" / "a_default.log", t.a_default);
  write_file(dir.path() / "plain" / "b_header.log", t.b_header);
  const auto gz =
      run("gzip -9 -n -c " + shell_quote((dir.path() / "plain" / "b_header.log").string()));
  REQUIRE(gz.exit_code == 0);
  write_file(dir.path() / "logs" / "b_header.log.gz", gz.out);
  write_file(dir.path() / "logs" / "c_custom.log", t.c_custom);
  return t;
}

Scan scan(const std::vector<fs::path>& inputs, std::uint64_t egress,
          std::optional<Filetime> pivot = std::nullopt, std::size_t top = 100000) {
  AwsFlowLogsScanOptions opt;
  opt.inputs = inputs;
  opt.host_ip = flow::kHost;
  opt.egress_bytes = egress;
  opt.pivot = pivot;
  opt.top = top;
  Scan s;
  s.outcome = scan_aws_flowlogs(opt, "aws flowlogs", s.out);
  return s;
}

std::vector<Json> of_type(const Scan& s, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : s.out.findings)
    if (f["type"] == type) out.push_back(f);
  return out;
}

/// The flow_peer finding of (peer, port, proto, opener); null when absent.
Json peer_finding(const Scan& s, const std::string& peer, std::uint64_t port,
                  std::uint64_t proto = 6, const std::string& opener = "host") {
  Json found;
  for (const auto& f : of_type(s, "aws.flow_peer")) {
    const auto& fl = f["data"]["aws"]["flow"];
    if (fl["peer_ip"] == peer && fl["service_port"] == port &&
        f["data"]["network"]["iana_number"] == std::to_string(proto) && fl["opened_by"] == opener) {
      REQUIRE(found.is_null());
      found = f;
    }
  }
  return found;
}

std::set<std::string> check_ids(const Json& f) {
  std::set<std::string> ids;
  for (const auto& c : f["checks"]) ids.insert(c["id"].get<std::string>());
  return ids;
}

Json check(const Json& f, const std::string& id) {
  for (const auto& c : f["checks"])
    if (c["id"] == id) return c;
  return Json();
}

std::uint64_t unix_of(const Json& iso) {
  const auto t = parse_iso8601(iso.get<std::string>());
  REQUIRE(t);
  return static_cast<std::uint64_t>(filetime_to_unix_seconds(*t));
}

}  // namespace

TEST_CASE("aws flowlogs: conversation totals match the awk oracle", "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = write_fixture(dir);
  const auto oracle = flow::run_oracle(dir.path(), {t.a_default, t.b_header, t.c_custom});
  REQUIRE(oracle.conversations.size() > 20);

  // egress 0: every public conversation is reported too, so every conversation is.
  const auto s = scan({dir.path() / "logs"}, 0);
  INFO(errors_text(s.out.errors));
  const auto peers = of_type(s, "aws.flow_peer");
  CHECK(peers.size() == oracle.conversations.size());
  std::set<std::string> seen;
  for (const auto& f : peers) {
    const auto& fl = f["data"]["aws"]["flow"];
    const std::string key = fl["peer_ip"].get<std::string>() + " " +
                            std::to_string(fl["service_port"].get<std::uint64_t>()) + " " +
                            f["data"]["network"]["iana_number"].get<std::string>() + " " +
                            fl["opened_by"].get<std::string>();
    INFO(key);
    REQUIRE(oracle.conversations.count(key) == 1);
    CHECK(seen.insert(key).second);
    const auto& c = oracle.conversations.at(key);
    CHECK(fl["flows"] == c.flows);
    CHECK(fl["bytes_host_to_peer"] == c.bytes_out);
    CHECK(fl["bytes_peer_to_host"] == c.bytes_in);
    CHECK(fl["packets_host_to_peer"] == c.packets_out);
    CHECK(fl["packets_peer_to_host"] == c.packets_in);
    CHECK(fl["accepted"] == c.accepted);
    CHECK(fl["rejected"] == c.rejected);
    CHECK(unix_of(fl["first_seen"]) == c.first);
    CHECK(unix_of(fl["last_seen"]) == c.last);
    CHECK(unix_of(fl["peer_first_seen"]) == oracle.peer_first.at(c.peer));
    // source is the side that opened it; destination.port the service port.
    const bool out = c.opener == "host";
    CHECK(f["data"]["source"]["ip"] == (out ? flow::kHost : c.peer));
    CHECK(f["data"]["destination"]["ip"] == (out ? c.peer : flow::kHost));
    CHECK(f["data"]["destination"]["port"] == c.port);
    CHECK(f["data"]["network"]["direction"] == (out ? "outbound" : "inbound"));
  }
  // Most severe first, then the largest.
  for (std::size_t i = 1; i < peers.size(); ++i) {
    const auto a = *parse_severity(peers[i - 1]["severity"].get<std::string>());
    const auto b = *parse_severity(peers[i]["severity"].get<std::string>());
    REQUIRE(a >= b);
  }

  // One aws.export per file, with the records the fixture holds and its bad lines.
  const auto exports = of_type(s, "aws.export");
  REQUIRE(exports.size() == 3);
  std::uint64_t records = 0, bad = 0;
  for (const auto& e : exports) {
    records += e["data"]["records"].get<std::uint64_t>();
    bad += e["data"]["bad_lines"].get<std::uint64_t>();
  }
  CHECK(records == t.records);
  CHECK(bad == 2);
  CHECK(exports[0]["data"]["format"] == "default");
  CHECK(exports[0]["data"]["nodata_records"] == 1);
  CHECK(exports[0]["data"]["skipdata_records"] == 1);
  CHECK(exports[1]["data"]["format"] == "default");  // a header naming the default fields
  CHECK(exports[2]["data"]["format"] == "custom");
  CHECK(exports[1]["data"]["fields"] == flow::kDefaultHeader);
  CHECK(exports[2]["data"]["fields"] == flow::kCustomHeader);
  CHECK(s.outcome.stats.records == t.records);

  // The two bad lines: "record" errors with their line numbers and byte offsets.
  std::vector<ErrorEntry> record_errors;
  for (const auto& e : s.out.errors)
    if (e.code == "record") record_errors.push_back(e);
  REQUIRE(record_errors.size() == 2);
  const std::string cut = "2 123456789010 eni-0a1b2c3d4e5f60001 10.0.1.15 10.0.2.20 50000 445 6\n";
  CHECK(record_errors[0].artifact.path == (dir.path() / "logs" / "a_default.log").string());
  CHECK(record_errors[0].artifact.offset == t.a_default.find(cut));
  CHECK(record_errors[0].artifact.record == line_of(t.a_default, cut));
  CHECK(record_errors[1].artifact.path == (dir.path() / "logs" / "c_custom.log").string());
  const auto bad_at = t.c_custom.find(" not-an-ip ");
  REQUIRE(bad_at != std::string::npos);
  CHECK(record_errors[1].artifact.offset == t.c_custom.rfind('\n', bad_at) + 1);
  CHECK(record_errors[1].message.find("not-an-ip") != std::string::npos);
}

TEST_CASE("aws flowlogs: lateral movement on 445, the pivot, rejects", "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = write_fixture(dir);
  const auto oracle = flow::run_oracle(dir.path(), {t.a_default, t.b_header, t.c_custom});
  const auto s = scan({dir.path() / "logs"}, 10ull << 20, unix_ft(flow::kPivot));

  SECTION("host -> private peer on 445: lateral_movement_port, high, T1021.002") {
    const auto f = peer_finding(s, "10.0.2.20", 445);
    REQUIRE(!f.is_null());
    const auto c = check(f, "lateral_movement_port");
    REQUIRE(!c.is_null());
    CHECK(c["severity"] == "high");
    CHECK(c["attack"] == Json::array({"T1021.002"}));
    CHECK(f["severity"] == "high");
    // seen before the pivot: not a new peer
    REQUIRE(oracle.peer_first.at("10.0.2.20") < flow::kPivot);
    CHECK(check_ids(f).count("new_peer_after_pivot") == 0);
  }
  SECTION("a private peer first seen after the pivot on 3389: new_peer_after_pivot, high") {
    REQUIRE(oracle.peer_first.at("10.0.3.33") >= flow::kPivot);
    const auto f = peer_finding(s, "10.0.3.33", 3389);
    REQUIRE(!f.is_null());
    const auto c = check(f, "new_peer_after_pivot");
    REQUIRE(!c.is_null());
    CHECK(c["severity"] == "high");
    CHECK(c["attack"] == Json::array({"T1021.001"}));
    // every peer the oracle saw first before the pivot has no such check
    for (const auto& g : of_type(s, "aws.flow_peer")) {
      const auto peer = g["data"]["aws"]["flow"]["peer_ip"].get<std::string>();
      CHECK((check_ids(g).count("new_peer_after_pivot") == 1) ==
            (oracle.peer_first.at(peer) >= flow::kPivot));
    }
  }
  SECTION("inbound 3389 from a private peer: inbound_lateral_port, medium") {
    const auto f = peer_finding(s, "10.0.2.30", 3389, 6, "peer");
    REQUIRE(!f.is_null());
    CHECK(check(f, "inbound_lateral_port")["severity"] == "medium");
    CHECK(f["severity"] == "medium");
  }
  SECTION("REJECTs to 12 private peers on 22: rejected, and a scan") {
    std::set<std::string> rejected_peers;
    for (const auto& [k, c] : oracle.conversations)
      if (c.rejected > 0 && c.opener == "host" && c.peer.rfind("10.", 0) == 0)
        rejected_peers.insert(c.peer);
    REQUIRE(rejected_peers.size() >= 12);
    const auto f = peer_finding(s, "10.0.4.7", 22);
    REQUIRE(!f.is_null());
    const auto& c = oracle.conversations.at("10.0.4.7 22 6 host");
    CHECK(f["data"]["aws"]["flow"]["rejected"] == c.rejected);
    CHECK(f["data"]["aws"]["flow"]["host_rejected_private_peers"] == rejected_peers.size());
    CHECK(check(f, "rejected")["attack"] == Json::array({"T1046"}));
    CHECK(check(f, "private_scan")["severity"] == "medium");
    // all rejected on 22: the lateral check says it was refused (medium, not high)
    CHECK(check(f, "lateral_movement_port")["severity"] == "medium");
  }
  SECTION("public peers below the default egress threshold are not reported") {
    CHECK(peer_finding(s, "203.0.113.9", 443).is_null());
    CHECK(peer_finding(s, "192.0.2.50", 443, 6, "peer").is_null());
  }
}

TEST_CASE("aws flowlogs: public egress at and below the threshold", "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = write_fixture(dir);
  const auto oracle = flow::run_oracle(dir.path(), {t.a_default, t.b_header, t.c_custom});
  const auto big = oracle.conversations.at("198.51.100.7 443 6 host").bytes_out;
  const auto small = oracle.conversations.at("203.0.113.9 443 6 host").bytes_out;
  REQUIRE(small < big);

  const auto at = scan({dir.path() / "logs"}, big);
  const auto f = peer_finding(at, "198.51.100.7", 443);
  REQUIRE(!f.is_null());
  const auto c = check(f, "public_egress");
  REQUIRE(!c.is_null());
  CHECK(c["severity"] == "medium");
  CHECK(c["attack"] == Json::array({"T1041", "T1048"}));
  CHECK(f["data"]["aws"]["flow"]["bytes_host_to_peer"] == big);
  CHECK(peer_finding(at, "203.0.113.9", 443).is_null());

  const auto above = scan({dir.path() / "logs"}, big + 1);
  CHECK(peer_finding(above, "198.51.100.7", 443).is_null());

  // small <= threshold < big: only the big one
  const auto between = scan({dir.path() / "logs"}, small + 1);
  CHECK(!peer_finding(between, "198.51.100.7", 443).is_null());
  CHECK(peer_finding(between, "203.0.113.9", 443).is_null());
}

TEST_CASE("aws flowlogs: --top keeps the most severe and says how many were left out",
          "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = write_fixture(dir);
  const auto all = scan({dir.path() / "logs"}, 0);
  const auto n = of_type(all, "aws.flow_peer").size();
  REQUIRE(n > 5);
  const auto top = scan({dir.path() / "logs"}, 0, std::nullopt, 5);
  const auto kept = of_type(top, "aws.flow_peer");
  REQUIRE(kept.size() == 5);
  const auto full = of_type(all, "aws.flow_peer");
  for (std::size_t i = 0; i < 5; ++i) CHECK(kept[i] == full[i]);
  bool limit = false;
  for (const auto& e : top.out.errors)
    if (e.code == "limit" && e.message.find(std::to_string(n - 5) + " more") == 0) limit = true;
  CHECK(limit);
}

TEST_CASE("aws flowlogs: a truncated gzip and binary junk leave the other files read",
          "[aws-flowlogs]") {
  if (!tool_or_skip("gzip")) return;
  TempDir dir;
  const auto recs = flow::records(3);
  std::string text = std::string(flow::kDefaultHeader) + "\n";
  std::uint64_t written = 0;
  for (std::uint32_t round = 0; round < 40; ++round)
    for (const auto& r : flow::records(100 + round)) {
      text += flow::default_line(r);
      ++written;
    }
  write_file(dir.path() / "plain.log", text);
  const auto gz = run("gzip -9 -n -c " + shell_quote((dir.path() / "plain.log").string()));
  REQUIRE(gz.exit_code == 0);
  REQUIRE(gz.out.size() > 40000);
  write_file(dir.path() / "logs" / "a_cut.log.gz", gz.out.substr(0, gz.out.size() / 2));
  std::string junk(5000, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 7919) % 256);
  write_file(dir.path() / "logs" / "b_junk.log", junk);
  write_file(dir.path() / "logs" / "c_good.log",
             flow::default_line(recs[0]) + flow::default_line(recs[1]));

  const auto s = scan({dir.path() / "logs"}, 0);
  INFO(errors_text(s.out.errors));
  bool truncated = false, junk_named = false;
  for (const auto& e : s.out.errors) {
    if (e.code == "truncated" && e.artifact.path == (dir.path() / "logs" / "a_cut.log.gz").string())
      truncated = true;
    if (e.code == "open_failed" && e.artifact.path == (dir.path() / "logs" / "b_junk.log").string())
      junk_named = true;
  }
  CHECK(truncated);
  CHECK(junk_named);
  const auto exports = of_type(s, "aws.export");
  REQUIRE(exports.size() == 2);
  CHECK(exports[0]["data"]["truncated"] == true);
  const auto cut_records = exports[0]["data"]["records"].get<std::uint64_t>();
  // records before the cut: more than none, fewer than all (the header line is no record)
  CHECK(cut_records > 0);
  CHECK(cut_records < written);
  CHECK(exports[1]["data"]["records"] == 2);
  CHECK(!s.outcome.nothing_readable);
}

TEST_CASE("aws flowlogs: a --host-ip that is no address is a usage error", "[aws-flowlogs]") {
  AwsFlowLogsScanOptions opt;
  opt.host_ip = "10.0.1";
  Collect out;
  CHECK_THROWS_AS(scan_aws_flowlogs(opt, "aws flowlogs", out), std::invalid_argument);
}

TEST_CASE("aws flowlogs: logs that begin after the pivot cannot say which peers are new",
          "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = write_fixture(dir);
  const auto oracle = flow::run_oracle(dir.path(), {t.a_default, t.b_header, t.c_custom});
  std::uint64_t first = UINT64_MAX;
  for (const auto& [peer, when] : oracle.peer_first) first = std::min<std::uint64_t>(first, when);
  REQUIRE(first > 3600);
  // A pivot an hour before the first record: every peer would be "first seen after" it.
  const auto s = scan({dir.path() / "logs"}, 10ull << 20, unix_ft(first - 3600));
  std::size_t peers = 0;
  for (const auto& g : of_type(s, "aws.flow_peer")) {
    ++peers;
    CHECK(check_ids(g).count("new_peer_after_pivot") == 0);
  }
  CHECK(peers > 0);
  bool said = false;
  for (const auto& e : s.out.errors)
    said |= e.code == "missing" && e.message.find("begin at") != std::string::npos &&
            e.message.find("new_peer_after_pivot is not applied") != std::string::npos;
  CHECK(said);
}
