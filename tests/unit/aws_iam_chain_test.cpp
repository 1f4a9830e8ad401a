// The investigation write-up's chain: instance i-01a840fe4d183f01b -> instance profile
// foobar_instance_profile -> role foobar_role -> inline policy foobar_policy with two
// secretsmanager:GetSecretValue statements and an EFS Describe/List statement. Every value is
// checked against jq run on the fixture the test writes.
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

constexpr const char* kDescribeInstances = R"J({
  "Reservations": [
    {
      "ReservationId": "r-0f1e2d3c4b5a69788",
      "OwnerId": "1234567890",
      "Instances": [
        {
          "InstanceId": "i-01a840fe4d183f01b",
          "InstanceType": "t3.medium",
          "Placement": {"AvailabilityZone": "eu-west-1a", "Tenancy": "default"},
          "PrivateIpAddress": "10.20.1.15",
          "PublicIpAddress": "52.16.7.9",
          "IamInstanceProfile": {
            "Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile",
            "Id": "AIPAEXAMPLEPROFILE01"
          },
          "NetworkInterfaces": [
            {
              "NetworkInterfaceId": "eni-0a1b2c3d4e5f60718",
              "PrivateIpAddress": "10.20.1.15",
              "Association": {"PublicIp": "52.16.7.9", "IpOwnerId": "amazon"},
              "PrivateIpAddresses": [
                {"Primary": true, "PrivateIpAddress": "10.20.1.15",
                 "Association": {"PublicIp": "52.16.7.9", "IpOwnerId": "amazon"}},
                {"Primary": false, "PrivateIpAddress": "10.20.1.16"}
              ]
            }
          ]
        },
        {
          "InstanceId": "i-0b5e3c1d2a4f6e7d8",
          "Placement": {"AvailabilityZone": "eu-west-1b"},
          "PrivateIpAddress": "10.20.2.30",
          "IamInstanceProfile": {
            "Arn": "arn:aws:iam::1234567890:instance-profile/batch_profile",
            "Id": "AIPAEXAMPLEPROFILE02"
          }
        }
      ]
    }
  ]
})J";

constexpr const char* kInstanceProfile = R"J({
  "InstanceProfile": {
    "Path": "/",
    "InstanceProfileName": "foobar_instance_profile",
    "InstanceProfileId": "AIPAEXAMPLEPROFILE01",
    "Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile",
    "CreateDate": "2022-03-01T10:00:00+00:00",
    "Roles": [
      {
        "Path": "/",
        "RoleName": "foobar_role",
        "RoleId": "AROAEXAMPLEROLE00001",
        "Arn": "arn:aws:iam::1234567890:role/foobar_role",
        "CreateDate": "2022-03-01T10:00:00+00:00",
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                         "Action": "sts:AssumeRole"}]
        }
      }
    ]
  }
})J";

constexpr const char* kRolePolicy = R"J({
  "RoleName": "foobar_role",
  "PolicyName": "foobar_policy",
  "PolicyDocument": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "arn:aws:secretsmanager:eu-west-1:1234567890:secret:prod/foobar/ssl_certificate_key-abcde"
      },
      {
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "arn:aws:secretsmanager:eu-west-1:1234567890:secret:prod/foobar/deploy_keys-C4B23"
      },
      {
        "Effect": "Allow",
        "Action": ["elasticfilesystem:Describe*", "elasticfilesystem:List*"],
        "Resource": "arn:aws:elasticfilesystem:eu-west-1:1234567890:file-system/fs-0ab23231b"
      }
    ]
  }
})J";

struct Chain {
  TempDir dir;
  fs::path instances, profile, names, attached, policy;
  Chain() {
    instances = dir.path() / "describe-instances.json";
    profile = dir.path() / "get-instance-profile.json";
    names = dir.path() / "list-role-policies.json";
    attached = dir.path() / "list-attached-role-policies.json";
    policy = dir.path() / "get-role-policy-foobar_policy.json";
    write_file(instances, kDescribeInstances);
    write_file(profile, kInstanceProfile);
    write_file(names, R"J({"PolicyNames": ["foobar_policy"]})J");
    write_file(attached, R"J({"AttachedPolicies": []})J");
    write_file(policy, kRolePolicy);
  }
};

}  // namespace

TEST_CASE("the write-up's role policy comes out as three flagged statements", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  Chain c;
  const auto s = scan({c.dir.path()});
  INFO(sqltriage::test::errors_text(s.out.errors));

  const auto statements = jq(".PolicyDocument.Statement | length", c.policy).get<std::size_t>();
  REQUIRE(statements == 3);
  const auto perms = of_type(s, "aws.permission");
  REQUIRE(perms.size() == statements);

  for (std::size_t i = 0; i < statements; ++i) {
    INFO("statement " << i);
    const auto found = statement(s, "foobar_policy", i);
    REQUIRE(found.size() == 1);
    const auto& f = found.front();
    const auto stmt = "(.PolicyDocument.Statement[" + std::to_string(i) + "])";
    const auto resources = as_strings(jq(stmt + ".Resource", c.policy));
    const auto actions = as_strings(jq(stmt + ".Action", c.policy));
    CHECK(as_strings(f["data"]["aws"]["iam"]["statement"]["resource"]) == resources);
    CHECK(as_strings(f["data"]["aws"]["iam"]["statement"]["action"]) == actions);
    CHECK(f["data"]["aws"]["iam"]["statement"]["effect"] == jq(stmt + ".Effect", c.policy));
    CHECK(f["data"]["aws"]["iam"]["role"]["name"] == jq(".RoleName", c.policy));
    CHECK(f["data"]["aws"]["iam"]["policy"]["managed"] == false);
    CHECK(f["data"]["aws"]["iam"]["policy"]["source"] == c.policy.string());
    CHECK(f["data"]["cloud"]["instance"]["id"] ==
          jq(".Reservations[0].Instances[0].InstanceId", c.instances));
    CHECK(f["data"]["cloud"]["account"]["id"] == jq(".Reservations[0].OwnerId", c.instances));
    // the family: GetSecretValue itself, or elasticfilesystem:* reached by Describe*/List*
    const bool secrets = actions.front() == "secretsmanager:GetSecretValue";
    const std::string family = secrets ? "secretsmanager:GetSecretValue" : "elasticfilesystem:*";
    CHECK(families(f) == std::vector<std::string>{family});
    const auto e = entry(f, family);
    CHECK(as_strings(e["resources"]) == resources);
    CHECK(as_strings(e["via"]) == actions);
    CHECK(e["denied_by"].is_null());
    CHECK(check_ids(f) == std::vector<std::string>{secrets ? "iam_secrets_read" : "iam_efs"});
    CHECK(f["severity"] == (secrets ? "high" : "medium"));
    CHECK(f["attack"] == Json::array({secrets ? "T1555.006" : "T1530"}));
    if (secrets)
      CHECK(f["summary"].get<std::string>().find("role foobar_role may "
                                                 "secretsmanager:GetSecretValue on " +
                                                 resources.front() +
                                                 " (inline policy foobar_policy") == 0);
  }

  const auto roles = of_type(s, "aws.role");
  REQUIRE(roles.size() == 1);
  CHECK(roles[0]["data"]["aws"]["iam"]["role"]["arn"] ==
        jq(".InstanceProfile.Roles[0].Arn", c.profile));
  CHECK(roles[0]["data"]["aws"]["iam"]["effective"] ==
        Json::array({"secretsmanager:GetSecretValue", "elasticfilesystem:*"}));
  CHECK(roles[0]["data"]["aws"]["iam"]["denied"] == Json::array());
  CHECK(roles[0]["data"]["aws"]["iam"]["policy_count"] == jq(".PolicyNames | length", c.names));
  CHECK(roles[0]["severity"] == "high");
  // both secrets of the two statements are in the role's summary entry
  CHECK(as_strings(entry(roles[0], "secretsmanager:GetSecretValue")["resources"]) ==
        as_strings(jq("[.PolicyDocument.Statement[0,1].Resource]", c.policy)));
  // the one gap: the second instance's profile (checked in the next test)
  REQUIRE(s.out.errors.size() == 1);
  CHECK(s.out.errors[0].code == "missing");
}

TEST_CASE("aws iam writes exports, instances, statements and the role in order", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  Chain c;
  // the second instance's profile is in no export: a gap naming the command to run
  const auto s = scan({c.dir.path()});
  std::vector<std::string> types;
  for (const auto& f : s.out.findings) types.push_back(f["type"].get<std::string>());
  const std::vector<std::string> expected = {"aws.export",     "aws.export",     "aws.export",
                                             "aws.export",     "aws.export",     "aws.instance",
                                             "aws.instance",   "aws.permission", "aws.permission",
                                             "aws.permission", "aws.role"};
  CHECK(types == expected);
  CHECK(s.outcome.stats.files == 5);
  CHECK(s.outcome.stats.records == 3);

  const auto instances = of_type(s, "aws.instance");
  const auto ids = jq("[.Reservations[].Instances[].InstanceId]", c.instances);
  REQUIRE(instances.size() == ids.size());
  CHECK(instances[0]["data"]["cloud"]["instance"]["id"] == ids[0]);
  // region: the zone without its letter, as the test computes it from the fixture
  auto zone = jq(".Reservations[0].Instances[0].Placement.AvailabilityZone", c.instances)
                  .get<std::string>();
  zone.pop_back();
  CHECK(instances[0]["data"]["cloud"]["region"] == zone);
  CHECK(instances[0]["data"]["host"]["ip"] ==
        jq("[.Reservations[0].Instances[0] | (.NetworkInterfaces[].PrivateIpAddresses[]"
           ".PrivateIpAddress), .PublicIpAddress]",
           c.instances));
  CHECK(instances[0]["data"]["aws"]["iam"]["role"]["name"] ==
        jq(".InstanceProfile.Roles[0].RoleName", c.profile));
  CHECK(instances[1]["data"]["aws"]["iam"]["role"].is_null());

  const auto text = sqltriage::test::errors_text(s.out.errors);
  INFO(text);
  REQUIRE(s.out.errors.size() == 1);
  CHECK(s.out.errors[0].code == "missing");
  CHECK(s.out.errors[0].message.find("aws iam get-instance-profile --instance-profile-name " +
                                     jq(".Reservations[0].Instances[1].IamInstanceProfile.Arn | "
                                        "split(\"/\") | last",
                                        c.instances)
                                         .get<std::string>()) != std::string::npos);
}

TEST_CASE("an --instance-id keeps that instance and its role", "[aws-iam]") {
  Chain c;
  const auto other = scan({c.dir.path()}, "i-0b5e3c1d2a4f6e7d8");
  const auto inst = of_type(other, "aws.instance");
  REQUIRE(inst.size() == 1);
  CHECK(inst[0]["data"]["cloud"]["instance"]["id"] == "i-0b5e3c1d2a4f6e7d8");
  CHECK(of_type(other, "aws.permission").empty());  // its role is not known
  CHECK(of_type(other, "aws.role").empty());

  const auto mine = scan({c.dir.path()}, "i-01a840fe4d183f01b");
  CHECK(of_type(mine, "aws.instance").size() == 1);
  CHECK(of_type(mine, "aws.permission").size() == 3);

  const auto absent = scan({c.dir.path()}, "i-0123456789abcdef0");
  CHECK(of_type(absent, "aws.instance").empty());
  CHECK(of_type(absent, "aws.permission").size() == 3);  // every role, and the gap said
  CHECK(sqltriage::test::errors_text(absent.out.errors).find("i-0123456789abcdef0") !=
        std::string::npos);

  CHECK_THROWS_AS(scan({c.dir.path()}, "i-xyz"), std::invalid_argument);
  CHECK_THROWS_AS(scan({c.dir.path()}, "i-01A840FE4D183F01B"), std::invalid_argument);
}
