// The findings of `aws iam` built from the model: ECS names where ECS has them (cloud.*,
// host.ip), the AWS names under aws.ec2 / aws.iam otherwise, and the sensitive families under
// "sensitive" for the aws checks (checks.hpp).
#include "pipeline/aws/iam_findings.hpp"

#include <algorithm>
#include <map>

#include "artifacts/aws/iam_documents.hpp"
#include "artifacts/aws/iam_fields.hpp"
#include "artifacts/aws/iam_pieces.hpp"
#include "core/ascii.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::pipeline::aws_iam {

namespace {

/// "1 policy", "2 policies".
std::string count_of(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

using nlohmann::ordered_json;
using sqltriage::aws::DenyRef;
using sqltriage::aws::Instance;
using sqltriage::aws::Policy;
using sqltriage::aws::Role;
using sqltriage::aws::SensitiveGrant;
using sqltriage::aws::Statement;
namespace detail = sqltriage::aws::iam_detail;

std::string join(const std::vector<std::string>& items) { return detail::shown(items); }

/// "A (family X); B (family Y) and 2 more families": each item already shortened.
std::string each_family(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i == detail::kShownItems)
      return out + " and " + count_of(items.size() - i, "more family", "more families");
    out += (i ? "; " : "") + items[i];
  }
  return out;
}

/// Every item, "; "-separated (data values are never cut short).
std::string join_all(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out;
}

ordered_json strings(const std::vector<std::string>& v) {
  ordered_json out = ordered_json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

ordered_json text_or_null(const std::string& s) {
  return s.empty() ? ordered_json() : ordered_json(s);
}

void add_unique(std::vector<std::string>& list, const std::string& v) {
  if (!v.empty() && std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

/// cloud.{provider, account.id, instance.id (when the role serves exactly one instance)}.
ordered_json cloud(const std::string& account, const std::vector<std::string>& instances) {
  ordered_json c = ordered_json::object();
  c["provider"] = "aws";
  if (!account.empty()) c["account"]["id"] = account;
  std::vector<std::string> ids;
  for (const auto& i : instances) add_unique(ids, i);
  if (ids.size() == 1) c["instance"]["id"] = ids.front();
  return c;
}

ordered_json role_json(const Role& role) { return {{"name", role.name}, {"arn", role.arn}}; }

ordered_json policy_json(const Policy& p) {
  return {{"name", p.name},
          {"arn", text_or_null(p.arn)},
          {"managed", p.managed},
          {"version_id", text_or_null(p.version_id)},
          {"source", p.source}};
}

ordered_json statement_json(const Statement& s) {
  return {{"sid", text_or_null(s.sid)},
          {"index", s.index},
          {"effect", s.effect},
          {"action", strings(s.actions)},
          {"not_action", strings(s.not_actions)},
          {"resource", strings(s.resources)},
          {"not_resource", strings(s.not_resources)},
          {"condition", s.condition}};
}

ordered_json grant_json(const SensitiveGrant& g, const Statement& s) {
  return {{"check", g.family->check},
          {"family", g.family->pattern},
          {"severity", std::string(to_string(g.family->severity))},
          {"why", g.family->why},
          {"actions", strings(detail::granted(g.remaining, g.via, s.not_actions))},
          {"remaining", g.remaining.empty() ? ordered_json() : strings(g.remaining)},
          {"via", strings(g.via)},
          {"resources", strings(g.resources)},
          {"denied_by", text_or_null(g.denied_by)},
          {"partly_denied_by", text_or_null(g.partly_denied_by)}};
}

/// "may X, Y on A, B" / "is denied X on A" / "may do anything but X on anything but A".
std::string what_statement_does(const Statement& s) {
  const bool deny = ascii_lower(s.effect) == "deny";
  std::string out = deny ? "is denied " : "may ";
  out += s.actions.empty() ? "every action but " + join(s.not_actions) : join(s.actions);
  if (!s.resources.empty())
    out += " on " + join(s.resources);
  else if (!s.not_resources.empty())
    out += " on every resource but " + join(s.not_resources);
  else
    out += " (no Resource given)";
  if (!s.condition.is_null()) out += " under a Condition";
  return out;
}

std::string subject(const Role* role, const Policy& p) {
  return role ? "role " + role->name : "policy " + p.name + " (tied to no role)";
}

}  // namespace

std::string statement_name(const Statement& s) {
  return "statement " + (s.sid.empty() ? "#" + std::to_string(s.index) : s.sid);
}

std::vector<DenyRef> deny_refs(const std::vector<Policy>& policies) {
  std::vector<DenyRef> out;
  for (const auto& p : policies)
    for (const auto& s : p.statements)
      if (ascii_lower(s.effect) == "deny")
        out.push_back(DenyRef{&s, "Deny " + statement_name(s) + " of " + detail::policy_label(p)});
  return out;
}

Finding instance_finding(const Instance& in, const Role* role) {
  Finding f;
  f.type = "aws.instance";
  f.artifact.path = in.source;
  const std::string who =
      in.instance_id.empty() ? "instance profile " + in.profile_name : "instance " + in.instance_id;
  f.summary = who;
  if (!in.instance_id.empty())
    f.summary += in.profile_arn.empty() ? " has no instance profile"
                                        : " uses instance profile " + in.profile_name;
  f.summary += role ? ", role " + role->name : in.profile_arn.empty() ? "" : ", role unknown";
  std::vector<std::string> ips = in.private_ips;
  for (const auto& ip : in.public_ips) ips.push_back(ip);
  if (!ips.empty()) f.summary += "; addresses " + join(ips);
  auto c = cloud(in.account_id, {in.instance_id});
  if (!in.region.empty()) c["region"] = in.region;
  f.data["cloud"] = c;
  if (!ips.empty()) f.data["host"]["ip"] = strings(ips);
  f.data["aws"]["ec2"]["instance"] = {
      {"instance_id", text_or_null(in.instance_id)},
      {"private_ips", strings(in.private_ips)},
      {"public_ips", strings(in.public_ips)},
      {"iam_instance_profile",
       in.profile_arn.empty() ? ordered_json()
                              : ordered_json{{"arn", in.profile_arn}, {"name", in.profile_name}}}};
  f.data["aws"]["iam"]["role"] = role ? role_json(*role) : ordered_json();
  return f;
}

Finding permission_finding(const Role* role, const RoleUse& use, const Policy& policy,
                           const Statement& s, const std::vector<DenyRef>& denies) {
  Finding f;
  f.type = "aws.permission";
  f.artifact.path = policy.source;
  f.summary = subject(role, policy) + " " + what_statement_does(s) + " (" +
              detail::policy_label(policy) + ", " + statement_name(s) + ")";
  const std::string account =
      detail::arn_account(role && !role->arn.empty() ? role->arn : policy.arn);
  f.data["cloud"] = cloud(account, use.instance_ids);
  f.data["aws"]["iam"]["role"] = role ? role_json(*role) : ordered_json();
  f.data["aws"]["iam"]["policy"] = policy_json(policy);
  f.data["aws"]["iam"]["statement"] = statement_json(s);
  ordered_json sensitive = ordered_json::array();
  for (const auto& g : sqltriage::aws::sensitive_grants(s, denies)) {
    if (g.family->pattern == "*" && !g.remaining.empty() && g.denied_by.empty())
      f.summary += "; Deny statements with NotAction leave it only " + join(g.remaining);
    sensitive.push_back(grant_json(g, s));
  }
  f.data["sensitive"] = std::move(sensitive);
  checks::apply_aws_iam_checks(f);
  return f;
}

Finding role_finding(const Role& role, const RoleUse& use, const std::vector<DenyRef>& denies) {
  const auto& families = sqltriage::aws::sensitive_actions();
  // per family: every grant of the role's Allow statements, with the statement it comes from
  struct Held {
    SensitiveGrant grant;
    std::string from;                  ///< "statement X of policy"
    std::vector<std::string> actions;  ///< what it grants in the family, as printed
  };
  std::vector<std::vector<Held>> grants(families.size());
  std::size_t statements = 0;
  for (const auto& p : role.policies)
    for (const auto& s : p.statements) {
      ++statements;
      for (auto& g : sqltriage::aws::sensitive_grants(s, denies)) {
        const auto k = static_cast<std::size_t>(g.family - families.data());
        auto actions = detail::granted(g.remaining, g.via, s.not_actions);
        grants[k].push_back(Held{std::move(g), statement_name(s) + " of " + detail::policy_label(p),
                                 std::move(actions)});
      }
    }
  ordered_json sensitive = ordered_json::array();
  std::vector<std::string> effective, denied;
  std::vector<std::string> said;  // per effective family: what the role may do in it
  for (std::size_t k = 0; k < families.size(); ++k) {
    if (grants[k].empty()) continue;
    const bool is_effective = std::any_of(grants[k].begin(), grants[k].end(),
                                          [](const auto& g) { return g.grant.denied_by.empty(); });
    (is_effective ? effective : denied).push_back(families[k].pattern);
    std::vector<std::string> via, resources, denied_by, partly, actions, remaining;
    bool narrowed = true;  // every grant still applying is narrowed by NotAction Denies
    for (const auto& [g, from, held] : grants[k]) {
      add_unique(denied_by, g.denied_by);
      if (is_effective && !g.denied_by.empty()) continue;  // only what still applies
      add_unique(via, from);
      for (const auto& r : g.resources) add_unique(resources, r);
      add_unique(partly, g.partly_denied_by);
      for (const auto& a : held) add_unique(actions, a);
      narrowed = narrowed && !g.remaining.empty();
      for (const auto& a : g.remaining) add_unique(remaining, a);
    }
    if (!narrowed) remaining.clear();
    if (is_effective) {
      const auto& pattern = families[k].pattern;
      if (pattern == "*" && !remaining.empty())
        said.push_back("only " + join(actions) + " of every action");
      else if (actions.size() == 1 && actions.front() == pattern)
        said.push_back(detail::clip(pattern));
      else
        said.push_back(join(actions) + " (family " + pattern + ")");
    }
    sensitive.push_back(
        {{"check", families[k].check},
         {"family", families[k].pattern},
         {"severity", std::string(to_string(families[k].severity))},
         {"why", families[k].why},
         {"actions", strings(actions)},
         {"remaining", remaining.empty() ? ordered_json() : strings(remaining)},
         {"via", strings(via)},
         {"resources", strings(resources)},
         {"denied_by", is_effective ? ordered_json() : ordered_json(join_all(denied_by))},
         {"partly_denied_by", text_or_null(join_all(partly))}});
  }
  std::vector<std::string> missing;
  ordered_json policies = ordered_json::array();
  for (const auto& p : role.policies) {
    if (!p.documented) missing.push_back(detail::policy_label(p));
    policies.push_back({{"name", p.name},
                        {"arn", text_or_null(p.arn)},
                        {"managed", p.managed},
                        {"documented", p.documented},
                        {"statements", p.statements.size()},
                        {"source", text_or_null(p.source)}});
  }
  Finding f;
  f.type = "aws.role";
  for (const auto& p : role.policies)
    if (!p.source.empty()) {
      f.artifact.path = p.source;
      break;
    }
  f.summary =
      "role " + role.name +
      (effective.empty() ? std::string(": no sensitive permission") : " may " + each_family(said)) +
      (denied.empty() ? std::string() : "; denied: " + join(denied)) + " (" +
      count_of(role.policies.size(), "policy", "policies") + ", " +
      count_of(statements, "statement", "statements") +
      (missing.empty() ? std::string()
                       : ", " + std::to_string(missing.size()) + " without document") +
      ")";
  f.data["cloud"] = cloud(detail::arn_account(role.arn), use.instance_ids);
  f.data["aws"]["iam"]["role"] = role_json(role);
  f.data["aws"]["iam"]["instances"] = strings(use.instance_ids);
  f.data["aws"]["iam"]["instance_profiles"] = strings(use.profiles);
  f.data["aws"]["iam"]["policy_count"] = role.policies.size();
  f.data["aws"]["iam"]["statement_count"] = statements;
  f.data["aws"]["iam"]["policies"] = std::move(policies);
  f.data["aws"]["iam"]["missing_documents"] = strings(missing);
  f.data["aws"]["iam"]["effective"] = strings(effective);
  f.data["aws"]["iam"]["denied"] = strings(denied);
  f.data["sensitive"] = std::move(sensitive);
  checks::apply_aws_iam_checks(f);
  return f;
}

}  // namespace sqltriage::pipeline::aws_iam
