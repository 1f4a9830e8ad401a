// The aws.credential_use finding of one session built from events the test writes: addresses
// counted apart from service names, the cap on distinct addresses said in the summary, the
// unknown instance addresses said; the aws.api_call summary naming the secret or parameter
// read; the scan's worker threads capped by the number of files.
#include <dirent.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "aws_cloudtrail_fixtures.hpp"
#include "pipeline/aws/cloudtrail_finding.hpp"
#include "pipeline/aws/cloudtrail_sessions.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage::test;
using namespace sqltriage::test::cloudtrail;
namespace fs = std::filesystem;
using sqltriage::aws::CloudTrailEvent;

namespace {

const std::string kInstance = "i-0123456789abcdef0";

CloudTrailEvent instance_call(const std::string& ip, std::uint64_t offset) {
  CloudTrailEvent e;
  e.event_name = "DescribeInstances";
  e.event_source = "ec2.amazonaws.com";
  e.source_ip = ip;
  e.offset = offset;
  e.identity.type = "AssumedRole";
  e.identity.arn = "arn:aws:sts::123456789012:assumed-role/WebRole/" + kInstance;
  e.identity.session_issuer_arn = "arn:aws:iam::123456789012:role/WebRole";
  e.identity.access_key_id = "ASIAEXAMPLESESSION1";
  return e;
}

/// Threads of this process now.
std::size_t thread_count() {
  std::size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
  }
  return n;
}

/// Records the most threads seen while findings arrive.
class ThreadWatch : public sqltriage::FindingSink {
 public:
  void begin(const sqltriage::DocumentHeader&) override {}
  void finding(const sqltriage::Finding&) override { most = std::max(most, thread_count()); }
  void error(const sqltriage::ErrorEntry&) override {}
  void end(const sqltriage::RunStats&) override {}
  std::size_t most = 0;
};

}  // namespace

TEST_CASE("cloudtrail sessions: addresses apart from names, the cap said, unknown addresses",
          "[aws-cloudtrail]") {
  sqltriage::aws::Sessions sessions;
  // 1005 distinct IPv4 addresses (one call each), then names and a wrong-typed value.
  std::uint64_t offset = 100;
  for (int i = 0; i < 1005; ++i)
    sessions.add(
        instance_call("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".1",
                      offset++),
        "a.json");
  for (const char* name : {"AWS Internal", "ec2.amazonaws.com", "true", "AWS Internal"})
    sessions.add(instance_call(name, offset++), "a.json");
  REQUIRE(sessions.all().size() == 1);
  const auto& s = sessions.all().begin()->second;
  const auto f = to_json(sqltriage::aws::credential_use_finding(s, {}));
  const auto& ct = f["data"]["aws"]["cloudtrail"];
  CHECK(ct["source_addresses"].size() == sqltriage::aws::kMaxValues);
  CHECK(ct["address_calls_not_kept"] == 1005 - sqltriage::aws::kMaxValues);
  CHECK(ct["source_names"] == OJson({{"AWS Internal", 2}, {"ec2.amazonaws.com", 1}, {"true", 1}}));
  const std::string summary = f["summary"];
  CHECK(summary.find("1009 calls from " + std::to_string(sqltriage::aws::kMaxValues) +
                     "+ addresses") != std::string::npos);
  CHECK(summary.find("the instance's own addresses are unknown: give --instance-ip or a "
                     "describe-instances export") != std::string::npos);
  // artifact: the file and offset of the first call (no times: the first read).
  CHECK(f["artifact"]["path"] == "a.json");
  CHECK(f["artifact"]["offset"] == 100);
  CHECK(ct["role_arn"] == "arn:aws:iam::123456789012:role/WebRole");

  // Known addresses: no "unknown" words; a name is not counted as an address.
  sqltriage::aws::Sessions small;
  small.add(instance_call("AWS Internal", 7), "b.json");
  small.add(instance_call("203.0.113.9", 9), "b.json");
  const auto g =
      to_json(sqltriage::aws::credential_use_finding(small.all().begin()->second, {"10.0.1.15"}));
  const std::string gs = g["summary"];
  CHECK(gs.find("2 calls from 1 address") != std::string::npos);
  CHECK(gs.find("unknown") == std::string::npos);
}

TEST_CASE("cloudtrail api_call: the summary names the secret or parameters read",
          "[aws-cloudtrail]") {
  CloudTrailEvent e = instance_call("10.0.1.15", 0);
  e.event_source = "secretsmanager.amazonaws.com";
  e.event_name = "GetSecretValue";
  e.request_parameters = OJson{{"secretId", "prod/db/password"}}.dump();
  CHECK(sqltriage::aws::api_call_finding(e, "t.json")
            .summary.starts_with("GetSecretValue (secretId: prod/db/password) on "
                                 "secretsmanager.amazonaws.com"));
  e.event_source = "ssm.amazonaws.com";
  e.event_name = "GetParameters";
  e.request_parameters =
      OJson{{"names", {"/app/key", "/app/token"}}, {"withDecryption", true}}.dump();
  CHECK(sqltriage::aws::api_call_finding(e, "t.json")
            .summary.starts_with("GetParameters (names: /app/key, /app/token) on "));
  e.event_name = "GetParameter";
  const std::string long_name = "/" + std::string(300, 'p');
  e.request_parameters = OJson{{"name", long_name}}.dump();
  const std::string cut = sqltriage::aws::api_call_finding(e, "t.json").summary;
  CHECK(cut.starts_with("GetParameter (name: " + long_name.substr(0, 200) + "...) on "));
  e.event_name = "DescribeParameters";  // other calls: unchanged
  CHECK(
      sqltriage::aws::api_call_finding(e, "t.json").summary.starts_with("DescribeParameters on "));
}

TEST_CASE("cloudtrail scan: worker threads are capped by the number of files", "[aws-cloudtrail]") {
  TempDir tmp;
  OJson doc;
  doc["Records"] = OJson::array();
  for (int i = 0; i < 50; ++i)
    doc["Records"].push_back(record(i, "2023-02-20T14:00:00Z", "ec2.amazonaws.com",
                                    "DescribeInstances", "10.0.1.15",
                                    user_identity("alice", "AKIAEXAMPLEUSERKEY01")));
  write_file(tmp.path() / "one.json", doc.dump());
  sqltriage::AwsCloudTrailScanOptions opt;
  opt.inputs = {tmp.path() / "one.json"};
  opt.threads = 50;
  const std::size_t before = thread_count();
  ThreadWatch watch;
  const auto outcome = sqltriage::scan_aws_cloudtrail(opt, "aws cloudtrail", watch);
  CHECK(outcome.stats.records == 50);
  CHECK(watch.most > 0);
  CHECK(watch.most <= before + 1);  // one file: one worker
}
