// Regressions of `aws iam`: a get-policy-version file tied by its file name before a version
// match (and left untied when only an ambiguous version match is left), summaries and check
// reasons naming what the statements grant rather than the family pattern, a "*" grant
// narrowed by a Deny with NotAction, count wording, and the list-instance-profiles,
// describe-iam-instance-profile-associations and list-roles layouts. Expected values come
// from jq on the fixtures the tests write, from the statements written here, and from the
// family table (aws::sensitive_actions()).
#include <algorithm>
#include <filesystem>

#include "aws_iam_support.hpp"
#include "sqltriage/aws_iam.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sqltriage::test::aws_iam;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
using sqltriage::test::write_file;

using sqltriage::Severity;

const std::string kRoleArn = "arn:aws:iam::1234567890:role/foobar_role";

/// A role exported on its own (get-role, no inline policy) with `attached` as its
/// list-attached-role-policies output.
void role_files(const fs::path& dir, const std::string& attached) {
  write_file(dir / "get-role.json",
             R"J({"Role": {"RoleName": "foobar_role", "Arn": ")J" + kRoleArn + R"J("}})J");
  write_file(dir / "list-role-policies.json", R"J({"PolicyNames": []})J");
  write_file(dir / "list-attached-role-policies.json", attached);
}

std::string get_policy(const std::string& name, const std::string& arn, const std::string& v) {
  return R"J({"Policy": {"PolicyName": ")J" + name + R"J(", "Arn": ")J" + arn +
         R"J(", "DefaultVersionId": ")J" + v + R"J(", "AttachmentCount": 1}})J";
}

std::string policy_version(const std::string& v, const std::string& statements) {
  return R"J({"PolicyVersion": {"Document": {"Version": "2012-10-17", "Statement": )J" +
         statements + R"J(}, "VersionId": ")J" + v + R"J(", "IsDefaultVersion": true}})J";
}

std::string all_errors(const Scan& s) { return sqltriage::test::errors_text(s.out.errors); }

const sqltriage::aws::SensitiveAction& family(const std::string& pattern) {
  for (const auto& f : sqltriage::aws::sensitive_actions())
    if (f.pattern == pattern) return f;
  FAIL("no family " << pattern);
  throw;
}

Json check_of(const Json& f, const std::string& id) {
  for (const auto& c : f["checks"])
    if (c["id"] == id) return c;
  return Json();
}

bool contains(const Json& text, const std::string& part) {
  return text.is_string() && text.get<std::string>().find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a get-policy-version file named after a policy is tied to it, not by version",
          "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  role_files(dir.path(), R"J({"AttachedPolicies": [
    {"PolicyName": "AmazonSSMManagedInstanceCore",
     "PolicyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
    {"PolicyName": "WebAppS3Admin", "PolicyArn": "arn:aws:iam::1234567890:policy/WebAppS3Admin"}
  ]})J");
  const auto attached = dir.path() / "list-attached-role-policies.json";
  write_file(dir.path() / "get-policy-AmazonSSMManagedInstanceCore.json",
             get_policy("AmazonSSMManagedInstanceCore",
                        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "v2"));
  const auto version = dir.path() / "get-policy-version-WebAppS3Admin.json";
  write_file(version,
             policy_version("v2", R"J([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])J"));
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto perms = of_type(s, "aws.permission");
  REQUIRE(perms.size() == 1);
  const auto& p = perms[0]["data"]["aws"]["iam"];
  CHECK(p["policy"]["name"] == "WebAppS3Admin");
  CHECK(
      p["policy"]["arn"] ==
      jq(".AttachedPolicies[] | select(.PolicyName == \"WebAppS3Admin\") | .PolicyArn", attached));
  CHECK(p["role"]["name"] == "foobar_role");
  CHECK(as_strings(p["statement"]["action"]) == std::vector<std::string>{"s3:*"});
  // the SSM policy's document is the one missing
  const auto errors = all_errors(s);
  CHECK(errors.find("managed policy AmazonSSMManagedInstanceCore is not in the exports") !=
        std::string::npos);
  CHECK(errors.find("managed policy WebAppS3Admin is not in the exports") == std::string::npos);
}

TEST_CASE("a get-policy-version tied only by an ambiguous version is tied to no role",
          "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  const std::string a = "arn:aws:iam::1234567890:policy/alpha_policy";
  const std::string b = "arn:aws:iam::1234567890:policy/beta_policy";
  const std::string attached = R"J({"AttachedPolicies": [{"PolicyName": "alpha_policy", )J"
                               R"J("PolicyArn": ")J" +
                               a + R"J("}, {"PolicyName": "beta_policy", "PolicyArn": ")J" + b +
                               R"J("}]})J";
  const auto statements = R"J([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}])J";

  SECTION("two get-policy outputs of the same DefaultVersionId") {
    TempDir dir;
    role_files(dir.path(), attached);
    write_file(dir.path() / "p1.json", get_policy("alpha_policy", a, "v1"));
    write_file(dir.path() / "p2.json", get_policy("beta_policy", b, "v1"));
    const auto version = dir.path() / "version.json";
    write_file(version, policy_version("v1", statements));
    const auto s = scan({dir.path()});
    const auto perms = of_type(s, "aws.permission");
    REQUIRE(perms.size() == 1);
    CHECK(perms[0]["data"]["aws"]["iam"]["role"].is_null());
    CHECK(perms[0]["data"]["aws"]["iam"]["policy"]["name"] == version.filename().string());
    const bool said = std::any_of(s.out.errors.begin(), s.out.errors.end(), [&](const auto& e) {
      return e.code == "missing" && e.artifact.path == version.string() &&
             e.message.find("ambiguous") != std::string::npos;
    });
    CHECK(said);
  }
  SECTION("a version match another file claims by its name") {
    TempDir dir;
    role_files(dir.path(), attached);
    write_file(dir.path() / "p1.json", get_policy("alpha_policy", a, "v1"));
    const auto named = dir.path() / "alpha_policy-version.json";
    const auto other = dir.path() / "other-version.json";
    write_file(named, policy_version("v1", statements));
    write_file(other, policy_version("v1", statements));
    const auto s = scan({dir.path()});
    const auto perms = of_type(s, "aws.permission");
    REQUIRE(perms.size() == 2);
    for (const auto& f : perms) {
      const auto& p = f["data"]["aws"]["iam"];
      if (p["policy"]["source"] == named.string()) {
        CHECK(p["policy"]["arn"] == jq(".Policy.Arn", dir.path() / "p1.json"));
        CHECK(p["role"]["name"] == "foobar_role");
      } else {
        CHECK(p["policy"]["source"] == other.string());
        CHECK(p["role"].is_null());
      }
    }
    const bool said = std::any_of(s.out.errors.begin(), s.out.errors.end(), [&](const auto& e) {
      return e.code == "missing" && e.artifact.path == other.string() &&
             e.message.find("ambiguous") != std::string::npos;
    });
    CHECK(said);
  }
}

TEST_CASE("summaries and reasons print the granted patterns, not the family", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const std::string long_pattern = "lambda:" + std::string(10000, 'A') + "*";
  const auto policy = dir.path() / "get-role-policy.json";
  write_file(policy, R"J({"RoleName": "foobar_role", "PolicyName": "foobar_policy",
    "PolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["elasticfilesystem:Describe*", "elasticfilesystem:List*"],
       "Resource": "*"},
      {"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
       "Resource": "arn:aws:ssm:eu-west-1:1234567890:parameter/prod/*"},
      {"Effect": "Allow", "Action": [")J" +
                         long_pattern + R"J(", "kms:Decrypt", "kms:Encrypt", "s3:ListBucket",
       "ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeImages"],
       "Resource": "*"}]}})J");
  write_file(dir.path() / "list-role-policies.json", R"J({"PolicyNames": ["foobar_policy"]})J");
  write_file(dir.path() / "list-attached-role-policies.json", R"J({"AttachedPolicies": []})J");
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto efs = jq(".PolicyDocument.Statement[0].Action | join(\", \")", policy);
  const auto ssm = jq(".PolicyDocument.Statement[1].Action | join(\", \")", policy);

  const auto st0 = statement(s, "foobar_policy", 0);
  REQUIRE(st0.size() == 1);
  const auto efs_check = check_of(st0[0], "iam_efs");
  CHECK(contains(efs_check["reason"], "may " + efs.get<std::string>() + " (family "));
  CHECK_FALSE(contains(efs_check["reason"], "may elasticfilesystem:*"));
  CHECK(entry(st0[0], "elasticfilesystem:*")["actions"] ==
        jq(".PolicyDocument.Statement[0].Action", policy));

  const auto st1 = statement(s, "foobar_policy", 1);
  REQUIRE(st1.size() == 1);
  const auto ssm_check = check_of(st1[0], "iam_ssm_parameters_read");
  CHECK(contains(ssm_check["reason"], "may " + ssm.get<std::string>() + " (family "));
  CHECK_FALSE(contains(ssm_check["reason"], "may ssm:GetParameter*"));

  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  const auto& summary = roles[0]["summary"];
  CHECK(contains(summary, efs.get<std::string>() + " (family elasticfilesystem:*)"));
  CHECK(contains(summary, ssm.get<std::string>() + " (family ssm:GetParameter*)"));
  CHECK_FALSE(contains(summary, "may elasticfilesystem:*"));
  CHECK(contains(check_of(roles[0], "iam_efs")["reason"], "may " + efs.get<std::string>()));

  // the 10,000-character pattern is cut in summaries and reasons, kept whole in the data
  const auto st2 = statement(s, "foobar_policy", 2);
  REQUIRE(st2.size() == 1);
  const auto n = jq(".PolicyDocument.Statement[2].Action | length", policy).get<std::size_t>();
  REQUIRE(n > 5);
  CHECK(contains(st2[0]["summary"], " and " + std::to_string(n - 5) + " more"));
  CHECK(st2[0]["summary"].get<std::string>().size() < 1000);
  CHECK(contains(st2[0]["summary"], long_pattern.substr(0, 120) + "..."));
  CHECK_FALSE(contains(st2[0]["summary"], long_pattern.substr(0, 121)));
  for (const auto& c : st2[0]["checks"]) CHECK(c["reason"].get<std::string>().size() < 1000);
  CHECK(summary.get<std::string>().size() < 2000);
  CHECK(st2[0]["data"]["aws"]["iam"]["statement"]["action"][0] ==
        jq(".PolicyDocument.Statement[2].Action[0]", policy));
}

TEST_CASE("a Deny with NotAction narrows an Allow of every action to what it leaves", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto policy = dir.path() / "get-role-policy.json";
  write_file(policy, R"J({"RoleName": "foobar_role", "PolicyName": "foobar_policy",
    "PolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
      {"Sid": "OnlyRead", "Effect": "Deny", "NotAction": ["s3:GetObject"], "Resource": "*"}]}})J");
  write_file(dir.path() / "list-role-policies.json", R"J({"PolicyNames": ["foobar_policy"]})J");
  write_file(dir.path() / "list-attached-role-policies.json", R"J({"AttachedPolicies": []})J");
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto left = jq(".PolicyDocument.Statement[1].NotAction", policy);
  const auto& read = family("s3:GetObject");
  const auto& all = family("*");
  REQUIRE(all.severity == Severity::critical);

  const auto st0 = statement(s, "foobar_policy", 0);
  REQUIRE(st0.size() == 1);
  CHECK(entry(st0[0], "*")["remaining"] == left);
  CHECK(contains(st0[0]["summary"], "leave it only " + left[0].get<std::string>()));
  CHECK(entry(st0[0], "s3:GetObject")["denied_by"].is_null());
  for (const auto& c : st0[0]["checks"]) CHECK(c["severity"] != "critical");
  const auto star = check_of(st0[0], all.check);
  REQUIRE(star.is_object());
  CHECK(star["severity"] == std::string(to_string(read.severity)));
  CHECK(contains(star["reason"], "may only " + left[0].get<std::string>()));
  const auto s3 = check_of(st0[0], read.check);
  REQUIRE(s3.is_object());
  CHECK(s3["severity"] == std::string(to_string(read.severity)));
  // the other families are gone entirely: a secret cannot be read
  CHECK(entry(st0[0], "secretsmanager:GetSecretValue")["denied_by"].is_string());
  CHECK(st0[0]["severity"] == std::string(to_string(read.severity)));

  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  CHECK(roles[0]["severity"] == std::string(to_string(read.severity)));
  CHECK(contains(roles[0]["summary"], "only " + left[0].get<std::string>() + " of every action"));
  CHECK(entry(roles[0], "*")["remaining"] == left);
}

TEST_CASE("sensitive_grants computes what Denies with NotAction leave", "[aws-iam]") {
  using sqltriage::aws::DenyRef;
  using sqltriage::aws::Statement;
  Statement allow;  // every action but iam:*
  allow.effect = "Allow";
  allow.not_actions = {"iam:*"};
  allow.resources = {"*"};
  Statement deny;
  deny.effect = "Deny";
  deny.not_actions = {"s3:GetObject", "iam:PassRole", "lambda:InvokeFunction"};
  deny.resources = {"*"};
  const auto g = sensitive_grants(allow, {DenyRef{&deny, "D"}});
  const auto find = [&](const std::string& pattern) {
    for (const auto& x : g)
      if (x.family->pattern == pattern) return x;
    FAIL("no grant of " << pattern);
    throw;
  };
  // iam:PassRole is excluded by the Allow's NotAction, the other two remain
  CHECK(find("*").remaining == std::vector<std::string>{"s3:GetObject", "lambda:InvokeFunction"});
  CHECK(find("lambda:*").remaining == std::vector<std::string>{"lambda:InvokeFunction"});
  CHECK(find("lambda:*").denied_by.empty());
  CHECK(find("kms:Decrypt").denied_by == "D");
  CHECK(find("s3:GetObject").denied_by.empty());
  // with a Condition the Deny narrows nothing
  deny.condition = {{"Bool", {{"aws:SecureTransport", "false"}}}};
  const auto c = sensitive_grants(allow, {DenyRef{&deny, "D"}});
  for (const auto& x : c) CHECK(x.remaining.empty());
}

TEST_CASE("export summaries count in the singular and the plural", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto one = dir.path() / "one.json";
  const auto two = dir.path() / "two.json";
  const std::string pol = R"J({"PolicyName": "p", "Arn": "arn:aws:iam::1:policy/p",
    "DefaultVersionId": "v1", "PolicyVersionList": []})J";
  const std::string pol2 = R"J({"PolicyName": "q", "Arn": "arn:aws:iam::1:policy/q",
    "DefaultVersionId": "v1", "PolicyVersionList": []})J";
  write_file(one, R"J({"RoleDetailList": [], "Policies": [)J" + pol + "]}");
  write_file(two, R"J({"RoleDetailList": [], "Policies": [)J" + pol + ", " + pol2 + "]}");
  const auto s = scan({one, two});
  const auto exports = of_type(s, "aws.export");
  REQUIRE(exports.size() == 2);
  for (const auto& f : exports) {
    const fs::path file = f["data"]["path"].get<std::string>();
    const auto n = jq(".Policies | length", file).get<std::size_t>();
    INFO(f["summary"]);
    CHECK(contains(f["summary"],
                   std::to_string(n) + (n == 1 ? " managed policy," : " managed policies,")));
    CHECK_FALSE(contains(f["summary"], "policys"));
    CHECK(contains(f["summary"], "0 roles"));
  }
}

TEST_CASE("list-instance-profiles ties the profiles of an instance to their roles", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto profiles = dir.path() / "list-instance-profiles-for-role.json";
  write_file(profiles, R"J({"InstanceProfiles": [
    {"Path": "/", "InstanceProfileName": "web_profile", "InstanceProfileId": "AIPAEXAMPLE1",
     "Arn": "arn:aws:iam::1234567890:instance-profile/web_profile",
     "Roles": [{"RoleName": "web_role", "Arn": "arn:aws:iam::1234567890:role/web_role"}]},
    {"Path": "/", "InstanceProfileName": "batch_profile", "InstanceProfileId": "AIPAEXAMPLE2",
     "Arn": "arn:aws:iam::1234567890:instance-profile/batch_profile",
     "Roles": [{"RoleName": "batch_role", "Arn": "arn:aws:iam::1234567890:role/batch_role"}]}]})J");
  const auto instances = dir.path() / "describe-instances.json";
  write_file(instances, R"J({"Reservations": [{"OwnerId": "1234567890", "Instances": [
    {"InstanceId": "i-0b5e3c1d2a4f6e7d8", "PrivateIpAddress": "10.20.2.30",
     "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/batch_profile",
                            "Id": "AIPAEXAMPLE2"}}]}]})J");
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto in = of_type(s, "aws.instance");
  REQUIRE(in.size() == 1);
  const auto profile_arn = jq(".Reservations[0].Instances[0].IamInstanceProfile.Arn", instances);
  CHECK(in[0]["data"]["aws"]["iam"]["role"]["name"] ==
        jq(".InstanceProfiles[] | select(.Arn == " + profile_arn.dump() + ") | .Roles[0].RoleName",
           profiles));
  CHECK(in[0]["data"]["aws"]["iam"]["role"]["arn"] ==
        jq(".InstanceProfiles[] | select(.Arn == " + profile_arn.dump() + ") | .Roles[0].Arn",
           profiles));
  // an account-wide list (two roles) does not make the other profile's role reported
  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  CHECK(roles[0]["data"]["aws"]["iam"]["role"]["name"] ==
        in[0]["data"]["aws"]["iam"]["role"]["name"]);
  bool layout = false;
  for (const auto& f : of_type(s, "aws.export"))
    if (f["data"]["path"] == profiles.string())
      layout =
          f["data"]["layout"] == "list-instance-profiles" &&
          contains(f["summary"],
                   std::to_string(jq(".InstanceProfiles | length", profiles).get<std::size_t>()) +
                       " instance profiles");
  CHECK(layout);
}

TEST_CASE("profile associations give instances their profile, current ones only", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto assoc = dir.path() / "describe-iam-instance-profile-associations.json";
  write_file(assoc, R"J({"IamInstanceProfileAssociations": [
    {"AssociationId": "iip-assoc-0aaaaaaaaaaaaaaa1", "InstanceId": "i-01a840fe4d183f01b",
     "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/web_profile",
                            "Id": "AIPAEXAMPLE1"}, "State": "associated"},
    {"AssociationId": "iip-assoc-0aaaaaaaaaaaaaaa2", "InstanceId": "i-0c0c0c0c0c0c0c0c0",
     "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/web_profile",
                            "Id": "AIPAEXAMPLE1"}, "State": "associating"},
    {"AssociationId": "iip-assoc-0aaaaaaaaaaaaaaa3", "InstanceId": "i-0d0d0d0d0d0d0d0d0",
     "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/old_profile",
                            "Id": "AIPAEXAMPLE9"}, "State": "disassociated"}]})J");
  const auto profile = dir.path() / "get-instance-profile.json";
  write_file(profile, R"J({"InstanceProfile": {"InstanceProfileName": "web_profile",
    "Arn": "arn:aws:iam::1234567890:instance-profile/web_profile",
    "Roles": [{"RoleName": "web_role", "Arn": "arn:aws:iam::1234567890:role/web_role"}]}})J");
  // the first instance is also described, with its addresses: one aws.instance for it
  const auto described = dir.path() / "describe-instances.json";
  write_file(described, R"J({"Reservations": [{"OwnerId": "1234567890", "Instances": [
    {"InstanceId": "i-01a840fe4d183f01b", "PrivateIpAddress": "10.20.1.15"}]}]})J");
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto current =
      jq("[.IamInstanceProfileAssociations[] | "
         "select(.State == \"associated\" or .State == \"associating\") | "
         ".InstanceId]",
         assoc);
  const auto in = of_type(s, "aws.instance");
  std::vector<std::string> ids;
  for (const auto& f : in) ids.push_back(f["data"]["aws"]["ec2"]["instance"]["instance_id"]);
  std::sort(ids.begin(), ids.end());
  auto expected = as_strings(current);
  std::sort(expected.begin(), expected.end());
  CHECK(ids == expected);
  for (const auto& f : in) {
    const auto id = f["data"]["aws"]["ec2"]["instance"]["instance_id"].get<std::string>();
    INFO(id);
    CHECK(f["data"]["aws"]["iam"]["role"]["name"] ==
          jq(".InstanceProfile.Roles[0].RoleName", profile));
    if (id == jq(".Reservations[0].Instances[0].InstanceId", described)) {
      CHECK(f["data"]["host"]["ip"] ==
            Json::array({jq(".Reservations[0].Instances[0].PrivateIpAddress", described)}));
    } else {
      CHECK_FALSE(f["data"].contains("host"));
      CHECK(f["artifact"]["path"] == assoc.string());
    }
  }
  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  CHECK(roles[0]["data"]["aws"]["iam"]["instances"].size() == current.size());
}

TEST_CASE("list-roles gives ARNs of roles named elsewhere and reports no role itself",
          "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto roles_file = dir.path() / "list-roles.json";
  write_file(roles_file, R"J({"Roles": [
    {"Path": "/", "RoleName": "foobar_role", "RoleId": "AROAEXAMPLE1",
     "Arn": "arn:aws:iam::1234567890:role/foobar_role", "CreateDate": "2022-03-01T10:00:00Z"},
    {"Path": "/", "RoleName": "other_role", "RoleId": "AROAEXAMPLE2",
     "Arn": "arn:aws:iam::1234567890:role/other_role", "CreateDate": "2022-03-01T10:00:00Z"}]})J");
  write_file(dir.path() / "get-role-policy.json",
             R"J({"RoleName": "foobar_role", "PolicyName": "p", "PolicyDocument":
               {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}})J");
  const auto s = scan({dir.path()});
  INFO(all_errors(s));
  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  CHECK(roles[0]["data"]["aws"]["iam"]["role"]["name"] == "foobar_role");
  CHECK(roles[0]["data"]["aws"]["iam"]["role"]["arn"] ==
        jq(".Roles[] | select(.RoleName == \"foobar_role\") | .Arn", roles_file));
  CHECK(roles[0]["data"]["cloud"]["account"]["id"] == "1234567890");
  bool layout = false;
  for (const auto& f : of_type(s, "aws.export"))
    if (f["data"]["path"] == roles_file.string())
      layout =
          f["data"]["layout"] == "list-roles" &&
          contains(f["summary"],
                   std::to_string(jq(".Roles | length", roles_file).get<std::size_t>()) + " roles");
  CHECK(layout);
}
