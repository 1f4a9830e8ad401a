// Internal to `aws iam`: the findings of the IAM model (docs/aws.md): aws.instance,
// aws.permission (one per statement) and aws.role (what the role may effectively do).
#pragma once

#include <string>
#include <vector>

#include "sqltriage/aws_iam.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::aws_iam {

/// The instances a role serves (ids; "" for a profile with no instance id) and its profiles.
struct RoleUse {
  std::vector<std::string> instance_ids;
  std::vector<std::string> profiles;
};

/// aws.instance: the instance, its addresses, profile and role (`role` may be null).
Finding instance_finding(const sqltriage::aws::Instance& instance,
                         const sqltriage::aws::Role* role);

/// The Deny statements of a set of policies, named for the findings.
std::vector<sqltriage::aws::DenyRef> deny_refs(const std::vector<sqltriage::aws::Policy>& policies);

/// aws.permission for statement `s` of `policy`; `role` is null for a policy tied to no role.
/// The checks are applied.
Finding permission_finding(const sqltriage::aws::Role* role, const RoleUse& use,
                           const sqltriage::aws::Policy& policy, const sqltriage::aws::Statement& s,
                           const std::vector<sqltriage::aws::DenyRef>& denies);

/// aws.role: the sensitive families the role's Allow statements reach, effective or denied.
/// The checks are applied.
Finding role_finding(const sqltriage::aws::Role& role, const RoleUse& use,
                     const std::vector<sqltriage::aws::DenyRef>& denies);

/// "statement <Sid>" or "statement #<index>".
std::string statement_name(const sqltriage::aws::Statement& s);

}  // namespace sqltriage::pipeline::aws_iam
