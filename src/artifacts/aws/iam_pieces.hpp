// Internal to the IAM reader: what each export file says, before the files are joined into
// the instance -> profile -> role -> policies chain (iam_join.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sqltriage/aws_iam.hpp"

namespace sqltriage::aws::iam_detail {

/// What the exports say about one role (get-role, get-instance-profile Roles[],
/// get-account-authorization-details RoleDetailList[], get-role-policy RoleName).
struct RoleFacts {
  std::string name;
  std::string arn;
  bool inline_listed = false;   ///< its inline policies are listed (list-role-policies, details)
  bool managed_listed = false;  ///< its managed policies are listed
  std::vector<std::string> inline_names;
  std::vector<std::pair<std::string, std::string>> managed;  ///< (PolicyName, PolicyArn)
  /// Named by a file other than an authorization-details export (which lists every role of
  /// the account): the responder exported it on purpose, so it is reported even when no
  /// instance profile leads to it.
  bool exported_alone = false;
};

/// A list-role-policies / list-attached-role-policies output: it names no role.
struct UntiedList {
  bool managed = false;
  std::vector<std::pair<std::string, std::string>> entries;  ///< (name, ARN or "")
  std::string source;
};

/// A get-policy output.
struct PolicyMeta {
  std::string name, arn, default_version, source;
};

/// A get-policy-version output: it names no policy. `policy` holds the statements.
struct VersionDoc {
  Policy policy;
  bool is_default = false;
};

/// Everything read from the files, in file order.
struct Pieces {
  std::vector<Instance> instances;
  std::vector<std::pair<std::string, std::string>> profile_roles;  ///< (ARN or name, role)
  std::vector<RoleFacts> roles;
  std::vector<std::pair<std::string, Policy>> inline_docs;  ///< (role name, policy)
  std::vector<Policy> managed_docs;       ///< from authorization details, then tied versions
  std::vector<std::string> version_arns;  ///< ARNs of the tied get-policy-version documents
  std::vector<PolicyMeta> metas;
  std::vector<VersionDoc> versions;
  std::vector<UntiedList> lists;
  std::vector<Policy> bare;
  /// (RoleName, Arn) of `aws iam list-roles`: ARNs for roles named elsewhere; a role listed
  /// only here is not reported.
  std::vector<std::pair<std::string, std::string>> listed_roles;
  std::vector<IamFile> files;
  std::vector<ErrorEntry> errors;

  /// The facts of role `name`, added when new.
  RoleFacts& role(const std::string& name);
};

/// Reads one parsed export file into `pieces` (recording its IamFile). Content of the wrong
/// JSON types is a "record" error; never throws for bad content.
void read_export(const nlohmann::ordered_json& json, const std::string& source, Pieces& pieces);

/// The last path component of an ARN ("arn:aws:iam::1:instance-profile/a/b" -> "b").
std::string arn_name(const std::string& arn);

/// The account field of an ARN ("" when it has none).
std::string arn_account(const std::string& arn);

}  // namespace sqltriage::aws::iam_detail
