// read_iam_exports: every file read into pieces (iam_layouts.cpp), then joined — untied lists
// to their role, get-policy-version documents to their policy, instances to the roles of their
// profiles, roles to their inline and managed policies — with a "missing" error for each gap,
// naming the CLI command that would fill it.
#include <algorithm>
#include <filesystem>

#include "artifacts/aws/iam_documents.hpp"
#include "artifacts/aws/iam_pieces.hpp"
#include "core/ascii.hpp"

namespace sqltriage::aws {

namespace {

using namespace iam_detail;

std::string file_name(const std::string& source) {
  return ascii_lower(std::filesystem::path(source).filename().string());
}

/// Index of the candidate whose name the file name contains (the longest such name), or -1.
template <typename T, typename Name>
long by_file_name(const std::vector<T>& candidates, const std::string& source, Name name) {
  const auto file = file_name(source);
  long best = -1;
  std::size_t best_len = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto n = ascii_lower(name(candidates[i]));
    if (!n.empty() && file.find(n) != std::string::npos && n.size() > best_len) {
      best = static_cast<long>(i);
      best_len = n.size();
    }
  }
  return best;
}

void add_unique(std::vector<std::string>& list, const std::string& v) {
  if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

/// list-role-policies / list-attached-role-policies outputs to their role.
void tie_lists(Pieces& p) {
  for (const auto& list : p.lists) {
    long role = p.roles.size() == 1
                    ? 0
                    : by_file_name(p.roles, list.source, [](const auto& r) { return r.name; });
    if (role < 0) {
      p.errors.push_back(make_error(
          list.source, "missing",
          std::string(list.managed ? "list-attached-role-policies" : "list-role-policies") +
              " output names no role and cannot be tied to one (" + std::to_string(p.roles.size()) +
              " roles are known): name the file after its role, e.g. ROLE-" +
              (list.managed ? "attached" : "inline") + ".json"));
      continue;
    }
    auto& facts = p.roles[static_cast<std::size_t>(role)];
    facts.exported_alone = true;
    if (list.managed) {
      facts.managed_listed = true;
      for (const auto& e : list.entries)
        if (std::find(facts.managed.begin(), facts.managed.end(), e) == facts.managed.end())
          facts.managed.push_back(e);
    } else {
      facts.inline_listed = true;
      for (const auto& e : list.entries) add_unique(facts.inline_names, e.first);
    }
  }
}

/// get-policy-version documents to their policy: by a get-policy of the same version, else by
/// the policy name in the file name, else the only attached policy without a document.
void tie_versions(Pieces& p) {
  for (auto& v : p.versions) {
    std::vector<PolicyMeta> same;
    for (const auto& m : p.metas)
      if (m.default_version == v.policy.version_id) same.push_back(m);
    long pick = same.size() == 1 ? 0 : -1;
    if (pick < 0 && !same.empty())
      pick = by_file_name(same, v.policy.source, [](const auto& m) { return m.name; });
    if (pick < 0) {
      same = p.metas;
      pick = by_file_name(same, v.policy.source, [](const auto& m) { return m.name; });
    }
    if (pick < 0) {  // attached policies with no document yet
      same.clear();
      for (const auto& r : p.roles)
        for (const auto& [name, arn] : r.managed) {
          const bool documented = std::any_of(p.managed_docs.begin(), p.managed_docs.end(),
                                              [&](const Policy& d) { return d.arn == arn; });
          const bool seen = std::any_of(same.begin(), same.end(),
                                        [&](const PolicyMeta& m) { return m.arn == arn; });
          if (!documented && !seen) same.push_back(PolicyMeta{name, arn, "", ""});
        }
      if (same.size() == 1)
        pick = 0;
      else
        pick = by_file_name(same, v.policy.source, [](const auto& m) { return m.name; });
    }
    if (pick < 0) {
      v.policy.managed = false;
      v.policy.name = std::filesystem::path(v.policy.source).filename().string();
      p.errors.push_back(make_error(v.policy.source, "missing",
                                    "get-policy-version output cannot be tied to a policy: add "
                                    "the `aws iam get-policy --policy-arn ARN` output, or name "
                                    "the file after the policy; its statements are reported "
                                    "on their own"));
      p.bare.push_back(std::move(v.policy));
      continue;
    }
    const auto& m = same[static_cast<std::size_t>(pick)];
    v.policy.name = m.name;
    v.policy.arn = m.arn;
    p.version_arns.push_back(m.arn);
    p.managed_docs.push_back(std::move(v.policy));
  }
  p.versions.clear();
}

std::string role_of_profile(const Pieces& p, const Instance& in) {
  for (const auto& key : {in.profile_arn, in.profile_name})
    for (const auto& [k, role] : p.profile_roles)
      if (!key.empty() && k == key) return role;
  return {};
}

Role build_role(Pieces& p, const RoleFacts& facts, std::vector<ErrorEntry>& errors,
                const std::string& where) {
  Role role{facts.name, facts.arn, {}};
  std::vector<std::string> inline_names = facts.inline_names;
  for (const auto& [r, doc] : p.inline_docs)
    if (r == facts.name) add_unique(inline_names, doc.name);
  const auto cmd_role = " --role-name " + facts.name;
  if (!facts.inline_listed && !facts.managed_listed && inline_names.empty())
    errors.push_back(make_error(where, "missing",
                                "role " + facts.name +
                                    ": none of its policies are in the exports; run aws iam "
                                    "list-role-policies" +
                                    cmd_role + " and aws iam list-attached-role-policies" +
                                    cmd_role));
  else if (!facts.inline_listed)
    errors.push_back(make_error(where, "missing",
                                "role " + facts.name +
                                    ": its inline policies are not listed (there may be more "
                                    "than those read); run aws iam list-role-policies" +
                                    cmd_role));
  else if (!facts.managed_listed)
    errors.push_back(make_error(where, "missing",
                                "role " + facts.name +
                                    ": its managed policies are not listed; run aws iam "
                                    "list-attached-role-policies" +
                                    cmd_role));
  for (const auto& name : inline_names) {
    const auto it = std::find_if(p.inline_docs.begin(), p.inline_docs.end(), [&](const auto& d) {
      return d.first == facts.name && d.second.name == name;
    });
    if (it != p.inline_docs.end()) {
      role.policies.push_back(it->second);
      if (it->second.documented) continue;
    } else {
      Policy missing;
      missing.name = name;
      role.policies.push_back(missing);
    }
    if (it != p.inline_docs.end() && !it->second.source.empty()) continue;  // unreadable: said
    errors.push_back(make_error(where, "missing",
                                "role " + facts.name + ": the document of inline policy " + name +
                                    " is not in the exports; run aws iam get-role-policy" +
                                    cmd_role + " --policy-name " + name));
  }
  for (const auto& [name, arn] : facts.managed) {
    const auto it = std::find_if(p.managed_docs.begin(), p.managed_docs.end(),
                                 [&](const Policy& d) { return d.arn == arn; });
    if (it != p.managed_docs.end()) {
      role.policies.push_back(*it);
      if (it->documented) continue;
    } else {
      Policy missing;
      missing.name = name;
      missing.arn = arn;
      missing.managed = true;
      role.policies.push_back(missing);
    }
    if (it != p.managed_docs.end() && !it->source.empty()) continue;  // unreadable: said
    const auto meta = std::find_if(p.metas.begin(), p.metas.end(),
                                   [&](const PolicyMeta& m) { return m.arn == arn; });
    const std::string version = meta != p.metas.end() && !meta->default_version.empty()
                                    ? meta->default_version
                                    : "DEFAULT_VERSION_ID";
    errors.push_back(
        make_error(where, "missing",
                   "role " + facts.name + ": the document of managed policy " + name +
                       " is not in the exports; run aws iam get-policy --policy-arn " + arn +
                       " (for its DefaultVersionId) and aws iam get-policy-version --policy-arn " +
                       arn + " --version-id " + version));
  }
  return role;
}

}  // namespace

IamModel read_iam_exports(const std::vector<std::shared_ptr<const ByteSource>>& sources,
                          const std::vector<std::string>& displays) {
  Pieces p;
  for (std::size_t i = 0; i < sources.size() && i < displays.size(); ++i) {
    if (!sources[i]) continue;
    auto json = read_json_file(*sources[i], displays[i], p.errors);
    if (json) read_export(*json, displays[i], p);
  }
  tie_lists(p);
  tie_versions(p);

  IamModel model;
  model.instances = p.instances;
  model.profile_roles = p.profile_roles;
  std::vector<std::string> wanted;  // role names, in order of first mention
  if (!p.instances.empty()) {
    for (const auto& in : p.instances) {
      if (in.profile_arn.empty()) continue;
      const auto role = role_of_profile(p, in);
      if (!role.empty()) {
        add_unique(wanted, role);
        continue;
      }
      const bool known =
          std::any_of(p.profile_roles.begin(), p.profile_roles.end(), [&](const auto& pr) {
            return pr.first == in.profile_arn || pr.first == in.profile_name;
          });
      model.errors.push_back(make_error(
          in.source, "missing",
          (in.instance_id.empty() ? std::string("instance profile ")
                                  : "instance " + in.instance_id + ": instance profile ") +
              in.profile_name +
              (known ? " has no role"
                     : ": its role is not in the exports; run aws iam get-instance-profile "
                       "--instance-profile-name " +
                           in.profile_name)));
    }
  }
  for (const auto& r : p.roles)
    if (p.instances.empty() || r.exported_alone) add_unique(wanted, r.name);
  const std::string first = displays.empty() ? std::string() : displays.front();
  for (const auto& name : wanted) {
    const auto& facts = p.role(name);
    // a gap is reported on the file that named the role, else the first input
    std::string where = first;
    for (const auto& in : p.instances)
      if (role_of_profile(p, in) == name) {
        where = in.source;
        break;
      }
    model.roles.push_back(build_role(p, facts, model.errors, where));
  }
  // get-policy-version documents tied to a policy that no role reported has attached
  for (const auto& arn : p.version_arns) {
    const bool used = std::any_of(model.roles.begin(), model.roles.end(), [&](const Role& r) {
      return std::any_of(r.policies.begin(), r.policies.end(),
                         [&](const Policy& x) { return x.arn == arn; });
    });
    const auto doc = std::find_if(p.managed_docs.begin(), p.managed_docs.end(),
                                  [&](const Policy& d) { return d.arn == arn; });
    if (!used && doc != p.managed_docs.end()) p.bare.push_back(*doc);
  }
  model.unattached = std::move(p.bare);
  model.files = std::move(p.files);
  model.errors.insert(model.errors.begin(), p.errors.begin(), p.errors.end());
  return model;
}

}  // namespace sqltriage::aws
