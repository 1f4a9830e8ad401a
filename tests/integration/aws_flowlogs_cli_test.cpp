// `sqltriage aws flowlogs` end to end on generated flow logs (tests/unit/aws_flow_fixture.hpp):
// the JSON document's conversations against the awk oracle run on the same text, the exit
// codes of --fail-on, a bad --host-ip and a folder with nothing readable.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
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
