// `sqltriage aws iam`: read the IAM and EC2 exports into the model (read_iam_exports), then
// write what each instance runs as and what its role may do, statement by statement.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "artifacts/aws/iam_glob.hpp"
#include "artifacts/aws/iam_pieces.hpp"
#include "pipeline/aws/export_run.hpp"
#include "pipeline/aws/iam_findings.hpp"
#include "sqltriage/aws_exports.hpp"  // is_instance_id
#include "sqltriage/aws_iam.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {

namespace {

using pipeline::emit_counted;
using sqltriage::aws::IamModel;
using sqltriage::aws::Instance;
using sqltriage::aws::Role;

/// Automaton steps the pattern comparisons of one run may take: a base plus an allowance per
/// statement, far above what real policies need (a few thousand per statement) and a few
/// seconds at most for a crafted one.
constexpr std::size_t kPatternBudgetBase = 10'000'000;
constexpr std::size_t kPatternBudgetPerStatement = 50'000;

std::string role_of(const IamModel& m, const Instance& in) {
  for (const auto& key : {in.profile_arn, in.profile_name})
    for (const auto& [k, role] : m.profile_roles)
      if (!key.empty() && k == key) return role;
  return {};
}

const Role* find_role(const IamModel& m, const std::string& name) {
  for (const auto& r : m.roles)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

void check_options(const AwsIamScanOptions& options) {
  if (!options.instance_id.empty() && !aws::is_instance_id(options.instance_id))
    throw std::invalid_argument("--instance-id " + options.instance_id +
                                " is not an instance id (i- and 8 or 17 hex digits)");
}

ScanOutcome scan_aws_iam(const AwsIamScanOptions& options, const std::string& command,
                         FindingSink& sink) {
  check_options(options);
  ScanOutcome outcome;
  auto er = pipeline::aws::start_export_run(command, options.inputs, aws::ExportKind::iam);
  sink.begin(er.run.header);
  for (const auto& e : er.run.early) emit_counted(sink, outcome, e);

  std::vector<std::shared_ptr<const ByteSource>> sources;
  std::vector<std::string> displays;
  std::map<std::string, const aws::ExportFile*> by_display;
  for (const auto& file : er.files) {
    try {
      sources.push_back(pipeline::aws::open_export(file));
      displays.push_back(file.path.string());
      by_display[file.path.string()] = &file;
    } catch (const ArtifactError& e) {
      emit_counted(sink, outcome, make_error(e, "open_failed"));
    }
  }
  const IamModel model = aws::read_iam_exports(sources, displays);

  for (const auto& file : model.files) {
    if (file.layout == "unknown") continue;
    const auto it = by_display.find(file.source);
    if (it == by_display.end()) continue;
    emit_counted(sink, outcome,
                 pipeline::aws::export_finding(*it->second, file.layout + ": " + file.what,
                                               {{"layout", file.layout}}));
    ++outcome.stats.files;
  }
  for (const auto& e : model.errors) emit_counted(sink, outcome, e);

  // --instance-id: that instance and its role only
  std::vector<const Instance*> instances;
  for (const auto& in : model.instances)
    if (options.instance_id.empty() || in.instance_id == options.instance_id)
      instances.push_back(&in);
  std::string only_role;
  bool filter_roles = false;
  if (!options.instance_id.empty()) {
    if (instances.empty()) {
      emit_counted(sink, outcome,
                   make_error(displays.empty() ? std::string() : displays.front(), "missing",
                              "instance " + options.instance_id +
                                  " is not in any describe-instances export, so its role is "
                                  "not known: run aws ec2 describe-instances --instance-ids " +
                                  options.instance_id + "; every role read is reported"));
    } else {
      filter_roles = true;
      only_role = role_of(model, *instances.front());
    }
  }

  // pattern comparisons are bounded over the run: crafted wildcards cannot stall it
  std::size_t statements = 0;
  for (const auto& role : model.roles)
    for (const auto& p : role.policies) statements += p.statements.size();
  for (const auto& p : model.unattached) statements += p.statements.size();
  aws::glob::set_budget(kPatternBudgetBase + kPatternBudgetPerStatement * statements);
  for (const auto* in : instances)
    emit_counted(sink, outcome,
                 pipeline::aws_iam::instance_finding(*in, find_role(model, role_of(model, *in))));

  for (const auto& role : model.roles) {
    if (filter_roles && role.name != only_role) continue;
    pipeline::aws_iam::RoleUse use;
    for (const auto& in : model.instances)
      if (!in.profile_arn.empty() && role_of(model, in) == role.name) {
        use.instance_ids.push_back(in.instance_id);
        if (std::find(use.profiles.begin(), use.profiles.end(), in.profile_arn) ==
            use.profiles.end())
          use.profiles.push_back(in.profile_arn);
      }
    const auto denies = pipeline::aws_iam::deny_refs(role.policies);
    for (const auto& policy : role.policies)
      for (const auto& s : policy.statements) {
        emit_counted(sink, outcome,
                     pipeline::aws_iam::permission_finding(&role, use, policy, s, denies));
        ++outcome.stats.records;
      }
    emit_counted(sink, outcome, pipeline::aws_iam::role_finding(role, use, denies));
  }
  for (const auto& policy : model.unattached) {
    const std::vector<aws::Policy> alone{policy};
    const auto denies = pipeline::aws_iam::deny_refs(alone);
    for (const auto& s : policy.statements) {
      emit_counted(sink, outcome,
                   pipeline::aws_iam::permission_finding(nullptr, {}, policy, s, denies));
      ++outcome.stats.records;
    }
  }
  if (aws::glob::budget_spent())
    emit_counted(sink, outcome,
                 make_error(displays.empty() ? std::string() : displays.front(), "limit",
                            "the policies' wildcard patterns took too long to compare: from "
                            "then on a statement was taken to reach a family whenever it might, "
                            "and a Deny to take it back only partly"));
  aws::glob::set_budget(0);
  outcome.nothing_readable = outcome.stats.files == 0;
  pipeline::finish_run(er.run, sink, outcome);
  return outcome;
}

}  // namespace sqltriage
