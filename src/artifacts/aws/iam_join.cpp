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

/// Every managed policy the exports name (get-policy outputs, then attached policies not
/// among them), as (name, ARN, DefaultVersionId or "").
std::vector<PolicyMeta> known_policies(const Pieces& p) {
  std::vector<PolicyMeta> out = p.metas;
  for (const auto& r : p.roles)
    for (const auto& [name, arn] : r.managed)
      if (std::none_of(out.begin(), out.end(), [&](const PolicyMeta& m) { return m.arn == arn; }))
        out.push_back(PolicyMeta{name, arn, "", ""});
  return out;
}

void untied_version(Pieces& p, VersionDoc& v, const std::string& why) {
  v.policy.managed = false;
  v.policy.name = std::filesystem::path(v.policy.source).filename().string();
  p.errors.push_back(make_error(v.policy.source, "missing",
                                "get-policy-version output cannot be tied to a policy: " + why +
                                    "; name the file after its policy (or add the `aws iam "
                                    "get-policy --policy-arn ARN` output); its statements are "
                                    "reported on their own, tied to no role"));
  p.bare.push_back(std::move(v.policy));
}

/// get-policy-version documents to their policy: the policy the file name names wins; else
/// the only get-policy of the same DefaultVersionId, when no other version file is named after
/// that policy; else the only attached policy without a document. Several get-policy outputs
/// of the same version, or a version match another file claims by name, are ambiguous: the
/// document is tied to no role, with a "missing" error.
void tie_versions(Pieces& p) {
  const auto known = known_policies(p);
  const auto named = [&](const std::string& source) {
    return by_file_name(known, source, [](const PolicyMeta& m) { return m.name; });
  };
  std::vector<long> names;  // per version file: the policy its file name names, or -1
  for (const auto& v : p.versions) names.push_back(named(v.policy.source));
  for (std::size_t k = 0; k < p.versions.size(); ++k) {
    auto& v = p.versions[k];
    long pick = names[k];
    if (pick < 0) {
      std::vector<long> same;
      for (std::size_t i = 0; i < known.size(); ++i)
        if (!known[i].default_version.empty() && known[i].default_version == v.policy.version_id)
          same.push_back(static_cast<long>(i));
      if (same.size() > 1) {
        untied_version(p, v,
                       std::to_string(same.size()) + " get-policy outputs have DefaultVersionId " +
                           v.policy.version_id + ", so the version alone is ambiguous");
        continue;
      }
      if (same.size() == 1) {
        bool claimed = false;
        for (std::size_t o = 0; o < names.size(); ++o)
          claimed |= o != k && names[o] == same.front();
        if (claimed) {
          untied_version(p, v,
                         "its version " + v.policy.version_id + " is the default of policy " +
                             known[static_cast<std::size_t>(same.front())].name +
                             ", but another get-policy-version file is named after that "
                             "policy, so the version alone is ambiguous");
          continue;
        }
        pick = same.front();
      }
    }
    if (pick < 0) {  // the only attached policy with no document yet
      std::vector<long> open;
      for (std::size_t i = 0; i < known.size(); ++i) {
        const bool documented = std::any_of(p.managed_docs.begin(), p.managed_docs.end(),
                                            [&](const Policy& d) { return d.arn == known[i].arn; });
        const bool attached = std::any_of(p.roles.begin(), p.roles.end(), [&](const auto& r) {
          return std::any_of(r.managed.begin(), r.managed.end(),
                             [&](const auto& e) { return e.second == known[i].arn; });
        });
        if (attached && !documented) open.push_back(static_cast<long>(i));
      }
      if (open.size() == 1) pick = open.front();
    }
    if (pick < 0) {
      untied_version(p, v,
                     "no get-policy output of version " + v.policy.version_id +
                         " and no policy name in the file name");
      continue;
    }
    const auto& m = known[static_cast<std::size_t>(pick)];
    v.policy.name = m.name;
    v.policy.arn = m.arn;
    p.version_arns.push_back(m.arn);
    p.managed_docs.push_back(std::move(v.policy));
  }
  p.versions.clear();
}

/// One instance per id: a describe-iam-instance-profile-associations entry and a
/// describe-instances entry of the same instance are merged (the first profile read is kept;
/// addresses are joined; the source is the file that gave addresses, else the first).
void merge_instances(Pieces& p) {
  std::vector<Instance> out;
  for (auto& in : p.instances) {
    const auto it = in.instance_id.empty()
                        ? out.end()
                        : std::find_if(out.begin(), out.end(), [&](const Instance& o) {
                            return o.instance_id == in.instance_id;
                          });
    if (it == out.end()) {
      out.push_back(std::move(in));
      continue;
    }
    if (it->profile_arn.empty()) {
      it->profile_arn = in.profile_arn;
      it->profile_name = in.profile_name;
    }
    if (it->private_ips.empty() && it->public_ips.empty() &&
        !(in.private_ips.empty() && in.public_ips.empty()))
      it->source = in.source;
    for (const auto& ip : in.private_ips) add_unique(it->private_ips, ip);
    for (const auto& ip : in.public_ips) add_unique(it->public_ips, ip);
    if (it->account_id.empty()) it->account_id = in.account_id;
    if (it->region.empty()) it->region = in.region;
  }
  p.instances = std::move(out);
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
  merge_instances(p);
  for (auto& r : p.roles)  // list-roles: the ARNs of roles the other exports name
    for (const auto& [name, arn] : p.listed_roles)
      if (r.name == name && r.arn.empty()) r.arn = arn;
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
