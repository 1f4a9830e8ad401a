// IAM action patterns: matching and overlap, including the cases a naive implementation (prefix
// or substring comparison, case-sensitive, '?' as "any run") gets wrong. Matches are checked
// against Python's fnmatch.fnmatchcase on lower-cased text; overlaps against a witness string
// both patterns match (fnmatch), non-overlaps against a certificate the test computes
// (conflicting literal prefixes or suffixes, or a length that cannot fit).
#include <string>
#include <vector>

#include "sqltriage/aws_iam.hpp"
#include "support.hpp"

namespace {

using sqltriage::test::run;
using sqltriage::test::shell_quote;

/// fnmatch.fnmatchcase(text.lower(), pattern.lower()) (no '[' in these patterns).
bool fnmatch(const std::string& pattern, const std::string& text) {
  const auto r =
      run("/usr/bin/python3 -c 'import fnmatch, sys; "
          "print(fnmatch.fnmatchcase(sys.argv[2].lower(), sys.argv[1].lower()))' " +
          shell_quote(pattern) + " " + shell_quote(text));
  REQUIRE(r.exit_code == 0);
  return r.out == "True\n";
}

/// Whether Python finds a certificate that no string matches both patterns: the literal
/// prefixes (or suffixes) before the first (after the last) wildcard disagree, or one pattern
/// has no '*' and fewer characters than the other's literal characters.
bool disjoint_certificate(const std::string& a, const std::string& b) {
  const auto r =
      run("/usr/bin/python3 -c '\n"
          "import re, sys\n"
          "a, b = sys.argv[1].lower(), sys.argv[2].lower()\n"
          "pre = lambda p: re.split(r\"[*?]\", p)[0]\n"
          "suf = lambda p: re.split(r\"[*?]\", p)[-1]\n"
          "def clash(x, y):\n"
          "    n = min(len(x), len(y))\n"
          "    return x[:n] != y[:n]\n"
          "def short(x, y):\n"
          "    return \"*\" not in x and len(x) < len(y.replace(\"*\", \"\"))\n"
          "ok = clash(pre(a), pre(b)) or clash(suf(a)[::-1], suf(b)[::-1]) or short(a, b) or "
          "short(b, a)\n"
          "print(ok)' " +
          shell_quote(a) + " " + shell_quote(b));
  REQUIRE(r.exit_code == 0);
  return r.out == "True\n";
}

}  // namespace

TEST_CASE("action_matches agrees with fnmatch on anchored, case-folded globs", "[aws-iam]") {
  if (!sqltriage::test::tool_or_skip("/usr/bin/python3")) return;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"s3:Get*", "s3:GetObject"},
      {"s3:get*", "S3:GETOBJECT"},
      {"s3:Get*", "s3:PutObject"},
      {"iam:?assRole", "iam:PassRole"},
      {"iam:?assRole", "iam:PPassRole"},
      {"iam:?assRole", "iam:assRole"},
      {"*", "ec2:RunInstances"},
      {"s3:*Object", "s3:GetObject"},
      {"s3:*Object", "s3:GetObjectAcl"},
      {"s3:GetObject", "s3:GetObjectAcl"},
      {"s3:GetObject", "s3:Get"},
      {"a*b*c", "aXbYbZc"},
      {"a*b*c", "aXbYbZ"},
      {"ssm:GetParameter*", "ssm:GetParameters"},
      {"ssm:GetParameter*", "ssm:GetParameter"},
      {"*:*", "kms:Decrypt"},
      {"elasticfilesystem:Describe*", "elasticfilesystem:DescribeFileSystems"},
      {"lambda:*", "lambdax:Invoke"},
  };
  for (const auto& [pattern, action] : cases) {
    INFO(pattern << " vs " << action);
    CHECK(sqltriage::aws::action_matches(pattern, action) == fnmatch(pattern, action));
  }
  // the anchoring cases above must include both answers, or the comparison proves little
  CHECK(sqltriage::aws::action_matches("s3:*Object", "s3:GetObject"));
  CHECK_FALSE(sqltriage::aws::action_matches("s3:*Object", "s3:GetObjectAcl"));
}

TEST_CASE("action_matches does not backtrack exponentially", "[aws-iam]") {
  const std::string action(2000, 'a');
  CHECK_FALSE(sqltriage::aws::action_matches("*a*a*a*a*a*a*a*a*a*b", action));
  CHECK(sqltriage::aws::action_matches("*a*a*a*a*a*a*a*a*a*", action));
}

TEST_CASE("patterns_overlap finds a common action when there is one", "[aws-iam]") {
  if (!sqltriage::test::tool_or_skip("/usr/bin/python3")) return;
  struct Case {
    std::string a, b, witness;
  };
  const std::vector<Case> overlapping = {
      {"iam:*", "iam:Create*", "iam:CreateUser"},
      {"s3:Get*", "s3:GetObject", "s3:GetObject"},
      {"S3:GET*", "s3:getobject", "s3:GetObject"},
      {"*Object", "s3:Get*", "s3:GetObject"},
      {"iam:?reate*", "iam:Create*", "iam:CreateRole"},
      {"*a*", "*b*", "ab"},
      {"ec2:*Instances", "ec2:Run*", "ec2:RunInstances"},
      {"lambda:*", "lambda:invokefunction", "lambda:InvokeFunction"},
      {"*", "*", "sts:AssumeRole"},
      {"elasticfilesystem:List*", "elasticfilesystem:*", "elasticfilesystem:ListTagsForResource"},
  };
  for (const auto& c : overlapping) {
    INFO(c.a << " vs " << c.b << " (witness " << c.witness << ")");
    REQUIRE(fnmatch(c.a, c.witness));
    REQUIRE(fnmatch(c.b, c.witness));
    CHECK(sqltriage::aws::patterns_overlap(c.a, c.b));
    CHECK(sqltriage::aws::patterns_overlap(c.b, c.a));
  }
}

TEST_CASE("patterns_overlap says no when no action can match both", "[aws-iam]") {
  if (!sqltriage::test::tool_or_skip("/usr/bin/python3")) return;
  const std::vector<std::pair<std::string, std::string>> disjoint = {
      {"s3:Get*", "s3:List*"},
      {"s3:*Object", "s3:*Acl"},
      {"iam:??", "iam:Create*"},
      {"iam:PassRole", "iam:Create*"},
      {"secretsmanager:GetSecretValue", "secretsmanager:GetSecretValueX"},
      {"ssm:GetParameter?", "ssm:GetParameter"},
  };
  for (const auto& [a, b] : disjoint) {
    INFO(a << " vs " << b);
    REQUIRE(disjoint_certificate(a, b));
    CHECK_FALSE(sqltriage::aws::patterns_overlap(a, b));
    CHECK_FALSE(sqltriage::aws::patterns_overlap(b, a));
  }
}
