// sensitive_grants on statements built in the test: which families an Allow reaches and how a
// Deny of the same role takes them back (fully: actions and resources covered, no Condition;
// partly: otherwise, when they overlap). Expected values follow from the statements written
// here and the IAM evaluation rule (an explicit Deny overrides an Allow).
#include "sqltriage/aws_iam.hpp"
#include "support.hpp"

namespace {

using sqltriage::aws::DenyRef;
using sqltriage::aws::SensitiveGrant;
using sqltriage::aws::Statement;

Statement make(const std::string& effect, std::vector<std::string> actions,
               std::vector<std::string> resources) {
  Statement s;
  s.effect = effect;
  s.actions = std::move(actions);
  s.resources = std::move(resources);
  return s;
}

const SensitiveGrant* find(const std::vector<SensitiveGrant>& grants, const std::string& family) {
  for (const auto& g : grants)
    if (g.family->pattern == family) return &g;
  return nullptr;
}

}  // namespace

TEST_CASE("a Deny through a wider action pattern takes the grant back fully", "[aws-iam]") {
  const auto allow = make("Allow", {"lambda:InvokeFunction"}, {"*"});
  const auto deny = make("Deny", {"lambda:Invoke*"}, {"*"});
  const auto grants = sensitive_grants(allow, {DenyRef{&deny, "D1"}});
  REQUIRE(grants.size() == 1);
  CHECK(grants[0].family->pattern == "lambda:*");
  CHECK(grants[0].via == std::vector<std::string>{"lambda:InvokeFunction"});
  CHECK(grants[0].denied_by == "D1");
  CHECK(grants[0].partly_denied_by.empty());
}

TEST_CASE("a Deny of part of the family or of the resources is partial", "[aws-iam]") {
  const auto allow =
      make("Allow", {"lambda:*"},
           {"arn:aws:lambda:eu-west-1:1:function:a", "arn:aws:lambda:eu-west-1:1:function:b"});
  const auto part_actions = make("Deny", {"lambda:Invoke*"}, {"*"});
  const auto part_resources = make("Deny", {"lambda:*"}, {"arn:aws:lambda:eu-west-1:1:function:a"});
  const auto all_resources = make("Deny", {"lambda:*"}, {"arn:aws:lambda:eu-west-1:1:function:?"});
  const auto elsewhere = make("Deny", {"lambda:*"}, {"arn:aws:lambda:us-east-1:1:function:*"});
  auto conditional = make("Deny", {"*"}, {"*"});
  conditional.condition =
      nlohmann::ordered_json::parse(R"J({"Bool": {"aws:MultiFactorAuthPresent": "false"}})J");

  auto one = [&](const Statement& d) {
    const auto g = sensitive_grants(allow, {DenyRef{&d, "D"}});
    REQUIRE(g.size() == 1);
    return g[0];
  };
  CHECK(one(part_actions).partly_denied_by == "D");
  CHECK(one(part_actions).denied_by.empty());
  CHECK(one(part_resources).partly_denied_by == "D");
  CHECK(one(all_resources).denied_by == "D");  // '?' covers both functions a and b
  CHECK(one(elsewhere).denied_by.empty());
  CHECK(one(elsewhere).partly_denied_by.empty());  // another region: no overlap at all
  CHECK(one(conditional).denied_by.empty());
  CHECK(one(conditional).partly_denied_by == "D");
}

TEST_CASE("NotAction and NotResource Denies", "[aws-iam]") {
  const auto allow = make("Allow", {"secretsmanager:GetSecretValue", "kms:Decrypt"}, {"*"});
  Statement deny_all_but_kms;
  deny_all_but_kms.effect = "Deny";
  deny_all_but_kms.not_actions = {"kms:*"};
  deny_all_but_kms.resources = {"*"};
  const auto g = sensitive_grants(allow, {DenyRef{&deny_all_but_kms, "D"}});
  REQUIRE(g.size() == 2);
  CHECK(find(g, "secretsmanager:GetSecretValue")->denied_by == "D");
  CHECK(find(g, "kms:Decrypt")->denied_by.empty());
  CHECK(find(g, "kms:Decrypt")->partly_denied_by.empty());

  const auto narrow = make("Allow", {"secretsmanager:GetSecretValue"},
                           {"arn:aws:secretsmanager:eu-west-1:1:secret:prod/x"});
  Statement deny_except_prod = make("Deny", {"secretsmanager:*"}, {});
  deny_except_prod.not_resources = {"arn:aws:secretsmanager:eu-west-1:1:secret:prod/*"};
  const auto n = sensitive_grants(narrow, {DenyRef{&deny_except_prod, "D"}});
  REQUIRE(n.size() == 1);
  CHECK(n[0].denied_by.empty());  // prod/x is excluded from the Deny
  CHECK(n[0].partly_denied_by.empty());
}

TEST_CASE("case-insensitive actions and the all-actions family", "[aws-iam]") {
  const auto g = sensitive_grants(make("Allow", {"SecretsManager:getsecretvalue"}, {"*"}), {});
  REQUIRE(g.size() == 1);
  CHECK(g[0].family->check == "iam_secrets_read");
  const auto star = sensitive_grants(make("Allow", {"*"}, {"*"}), {});
  REQUIRE(star.size() == sqltriage::aws::sensitive_actions().size());
  CHECK(star[0].family->pattern == "*");
  CHECK(star[0].family->severity == sqltriage::Severity::critical);
  // "iam:Get*" reaches none of the iam families (PassRole, Create*, Attach*, Put*)
  CHECK(sensitive_grants(make("Allow", {"iam:Get*", "iam:List*"}, {"*"}), {}).empty());
  // a Deny statement grants nothing itself
  CHECK(sensitive_grants(make("Deny", {"*"}, {"*"}), {}).empty());
}
