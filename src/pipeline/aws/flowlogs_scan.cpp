// `sqltriage aws flowlogs`: stream every flow-log file, fold the host's records into
// conversations, then report the conversations a responder looks at (flow_peer_finding.hpp)
// with the flow checks' verdicts, most severe and largest first.
#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>

#include "artifacts/aws/flowlogs_fields.hpp"  // canonical_address
#include "pipeline/aws/export_run.hpp"
#include "pipeline/aws/flow_conversations.hpp"
#include "pipeline/aws/flow_peer_class.hpp"
#include "pipeline/aws/flow_peer_finding.hpp"
#include "pipeline/open_inputs.hpp"
#include "sqltriage/aws_flowlogs.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {

namespace {

using nlohmann::ordered_json;
using pipeline::emit_counted;
using pipeline::aws::ConversationTable;
using pipeline::aws::Folded;

/// What one file held, beyond the reader's summary.
struct FileCounts {
  std::uint64_t host_records = 0;    ///< records that involve the host
  std::uint64_t folded = 0;          ///< of those, folded into a conversation
  std::uint64_t outside_window = 0;  ///< of those, outside --since/--until
  std::uint64_t nodata = 0, skipdata = 0;
};

std::string plural(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

class FlowLogsScan {
 public:
  FlowLogsScan(const AwsFlowLogsScanOptions& options, FindingSink& sink)
      : opt_(options),
        sink_(sink),
        table_(options.host_ip, options.since, options.until, options.vpc_cidrs) {
    checks_.pivot = opt_.pivot;
    checks_.egress_bytes = opt_.egress_bytes;
  }

  ScanOutcome run(const std::string& command) {
    auto er = pipeline::aws::start_export_run(command, opt_.inputs, aws::ExportKind::flowlogs);
    sink_.begin(er.run.header);
    for (const auto& e : er.run.early) emit_counted(sink_, outcome_, e);
    for (std::size_t i = 0; i < er.files.size(); ++i) read_file(er.files[i], i);
    emit_conversations(er.files);
    outcome_.nothing_readable = files_read_ == 0 || (outcome_.stats.records == 0 && bad_lines_ > 0);
    outcome_.stats.files = files_read_;
    pipeline::finish_run(er.run, sink_, outcome_);
    return outcome_;
  }

 private:
  void read_file(const aws::ExportFile& file, std::size_t index) {
    const std::string path = file.path.string();
    FileCounts counts;
    aws::FlowFileSummary summary;
    try {
      const auto source = pipeline::aws::open_export(file);
      summary = aws::read_flowlogs(
          source, path,
          [&](const aws::FlowRecord& r) {
            if (r.start && (!earliest_ || *r.start < *earliest_)) earliest_ = r.start;
            if (r.log_status == "NODATA") ++counts.nodata;
            if (r.log_status == "SKIPDATA") ++counts.skipdata;
            switch (table_.add(r, index)) {
              case Folded::not_host:
                return;
              case Folded::outside_window:
                ++counts.outside_window;
                break;
              case Folded::folded:
                ++counts.folded;
                break;
              case Folded::aggregated:
              case Folded::untracked:
                break;
            }
            ++counts.host_records;
          },
          [&](ErrorEntry e) { emit_counted(sink_, outcome_, e); });
    } catch (const ArtifactError& e) {
      emit_counted(sink_, outcome_, make_error(e, "open_failed"));
      return;
    } catch (const std::exception& e) {
      emit_counted(sink_, outcome_, make_error(path, "open_failed", e.what()));
      return;
    }
    ++files_read_;
    outcome_.stats.records += summary.records;
    bad_lines_ += summary.bad_lines;
    ordered_json details = ordered_json::object();
    details["format"] = summary.format;
    details["fields"] = summary.fields;
    details["records"] = summary.records;
    details["bad_lines"] = summary.bad_lines;
    details["nodata_records"] = counts.nodata;
    details["skipdata_records"] = counts.skipdata;
    details["host_records"] = counts.host_records;
    details["host_records_outside_window"] = counts.outside_window;
    details["truncated"] = summary.truncated;
    const std::string what =
        summary.format + " format, " + plural(summary.records, "record") + ", " +
        std::to_string(counts.host_records) + " of the host" +
        (summary.bad_lines ? ", " + plural(summary.bad_lines, "bad line") : std::string()) +
        (counts.skipdata ? ", " + plural(counts.skipdata, "SKIPDATA record") : std::string()) +
        (summary.truncated ? ", truncated" : "");
    emit_counted(sink_, outcome_, pipeline::aws::export_finding(file, what, std::move(details)));
  }

  void emit_conversations(const std::vector<aws::ExportFile>& files) {
    // Logs that begin at or after the pivot cannot tell a peer new since the pivot from one
    // first logged: every peer would look new.
    if (opt_.pivot && earliest_ && *earliest_ > *opt_.pivot) {
      emit_counted(sink_, outcome_,
                   make_error("flow logs", "missing",
                              "the flow logs begin at " + format_filetime(*earliest_) +
                                  ", after the pivot " + format_filetime(*opt_.pivot) +
                                  ": peers new since the pivot cannot be told from peers first "
                                  "logged, so new_peer_after_pivot is not applied"));
      checks_.pivot.reset();
      pivot_usable_ = false;
    }
    const auto& all = table_.conversations();
    std::vector<std::string> classes;
    classes.reserve(all.size());
    std::set<std::string> rejected_private;
    for (const auto& c : all) {
      classes.push_back(table_.peer_class(c.peer));
      if (pipeline::aws::PeerClassifier::internal(classes.back()) && c.host_opened() &&
          c.rejected > 0)
        rejected_private.insert(c.peer);
    }
    pipeline::aws::FlowPeerContext ctx;
    ctx.table = &table_;
    ctx.egress_bytes = opt_.egress_bytes;
    if (pivot_usable_) ctx.pivot = opt_.pivot;
    ctx.rejected_private_peers = rejected_private.size();

    struct Pending {
      std::size_t index;
      Severity severity;
      std::uint64_t bytes;
    };
    std::vector<Pending> chosen;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!pipeline::aws::reported(all[i], classes[i], ctx)) continue;
      // Severity needs the checks; the finding itself is rebuilt when written, so that
      // only --top of them are ever held.
      Finding f = finding_of(i, classes[i], files, ctx);
      std::uint64_t bytes = all[i].bytes_host_to_peer;
      pipeline::aws::add_saturating(bytes, all[i].bytes_peer_to_host);
      chosen.push_back({i, f.severity, bytes});
    }
    std::sort(chosen.begin(), chosen.end(), [&](const Pending& a, const Pending& b) {
      if (a.severity != b.severity) return a.severity > b.severity;
      if (a.bytes != b.bytes) return a.bytes > b.bytes;
      const auto& x = all[a.index];
      const auto& y = all[b.index];
      return std::tie(x.peer, x.service_port, x.protocol, x.opener) <
             std::tie(y.peer, y.service_port, y.protocol, y.opener);
    });
    for (std::size_t k = 0; k < chosen.size() && k < opt_.top; ++k) {
      const auto i = chosen[k].index;
      emit_counted(sink_, outcome_, finding_of(i, classes[i], files, ctx));
    }
    const std::string where = opt_.inputs.empty() ? std::string() : opt_.inputs.front().string();
    if (chosen.size() > opt_.top)
      emit_counted(sink_, outcome_,
                   make_error(where, "limit",
                              std::to_string(chosen.size() - opt_.top) +
                                  " more aws.flow_peer findings not listed (--top " +
                                  std::to_string(opt_.top) + ")"));
    limit_errors(where);
  }

  /// The "limit" errors of the conversation table: what it could not hold, and how.
  void limit_errors(const std::string& where) {
    const auto& lim = table_.limits();
    const auto limit = [&](const std::string& message) {
      emit_counted(sink_, outcome_, make_error(where, "limit", message));
    };
    if (table_.untracked_records())
      limit(std::to_string(table_.untracked_records()) +
            " records of the host's conversations beyond the first " + std::to_string(lim.checked) +
            " that can raise a check were counted but not folded");
    if (table_.aggregated_records()) {
      std::string rows;
      const auto& aggs = table_.aggregates();
      for (std::size_t k = 0; k < aggs.size() && k < 10; ++k)
        rows += (k ? ", " : "") + std::to_string(aggs[k].service_port) + "/" +
                pipeline::aws::transport_name(aggs[k].protocol) + ": " +
                plural(aggs[k].records, "record") + ", " +
                std::to_string(aggs[k].bytes_peer_to_host) + " bytes received, " +
                std::to_string(aggs[k].bytes_host_to_peer) + " bytes sent";
      if (aggs.size() > 10) rows += ", " + std::to_string(aggs.size() - 10) + " more";
      limit(std::to_string(table_.aggregated_records()) +
            " records of inbound conversations from public peers beyond the first " +
            std::to_string(lim.inbound_public) + " were folded into " +
            plural(aggs.size(), "aggregate") + " per service port and protocol, not reported (" +
            rows + ")");
    }
    if (table_.unaggregated_records())
      limit(std::to_string(table_.unaggregated_records()) +
            " records of inbound conversations from public peers beyond the first " +
            std::to_string(lim.aggregates) + " aggregates were counted but not folded");
    if (table_.untracked_checked_peer_records())
      limit(std::to_string(table_.untracked_checked_peer_records()) +
            " records of peers beyond the first " + std::to_string(lim.checked) +
            " that can raise a check were not tracked for peer_first_seen");
    if (table_.untracked_public_peer_records())
      limit(std::to_string(table_.untracked_public_peer_records()) +
            " records of public peers seen only inbound beyond the first " +
            std::to_string(lim.inbound_public) +
            " were not tracked for peer_first_seen: a conversation the host opened later to "
            "one of them may be reported as new after the pivot");
  }

  Finding finding_of(std::size_t i, const std::string& peer_class,
                     const std::vector<aws::ExportFile>& files,
                     const pipeline::aws::FlowPeerContext& ctx) const {
    const auto& c = table_.conversations()[i];
    Finding f = pipeline::aws::flow_peer_finding(c, peer_class, files[c.file].path.string(), ctx);
    checks::apply_aws_flow_checks(f, checks_);
    return f;
  }

  const AwsFlowLogsScanOptions& opt_;
  FindingSink& sink_;
  ConversationTable table_;
  checks::AwsFlowCheckOptions checks_;
  ScanOutcome outcome_;
  std::uint64_t files_read_ = 0;
  std::uint64_t bad_lines_ = 0;
  std::optional<Filetime> earliest_;  ///< the earliest record start of all files
  bool pivot_usable_ = true;
};

}  // namespace

void check_options(const AwsFlowLogsScanOptions& options) {
  if (!aws::flowlogs::canonical_address(options.host_ip))
    throw std::invalid_argument("--host-ip: '" + options.host_ip + "' is not an IP address");
  pipeline::aws::check_vpc_cidrs(options.vpc_cidrs);
}

ScanOutcome scan_aws_flowlogs(const AwsFlowLogsScanOptions& options, const std::string& command,
                              FindingSink& sink) {
  return FlowLogsScan(options, sink).run(command);  // throws for a --host-ip that is no address
}

}  // namespace sqltriage
