// Q4: how far did it go? From the AWS exports (--aws): the instance role's sensitive
// permissions (what it could reach), the CloudTrail calls of the instance's credentials and
// where they came from, and the flow-log peers (what it did reach).
#include <map>

#include "pipeline/investigate/answer_builder.hpp"
#include "pipeline/investigate/questions.hpp"

namespace sqltriage::investigation {

QuestionAnswer answer_reach(const Context& ctx, const Subject& s, Severity suspicion) {
  AnswerBuilder b(ctx, "reach", "How far did it go?");
  if (ctx.options.aws.empty()) {
    b.missing("AWS exports (--aws): describe-instances, the instance role's policies, CloudTrail, VPC flow logs");
    return b.finish(Answer::no_evidence,
                    "No AWS exports were given (--aws), so the instance role, its API calls and "
                    "the host's network peers are unknown.");
  }
  const auto& fs = ctx.findings;
  bool iam = false, trail = false, flows = false;
  std::size_t raised_calls = 0, peers = 0;
  // What did happen first, then what could: theft, calls, flows, then the role.
  std::vector<std::string> acted, could;
  std::string role, theft, lateral;
  const std::optional<Filetime> pivot = s.pivot.time;

  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    if (!f.type.starts_with("aws.")) continue;
    if (f.type == "aws.export") {
      const std::string kind = text(f, "kind");
      iam |= kind == "iam";
      trail |= kind == "cloudtrail";
      flows |= kind == "flowlogs";
    } else if (f.type == "aws.instance") {
      b.cite(i);
      could.push_back(f.summary);
    } else if (f.type == "aws.role") {
      // What the role may do is a reach, not an act: it counts as low at most.
      b.cite(i, Severity::low);
      could.push_back("could: " + f.summary);
      role = f.summary;
    } else if (f.type == "aws.permission" && f.severity >= Severity::medium) {
      b.cite(i, Severity::low);
      could.push_back("permission: " + f.summary);
    } else if (f.type == "aws.api_call") {
      if (f.severity < Severity::low) continue;
      // Calls before the file existed were not its doing; later ones are, when they fall in
      // its window or the file itself is suspect.
      const bool before = pivot && f.time && *f.time < *pivot;
      const bool its_own = !before && (in_window(f, s.pivot) || suspicion >= Severity::medium);
      b.cite(i, its_own ? Severity::critical : Severity::low);
      ++raised_calls;
      acted.push_back(when(f.time) + " " + f.summary +
                      (before ? " (before the pivot)" : its_own ? "" : " (outside the file's window)"));
    } else if (f.type == "aws.credential_use") {
      b.cite(i, suspicion >= Severity::medium || in_window(f, s.pivot) ? Severity::critical
                                                                        : Severity::low);
      acted.insert(acted.begin(), f.summary);
      if (f.severity >= Severity::medium && theft.empty()) theft = f.summary;
    } else if (f.type == "aws.flow_peer" && f.severity >= Severity::low) {
      const bool before = pivot && f.time && *f.time < *pivot && !has_check(f, "new_peer_after_pivot");
      const bool its_own = !before && (in_window(f, s.pivot) || suspicion >= Severity::medium);
      b.cite(i, its_own ? Severity::critical : Severity::low);
      ++peers;
      acted.push_back("flow: " + f.summary);
      if (has_check(f, "lateral_movement_port") && lateral.empty()) lateral = f.summary;
    }
  }
  for (auto& p : acted) b.point(std::move(p));
  for (auto& p : could) b.point(std::move(p));
  if (!iam) b.missing("IAM exports (describe-instances, get-instance-profile, get-role-policy)");
  if (!trail) b.missing("CloudTrail logs");
  if (!flows) b.missing("VPC flow logs");
  for (const auto& gap : ctx.aws_gaps) b.missing(gap);
  // Damaged exports: what they held is not in the answer.
  std::map<std::string, std::size_t> bad_records;
  for (const auto& e : ctx.errors) {
    bool under_aws = false;
    for (const auto& dir : ctx.options.aws) under_aws |= e.artifact.path.starts_with(dir.string());
    if (!under_aws) continue;
    if (e.code == "truncated" || e.code == "open_failed" || e.code == "corrupt_chunk")
      b.missing(e.artifact.path + " (" + e.code + ": " + e.message + ")");
    else if (e.code == "record" || e.code == "limit")
      ++bad_records[e.artifact.path];
  }
  for (const auto& [path, n] : bad_records)
    b.missing(path + " (" + std::to_string(n) + " unreadable record(s) or limit(s))");

  std::string summary;
  if (!role.empty()) summary = "The instance's " + role + ".";
  if (trail)
    summary += " " + std::to_string(ctx.cloudtrail_calls) + " CloudTrail call(s) of the instance's credentials, " +
               std::to_string(raised_calls) + " raised.";
  if (!theft.empty()) summary += " " + theft + ".";
  if (flows) summary += " " + std::to_string(peers) + " flow-log peer(s) raised" +
                        (lateral.empty() ? "." : ", e.g. " + lateral + ".");
  if (summary.empty()) summary = "The AWS exports given hold nothing about this instance.";
  else if (summary.front() == ' ') summary.erase(0, 1);
  std::string head;
  if (!theft.empty()) head = "the instance's credentials were used from elsewhere";
  if (raised_calls) head += std::string(head.empty() ? "" : "; ") + std::to_string(raised_calls) + " raised CloudTrail call(s)";
  if (!lateral.empty()) head += std::string(head.empty() ? "" : "; ") + "lateral-movement flows";
  else if (peers) head += std::string(head.empty() ? "" : "; ") + std::to_string(peers) + " raised flow peer(s)";
  b.headline(head);

  const Answer a = iam && trail && flows ? Answer::answered
                   : (iam || trail || flows) ? Answer::partly
                                             : Answer::no_evidence;
  return b.finish(a, summary);
}

}  // namespace sqltriage::investigation
