// `sqltriage aws iam` end to end on the investigation write-up's exports: the document's
// permission findings against jq on the fixture, the role's severity against --fail-on, JSON
// Lines, --instance-id, and the exit codes for usage errors and unreadable exports.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using namespace sqltriage::test;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// The write-up's exports: one instance, its profile, its role's one inline policy.
fs::path write_up_exports(const TempDir& dir) {
  const auto root = dir.path() / "exports";
  write_file(root / "describe-instances.json", R"J({"Reservations": [{"OwnerId": "1234567890",
  "Instances": [{"InstanceId": "i-01a840fe4d183f01b", "PrivateIpAddress": "10.20.1.15",
    "Placement": {"AvailabilityZone": "eu-west-1a"},
    "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile",
                           "Id": "AIPAEXAMPLEPROFILE01"}}]}]})J");
  write_file(root / "get-instance-profile.json", R"J({"InstanceProfile": {
  "InstanceProfileName": "foobar_instance_profile",
  "Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile",
  "Roles": [{"RoleName": "foobar_role", "Arn": "arn:aws:iam::1234567890:role/foobar_role"}]}})J");
  write_file(root / "list-role-policies.json", R"J({"PolicyNames": ["foobar_policy"]})J");
  write_file(root / "list-attached-role-policies.json", R"J({"AttachedPolicies": []})J");
  write_file(root / "get-role-policy.json", R"J({"RoleName": "foobar_role",
  "PolicyName": "foobar_policy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
     "Resource": "arn:aws:secretsmanager:eu-west-1:1234567890:secret:prod/foobar/ssl_certificate_key-abcde"},
    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
     "Resource": "arn:aws:secretsmanager:eu-west-1:1234567890:secret:prod/foobar/deploy_keys-C4B23"},
    {"Effect": "Allow", "Action": ["elasticfilesystem:Describe*", "elasticfilesystem:List*"],
     "Resource": "arn:aws:elasticfilesystem:eu-west-1:1234567890:file-system/fs-0ab23231b"}]}})J");
  return root;
}

/// jq's compact answer on a file.
std::string jq(const std::string& filter, const fs::path& file) {
  const auto r = run("jq -c " + shell_quote(filter) + " " + q(file));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("aws iam on the write-up's exports flags the three statements", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto root = write_up_exports(dir);
  const auto out = dir.path() / "iam.json";
  const auto r = run_sqltriage("aws iam " + q(root) + " -o " + q(out));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto policy = root / "get-role-policy.json";
  // every statement once, in document order, with its resources and one sensitive family
  CHECK(jq("[.findings[] | select(.type == \"aws.permission\") | "
           ".data.aws.iam.statement.resource]",
           out) == jq("[.PolicyDocument.Statement[] | [.Resource]]", policy));
  CHECK(jq("[.findings[] | select(.type == \"aws.permission\") | .data.sensitive[].family]", out) ==
        "[\"secretsmanager:GetSecretValue\",\"secretsmanager:GetSecretValue\","
        "\"elasticfilesystem:*\"]\n");
  CHECK(jq("[.findings[] | select(.type == \"aws.permission\") | .severity]", out) ==
        "[\"high\",\"high\",\"medium\"]\n");
  CHECK(jq("[.findings[] | select(.type == \"aws.role\") | .data.aws.iam.role.name]", out) ==
        jq("[.RoleName]", policy));
  CHECK(jq("[.findings[] | select(.type == \"aws.instance\") | .data.cloud.instance.id]", out) ==
        jq("[.Reservations[].Instances[].InstanceId]", root / "describe-instances.json"));
  CHECK(jq(".stats.records", out) == jq(".PolicyDocument.Statement | length", policy));
  CHECK(jq(".errors | length", out) == "0\n");

  // --fail-on: the role's high severity trips it
  CHECK(run_sqltriage("aws iam " + q(root) + " -q --fail-on high -o " + q(out)).exit_code == 1);
  CHECK(run_sqltriage("aws iam " + q(root) + " -q --fail-on critical -o " + q(out)).exit_code == 0);

  // JSON Lines: one line per finding, the same count
  const auto jsonl = dir.path() / "iam.jsonl";
  REQUIRE(run_sqltriage("aws iam " + q(root) + " --jsonl -o " + q(jsonl)).exit_code == 0);
  CHECK(run("jq -s -c '[.[] | select(.record_type == \"finding\")] | length' " + q(jsonl)).out ==
        jq(".findings | length", out));
}

TEST_CASE("aws iam --instance-id and the exit codes", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto root = write_up_exports(dir);
  const auto bad_id = run_sqltriage("aws iam " + q(root) + " --instance-id i-nothex");
  CHECK(bad_id.exit_code == 2);
  CHECK(bad_id.out.empty());

  const auto out = dir.path() / "one.json";
  REQUIRE(run_sqltriage("aws iam " + q(root) + " --instance-id i-01a840fe4d183f01b -o " + q(out))
              .exit_code == 0);
  CHECK(jq("[.findings[] | select(.type == \"aws.permission\")] | length", out) ==
        jq(".PolicyDocument.Statement | length", root / "get-role-policy.json"));

  // only an unreadable export: nothing readable (3), the error names the byte
  const auto broken = dir.path() / "broken" / "list-role-policies.json";
  write_file(broken, "{\"PolicyNames\": [\"foobar_policy\"");
  const auto r = run_sqltriage("aws iam " + q(broken));
  CHECK(r.exit_code == 3);
  const auto doc = Json::parse(r.out);
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["code"] == "open_failed");
  CHECK(doc["errors"][0]["artifact"]["offset"] == fs::file_size(broken));
}
