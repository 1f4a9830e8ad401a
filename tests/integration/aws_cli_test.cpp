// `sqltriage aws` end to end, for what the three subcommands share: which files each reads in a
// folder of mixed exports, the refusals (usage errors, disk images, outputs inside the
// exports), and the exit codes. Oracle: the files the test writes; jq reads each kind's
// fixture on its own (the statement count of the policy, the events of the trail, the lines of
// the flow log) and the document must say the same.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support.hpp"

using namespace sqltriage::test;
using Json = nlohmann::json;

namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// A folder of one export of each kind, and a note that is none.
fs::path mixed_exports(const TempDir& dir) {
  const fs::path root = dir.path() / "exports";
  write_file(root / "iam" / "get-role-policy.json",
             R"J({"RoleName": "web_role", "PolicyName": "web_policy", "PolicyDocument": {
  "Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::web-assets"}]}})J");
  write_file(root / "trail" / "111_CloudTrail_eu-west-1_20230220T1405Z_a.json",
             R"J({"Records": [
  {"eventVersion": "1.08", "eventTime": "2023-02-20T14:05:00Z", "eventSource": "sts.amazonaws.com",
   "eventName": "GetCallerIdentity", "sourceIPAddress": "203.0.113.45", "userAgent": "aws-cli/2",
   "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1234567890:assumed-role/web_role/i-01a840fe4d183f01b",
                    "accessKeyId": "ASIAEXAMPLE1"}},
  {"eventVersion": "1.08", "eventTime": "2023-02-20T14:06:00Z", "eventSource": "s3.amazonaws.com",
   "eventName": "ListBuckets", "sourceIPAddress": "10.0.1.15", "userAgent": "aws-sdk",
   "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1234567890:assumed-role/web_role/i-01a840fe4d183f01b",
                    "accessKeyId": "ASIAEXAMPLE1"}}]})J");
  write_file(root / "flows" / "eni.log",
             "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
             "bytes start end action log-status\n"
             "2 1234567890 eni-1 10.0.1.15 10.0.2.20 49152 445 6 10 4000 1676901900 1676901960 "
             "ACCEPT OK\n");
  write_file(root / "notes.txt", "exported by the responder on the day\n");
  return root;
}

Json parse(const CommandResult& r) {
  INFO(r.err);
  return Json::parse(r.out);
}

std::size_t count_type(const Json& doc, const std::string& type) {
  std::size_t n = 0;
  for (const auto& f : doc["findings"])
    if (f["type"] == type) ++n;
  return n;
}

}  // namespace

TEST_CASE("aws subcommands each read their own kind from one folder of mixed exports",
          "[aws-cli]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const fs::path root = mixed_exports(dir);

  const auto statements =
      run("jq '.PolicyDocument.Statement | length' " + q(root / "iam" / "get-role-policy.json"));
  const auto events = run("jq '.Records | length' " +
                          q(root / "trail" / "111_CloudTrail_eu-west-1_20230220T1405Z_a.json"));
  REQUIRE(statements.exit_code == 0);
  REQUIRE(events.exit_code == 0);

  const Json iam = parse(run_sqltriage("aws iam " + q(root)));
  CHECK(count_type(iam, "aws.permission") == std::stoul(statements.out));
  CHECK(count_type(iam, "aws.export") == 1);

  const Json trail = parse(run_sqltriage("aws cloudtrail " + q(root)));
  CHECK(count_type(trail, "aws.api_call") == std::stoul(events.out));
  CHECK(count_type(trail, "aws.export") == 1);

  const Json flows = parse(run_sqltriage("aws flowlogs " + q(root) + " --host-ip 10.0.1.15"));
  CHECK(count_type(flows, "aws.export") == 1);
  CHECK(count_type(flows, "aws.flow_peer") >= 1);

  // The note is reported by each of them; the other kinds' files by none.
  const std::string note = (root / "notes.txt").string();
  const std::string policy = (root / "iam" / "get-role-policy.json").string();
  for (const Json* doc : {&iam, &trail, &flows}) {
    std::size_t notes = 0;
    for (const auto& e : (*doc)["errors"]) {
      const std::string path = e["artifact"]["path"];
      if (path == note) {
        ++notes;
        CHECK(e["code"] == "open_failed");
      } else {
        // iam: the role's listings were not exported; cloudtrail: no describe-instances, so
        // the instance's own addresses are unknown.
        CHECK(((doc == &iam && path == policy) ||
               (doc == &trail && e["code"] == "missing" &&
                e["message"].get<std::string>().find("i-01a840fe4d183f01b") != std::string::npos)));
      }
    }
    CHECK(notes == 1);
  }
}

TEST_CASE("aws: a file given to the wrong subcommand names the right one", "[aws-cli]") {
  TempDir dir;
  const fs::path root = mixed_exports(dir);
  const auto r = run_sqltriage("aws iam " + q(root / "flows" / "eni.log"));
  CHECK(r.exit_code == 3);  // nothing of its kind was read
  const Json doc = parse(r);
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["message"].get<std::string>().find("sqltriage aws flowlogs") !=
        std::string::npos);
}

TEST_CASE("aws: usage errors exit 2 before any output", "[aws-cli]") {
  TempDir dir;
  const fs::path root = mixed_exports(dir);
  struct Case {
    std::string args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"aws", "subcommand"},
      {"aws iam", "EXPORTS"},
      {"aws flowlogs " + q(root), "--host-ip"},
      {"aws flowlogs " + q(root) + " --host-ip 10.0.1.15 --egress-bytes 0", "--egress-bytes"},
      {"aws flowlogs " + q(root) + " --host-ip 10.0.1.15 --top 0", "--top"},
      {"aws flowlogs " + q(root) + " --host-ip 10.0.1.15 --pivot yesterday", "--pivot"},
      {"aws cloudtrail " + q(root) + " --since 2023-02-21 --until 2023-02-20", "--since"},
      {"aws cloudtrail " + q(root) + " --pivot 2023-02-20T14:00:00Z --since 2023-02-20", "--pivot"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_sqltriage(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.says) != std::string::npos);
  }
}

TEST_CASE("aws: an option the scan refuses leaves the output file alone", "[aws-cli]") {
  TempDir dir;
  const fs::path root = mixed_exports(dir);
  const fs::path report = dir.path() / "report.json";
  for (const std::string& bad : {"aws iam " + q(root) + " --instance-id i-123",
                                 "aws cloudtrail " + q(root) + " --access-key lowercase",
                                 "aws cloudtrail " + q(root) + " --source-ip 10.0.0.0/33",
                                 "aws flowlogs " + q(root) + " --host-ip 10.0.1.999"}) {
    INFO(bad);
    CHECK(run_sqltriage(bad + " -o " + q(report)).exit_code == 2);
    CHECK_FALSE(fs::exists(report));
  }
  write_file(report, "an earlier report");
  CHECK(run_sqltriage("aws iam " + q(root) + " --instance-id x -o " + q(report)).exit_code == 2);
  CHECK(fs::file_size(report) == std::string("an earlier report").size());
}

TEST_CASE("aws: an output inside the exports is refused and nothing there is written",
          "[aws-cli]") {
  TempDir dir;
  const fs::path root = mixed_exports(dir);
  const fs::path inside = root / "trail" / "report.json";
  const auto r = run_sqltriage("aws cloudtrail " + q(root) + " -o " + q(inside));
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(inside));
  const fs::path over = root / "iam" / "get-role-policy.json";
  const auto size = fs::file_size(over);
  CHECK(run_sqltriage("aws iam " + q(over) + " -o " + q(over)).exit_code == 2);
  CHECK(fs::file_size(over) == size);
}

TEST_CASE("aws: a disk image is refused with the reason, and an absent input exits 3",
          "[aws-cli]") {
  TempDir dir;
  const fs::path image = ntfsgen_image(dir, R"J({"entries": []})J");
  const auto r = run_sqltriage("aws cloudtrail " + q(image));
  CHECK(r.exit_code == 3);
  const Json doc = parse(r);
  REQUIRE(doc["errors"].size() >= 1);
  CHECK(doc["errors"][0]["message"].get<std::string>().find("holds no AWS exports") !=
        std::string::npos);
  const auto absent = run_sqltriage("aws iam " + q(dir.path() / "nothing-here"));
  CHECK(absent.exit_code == 3);
}
