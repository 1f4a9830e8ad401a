// What an EC2 instance's role may do: the instance -> instance profile -> role -> inline and
// managed policies chain, read from the JSON the AWS CLI prints, and every policy statement
// expanded into what it allows or denies on which resources.
//
// Format knowledge: AWS CLI Command Reference (describe-instances: Reservations[].Instances[]
// with InstanceId, IamInstanceProfile {Arn, Id}, PrivateIpAddress, PublicIpAddress,
// NetworkInterfaces[].PrivateIpAddresses[] and .Association.PublicIp; get-instance-profile:
// InstanceProfile {InstanceProfileName, Arn, Roles[]}; list-role-policies: PolicyNames[];
// get-role-policy: RoleName, PolicyName, PolicyDocument; list-attached-role-policies:
// AttachedPolicies[] {PolicyName, PolicyArn}; get-policy: Policy {PolicyName, Arn,
// DefaultVersionId}; get-policy-version: PolicyVersion {Document, VersionId,
// IsDefaultVersion}; get-role: Role {RoleName, Arn, AssumeRolePolicyDocument};
// get-account-authorization-details: UserDetailList, GroupDetailList, RoleDetailList[]
// {RoleName, Arn, InstanceProfileList[], RolePolicyList[] {PolicyName, PolicyDocument},
// AttachedManagedPolicies[]}, Policies[] {PolicyName, Arn, DefaultVersionId,
// PolicyVersionList[] {Document, VersionId, IsDefaultVersion}}); IAM User Guide "IAM JSON
// policy elements reference" (Version, Statement, Sid, Effect, Action, NotAction, Resource,
// NotResource, Condition; a single string or an array; '*' and '?' wildcards in actions and
// resources, actions compared case-insensitively) and "Policy evaluation logic" (an explicit
// Deny overrides any Allow); IAM API reference: policy documents returned URL-encoded
// (RFC 3986 percent-encoding).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

/// One statement of a policy document, as written (single strings made one-element lists).
struct Statement {
  std::string sid;                         ///< "" when absent
  std::string effect;                      ///< "Allow" or "Deny" (as written)
  std::vector<std::string> actions;        ///< Action
  std::vector<std::string> not_actions;    ///< NotAction
  std::vector<std::string> resources;      ///< Resource
  std::vector<std::string> not_resources;  ///< NotResource
  nlohmann::ordered_json condition;        ///< Condition verbatim; null when absent
  std::size_t index = 0;                   ///< 0-based position in the document's Statement
};

/// A policy attached to the role.
struct Policy {
  std::string name;  ///< PolicyName
  std::string arn;   ///< managed policies: PolicyArn; inline: ""
  bool managed = false;
  std::string version_id;  ///< managed: the version read (DefaultVersionId); inline: ""
  std::vector<Statement> statements;
  /// Where the document was read: the export file's host path.
  std::string source;
  /// Whether its document was found in the exports. A policy only listed (PolicyNames,
  /// AttachedPolicies) with no document is kept with no statements and documented = false.
  bool documented = false;
};

/// The role of an instance profile, with its policies.
struct Role {
  std::string name;  ///< RoleName
  std::string arn;
  std::vector<Policy> policies;  ///< inline first, then managed, each in export order
};

/// An instance and what it runs as.
struct Instance {
  std::string instance_id;               ///< "i-0abc..."
  std::string profile_arn;               ///< IamInstanceProfile.Arn, "" when it has none
  std::string profile_name;              ///< the last path component of the ARN
  std::vector<std::string> private_ips;  ///< every private address of every interface
  std::vector<std::string> public_ips;   ///< every public address (PublicIpAddress, Association)
  std::string account_id;                ///< Reservations[].OwnerId
  std::string region;  ///< from Placement.AvailabilityZone ("eu-west-1a" -> "eu-west-1")
  std::string source;  ///< export file it came from
};

/// One export file as read: which CLI output it is and what it holds.
struct IamFile {
  std::string source;  ///< the export file's host path
  /// "describe-instances", "instance-profile-query" (the --query IamInstanceProfile output),
  /// "describe-iam-instance-profile-associations", "get-instance-profile",
  /// "list-instance-profiles" (also list-instance-profiles-for-role), "list-roles",
  /// "list-role-policies", "get-role-policy",
  /// "list-attached-role-policies", "get-policy", "get-policy-version", "get-role",
  /// "get-account-authorization-details", "policy-document", or "unknown" (valid JSON of
  /// none of these; also an error).
  std::string layout;
  std::string what;  ///< one phrase: "2 instances", "role foobar_role, policy foobar_policy"
};

/// Everything the IAM exports say, joined: instances (those of describe-instances; none when
/// only role and policy exports were given), the roles reached from their profiles plus every
/// role a per-role export names (get-role, get-role-policy, get-instance-profile, a tied list;
/// without a describe-instances export, every role the exports describe, those of an
/// authorization-details export included), and the problems met.
struct IamModel {
  std::vector<Instance> instances;
  /// profile ARN or name -> role name, as get-instance-profile / InstanceProfileList say.
  std::vector<std::pair<std::string, std::string>> profile_roles;
  std::vector<Role> roles;
  /// Policy documents that could not be tied to a role (a get-policy-version export with no
  /// get-policy or list-attached-role-policies naming it, a bare policy document): each
  /// expanded on its own, named after its file.
  std::vector<Policy> unattached;
  /// Damage and gaps: a file that is not valid JSON ("open_failed" with the byte offset the
  /// parser stopped at), a policy document that does not parse after URL-decoding ("record"),
  /// a profile whose role is not in the exports and a listed policy whose document is not
  /// ("missing", naming the CLI command that would export it).
  std::vector<ErrorEntry> errors;
  /// The files that parsed as JSON, in input order (those that did not are only errors).
  std::vector<IamFile> files;
};

/// Builds the model from the export files (each one kind of the header's list; files larger
/// than 64 MiB are refused with an "open_failed" error). Joins: instance IamInstanceProfile.Arn
/// -> get-instance-profile or RoleDetailList[].InstanceProfileList -> role; role -> inline
/// policies (get-role-policy by RoleName, RolePolicyList) and managed policies
/// (list-attached-role-policies, AttachedManagedPolicies -> the default version's document
/// from get-policy-version or Policies[].PolicyVersionList). list-role-policies and
/// list-attached-role-policies outputs do not name their role: they are tied to the only role
/// known, else to the role whose name the file name contains; get-policy-version does not
/// name its policy: it is tied by a get-policy export of the same version, else by the policy
/// name in the file name, else to the only attached policy without a document. Policy
/// documents are accepted as JSON objects, as JSON text in a string, or URL-encoded JSON
/// text. Never throws for bad content.
IamModel read_iam_exports(const std::vector<std::shared_ptr<const ByteSource>>& sources,
                          const std::vector<std::string>& displays);

/// True when the IAM action pattern `pattern` ("s3:Get*", "*", "iam:PassRole") matches the
/// action `action` (case-insensitive; '*' any run, '?' one character).
bool action_matches(std::string_view pattern, std::string_view action);

/// True when some action matches both glob patterns (e.g. "iam:*" and "iam:Create*"; "s3:Get*"
/// and "s3:GetObject"; not "s3:List*" and "s3:Get*"). Case-insensitive.
bool patterns_overlap(std::string_view a, std::string_view b);

/// A sensitive permission family and why it matters.
struct SensitiveAction {
  std::string check;    ///< check id, e.g. "secrets_read"
  std::string pattern;  ///< "secretsmanager:GetSecretValue", "iam:Create*", "lambda:*", "*"
  Severity severity = Severity::info;
  std::vector<std::string> attack;  ///< ATT&CK technique IDs
  std::string why;                  ///< one phrase: "reads secrets from Secrets Manager"
};

/// The families flagged (docs/checks.md#aws-checks lists them with severities):
/// secretsmanager:GetSecretValue, ssm:GetParameter*, kms:Decrypt, s3:GetObject and
/// s3:PutObject (on broad resources only), iam:PassRole, iam:Create*, iam:Attach*, iam:Put*,
/// sts:AssumeRole, ec2:RunInstances, lambda:*, elasticfilesystem:*, and "*".
const std::vector<SensitiveAction>& sensitive_actions();

/// What one statement grants in one sensitive family.
struct SensitiveGrant {
  const SensitiveAction* family = nullptr;
  /// The statement's Action patterns that reach the family (for NotAction statements: empty,
  /// the statement reaches it by not excluding it).
  std::vector<std::string> via;
  /// The statement's resources (or "NotResource: ..." entries).
  std::vector<std::string> resources;
  /// Set on an Allow when a Deny statement of the same role covers the whole family on every
  /// resource with no Condition: "Deny statement <sid or #n> of <policy>"; the grant is then
  /// not effective.
  std::string denied_by;
  /// Set when a Deny covers the family only on some resources or under a Condition.
  std::string partly_denied_by;
  /// Set when Deny statements with NotAction (no Condition, on every resource of the grant)
  /// leave only some actions of the grant: the action patterns still allowed within the
  /// family (the Deny's NotAction entries the grant holds; a pattern of the grant that only
  /// partly overlaps one is kept whole). For the "*" family a remainder with no pattern
  /// matching every action means the family as such is no longer granted.
  std::vector<std::string> remaining;
};

/// A Deny statement of the role, with the name findings give it: "Deny statement <Sid, or
/// #index> of <policy name>".
struct DenyRef {
  const Statement* statement = nullptr;
  std::string name;
};

/// The sensitive families an Allow statement reaches: with Action, any pattern that overlaps
/// the family; with NotAction, every family the NotAction list does not cover entirely. For
/// s3:GetObject / s3:PutObject, only when a resource is broad ("*", or a bucket part with a
/// wildcard: "arn:aws:s3:::*", "arn:aws:s3:::*/*") or given as NotResource. Deny statements
/// yield nothing here; `denies` are the Deny statements of all policies of the same role,
/// applied as SensitiveGrant::denied_by / partly_denied_by describe.
std::vector<SensitiveGrant> sensitive_grants(const Statement& statement,
                                             const std::vector<DenyRef>& denies);

}  // namespace sqltriage::aws
