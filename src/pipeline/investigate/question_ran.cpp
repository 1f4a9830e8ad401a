// Q3: who runs it? Process creations with the file as image and their parent chains,
// services and other persistence pointing at it, execution traces (ShimCache, BAM, Amcache,
// Prefetch), and what the running file connected to.
#include "pipeline/investigate/answer_builder.hpp"
#include "pipeline/investigate/process_chain.hpp"
#include "pipeline/investigate/questions.hpp"

namespace sqltriage::investigation {

namespace {

bool persistence(const std::string& type) {
  return type == "registry.service" || type == "registry.autorun" ||
         type == "registry.scheduled_task" || type == "registry.startup_file" ||
         type == "registry.wmi" || type == "evtx.service_installed";
}

bool execution_trace(const std::string& type) {
  return type == "registry.shimcache" || type == "registry.bam" || type == "registry.amcache" ||
         type == "registry.prefetch";
}

}  // namespace

QuestionAnswer answer_ran(const Context& ctx, const Subject& s) {
  AnswerBuilder b(ctx, "ran", "Who runs it?");
  const auto& fs = ctx.findings;
  std::size_t runs = 0;
  std::vector<std::pair<std::uint64_t, Filetime>> starts;
  Filetime first_time = 0;
  bool seen_sysmon = false;
  bool parent_known = false;
  std::string first_run, persist, traces, connections;

  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    if (f.type == "evtx.process_creation") {
      const auto node = ProcessIndex::from_finding(f);
      if (!node || !same_path(node->image, s.path)) continue;
      b.cite(i);
      // Sysmon 1 and 4688 record the same start: count it once.
      bool seen = false;
      for (const auto& [pid, t] : starts)
        seen |= pid == node->pid && (t > node->time ? t - node->time : node->time - t) < 50'000'000;
      if (!seen) {
        starts.emplace_back(node->pid, node->time);
        ++runs;
      }
      std::string line = when(f.time) + (node->event_id == 1 ? " Sysmon 1" : " 4688") + ": " +
                         (node->parent_image.empty() ? std::string("(unknown parent)") : node->parent_image) +
                         " started it" + (node->user.empty() ? "" : " as " + node->user) + ": " +
                         node->command_line;
      b.point(line);
      const ProcessNode* indexed = ctx.processes.of_event(f.artifact);
      const std::string chain = describe_parents(b, indexed ? *indexed : *node);
      if (!chain.empty()) b.point(chain);
      if (!node->parent_image.empty() || !chain.empty()) parent_known = true;
      // The first start in time; of the two logs, Sysmon names the account better.
      const bool earlier = first_time == 0 || node->time + 50'000'000 < first_time;
      if (earlier || (node->event_id == 1 && !seen_sysmon && node->time < first_time + 50'000'000)) {
        first_time = std::min(first_time == 0 ? node->time : first_time, node->time);
        seen_sysmon |= node->event_id == 1;
        first_run = "first run " + when(f.time) + " by " +
                    (node->parent_image.empty() ? std::string("an unknown parent") : node->parent_image) +
                    (node->user.empty() ? "" : " as " + node->user);
      }
    } else if (persistence(f.type) && about(f, s)) {
      b.cite(i);
      b.point("persistence: " + f.summary);
      std::string name = text(f, "ServiceName");
      if (name.empty()) name = text(f, "ValueName");
      if (name.empty()) name = text(f, "TaskPath");
      const std::string kind = f.type == "registry.autorun" ? "Run key " + name
                               : f.type == "registry.scheduled_task" ? "task " + name
                               : f.type.ends_with("service") || f.type == "evtx.service_installed"
                                   ? "service " + name
                                   : f.summary;
      if (persist.find(kind) == std::string::npos) persist += (persist.empty() ? "" : ", ") + kind;
    } else if (execution_trace(f.type) && about(f, s)) {
      b.cite(i);
      b.point("execution trace: " + f.summary);
      const std::string kind = f.type.substr(f.type.find('.') + 1);
      if (traces.find(kind) == std::string::npos) traces += (traces.empty() ? "" : ", ") + kind;
    } else if (f.type == "evtx.network_connection" && same_path(text(f, "Image"), s.path)) {
      b.cite(i);
      const std::string peer = text(f, "DestinationIp") + ":" + text(f, "DestinationPort");
      b.point(when(f.time) + " it connected to " + peer);
      if (connections.find(peer) == std::string::npos)
        connections += (connections.empty() ? "" : ", ") + peer;
    } else if (f.type == "evtx.registry_value_set" && about(f, s)) {
      b.cite(i);
      b.point(when(f.time) + " " + f.summary);
    }
  }

  if (!runs) {
    b.missing(missing_artifacts(ctx, {{"Sysmon", "Sysmon log (process creation, Sysmon 1)"},
                                      {"Security.evtx", "Security log (process creation, 4688)"}}));
    if (ctx.processes.count(4688) == 0)
      b.missing("Security 4688 events (process creation auditing off, or the log cleared)");
  }
  b.missing(missing_artifacts(ctx, {{"config\\SYSTEM", "SYSTEM hive (services, ShimCache, BAM)"},
                                    {"config\\SOFTWARE", "SOFTWARE hive (Run keys, tasks)"},
                                    {"Amcache.hve", "Amcache.hve"}}));

  std::string summary;
  if (runs)
    summary = "Started " + (runs == 1 ? std::string("once") : std::to_string(runs) + " times") +
              " in the logs: " + first_run + ".";
  if (!persist.empty()) summary += " Persistence pointing at it: " + persist + ".";
  if (!traces.empty()) summary += " Execution traces: " + traces + ".";
  if (!connections.empty()) summary += " It connected to " + connections + ".";
  if (summary.empty()) summary = "No event, persistence or execution trace names the file as a program that ran.";
  else if (summary.front() == ' ') summary.erase(0, 1);

  std::string head = first_run;
  if (!persist.empty()) head += std::string(head.empty() ? "" : "; ") + "persistence: " + persist;
  b.headline(head);

  const Answer a = runs && parent_known ? Answer::answered
                   : (runs || !persist.empty() || !traces.empty()) ? Answer::partly
                                                                   : Answer::no_evidence;
  return b.finish(a, summary);
}

}  // namespace sqltriage::investigation
