// Which CLI output an export file is (by its top-level members) and what the IAM outputs say:
// get-instance-profile, list-role-policies, get-role-policy, list-attached-role-policies,
// get-policy, get-policy-version, get-role, get-account-authorization-details and bare policy
// documents (AWS CLI Command Reference; shapes in aws_iam.hpp).
#include <algorithm>
#include <filesystem>
#include <string_view>

#include "artifacts/aws/iam_documents.hpp"
#include "artifacts/aws/iam_ec2.hpp"
#include "artifacts/aws/iam_fields.hpp"
#include "artifacts/aws/iam_pieces.hpp"

namespace sqltriage::aws::iam_detail {

namespace {

using nlohmann::ordered_json;

/// "1 policy", "2 policies", "3 roles".
std::string count(std::size_t n, const std::string& noun) {
  if (n == 1 || noun.empty()) return std::to_string(n) + " " + noun;
  if (noun.back() == 'y' && noun.size() > 1 &&
      std::string_view("aeiou").find(noun[noun.size() - 2]) == std::string_view::npos)
    return std::to_string(n) + " " + noun.substr(0, noun.size() - 1) + "ies";
  return std::to_string(n) + " " + noun + "s";
}

void bad_entries(Pieces& p, const std::string& source, std::size_t bad, const std::string& what) {
  if (bad > 0)
    p.errors.push_back(make_error(source, "record",
                                  count(bad, "entry") + " of " + what +
                                      " lack their name fields or are not objects; left out"));
}

void truncated(Pieces& p, const ordered_json& j, const std::string& source) {
  if (j.is_object() && j.contains("IsTruncated") && j["IsTruncated"].is_boolean() &&
      j["IsTruncated"].get<bool>())
    p.errors.push_back(make_error(source, "truncated",
                                  "the list is cut (IsTruncated is true): export it again "
                                  "without --max-items to see every entry"));
}

/// Whether member `key` (present) is an object; a "record" error otherwise.
bool object_member(const ordered_json& j, const char* key, const std::string& source, Pieces& p) {
  if (j[key].is_object()) return true;
  p.errors.push_back(make_error(source, "record",
                                std::string(key) + " is a JSON " + j[key].type_name() +
                                    ", not an object; the file is left out"));
  return false;
}

void add_profile(Pieces& p, const ordered_json& profile) {
  const auto arn = str(profile, "Arn");
  const auto name = str(profile, "InstanceProfileName");
  std::string role;
  for (const auto& r : array(profile, "Roles")) {
    if (str(r, "RoleName").empty()) continue;
    role = str(r, "RoleName");
    auto& facts = p.role(role);
    facts.exported_alone = true;
    if (facts.arn.empty()) facts.arn = str(r, "Arn");
  }
  if (!arn.empty()) p.profile_roles.emplace_back(arn, role);
  if (!name.empty()) p.profile_roles.emplace_back(name, role);
}

std::string read_instance_profile(const ordered_json& j, Pieces& p) {
  const auto& profile = j["InstanceProfile"];
  add_profile(p, profile);
  const auto& roles = array(profile, "Roles");
  return "instance profile " + str(profile, "InstanceProfileName") + " -> " +
         (roles.empty() ? std::string("no role") : "role " + str(roles[0], "RoleName"));
}

/// list-instance-profiles / list-instance-profiles-for-role: InstanceProfiles[], each like
/// get-instance-profile's InstanceProfile.
std::string read_instance_profiles(const ordered_json& j, const std::string& source, Pieces& p) {
  std::size_t n = 0, bad = 0;
  std::vector<std::string> before;  // roles already exported on purpose
  for (const auto& r : p.roles)
    if (r.exported_alone) before.push_back(r.name);
  std::vector<std::string> named;  // the roles of these profiles
  for (const auto& profile : array(j, "InstanceProfiles")) {
    if (str(profile, "Arn").empty() && str(profile, "InstanceProfileName").empty()) {
      ++bad;
      continue;
    }
    add_profile(p, profile);
    for (const auto& r : array(profile, "Roles"))
      if (!str(r, "RoleName").empty() &&
          std::find(named.begin(), named.end(), str(r, "RoleName")) == named.end())
        named.push_back(str(r, "RoleName"));
    ++n;
  }
  // list-instance-profiles-for-role names one role: exported on purpose; the account-wide
  // list-instance-profiles names several: like authorization details, it only ties profiles
  if (named.size() > 1)
    for (auto& r : p.roles)
      if (std::find(named.begin(), named.end(), r.name) != named.end() &&
          std::find(before.begin(), before.end(), r.name) == before.end())
        r.exported_alone = false;
  bad_entries(p, source, bad, "InstanceProfiles");
  truncated(p, j, source);
  return count(n, "instance profile");
}

/// list-roles: Roles[] {RoleName, Arn, ...}; only the ARNs of roles named elsewhere are used.
std::string read_list_roles(const ordered_json& j, const std::string& source, Pieces& p) {
  std::size_t n = 0, bad = 0;
  for (const auto& r : array(j, "Roles")) {
    if (str(r, "RoleName").empty()) {
      ++bad;
      continue;
    }
    p.listed_roles.emplace_back(str(r, "RoleName"), str(r, "Arn"));
    ++n;
  }
  bad_entries(p, source, bad, "Roles");
  truncated(p, j, source);
  return count(n, "role");
}

std::string read_untied_list(const ordered_json& j, bool managed, const std::string& source,
                             Pieces& p) {
  UntiedList list;
  list.managed = managed;
  list.source = source;
  std::size_t bad = 0;
  for (const auto& e : array(j, managed ? "AttachedPolicies" : "PolicyNames")) {
    if (!managed && e.is_string() && !e.get<std::string>().empty())
      list.entries.emplace_back(e.get<std::string>(), "");
    else if (managed && !str(e, "PolicyName").empty() && !str(e, "PolicyArn").empty())
      list.entries.emplace_back(str(e, "PolicyName"), str(e, "PolicyArn"));
    else
      ++bad;
  }
  bad_entries(p, source, bad, managed ? "AttachedPolicies" : "PolicyNames");
  truncated(p, j, source);
  const auto n = list.entries.size();
  p.lists.push_back(std::move(list));
  return count(n, managed ? "attached managed policy" : "inline policy name");
}

std::string read_role_policy(const ordered_json& j, const std::string& source, Pieces& p) {
  const auto role = str(j, "RoleName");
  Policy policy;
  policy.name = str(j, "PolicyName");
  policy.source = source;
  if (role.empty() || policy.name.empty()) {
    p.errors.push_back(make_error(source, "record",
                                  "get-role-policy output without RoleName or PolicyName "
                                  "strings: its document cannot be tied to a role"));
  }
  const auto it = j.find("PolicyDocument");
  if (it == j.end())
    p.errors.push_back(
        make_error(source, "record", "get-role-policy output has no PolicyDocument"));
  else
    read_document(*it, policy, "inline policy " + policy.name + " of role " + role, p.errors);
  if (!role.empty()) p.role(role).exported_alone = true;
  const auto what = "role " + role + ", inline policy " + policy.name + ", " +
                    count(policy.statements.size(), "statement");
  if (role.empty() || policy.name.empty()) {
    if (policy.name.empty()) policy.name = std::filesystem::path(source).filename().string();
    p.bare.push_back(std::move(policy));
  } else {
    p.inline_docs.emplace_back(role, std::move(policy));
  }
  return what;
}

std::string read_policy_meta(const ordered_json& j, const std::string& source, Pieces& p) {
  const auto& pol = j["Policy"];
  PolicyMeta m{str(pol, "PolicyName"), str(pol, "Arn"), str(pol, "DefaultVersionId"), source};
  if (m.name.empty() || m.arn.empty()) {
    p.errors.push_back(make_error(source, "record", "get-policy output without PolicyName or Arn"));
    return "no policy";
  }
  p.metas.push_back(m);
  return "managed policy " + m.name + ", default version " + m.default_version;
}

std::string read_policy_version(const ordered_json& j, const std::string& source, Pieces& p) {
  const auto& v = j["PolicyVersion"];
  VersionDoc doc;
  doc.policy.managed = true;
  doc.policy.source = source;
  doc.policy.version_id = str(v, "VersionId");
  doc.is_default = v.is_object() && v.contains("IsDefaultVersion") &&
                   v["IsDefaultVersion"].is_boolean() && v["IsDefaultVersion"].get<bool>();
  if (!has(v, "Document")) {
    p.errors.push_back(make_error(source, "record", "get-policy-version output has no Document"));
    return "no document";
  }
  read_document(v["Document"], doc.policy, "policy version " + doc.policy.version_id, p.errors);
  const auto what = "policy version " + doc.policy.version_id + ", " +
                    count(doc.policy.statements.size(), "statement");
  p.versions.push_back(std::move(doc));
  return what;
}

std::string read_get_role(const ordered_json& j, Pieces& p) {
  const auto name = str(j["Role"], "RoleName");
  if (name.empty()) return "no role name";
  auto& facts = p.role(name);
  facts.exported_alone = true;
  if (facts.arn.empty()) facts.arn = str(j["Role"], "Arn");
  return "role " + name;
}

std::string read_authorization_details(const ordered_json& j, const std::string& source,
                                       Pieces& p) {
  std::size_t bad = 0, roles = 0, policies = 0;
  for (const auto& r : array(j, "RoleDetailList")) {
    const auto name = str(r, "RoleName");
    if (name.empty()) {
      ++bad;
      continue;
    }
    ++roles;
    auto& facts = p.role(name);
    if (facts.arn.empty()) facts.arn = str(r, "Arn");
    facts.inline_listed = facts.managed_listed = true;
    for (const auto& ip : array(r, "InstanceProfileList")) {
      const auto arn = str(ip, "Arn");
      const auto pname = str(ip, "InstanceProfileName");
      if (!arn.empty()) p.profile_roles.emplace_back(arn, name);
      if (!pname.empty()) p.profile_roles.emplace_back(pname, name);
    }
    for (const auto& rp : array(r, "RolePolicyList")) {
      Policy policy;
      policy.name = str(rp, "PolicyName");
      policy.source = source;
      if (policy.name.empty() || !has(rp, "PolicyDocument")) {
        ++bad;
        continue;
      }
      read_document(rp["PolicyDocument"], policy,
                    "inline policy " + policy.name + " of role " + name, p.errors);
      p.role(name).inline_names.push_back(policy.name);
      p.inline_docs.emplace_back(name, std::move(policy));
    }
    for (const auto& mp : array(r, "AttachedManagedPolicies")) {
      if (str(mp, "PolicyName").empty() || str(mp, "PolicyArn").empty()) {
        ++bad;
        continue;
      }
      p.role(name).managed.emplace_back(str(mp, "PolicyName"), str(mp, "PolicyArn"));
    }
  }
  for (const auto& pol : array(j, "Policies")) {
    Policy policy;
    policy.name = str(pol, "PolicyName");
    policy.arn = str(pol, "Arn");
    policy.managed = true;
    policy.source = source;
    policy.version_id = str(pol, "DefaultVersionId");
    if (policy.name.empty() || policy.arn.empty()) {
      ++bad;
      continue;
    }
    ++policies;
    for (const auto& v : array(pol, "PolicyVersionList")) {
      const bool is_default = has(v, "IsDefaultVersion") && v["IsDefaultVersion"].is_boolean() &&
                              v["IsDefaultVersion"].get<bool>();
      if (!(is_default || (!policy.version_id.empty() && str(v, "VersionId") == policy.version_id)))
        continue;
      if (policy.version_id.empty()) policy.version_id = str(v, "VersionId");
      if (has(v, "Document"))
        read_document(v["Document"], policy, "managed policy " + policy.name, p.errors);
      break;
    }
    p.managed_docs.push_back(std::move(policy));
  }
  bad_entries(p, source, bad, "the authorization details");
  return count(roles, "role") + ", " + count(policies, "managed policy") + ", " +
         count(array(j, "UserDetailList").size(), "user") + ", " +
         count(array(j, "GroupDetailList").size(), "group");
}

std::string read_bare_document(const ordered_json& j, const std::string& source, Pieces& p) {
  Policy policy;
  policy.name = std::filesystem::path(source).filename().string();
  policy.source = source;
  read_document(j, policy, "policy document " + policy.name, p.errors);
  const auto what = count(policy.statements.size(), "statement");
  p.bare.push_back(std::move(policy));
  return what;
}

}  // namespace

RoleFacts& Pieces::role(const std::string& name) {
  for (auto& r : roles)
    if (r.name == name) return r;
  roles.push_back(RoleFacts{name, "", false, false, {}, {}, false});
  return roles.back();
}

std::string arn_name(const std::string& arn) {
  const auto slash = arn.find_last_of('/');
  if (slash != std::string::npos) return arn.substr(slash + 1);
  const auto colon = arn.find_last_of(':');
  return colon == std::string::npos ? arn : arn.substr(colon + 1);
}

std::string arn_account(const std::string& arn) {
  // arn:partition:service:region:account:resource
  std::size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = arn.find(':', pos);
    if (pos == std::string::npos) return {};
    ++pos;
  }
  const auto end = arn.find(':', pos);
  return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}

void read_export(const ordered_json& json, const std::string& source, Pieces& p) {
  IamFile file{source, "unknown", ""};
  try {
    if (json.is_array() || (has(json, "Arn") && !has(json, "Statement"))) {
      file.layout = "instance-profile-query";
      file.what = read_profile_query(json, source, p);
    } else if (has(json, "Reservations")) {
      file.layout = "describe-instances";
      file.what = read_describe_instances(json, source, p);
    } else if (has(json, "InstanceProfile")) {
      file.layout = "get-instance-profile";
      if (object_member(json, "InstanceProfile", source, p))
        file.what = read_instance_profile(json, p);
    } else if (has(json, "InstanceProfiles")) {
      file.layout = "list-instance-profiles";
      file.what = read_instance_profiles(json, source, p);
    } else if (has(json, "IamInstanceProfileAssociations")) {
      file.layout = "describe-iam-instance-profile-associations";
      file.what = read_profile_associations(json, source, p);
    } else if (has(json, "Roles")) {
      file.layout = "list-roles";
      file.what = read_list_roles(json, source, p);
    } else if (has(json, "PolicyNames")) {
      file.layout = "list-role-policies";
      file.what = read_untied_list(json, false, source, p);
    } else if (has(json, "AttachedPolicies")) {
      file.layout = "list-attached-role-policies";
      file.what = read_untied_list(json, true, source, p);
    } else if (has(json, "PolicyDocument") || (has(json, "RoleName") && has(json, "PolicyName"))) {
      file.layout = "get-role-policy";
      file.what = read_role_policy(json, source, p);
    } else if (has(json, "PolicyVersion")) {
      file.layout = "get-policy-version";
      if (object_member(json, "PolicyVersion", source, p))
        file.what = read_policy_version(json, source, p);
    } else if (has(json, "Policy")) {
      file.layout = "get-policy";
      if (object_member(json, "Policy", source, p)) file.what = read_policy_meta(json, source, p);
    } else if (has(json, "Role")) {
      file.layout = "get-role";
      if (object_member(json, "Role", source, p)) file.what = read_get_role(json, p);
    } else if (has(json, "RoleDetailList") || has(json, "UserDetailList") ||
               has(json, "GroupDetailList") || has(json, "Policies")) {
      file.layout = "get-account-authorization-details";
      file.what = read_authorization_details(json, source, p);
    } else if (has(json, "Statement")) {
      file.layout = "policy-document";
      file.what = read_bare_document(json, source, p);
    } else {
      p.errors.push_back(make_error(source, "open_failed",
                                    "valid JSON but none of the IAM or EC2 CLI outputs read by "
                                    "`aws iam` (no Reservations, InstanceProfile, "
                                    "InstanceProfiles, IamInstanceProfileAssociations, Roles, "
                                    "PolicyNames, "
                                    "AttachedPolicies, PolicyDocument, PolicyVersion, Policy, "
                                    "Role, RoleDetailList or Statement member)"));
      file.what = "not an IAM export";
    }
  } catch (const std::exception& e) {  // a type the readers did not foresee
    p.errors.push_back(
        make_error(source, "record", std::string("unreadable content: ") + e.what()));
  }
  p.files.push_back(std::move(file));
}

}  // namespace sqltriage::aws::iam_detail
