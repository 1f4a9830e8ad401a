// Bad IAM exports: invalid JSON (with the byte offset Python's json module reports), a
// URL-encoded document that decodes to invalid JSON, fields of the wrong JSON types, nesting
// beyond the limit, listed policies and profiles with no export, a file over 64 MiB. The
// other files are still read.
#include <filesystem>
#include <fstream>

#include "aws_iam_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sqltriage::test::aws_iam;
using sqltriage::test::errors_text;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
using sqltriage::test::write_file;

/// Python's json.loads error position for the file's text (after urllib.parse.unquote of the
/// member path `expr` when given), or -1 when it parses.
long python_error_pos(const fs::path& file, const std::string& expr = "") {
  const std::string load =
      expr.empty() ? "t = open(sys.argv[1]).read()"
                   : "t = urllib.parse.unquote(json.load(open(sys.argv[1]))" + expr + ")";
  const auto r = run("/usr/bin/python3 -c '\nimport json, sys, urllib.parse\n" + load +
                     "\ntry:\n    json.loads(t)\n    print(-1)\nexcept json.JSONDecodeError as e:\n"
                     "    print(e.pos)' " +
                     shell_quote(file.string()));
  REQUIRE(r.exit_code == 0);
  return std::stol(r.out);
}

const sqltriage::ErrorEntry* error_for(const Scan& s, const fs::path& file,
                                       const std::string& code) {
  for (const auto& e : s.out.errors)
    if (e.artifact.path == file.string() && e.code == code) return &e;
  return nullptr;
}

void write_chain_base(const fs::path& dir) {
  write_file(
      dir / "get-role.json",
      R"J({"Role": {"RoleName": "foobar_role", "Arn": "arn:aws:iam::1234567890:role/foobar_role"}})J");
  write_file(dir / "list-attached-role-policies.json", R"J({"AttachedPolicies": []})J");
}

}  // namespace

TEST_CASE("invalid JSON is open_failed at the byte Python's json stops at", "[aws-iam]") {
  if (!tool_or_skip("/usr/bin/python3")) return;
  TempDir dir;
  write_chain_base(dir.path());
  const auto bad = dir.path() / "list-role-policies.json";
  write_file(bad, "{\"PolicyNames\": [\"foobar_policy\",}\n");
  const auto s = scan({dir.path()});
  INFO(errors_text(s.out.errors));
  const auto* e = error_for(s, bad, "open_failed");
  REQUIRE(e);
  REQUIRE(e->artifact.offset);
  CHECK(static_cast<long>(*e->artifact.offset) == python_error_pos(bad));
  // the other files were read: the role and its exports
  CHECK(of_type(s, "aws.export").size() == 2);
  CHECK(of_type(s, "aws.role").size() == 1);
}

TEST_CASE("a URL-encoded document that decodes to invalid JSON is a record error", "[aws-iam]") {
  if (!tool_or_skip("/usr/bin/python3") || !tool_or_skip("jq")) return;
  TempDir dir;
  write_chain_base(dir.path());
  write_file(dir.path() / "list-role-policies.json", R"J({"PolicyNames": ["broken", "fine"]})J");
  const auto broken = dir.path() / "get-role-policy-broken.json";
  const auto enc =
      run("/usr/bin/python3 -c 'import json, urllib.parse; "
          "d = \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": [{\\\"Effect\\\": "
          "\\\"Allow\\\"\"; "
          "print(json.dumps({\"RoleName\": \"foobar_role\", \"PolicyName\": \"broken\", "
          "\"PolicyDocument\": urllib.parse.quote(d, safe=\"\")}))'");
  REQUIRE(enc.exit_code == 0);
  write_file(broken, enc.out);
  REQUIRE(jq(".PolicyDocument | startswith(\"%7B\")", broken) == true);
  write_file(
      dir.path() / "get-role-policy-fine.json",
      R"J({"RoleName": "foobar_role", "PolicyName": "fine", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Resource%22%3A%22%2A%22%7D%7D"})J");
  const auto s = scan({dir.path()});
  INFO(errors_text(s.out.errors));
  const auto* e = error_for(s, broken, "record");
  REQUIRE(e);
  CHECK(e->message.find("after URL-decoding") != std::string::npos);
  const long pos = python_error_pos(broken, "[\"PolicyDocument\"]");
  REQUIRE(pos >= 0);
  CHECK(e->message.find("at byte " + std::to_string(pos) + " ") != std::string::npos);
  // "fine" decodes (Python agrees) and its statement is there
  REQUIRE(python_error_pos(dir.path() / "get-role-policy-fine.json", "[\"PolicyDocument\"]") == -1);
  const auto fine = statement(s, "fine", 0);
  REQUIRE(fine.size() == 1);
  CHECK(families(fine[0]) == std::vector<std::string>{"sts:AssumeRole"});
  // the broken policy is reported as having no document
  const auto role = of_type(s, "aws.role").at(0);
  CHECK(role["data"]["aws"]["iam"]["missing_documents"] == Json::array({"inline policy broken"}));
}

TEST_CASE("fields of the wrong JSON types are record errors, the rest is read", "[aws-iam]") {
  if (!tool_or_skip("jq")) return;
  TempDir dir;
  write_chain_base(dir.path());
  write_file(dir.path() / "list-role-policies.json", R"J({"PolicyNames": ["mixed", "numeric"]})J");
  std::string deep_action;
  for (int i = 0; i < 100; ++i) deep_action += "[";
  deep_action += "\"s3:GetObject\"";
  for (int i = 0; i < 100; ++i) deep_action += "]";
  const auto mixed = dir.path() / "get-role-policy-mixed.json";
  write_file(mixed, R"J({"RoleName": "foobar_role", "PolicyName": "mixed", "PolicyDocument": {
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": {"Service": "s3"}, "Resource": "*"},
      {"Action": "s3:GetObject", "Resource": "*"},
      42,
      {"Effect": "Allow", "Action": )J" +
                        deep_action + R"J(, "Resource": "*"},
      {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": 7},
      {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
       "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}
    ]}})J");
  const auto numeric = dir.path() / "get-role-policy-numeric.json";
  write_file(
      numeric,
      R"J({"RoleName": "foobar_role", "PolicyName": "numeric", "PolicyDocument": {"Statement": 5}})J");
  const auto s = scan({dir.path()});
  INFO(errors_text(s.out.errors));
  // usable: objects with a string Effect, Action a string or array of strings, Resource too
  const auto usable =
      jq("[.PolicyDocument.Statement[] | select(type == \"object\" and (.Effect | type) == "
         "\"string\" and ((.Action | type) == \"string\" or ((.Action | type) == \"array\" and "
         "all(.Action[]; type == \"string\"))) and ((.Resource | type) == \"string\" or "
         "(.Resource | type) == \"array\"))] | length",
         mixed);
  const auto total = jq(".PolicyDocument.Statement | length", mixed).get<std::size_t>();
  const auto perms = of_type(s, "aws.permission");
  CHECK(perms.size() == usable.get<std::size_t>());
  std::size_t records = 0;
  for (const auto& e : s.out.errors)
    if (e.artifact.path == mixed.string() && e.code == "record") ++records;
  CHECK(records == total - usable.get<std::size_t>());
  const auto* e = error_for(s, numeric, "record");
  REQUIRE(e);
  CHECK(e->message.find("Statement is a JSON number") != std::string::npos);
  // the usable statement, with its Condition as jq prints it
  const auto kms = statement(s, "mixed", 5);
  REQUIRE(kms.size() == 1);
  CHECK(kms[0]["data"]["aws"]["iam"]["statement"]["condition"].dump() ==
        jq(".PolicyDocument.Statement[5].Condition", mixed).dump());
}

TEST_CASE("nesting past the limit and files over 64 MiB are refused", "[aws-iam]") {
  if (!tool_or_skip("/usr/bin/python3")) return;
  TempDir dir;
  write_chain_base(dir.path());
  const auto deep = dir.path() / "list-role-policies.json";
  write_file(deep, "{\"PolicyNames\": " + std::string(10000, '[') + std::string(10000, ']') + "}");
  const auto big = dir.path() / "get-role-policy-big.json";
  write_file(big, "{\"RoleName\": \"foobar_role\", \"PolicyName\": \"big\", \"PolicyDocument\": ");
  fs::resize_file(big, (64ull << 20) + 1);  // sparse: nothing more is written
  const auto s = scan({dir.path()});
  INFO(errors_text(s.out.errors));
  const auto* d = error_for(s, deep, "open_failed");
  REQUIRE(d);
  REQUIRE(d->artifact.offset);
  // where the 257th level opens, as Python counts it
  const auto r =
      run("/usr/bin/python3 -c '\nimport sys\nt = open(sys.argv[1]).read()\ndepth = 0\n"
          "for i, c in enumerate(t):\n    depth += c in \"[{\"\n"
          "    if depth == 257:\n        print(i)\n        break' " +
          shell_quote(deep.string()));
  REQUIRE(r.exit_code == 0);
  CHECK(*d->artifact.offset == std::stoull(r.out));
  const auto* b = error_for(s, big, "open_failed");
  REQUIRE(b);
  CHECK(b->message.find("64 MiB") != std::string::npos);
  CHECK(of_type(s, "aws.role").size() == 1);
}

TEST_CASE("listed policies and profiles with no export name the command to run", "[aws-iam]") {
  TempDir dir;
  write_file(dir.path() / "describe-instances.json", R"J({"Reservations": [
    {"OwnerId": "1234567890", "Instances": [
      {"InstanceId": "i-01a840fe4d183f01b",
       "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile"}},
      {"InstanceId": "i-0c0c0c0c0c0c0c0c0"},
      "not an instance"]},
    17]})J");
  write_file(dir.path() / "get-instance-profile.json", R"J({"InstanceProfile": {
    "InstanceProfileName": "foobar_instance_profile",
    "Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile",
    "Roles": [{"RoleName": "foobar_role", "Arn": "arn:aws:iam::1234567890:role/foobar_role"}]}})J");
  write_file(dir.path() / "list-role-policies.json",
             R"J({"PolicyNames": ["foobar_policy", "other_policy"]})J");
  write_file(
      dir.path() / "list-attached-role-policies.json",
      R"J({"AttachedPolicies": [{"PolicyName": "ops", "PolicyArn": "arn:aws:iam::1234567890:policy/ops"}]})J");
  write_file(
      dir.path() / "get-policy.json",
      R"J({"Policy": {"PolicyName": "ops", "Arn": "arn:aws:iam::1234567890:policy/ops", "DefaultVersionId": "v4"}})J");
  write_file(
      dir.path() / "get-role-policy.json",
      R"J({"RoleName": "foobar_role", "PolicyName": "foobar_policy", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}})J");
  const auto s = scan({dir.path()});
  const auto text = errors_text(s.out.errors);
  INFO(text);
  CHECK(text.find("aws iam get-role-policy --role-name foobar_role --policy-name other_policy") !=
        std::string::npos);
  CHECK(text.find("aws iam get-policy-version --policy-arn arn:aws:iam::1234567890:policy/ops "
                  "--version-id v4") != std::string::npos);
  CHECK(text.find("2 reservation or instance entries") != std::string::npos);
  const auto instances = of_type(s, "aws.instance");
  REQUIRE(instances.size() == 2);
  CHECK(instances[1]["data"]["aws"]["ec2"]["instance"]["iam_instance_profile"].is_null());
  const auto role = of_type(s, "aws.role").at(0);
  CHECK(role["data"]["aws"]["iam"]["missing_documents"] ==
        Json::array({"inline policy other_policy", "managed policy ops"}));
  CHECK(role["data"]["aws"]["iam"]["policy_count"] == 3);
  CHECK(role["severity"] == "high");
}
