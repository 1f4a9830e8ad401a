// The sensitive permission families (docs/checks.md#aws-checks) and what one Allow statement
// grants in each of them once the role's Deny statements are applied (IAM User Guide,
// "Policy evaluation logic": an explicit Deny overrides any Allow).
#include <algorithm>
#include <optional>

#include "artifacts/aws/iam_glob.hpp"
#include "core/ascii.hpp"
#include "sqltriage/aws_iam.hpp"

namespace sqltriage::aws {

namespace {

bool is_allow(const Statement& s) { return ascii_lower(s.effect) == "allow"; }

bool is_s3_object_family(const SensitiveAction& f) {
  const auto p = ascii_lower(f.pattern);
  return p == "s3:getobject" || p == "s3:putobject";
}

/// "*", or an S3 ARN whose bucket part (or anything before it) holds a wildcard
/// ("arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:s3:::logs-*/x"); a pattern that is not an S3
/// ARN is broad when it has a wildcard before its first '/' ("arn:aws:*").
bool broad_s3_resource(const std::string& r) {
  const auto colons = r.find(":::");
  const auto end = colons == std::string::npos ? r.find('/') : r.find('/', colons + 3);
  const auto head = r.substr(0, end);
  return head.find_first_of("*?") != std::string::npos;
}

/// Whether the statement's actions reach `family`, and through which of its Action patterns.
bool reaches(const Statement& s, const SensitiveAction& family, std::vector<std::string>& via) {
  if (!s.actions.empty()) {
    for (const auto& a : s.actions) {
      const bool hit = glob::matches_everything(family.pattern)
                           ? glob::cover({a}, family.pattern, true)
                           : glob::overlap(a, family.pattern, true);
      if (hit) via.push_back(a);
    }
    return !via.empty();
  }
  return !s.not_actions.empty() && !glob::cover(s.not_actions, family.pattern, true);
}

/// How far a Deny statement's actions take the family away from the grant: fully (every
/// action the grant holds in the family) or in part.
struct Reach {
  bool full = false;
  bool some = false;
};

Reach deny_actions(const Statement& d, const SensitiveAction& family,
                   const std::vector<std::string>& via) {
  Reach r;
  if (!d.actions.empty()) {
    r.full = glob::cover(d.actions, family.pattern, true) ||
             (!via.empty() && std::all_of(via.begin(), via.end(), [&](const std::string& p) {
               return glob::cover(d.actions, p, true);
             }));
    r.some = std::any_of(d.actions.begin(), d.actions.end(), [&](const std::string& p) {
      return glob::overlap(p, family.pattern, true);
    });
  } else if (!d.not_actions.empty()) {
    r.full = std::none_of(d.not_actions.begin(), d.not_actions.end(), [&](const std::string& p) {
      return glob::overlap(p, family.pattern, true);
    });
    r.some = !glob::cover(d.not_actions, family.pattern, true);
  }
  return r;
}

/// The same for resources (compared case-sensitively, as ARNs are).
Reach deny_resources(const Statement& d, const Statement& allow) {
  Reach r;
  const auto& ar = allow.resources;
  if (!d.resources.empty()) {
    const bool all = std::any_of(d.resources.begin(), d.resources.end(),
                                 [](const std::string& p) { return glob::matches_everything(p); });
    r.full = all || (!ar.empty() && std::all_of(ar.begin(), ar.end(), [&](const std::string& x) {
               return glob::cover(d.resources, x, false);
             }));
    r.some = all || ar.empty() || std::any_of(ar.begin(), ar.end(), [&](const std::string& x) {
               return std::any_of(d.resources.begin(), d.resources.end(),
                                  [&](const std::string& p) { return glob::overlap(p, x, false); });
             });
  } else if (!d.not_resources.empty()) {
    const auto& nr = d.not_resources;
    r.full = !ar.empty() && std::all_of(ar.begin(), ar.end(), [&](const std::string& x) {
      return std::none_of(nr.begin(), nr.end(),
                          [&](const std::string& p) { return glob::overlap(p, x, false); });
    });
    r.some = ar.empty() || std::any_of(ar.begin(), ar.end(), [&](const std::string& x) {
               return !glob::cover(nr, x, false);
             });
  } else {
    r.some = true;  // a Deny with no resource element: it is not known where it applies
  }
  return r;
}

bool has_condition(const Statement& s) {
  return !s.condition.is_null() && !(s.condition.is_object() && s.condition.empty());
}

void add_unique(std::vector<std::string>& list, const std::string& v) {
  if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

/// The actions of `a` also in `l`: a pattern covered by the other is kept as the narrower
/// one; one only partly overlapping is kept whole (a superset: the cautious side).
std::vector<std::string> intersect(const std::vector<std::string>& a,
                                   const std::vector<std::string>& l) {
  std::vector<std::string> out;
  for (const auto& x : a)
    for (const auto& y : l) {
      if (glob::cover({y}, x, true))
        add_unique(out, x);
      else if (glob::cover({x}, y, true))
        add_unique(out, y);
      else if (glob::overlap(x, y, true))
        add_unique(out, x);
    }
  return out;
}

/// The actions `allow` still holds after the Deny statements with NotAction that apply
/// unconditionally on all its resources (a Deny of "every action but L" leaves at most L);
/// nullopt when no such Deny applies. `names` gets the Denies' names.
std::optional<std::vector<std::string>> remainder(const Statement& allow,
                                                  const std::vector<DenyRef>& denies,
                                                  std::vector<std::optional<Reach>>& resource_reach,
                                                  std::string& names) {
  std::optional<std::vector<std::string>> left;
  for (std::size_t d = 0; d < denies.size(); ++d) {
    const auto* deny = denies[d].statement;
    if (!deny || ascii_lower(deny->effect) != "deny" || !deny->actions.empty() ||
        deny->not_actions.empty() || has_condition(*deny))
      continue;
    if (!resource_reach[d]) resource_reach[d] = deny_resources(*deny, allow);
    if (!resource_reach[d]->full) continue;
    std::vector<std::string> next;
    if (left)
      next = intersect(*left, deny->not_actions);
    else if (!allow.actions.empty())
      next = intersect(allow.actions, deny->not_actions);
    else
      for (const auto& l : deny->not_actions)
        if (!glob::cover(allow.not_actions, l, true)) add_unique(next, l);
    left = std::move(next);
    names += (names.empty() ? "" : "; ") + denies[d].name;
  }
  return left;
}

}  // namespace

const std::vector<SensitiveAction>& sensitive_actions() {
  static const std::vector<SensitiveAction> families = {
      {"iam_all_actions",
       "*",
       Severity::critical,
       {"T1078.004"},
       "may call every AWS action (or every action but a few, with NotAction)"},
      {"iam_secrets_read",
       "secretsmanager:GetSecretValue",
       Severity::high,
       {"T1555.006"},
       "reads secrets from Secrets Manager"},
      {"iam_ssm_parameters_read",
       "ssm:GetParameter*",
       Severity::high,
       {"T1552"},
       "reads Systems Manager parameters, SecureString ones included"},
      {"iam_kms_decrypt", "kms:Decrypt", Severity::medium, {}, "decrypts data with KMS keys"},
      {"iam_s3_read_broad",
       "s3:GetObject",
       Severity::medium,
       {"T1530"},
       "reads objects of any bucket"},
      {"iam_s3_write_broad",
       "s3:PutObject",
       Severity::medium,
       {"T1537"},
       "writes objects into any bucket, one of another account included"},
      {"iam_pass_role",
       "iam:PassRole",
       Severity::high,
       {"T1548.005"},
       "hands roles to services (escalation to the passed role's permissions)"},
      {"iam_create",
       "iam:Create*",
       Severity::high,
       {"T1136.003", "T1098.001"},
       "creates users, access keys, login profiles and roles"},
      {"iam_attach_policy",
       "iam:Attach*",
       Severity::high,
       {"T1098.003"},
       "attaches managed policies to users, groups and roles"},
      {"iam_put_policy",
       "iam:Put*",
       Severity::high,
       {"T1098.003"},
       "writes inline policies into users, groups and roles"},
      {"iam_assume_role", "sts:AssumeRole", Severity::medium, {"T1548.005"}, "assumes other roles"},
      {"iam_run_instances",
       "ec2:RunInstances",
       Severity::medium,
       {"T1578.002"},
       "starts new EC2 instances"},
      {"iam_lambda", "lambda:*", Severity::medium, {"T1648"}, "acts on Lambda functions"},
      {"iam_efs", "elasticfilesystem:*", Severity::medium, {"T1530"}, "acts on EFS file systems"},
  };
  return families;
}

std::vector<SensitiveGrant> sensitive_grants(const Statement& statement,
                                             const std::vector<DenyRef>& denies) {
  std::vector<SensitiveGrant> out;
  if (!is_allow(statement)) return out;
  // how far each Deny's resources reach this statement's: the same for every family
  std::vector<std::optional<Reach>> resource_reach(denies.size());
  std::string narrowing;  // the Deny statements with NotAction that narrow the statement
  const auto left = remainder(statement, denies, resource_reach, narrowing);
  for (const auto& family : sensitive_actions()) {
    SensitiveGrant g;
    g.family = &family;
    if (!reaches(statement, family, g.via)) continue;
    if (is_s3_object_family(family) && statement.not_resources.empty() &&
        std::none_of(statement.resources.begin(), statement.resources.end(), broad_s3_resource))
      continue;
    g.resources = statement.resources;
    for (const auto& nr : statement.not_resources) g.resources.push_back("NotResource: " + nr);
    if (left) {
      for (const auto& a : *left)
        if (glob::matches_everything(family.pattern) || glob::overlap(a, family.pattern, true))
          g.remaining.push_back(a);
      if (g.remaining.empty()) {  // nothing of the family survives the Denies
        g.denied_by = narrowing;
        out.push_back(std::move(g));
        continue;
      }
      if (g.remaining == g.via) g.remaining.clear();  // not narrowed
    }
    for (std::size_t d = 0; d < denies.size(); ++d) {
      const auto& deny = denies[d];
      if (!deny.statement || ascii_lower(deny.statement->effect) != "deny") continue;
      const Reach a = deny_actions(*deny.statement, family, g.via);
      if (!a.some) continue;
      if (!resource_reach[d]) resource_reach[d] = deny_resources(*deny.statement, statement);
      const Reach r = *resource_reach[d];
      if (a.full && r.full && !has_condition(*deny.statement)) {
        g.denied_by = deny.name;
        g.partly_denied_by.clear();
        break;
      }
      if (a.some && r.some)
        g.partly_denied_by += (g.partly_denied_by.empty() ? "" : "; ") + deny.name;
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace sqltriage::aws
