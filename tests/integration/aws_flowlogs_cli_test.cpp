// `sqltriage aws flowlogs` end to end on generated flow logs (tests/unit/aws_flow_fixture.hpp):
// the JSON document's conversations against the awk oracle run on the same text, the exit
// codes of --fail-on, a bad --host-ip and a folder with nothing readable.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support.hpp"
#include "unit/aws_flow_fixture.hpp"

using namespace sqltriage::test;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

}  // namespace

TEST_CASE("aws flowlogs CLI: the document's conversations match the awk oracle", "[aws-flowlogs]") {
  if (!tool_or_skip("awk") || !tool_or_skip("gzip")) return;
  TempDir dir;
  const auto t = flow::texts(21);
  write_file(dir.path() / "logs" / "a_default.log", t.a_default);
  write_file(dir.path() / "plain" / "b_header.log", t.b_header);
  const auto gz = run("gzip -9 -n -c " + q(dir.path() / "plain" / "b_header.log"));
  REQUIRE(gz.exit_code == 0);
  write_file(dir.path() / "logs" / "b_header.log.gz", gz.out);
  write_file(dir.path() / "logs" / "c_custom.log", t.c_custom);
  const auto oracle = flow::run_oracle(dir.path(), {t.a_default, t.b_header, t.c_custom});

  const auto r =
      run_sqltriage("aws flowlogs " + q(dir.path() / "logs") + " --host-ip " + flow::kHost +
                    " --pivot " + flow::kPivotIso + " --egress-bytes 1 --top 100000");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = Json::parse(r.out);
  std::size_t peers = 0;
  bool lateral_445 = false, new_3389 = false;
  for (const auto& f : doc.at("findings")) {
    if (f.at("type") != "aws.flow_peer") continue;
    ++peers;
    const auto& fl = f.at("data").at("aws").at("flow");
    const std::string key = fl.at("peer_ip").get<std::string>() + " " +
                            std::to_string(fl.at("service_port").get<std::uint64_t>()) + " " +
                            f.at("data").at("network").at("iana_number").get<std::string>() + " " +
                            fl.at("opened_by").get<std::string>();
    INFO(key);
    REQUIRE(oracle.conversations.count(key) == 1);
    const auto& c = oracle.conversations.at(key);
    CHECK(fl.at("flows") == c.flows);
    CHECK(fl.at("bytes_host_to_peer") == c.bytes_out);
    CHECK(fl.at("bytes_peer_to_host") == c.bytes_in);
    CHECK(fl.at("rejected") == c.rejected);
    for (const auto& k : f.at("checks")) {
      if (k.at("id") == "lateral_movement_port" && key == "10.0.2.20 445 6 host")
        lateral_445 = k.at("attack") == Json::array({"T1021.002"});
      if (k.at("id") == "new_peer_after_pivot" && key == "10.0.3.33 3389 6 host")
        new_3389 = k.at("severity") == "high";
    }
  }
  CHECK(peers == oracle.conversations.size());
  CHECK(lateral_445);
  CHECK(new_3389);
  CHECK(doc.at("errors").size() == 2);  // the two bad lines

  // --fail-on high: the lateral-movement finding makes it exit 1
  const auto fail = run_sqltriage("aws flowlogs " + q(dir.path() / "logs") + " --host-ip " +
                                  flow::kHost + " --fail-on high -o " + q(dir.path() / "o.json"));
  CHECK(fail.exit_code == 1);
}

TEST_CASE("aws flowlogs CLI: usage errors and nothing readable", "[aws-flowlogs]") {
  TempDir dir;
  write_file(dir.path() / "logs" / "a.log",
             "2 123456789010 eni-1 10.0.1.15 10.0.2.20 50000 445 6 3 300 1700000000 1700000060 "
             "ACCEPT OK\n");
  const auto bad_ip = run_sqltriage("aws flowlogs " + q(dir.path() / "logs") + " --host-ip 10.0.1");
  CHECK(bad_ip.exit_code == 2);
  CHECK(bad_ip.err.find("--host-ip") != std::string::npos);

  write_file(dir.path() / "junk" / "j.log", std::string("\x01\x02\x03\x00\xff", 5));
  const auto junk =
      run_sqltriage("aws flowlogs " + q(dir.path() / "junk") + " --host-ip 10.0.1.15");
  CHECK(junk.exit_code == 3);
}

TEST_CASE("aws flowlogs CLI: 300000 inbound scanners do not hide a later SMB conversation",
          "[aws-flowlogs]") {
  if (!tool_or_skip("gzip") || !tool_or_skip("/usr/bin/python3")) return;
  TempDir dir;
  const int kScanners = 300000;
  // 300000 distinct public peers reach the host's 443, then the host opens SMB to 10.0.2.30.
  const std::string script =
      "import gzip, sys\n"
      "out = gzip.open(sys.argv[1], 'wt', compresslevel=1)\n"
      "for i in range(" +
      std::to_string(kScanners) +
      "):\n"
      "    ip = '%d.%d.%d.7' % (11 + i // 65536, i // 256 % 256, i % 256)\n"
      "    out.write('2 1 eni-1 %s 10.0.1.15 50000 443 6 1 100 1676901791 1676901851 ACCEPT "
      "OK\\n' % ip)\n"
      "out.write('2 1 eni-1 10.0.1.15 10.0.2.30 49700 445 6 200 300000 1676902991 1676903051 "
      "ACCEPT OK\\n')\n"
      "out.close()\n";
  write_file(dir.path() / "gen.py", script);
  const auto gen =
      run("/usr/bin/python3 " + q(dir.path() / "gen.py") + " " + q(dir.path() / "busy.log.gz"));
  REQUIRE(gen.exit_code == 0);

  const auto r = run_sqltriage("aws flowlogs " + q(dir.path() / "busy.log.gz") +
                                   " --host-ip 10.0.1.15 --pivot 2023-02-20T14:03:11Z",
                               600);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = Json::parse(r.out);
  Json smb;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == "aws.flow_peer" &&
        f.at("data").at("aws").at("flow").at("peer_ip") == "10.0.2.30")
      smb = f;
  REQUIRE_FALSE(smb.is_null());
  const auto& fl = smb.at("data").at("aws").at("flow");
  CHECK(fl.at("bytes_host_to_peer") == 300000);
  CHECK(fl.at("service_port") == 445);
  // The SMB record's start (1676902991), as ISO 8601 by an independent conversion.
  const auto iso =
      run("/usr/bin/python3 -c 'import datetime as d; print(d.datetime.fromtimestamp(1676902991, "
          "d.timezone.utc).strftime(\"%Y-%m-%dT%H:%M:%S.0000000Z\"))'");
  REQUIRE(iso.exit_code == 0);
  CHECK(fl.at("peer_first_seen").get<std::string>() + "\n" == iso.out);
  std::set<std::string> ids;
  for (const auto& k : smb.at("checks")) ids.insert(k.at("id").get<std::string>());
  CHECK(ids.count("lateral_movement_port") == 1);
  CHECK(ids.count("new_peer_after_pivot") == 1);
  // The inbound conversations beyond the first 250000 are aggregated, and the error says so.
  const std::string aggregated = std::to_string(kScanners - 250000) +
                                 " records of inbound conversations from public peers beyond "
                                 "the first 250000 were folded into 1 aggregate";
  bool said = false;
  for (const auto& e : doc.at("errors"))
    if (e.at("code") == "limit" &&
        e.at("message").get<std::string>().find(aggregated) != std::string::npos)
      said = true;
  CHECK(said);
}

TEST_CASE("aws flowlogs CLI: --vpc-cidr makes peers internal and rejects non-blocks",
          "[aws-flowlogs]") {
  TempDir dir;
  write_file(dir.path() / "a.log",
             "2 1 eni-1 198.51.100.15 198.51.100.40 50000 445 6 3 300 1700000000 1700000060 "
             "ACCEPT OK\n");
  const auto bad = run_sqltriage("aws flowlogs " + q(dir.path() / "a.log") +
                                 " --host-ip 198.51.100.15 --vpc-cidr 198.51.100.0/40");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--vpc-cidr") != std::string::npos);
  const auto ok = run_sqltriage("aws flowlogs " + q(dir.path() / "a.log") +
                                " --host-ip 198.51.100.15 --vpc-cidr 198.51.100.0/24 "
                                "--vpc-cidr 2600:1f18:abcd:100::/56 --fail-on high");
  INFO(ok.err);
  CHECK(ok.exit_code == 1);  // lateral_movement_port (high) on the vpc peer
  const auto doc = Json::parse(ok.out);
  bool vpc = false;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == "aws.flow_peer")
      vpc = f.at("data").at("aws").at("flow").at("peer_class") == "vpc";
  CHECK(vpc);
}
