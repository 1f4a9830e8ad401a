// The aws iam checks (docs/checks.md#aws-checks): one hit per sensitive permission family an
// aws.permission statement or an aws.role grants and no Deny takes back entirely. Severity and
// techniques come from the family table (aws::sensitive_actions()), never from the data; a "*"
// grant that Deny statements with NotAction narrow to a few actions is rated by the families
// those actions reach (docs/aws.md). Reasons name what the statements grant ("actions").
#include <algorithm>

#include "artifacts/aws/iam_fields.hpp"
#include "checks/data_fields.hpp"
#include "sqltriage/aws_iam.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

using data::member;
using data::text;
using nlohmann::ordered_json;

const aws::SensitiveAction* family_of(const std::string& check) {
  for (const auto& f : aws::sensitive_actions())
    if (f.check == check) return &f;
  return nullptr;
}

std::vector<std::string> string_list(const ordered_json* list) {
  std::vector<std::string> out;
  if (!list || !list->is_array()) return out;
  for (const auto& v : *list)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

/// "a, b and 3 more" from a JSON array of strings (items clipped, see iam_fields.hpp).
std::string listed(const ordered_json* list) {
  const auto items = string_list(list);
  return items.empty() ? std::string("no resource given") : aws::iam_detail::shown(items);
}

/// A "*" entry that NotAction Denies narrowed to a few actions: rated by the other families
/// of the finding (not denied) that one of those actions reaches; low when none.
Severity narrowed_severity(const ordered_json& sensitive, const std::vector<std::string>& left) {
  Severity out = Severity::low;
  for (const auto& e : sensitive) {
    if (!e.is_object() || !text(e, "denied_by").empty()) continue;
    const auto* f = family_of(text(e, "check"));
    if (!f || f->pattern == "*") continue;
    for (const auto& a : left)
      if (aws::patterns_overlap(a, f->pattern) && f->severity > out) out = f->severity;
  }
  return out;
}

std::string who(const ordered_json& data) {
  const auto* aws = member(data, "aws");
  const auto* iam = aws ? member(*aws, "iam") : nullptr;
  const auto* role = iam ? member(*iam, "role") : nullptr;
  if (role && !text(*role, "name").empty()) return "role " + text(*role, "name");
  const auto* policy = iam ? member(*iam, "policy") : nullptr;
  return policy ? "policy " + text(*policy, "name") : "the role";
}

}  // namespace

void apply_aws_iam_checks(Finding& f) {
  if (f.type != "aws.permission" && f.type != "aws.role") return;
  const auto* sensitive = member(f.data, "sensitive");
  if (!sensitive || !sensitive->is_array()) return;
  const std::string subject = who(f.data);
  for (const auto& entry : *sensitive) {
    if (!entry.is_object() || !text(entry, "denied_by").empty()) continue;
    const auto* family = family_of(text(entry, "check"));
    if (!family) continue;
    const auto actions = string_list(member(entry, "actions"));
    const auto left = string_list(member(entry, "remaining"));
    const bool narrowed_all = family->pattern == "*" && !left.empty() &&
                              std::none_of(left.begin(), left.end(), [](const std::string& a) {
                                return a.find_first_not_of('*') == std::string::npos;
                              });
    Severity severity = family->severity;
    std::string reason = subject + " may ";
    if (narrowed_all) {
      severity = narrowed_severity(*sensitive, left);
      reason += "only " + aws::iam_detail::shown(left) +
                " (all that Deny statements with NotAction leave of every action; rated by the "
                "families these reach) on " +
                listed(member(entry, "resources"));
    } else {
      reason += (actions.empty() ? family->pattern : aws::iam_detail::shown(actions)) +
                " (family " + family->pattern + ": " + family->why + ") on " +
                listed(member(entry, "resources"));
    }
    if (f.type == "aws.role") {
      const auto* via = member(entry, "via");
      if (via && via->is_array() && !via->empty()) reason += ", through " + listed(via);
    }
    const auto partly = text(entry, "partly_denied_by");
    if (!partly.empty()) reason += "; partly denied by " + partly;
    f.add_check({family->check, severity, family->attack, reason});
  }
}

}  // namespace sqltriage::checks
