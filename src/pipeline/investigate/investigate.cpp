// `sqltriage investigate`: runs the scans once over the evidence, keeps what concerns the
// target files and their windows, and answers the four questions.
#include "sqltriage/investigate.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "pipeline/investigate/questions.hpp"
#include "pipeline/investigate/step_sink.hpp"
#include "pipeline/open_inputs.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evtx_scan.hpp"
#include "sqltriage/mft_scan.hpp"
#include "sqltriage/pe_scan.hpp"
#include "sqltriage/registry_scan.hpp"
#include "sqltriage/weblog_scan.hpp"
#include "sqltriage/webshell_scan.hpp"
#include "sqltriage/yara_rules.hpp"

namespace sqltriage {

namespace {

using investigation::Context;
using investigation::StepSink;

constexpr const char* kCommand = "investigate";

class Steps {
 public:
  explicit Steps(const InvestigateOptions& o) : o_(o), total_(o.aws.empty() ? 7 : 10) {}

  /// Runs one step: reports progress, and turns an unexpected exception into an error entry
  /// so that the other steps still run.
  template <typename F>
  void run(Context& ctx, const char* name, F&& step) {
    if (o_.progress) o_.progress(name, ++number_, total_);
    try {
      const ScanOutcome outcome = step();
      if (!outcome.nothing_readable) ctx.any_readable = true;
    } catch (const ArtifactError&) {
      throw;  // an input file of the options (hash set, CA file): a usage error
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const std::exception& e) {
      ctx.errors.push_back(make_error(name, "open_failed",
                                      std::string("the ") + name + " step failed: " + e.what()));
    }
  }

  void report(const char* name) {
    if (o_.progress) o_.progress(name, ++number_, total_);
  }
  void done() {
    if (o_.progress) o_.progress("done", total_, total_);
  }

 private:
  const InvestigateOptions& o_;
  int number_ = 0;
  int total_;
};

bool names_any_target(const Finding& f, const std::vector<std::string>& targets) {
  for (const auto& t : targets)
    if (evtx_finding_names_target(f, t)) return true;
  return false;
}

/// The union of the subjects' windows.
std::pair<std::optional<Filetime>, std::optional<Filetime>> union_window(
    const std::vector<Subject>& subjects) {
  std::optional<Filetime> since, until;
  for (const auto& s : subjects) {
    if (!s.pivot.since) continue;
    since = since ? std::min(*since, *s.pivot.since) : *s.pivot.since;
    until = until ? std::max(*until, *s.pivot.until) : *s.pivot.until;
  }
  return {since, until};
}

bool in_any_window(const Finding& f, const std::vector<Subject>& subjects) {
  for (const auto& s : subjects)
    if (investigation::in_window(f, s.pivot)) return true;
  return false;
}

bool about_any(const Finding& f, const std::vector<Subject>& subjects) {
  for (const auto& s : subjects)
    if (investigation::about(f, s)) return true;
  return false;
}

void run_aws(Context& ctx, Steps& steps, const std::vector<Subject>& subjects) {
  const InvestigateOptions& o = ctx.options;
  ctx.instance_id = o.instance_id;
  ctx.host_ip = o.host_ip;
  std::vector<std::string> instance_ips;
  std::vector<std::string> instances_seen;
  steps.run(ctx, "aws iam", [&] {
    AwsIamScanOptions opt;
    opt.inputs = o.aws;
    opt.instance_id = o.instance_id;
    StepSink sink(ctx, [&](const Finding& f) {
      if (f.type == "aws.instance") {
        const auto* idv = investigation::nested(f, "cloud.instance.id");
        const std::string id = idv && idv->is_string() ? idv->get<std::string>() : "";
        if (!id.empty()) instances_seen.push_back(id);
        if (o.instance_id.empty() || id == o.instance_id) {
          if (const auto* ips = investigation::nested(f, "host.ip"); ips && ips->is_array())
            for (const auto& ip : *ips)
              if (ip.is_string()) instance_ips.push_back(ip.get<std::string>());
          const auto* priv = investigation::nested(f, "aws.ec2.instance.private_ips");
          if (ctx.host_ip.empty() && priv && priv->is_array() && !priv->empty() &&
              (*priv)[0].is_string())
            ctx.host_ip = (*priv)[0].get<std::string>();
        }
        return true;
      }
      return f.type != "aws.permission" || f.severity >= Severity::low;
    });
    return scan_aws_iam(opt, kCommand, sink);
  });
  if (ctx.instance_id.empty()) {
    std::sort(instances_seen.begin(), instances_seen.end());
    instances_seen.erase(std::unique(instances_seen.begin(), instances_seen.end()),
                         instances_seen.end());
    if (instances_seen.size() == 1) {
      ctx.instance_id = instances_seen[0];
    } else {
      // Ambiguous: the addresses gathered belong to several instances, not to the host.
      ctx.host_ip = o.host_ip;
      instance_ips.clear();
      ctx.aws_gaps.push_back(
          instances_seen.empty()
              ? "the instance id (no describe-instances export; give --instance-id)"
              : std::to_string(instances_seen.size()) +
                    " instances in the exports: give --instance-id");
    }
  }

  steps.run(ctx, "aws cloudtrail", [&] {
    AwsCloudTrailScanOptions opt;
    opt.inputs = o.aws;
    opt.instance_id = ctx.instance_id;
    opt.instance_ips = instance_ips;
    if (!o.host_ip.empty()) opt.instance_ips.push_back(o.host_ip);
    opt.threads = o.threads;
    if (ctx.instance_id.empty()) {
      ScanOutcome none;
      none.nothing_readable = true;
      return none;  // without an instance every call of the account would be reported
    }
    StepSink sink(ctx, [&](const Finding& f) {
      if (f.type != "aws.api_call") return true;
      ++ctx.cloudtrail_calls;
      return f.severity >= Severity::low || in_any_window(f, subjects);
    });
    return scan_aws_cloudtrail(opt, kCommand, sink);
  });

  steps.run(ctx, "aws flowlogs", [&] {
    ScanOutcome none;
    none.nothing_readable = true;
    if (ctx.host_ip.empty()) {
      ctx.aws_gaps.push_back("the host's private address (give --host-ip) for the flow logs");
      return none;
    }
    AwsFlowLogsScanOptions opt;
    opt.inputs = o.aws;
    opt.host_ip = ctx.host_ip;
    for (const auto& s : subjects)
      if (s.pivot.time) opt.pivot = opt.pivot ? std::min(*opt.pivot, *s.pivot.time) : *s.pivot.time;
    StepSink sink(ctx, {});
    return scan_aws_flowlogs(opt, kCommand, sink);
  });
}

}  // namespace

InvestigationReport investigate(const InvestigateOptions& o) {
  if (o.targets.empty()) throw std::invalid_argument("investigate needs at least one --target");
  const auto started = std::chrono::steady_clock::now();
  InvestigationReport report;
  report.header.command = kCommand;
  report.header.started = now_filetime();
  report.targets = o.targets;
  Context ctx(o);
  Steps steps(o);
  auto keep_header = [&](const DocumentHeader& h) {
    for (const auto& e : h.evidence) {
      bool known = false;
      for (const auto& k : report.header.evidence) known |= k.path == e.path;
      if (!known) report.header.evidence.push_back(e);
    }
  };
  ctx.on_begin = keep_header;

  steps.run(ctx, "mft", [&] {
    auto opt = pipeline::on_evidence<MftScanOptions>(o.inputs, o.evidence, o.threads);
    opt.targets = o.targets;
    opt.keep_data = true;
    StepSink sink(ctx, {});
    return scan_mft(opt, kCommand, sink);
  });

  steps.run(ctx, "pe", [&] {
    auto opt = pipeline::on_evidence<PeScanOptions>(o.inputs, o.evidence, o.threads);
    opt.targets = o.targets;
    opt.hash_sets = o.hash_sets;
    opt.vt_reports = o.vt_reports;
    opt.ca_files = o.ca_files;
    opt.now = o.now;
    StepSink sink(ctx, {});
    return scan_pe(opt, kCommand, sink);
  });

  // The event logs once in full: the events naming the file are kept, and every process
  // creation is indexed for the parent chains.
  steps.run(ctx, "evtx", [&] {
    auto opt = pipeline::on_evidence<EvtxScanOptions>(o.inputs, o.evidence, o.threads);
    StepSink sink(
        ctx,
        [&](const Finding& f) {
          if (auto node = investigation::ProcessIndex::from_finding(f))
            ctx.processes.add(std::move(*node));
          return names_any_target(f, o.targets);
        },
        [&](const Finding& f, std::size_t i) { ctx.processes.set_finding(f.artifact, i); });
    return scan_evtx(opt, kCommand, sink);
  });
  if (ctx.processes.dropped())
    ctx.errors.push_back(make_error(
        "evtx", "limit",
        std::to_string(ctx.processes.dropped()) + " process creations beyond the first " +
            std::to_string(investigation::ProcessIndex::kMaxNodes) +
            " were not indexed: parent chains through them are not followed"));

  report.subjects = investigation::find_subjects(ctx);
  for (auto& s : report.subjects) investigation::choose_pivot(ctx, s);
  const auto [since, until] = union_window(report.subjects);

  if (since) {
    // The second pass over the logs keeps only the window, which the pivot has just given.
    auto opt = pipeline::on_evidence<EvtxScanOptions>(o.inputs, o.evidence, o.threads);
    opt.since = since;
    opt.until = until;
    // Subjects far apart in time make the union window wide: keep only each one's own.
    StepSink sink(
        ctx, [&](const Finding& f) { return in_any_window(f, report.subjects); },
        [&](const Finding& f, std::size_t i) { ctx.processes.set_finding(f.artifact, i); });
    try {
      scan_evtx(opt, kCommand, sink);
    } catch (const std::exception& e) {
      ctx.errors.push_back(make_error("evtx", "open_failed",
                                      std::string("the evtx window step failed: ") + e.what()));
    }
  }

  steps.run(ctx, "registry", [&] {
    // Without --target: its checks would raise every entry naming the file, which here is
    // every entry cited; the entries are picked by about() and keep their own checks.
    auto opt = pipeline::on_evidence<RegistryScanOptions>(o.inputs, o.evidence, o.threads);
    StepSink sink(ctx, [&](const Finding& f) {
      return about_any(f, report.subjects) || f.severity >= Severity::medium ||
             f.type == "registry.dirty_hive";
    });
    return scan_registry(opt, kCommand, sink);
  });

  steps.run(ctx, "webshell", [&] {
    auto opt = pipeline::on_evidence<WebshellScanOptions>(o.inputs, o.evidence, o.threads);
    opt.since = since;
    opt.until = until;
    opt.rules.cache_dir = yara::default_cache_dir();
    StepSink sink(ctx, [](const Finding& f) {
      return f.type != "webshell.file" || f.severity >= Severity::low;
    });
    return scan_webshells(opt, kCommand, sink);
  });

  steps.run(ctx, "weblog", [&] {
    auto opt = pipeline::on_evidence<WeblogScanOptions>(o.inputs, o.evidence, o.threads);
    opt.noise = o.noise;
    opt.since = since;
    opt.until = until;
    for (const auto& s : report.subjects) {
      if (!s.finding) continue;
      if (auto size = investigation::number(ctx.findings[*s.finding], "Size"); size && *size) {
        bool known = false;
        for (const auto& u : opt.uploads) known |= u.size == *size;
        if (!known) opt.uploads.push_back(UploadTarget{*size, s.path});
      }
    }
    StepSink sink(ctx, [](const Finding& f) {
      return f.type == "weblog.log" || f.type == "weblog.upload" || f.severity >= Severity::medium;
    });
    return scan_weblogs(opt, kCommand, sink);
  });

  if (!o.aws.empty()) run_aws(ctx, steps, report.subjects);

  steps.report("report");
  for (auto& s : report.subjects) {
    s.questions[0] = investigation::answer_what(ctx, s);
    s.questions[1] = investigation::answer_dropped(ctx, s);
    s.questions[2] = investigation::answer_ran(ctx, s);
    const Severity suspicion =
        std::max({s.questions[0].severity, s.questions[1].severity, s.questions[2].severity});
    s.questions[3] = investigation::answer_reach(ctx, s, suspicion);
  }
  for (auto& s : report.subjects) investigation::assess_subject(ctx, s);

  // The window's events, for the plot and the table.
  for (std::size_t i = 0; i < ctx.findings.size(); ++i)
    for (auto& e : timeline_events(ctx.findings[i])) {
      bool inside = false;
      for (const auto& s : report.subjects)
        inside |= s.pivot.since && e.time >= *s.pivot.since && e.time <= *s.pivot.until;
      if (!inside) continue;
      e.finding = i;
      report.timeline.push_back(std::move(e));
    }
  std::stable_sort(report.timeline.begin(), report.timeline.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });

  report.findings = std::move(ctx.findings);
  report.errors = std::move(ctx.errors);
  for (const auto& f : report.findings)
    report.max_severity = std::max(report.max_severity, f.severity);
  report.nothing_readable = !ctx.any_readable;
  report.stats = ctx.totals;
  report.stats.findings = report.findings.size();
  report.stats.errors = report.errors.size();
  investigation::assess_report(report);
  report.stats.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  steps.done();
  return report;
}

}  // namespace sqltriage
