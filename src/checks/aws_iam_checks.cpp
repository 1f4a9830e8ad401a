// The aws iam checks (docs/checks.md#aws-checks): one hit per sensitive permission family an
// aws.permission statement or an aws.role grants and no Deny takes back entirely. Severity and
// techniques come from the family table (aws::sensitive_actions()), never from the data.
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

/// "a, b and 3 more" from a JSON array of strings.
std::string listed(const ordered_json* list) {
  constexpr std::size_t kShown = 3;
  if (!list || !list->is_array() || list->empty()) return "no resource given";
  std::string out;
  std::size_t n = 0;
  for (const auto& v : *list) {
    if (!v.is_string()) continue;
    if (n == kShown) return out + " and " + std::to_string(list->size() - n) + " more";
    out += (n++ ? ", " : "") + v.get<std::string>();
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
    std::string reason = subject + " may " + family->pattern + " (" + family->why + ") on " +
                         listed(member(entry, "resources"));
    if (f.type == "aws.role") {
      const auto* via = member(entry, "via");
      if (via && via->is_array() && !via->empty()) reason += ", through " + listed(via);
    }
    const auto partly = text(entry, "partly_denied_by");
    if (!partly.empty()) reason += "; partly denied by " + partly;
    f.add_check({family->check, family->severity, family->attack, reason});
  }
}

}  // namespace sqltriage::checks
