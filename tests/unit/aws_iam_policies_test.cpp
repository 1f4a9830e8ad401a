// Managed policies (list-attached-role-policies + get-policy + a URL-encoded get-policy-version
// document), NotAction, Deny statements that fully and partly take back an Allow, Conditions
// kept verbatim, and get-account-authorization-details. The decoding is checked against
// Python's urllib.parse.unquote, the values against jq on the (decoded) fixture.
#include <filesystem>

#include "aws_iam_support.hpp"
#include "sqltriage/aws_iam.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sqltriage::test::aws_iam;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
using sqltriage::test::write_file;

constexpr const char* kManagedDocument = R"J({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Everything", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"],
     "Resource": "*"},
    {"Sid": "ParamsRead", "Effect": "Allow", "Action": "ssm:GetParameter*",
     "Resource": "arn:aws:ssm:eu-west-1:1234567890:parameter/prod/*"},
    {"Sid": "NoLambda", "Effect": "Deny", "Action": "lambda:*", "Resource": "*"},
    {"Sid": "NoParamsOutsideVpc", "Effect": "Deny", "Action": "ssm:GetParameters",
     "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:SourceVpc": ["vpc-0abc1234", "vpc-0def5678"]},
                   "Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": ["arn:aws:s3:::*/*"]},
    {"Sid": "OneBucket", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::foobar-artifacts/*"}
  ]
})J";

const std::string kManagedArn = "arn:aws:iam::1234567890:policy/foobar_managed";

/// The chain of a role with one managed policy whose document is URL-encoded, as the IAM API
/// returns it (encoded by Python's urllib.parse.quote).
struct Managed {
  TempDir dir, oracle;
  fs::path version, decoded;
  Managed() {
    write_file(
        dir.path() / "get-role.json",
        R"J({"Role": {"RoleName": "foobar_role", "Arn": "arn:aws:iam::1234567890:role/foobar_role"}})J");
    write_file(dir.path() / "list-role-policies.json", R"J({"PolicyNames": []})J");
    write_file(dir.path() / "list-attached-role-policies.json",
               R"J({"AttachedPolicies": [{"PolicyName": "foobar_managed", "PolicyArn": ")J" +
                   kManagedArn + R"J("}]})J");
    write_file(dir.path() / "get-policy.json",
               R"J({"Policy": {"PolicyName": "foobar_managed", "Arn": ")J" + kManagedArn +
                   R"J(", "DefaultVersionId": "v3", "AttachmentCount": 1}})J");
    write_file(dir.path() / "document.json", kManagedDocument);
    const auto enc =
        run("/usr/bin/python3 -c 'import json, sys, urllib.parse; "
            "d = open(sys.argv[1]).read(); "
            "print(json.dumps({\"PolicyVersion\": {\"Document\": "
            "urllib.parse.quote(d, safe=\"\"), \"VersionId\": \"v3\", "
            "\"IsDefaultVersion\": True}}))' " +
            shell_quote((dir.path() / "document.json").string()));
    REQUIRE(enc.exit_code == 0);
    fs::remove(dir.path() / "document.json");
    version = dir.path() / "get-policy-version.json";
    write_file(version, enc.out);
    // the oracle's view: what urllib.parse.unquote makes of the fixture's Document
    const auto dec =
        run("/usr/bin/python3 -c 'import json, sys, urllib.parse; "
            "print(urllib.parse.unquote(json.load(open(sys.argv[1]))"
            "[\"PolicyVersion\"][\"Document\"]))' " +
            shell_quote(version.string()));
    REQUIRE(dec.exit_code == 0);
    decoded = oracle.path() / "decoded.json";
    write_file(decoded, dec.out);
  }
};

}  // namespace

TEST_CASE("a URL-encoded managed policy version is decoded and tied to its role", "[aws-iam]") {
  if (!tool_or_skip("jq") || !tool_or_skip("/usr/bin/python3")) return;
  Managed m;
  // the fixture really is encoded: no brace survives in the Document string
  REQUIRE(jq(".PolicyVersion.Document | test(\"[{}\\\"]\")", m.version) == false);
  const auto s = scan({m.dir.path()});
  INFO(sqltriage::test::errors_text(s.out.errors));
  CHECK(s.out.errors.empty());
  const auto n = jq(".Statement | length", m.decoded).get<std::size_t>();
  const auto perms = of_type(s, "aws.permission");
  REQUIRE(perms.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto st = "(.Statement[" + std::to_string(i) + "])";
    const auto& p = perms[i]["data"]["aws"]["iam"];
    INFO("statement " << i);
    CHECK(p["role"]["name"] == "foobar_role");
    CHECK(p["policy"]["name"] == "foobar_managed");
    CHECK(p["policy"]["arn"] == kManagedArn);
    CHECK(p["policy"]["managed"] == true);
    CHECK(p["policy"]["version_id"] == jq(".PolicyVersion.VersionId", m.version));
    CHECK(p["statement"]["index"] == i);
    CHECK(p["statement"]["sid"] == jq(st + ".Sid", m.decoded));
    CHECK(as_strings(p["statement"]["action"]) == as_strings(jq(st + ".Action // []", m.decoded)));
    CHECK(as_strings(p["statement"]["not_action"]) ==
          as_strings(jq(st + ".NotAction // []", m.decoded)));
    CHECK(as_strings(p["statement"]["resource"]) ==
          as_strings(jq(st + ".Resource // []", m.decoded)));
    // the Condition verbatim: the same members in the same order as jq prints them
    CHECK(p["statement"]["condition"].dump() == jq(st + ".Condition", m.decoded).dump());
  }
}

TEST_CASE("NotAction reaches every family it does not exclude", "[aws-iam]") {
  if (!tool_or_skip("jq") || !tool_or_skip("/usr/bin/python3")) return;
  Managed m;
  const auto s = scan({m.dir.path()});
  const auto everything = statement(s, "foobar_managed", 0);
  REQUIRE(everything.size() == 1);
  // expected: each family whose pattern no NotAction entry covers (the fixture excludes the
  // iam: and organizations: services whole, so a family is out exactly when its service is)
  const auto excluded = as_strings(jq(".Statement[0].NotAction", m.decoded));
  std::vector<std::string> expected;
  for (const auto& family : sqltriage::aws::sensitive_actions()) {
    bool out = false;
    for (const auto& x : excluded)
      out = out || family.pattern.rfind(x.substr(0, x.size() - 1), 0) == 0;  // "iam:*" -> "iam:"
    if (!out) expected.push_back(family.pattern);
  }
  CHECK(families(everything[0]) == expected);
  CHECK(std::find(expected.begin(), expected.end(), "*") != expected.end());
  CHECK(std::find(expected.begin(), expected.end(), "iam:PassRole") == expected.end());
  for (const auto& e : everything[0]["data"]["sensitive"]) CHECK(e["via"] == Json::array());
  CHECK(everything[0]["severity"] == "critical");
}

TEST_CASE("a Deny takes a family back fully or partly", "[aws-iam]") {
  if (!tool_or_skip("jq") || !tool_or_skip("/usr/bin/python3")) return;
  Managed m;
  const auto s = scan({m.dir.path()});
  const auto everything = statement(s, "foobar_managed", 0).at(0);
  const auto no_lambda = "Deny statement " + jq(".Statement[2].Sid", m.decoded).get<std::string>() +
                         " of managed policy foobar_managed";
  const auto no_params = "Deny statement " + jq(".Statement[3].Sid", m.decoded).get<std::string>() +
                         " of managed policy foobar_managed";
  // lambda:* on "*" with no Condition: fully denied, no hit for it
  CHECK(entry(everything, "lambda:*")["denied_by"] == no_lambda);
  const auto ids = check_ids(everything);
  CHECK(std::find(ids.begin(), ids.end(), "iam_lambda") == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "iam_secrets_read") != ids.end());
  // ssm:GetParameters under a Condition: partly, the hit stays
  const auto params = statement(s, "foobar_managed", 1).at(0);
  CHECK(entry(params, "ssm:GetParameter*")["denied_by"].is_null());
  CHECK(entry(params, "ssm:GetParameter*")["partly_denied_by"] == no_params);
  CHECK(check_ids(params) == std::vector<std::string>{"iam_ssm_parameters_read"});
  CHECK(params["checks"][0]["reason"].get<std::string>().find("partly denied by " + no_params) !=
        std::string::npos);
  // the role: lambda:* denied, the rest effective
  const auto role = of_type(s, "aws.role").at(0);
  CHECK(role["data"]["aws"]["iam"]["denied"] == Json::array({"lambda:*"}));
  CHECK(entry(role, "lambda:*")["denied_by"] == no_lambda);
  const auto effective = role["data"]["aws"]["iam"]["effective"];
  CHECK(std::find(effective.begin(), effective.end(), "ssm:GetParameter*") != effective.end());
  CHECK(std::find(effective.begin(), effective.end(), "lambda:*") == effective.end());
  CHECK(role["severity"] == "critical");
}

TEST_CASE("s3 object access is flagged on broad resources only", "[aws-iam]") {
  if (!tool_or_skip("jq") || !tool_or_skip("/usr/bin/python3")) return;
  Managed m;
  const auto s = scan({m.dir.path()});
  const auto broad = statement(s, "foobar_managed", 4).at(0);
  CHECK(families(broad) == std::vector<std::string>{"s3:GetObject", "s3:PutObject"});
  CHECK(as_strings(entry(broad, "s3:GetObject")["resources"]) ==
        as_strings(jq(".Statement[4].Resource", m.decoded)));
  CHECK(check_ids(broad) == std::vector<std::string>{"iam_s3_read_broad", "iam_s3_write_broad"});
  const auto one_bucket = statement(s, "foobar_managed", 5).at(0);
  CHECK(families(one_bucket).empty());
  CHECK(one_bucket["severity"] == "info");
}

TEST_CASE("get-account-authorization-details gives every role with its policies", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  const auto file = dir.path() / "authorization-details.json";
  write_file(file, R"J({
  "UserDetailList": [],
  "GroupDetailList": [],
  "RoleDetailList": [
    {"RoleName": "foobar_role", "Arn": "arn:aws:iam::1234567890:role/foobar_role",
     "InstanceProfileList": [{"InstanceProfileName": "foobar_instance_profile",
       "Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile", "Roles": []}],
     "RolePolicyList": [{"PolicyName": "foobar_policy", "PolicyDocument": {"Version": "2012-10-17",
       "Statement": {"Effect": "Allow", "Action": "kms:Decrypt",
                     "Resource": "arn:aws:kms:eu-west-1:1234567890:key/1111-2222"}}}],
     "AttachedManagedPolicies": [{"PolicyName": "deployer",
                                  "PolicyArn": "arn:aws:iam::1234567890:policy/deployer"}]},
    {"RoleName": "ops_role", "Arn": "arn:aws:iam::1234567890:role/ops_role",
     "InstanceProfileList": [], "RolePolicyList": [],
     "AttachedManagedPolicies": [{"PolicyName": "deployer",
                                  "PolicyArn": "arn:aws:iam::1234567890:policy/deployer"}]}
  ],
  "Policies": [
    {"PolicyName": "deployer", "Arn": "arn:aws:iam::1234567890:policy/deployer",
     "DefaultVersionId": "v2",
     "PolicyVersionList": [
       {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"],
                        "Resource": "*"}]}},
       {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}}
     ]}
  ]
})J");
  const auto s = scan({file});
  INFO(sqltriage::test::errors_text(s.out.errors));
  CHECK(s.out.errors.empty());
  const auto roles = of_type(s, "aws.role");
  const auto names = jq("[.RoleDetailList[].RoleName]", file);
  REQUIRE(roles.size() == names.size());
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const auto r = "(.RoleDetailList[" + std::to_string(i) + "])";
    CHECK(roles[i]["data"]["aws"]["iam"]["role"]["name"] == names[i]);
    CHECK(roles[i]["data"]["aws"]["iam"]["policy_count"] ==
          jq(r + " | (.RolePolicyList | length) + (.AttachedManagedPolicies | length)", file));
  }
  // the default version's statement, not v1's
  const auto deployer = statement(s, "deployer", 0);
  REQUIRE(deployer.size() == 2);  // once per role
  for (const auto& f : deployer) {
    CHECK(f["data"]["aws"]["iam"]["policy"]["version_id"] ==
          jq(".Policies[0].DefaultVersionId", file));
    CHECK(as_strings(f["data"]["aws"]["iam"]["statement"]["action"]) ==
          as_strings(jq(".Policies[0].PolicyVersionList[] | select(.IsDefaultVersion) | "
                        ".Document.Statement[0].Action",
                        file)));
    CHECK(families(f) == std::vector<std::string>{"iam:PassRole", "ec2:RunInstances"});
    CHECK(f["severity"] == "high");
  }
  const auto kms = statement(s, "foobar_policy", 0).at(0);
  CHECK(families(kms) == std::vector<std::string>{"kms:Decrypt"});
  CHECK(kms["severity"] == "medium");
  CHECK(of_type(s, "aws.export").at(0)["data"]["layout"] == "get-account-authorization-details");
}
