// `sqltriage aws cloudtrail`: every CloudTrail file of the inputs streamed on worker threads
// (one file per unit, output in file order), the events that pass the filters written as
// aws.api_call findings, then the instance role sessions as aws.credential_use findings.
//
// Memory: a worker keeps at most kBufferedFindings findings of its file; past that it waits
// for its file's turn and writes the rest straight to the sink, so one huge file is never
// held as findings.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "pipeline/aws/cloudtrail_finding.hpp"
#include "pipeline/aws/cloudtrail_sessions.hpp"
#include "pipeline/aws/export_run.hpp"
#include "pipeline/ordered_work.hpp"
#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/aws_iam.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/json_text.hpp"
#include "sqltriage/weblog_analysis.hpp"  // NoiseFilter: addresses and CIDR blocks

namespace sqltriage {

namespace {

using aws::CloudTrailEvent;
using aws::ExportFile;
using aws::ExportKind;
using nlohmann::ordered_json;

/// Findings a worker holds before it waits for its turn and writes directly.
constexpr std::size_t kBufferedFindings = 2048;
/// Damaged records listed one by one per file; the rest are counted in one "limit" error.
constexpr std::size_t kRecordErrorsPerFile = 100;
/// Most worker threads started, whatever --threads asks.
constexpr std::size_t kMaxThreads = 64;

/// Worker threads: min(--threads or the cores, files, kMaxThreads), at least 1.
unsigned worker_count(unsigned requested, std::size_t files) {
  const std::size_t want =
      requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min({want, files, kMaxThreads})));
}

bool is_access_key(std::string_view k) {
  if (k.size() < 16 || k.size() > 128) return false;
  return std::all_of(k.begin(), k.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

/// Throws std::invalid_argument for options that cannot be used; returns the --source-ip
/// filter (std::nullopt when there is none).
std::optional<weblog::NoiseFilter> checked_sources(const AwsCloudTrailScanOptions& opt_) {
  if (!opt_.instance_id.empty() && !aws::is_instance_id(opt_.instance_id))
    throw std::invalid_argument("--instance-id " + opt_.instance_id +
                                ": not an instance id (i- and 8 or 17 hex digits)");
  if (!opt_.access_key.empty() && !is_access_key(opt_.access_key))
    throw std::invalid_argument("--access-key " + opt_.access_key +
                                ": not an access key id (16 to 128 capital letters and digits)");
  for (const auto& ip : opt_.instance_ips)
    if (!aws::is_address(ip))
      throw std::invalid_argument("--instance-ip " + ip + ": not an IPv4 or IPv6 address");
  if (!opt_.source_ips.empty())
    return weblog::NoiseFilter::from_values(opt_.source_ips, "--source-ip");
  return std::nullopt;
}

struct FileResult {
  std::size_t index = 0;
  std::vector<std::pair<Finding, std::string>> findings;  ///< with their rendered JSON
  std::vector<ErrorEntry> errors;
  std::uint64_t errors_not_listed = 0;
  std::optional<aws::CloudTrailFileSummary> summary;  ///< unset when the file was not read
  std::uint64_t matched = 0;
  aws::Sessions sessions;
};

class CloudTrailScan {
 public:
  CloudTrailScan(const AwsCloudTrailScanOptions& opt, FindingSink& sink) : opt_(opt), sink_(sink) {
    validate();
  }

  ScanOutcome run(const std::string& command) {
    auto er = pipeline::aws::start_export_run(command, opt_.inputs, ExportKind::cloudtrail);
    files_ = std::move(er.files);
    sink_.begin(er.run.header);
    for (const auto& e : er.run.early) pipeline::emit_counted(sink_, outcome_, e);
    read_instance_addresses();

    const unsigned threads = worker_count(opt_.threads, files_.size());
    {
      pipeline::OrderedWork<std::size_t, FileResult> work(
          threads, 2 * std::size_t{threads} + 2,
          [this](const std::size_t& i) { return process(i); },
          [this](FileResult&& r) { consume(std::move(r)); });
      for (std::size_t i = 0; i < files_.size(); ++i) work.submit(i);
      work.finish();
    }
    if (sessions_.sessions_dropped() > 0)
      pipeline::emit_counted(
          sink_, outcome_,
          make_error(opt_.inputs.empty() ? std::string() : opt_.inputs.front().string(), "limit",
                     std::to_string(sessions_.sessions_dropped()) +
                         " calls of instance role sessions beyond the first " +
                         std::to_string(aws::kMaxSessions) + " were not summarised"));
    std::vector<std::string> unplaced;  // sessions whose instance has no known address
    for (const auto& [key, s] : sessions_.all()) {
      const auto own = addresses_of(s.instance_id);
      if (own.empty() &&
          std::find(unplaced.begin(), unplaced.end(), s.instance_id) == unplaced.end())
        unplaced.push_back(s.instance_id);
      Finding f = aws::credential_use_finding(s, own);
      checks::apply_aws_cloudtrail_checks(f, check_options(s.instance_id));
      pipeline::emit_counted(sink_, outcome_, f);
    }
    if (!unplaced.empty()) {
      std::string list;
      for (std::size_t i = 0; i < unplaced.size() && i < 20; ++i)
        list += (i ? ", " : "") + unplaced[i];
      if (unplaced.size() > 20) list += " and " + std::to_string(unplaced.size() - 20) + " more";
      pipeline::emit_counted(
          sink_, outcome_,
          make_error(opt_.inputs.empty() ? std::string() : opt_.inputs.front().string(), "missing",
                     "the addresses of instance(s) " + list +
                         " are unknown, so whether their role credentials were used from "
                         "elsewhere was not checked: give --instance-ip or add a "
                         "describe-instances export (aws ec2 describe-instances) to the inputs"));
    }
    // Unreadable: no file read, or no record in any file while some damage was met (a file
    // damaged before its first record, or cut short inside it).
    outcome_.nothing_readable =
        files_read_ == 0 || (outcome_.stats.records == 0 && (bad_records_ > 0 || cut_files_ > 0));
    outcome_.stats.files = files_read_;
    pipeline::finish_run(er.run, sink_, outcome_);
    return outcome_;
  }

 private:
  void validate() { sources_ = checked_sources(opt_); }

  /// The addresses of the instances that describe-instances exports among the inputs list.
  void read_instance_addresses() {
    std::vector<ErrorEntry> ignored;  // start_export_run reported them
    std::vector<std::shared_ptr<const ByteSource>> sources;
    std::vector<std::string> displays;
    for (const auto& f : aws::find_exports(opt_.inputs, ignored)) {
      if (f.kind != ExportKind::iam) continue;
      try {
        sources.push_back(pipeline::aws::open_export(f));
        displays.push_back(f.path.string());
      } catch (const std::exception&) {
        // `aws iam` reports the IAM exports it cannot read.
      }
    }
    if (sources.empty()) return;
    const auto model = aws::read_iam_exports(sources, displays);
    for (const auto& inst : model.instances) {
      auto& ips = described_[inst.instance_id];
      for (const auto& ip : inst.private_ips) ips.push_back(ip);
      for (const auto& ip : inst.public_ips) ips.push_back(ip);
    }
  }

  /// --instance-ip, then the addresses describe-instances gives for `instance_id`.
  std::vector<std::string> addresses_of(const std::string& instance_id) const {
    std::vector<std::string> out = opt_.instance_ips;
    if (auto it = described_.find(instance_id); it != described_.end())
      for (const auto& ip : it->second)
        if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
    return out;
  }

  checks::AwsCloudTrailCheckOptions check_options(const std::string& instance_id) const {
    checks::AwsCloudTrailCheckOptions o;
    o.instance_ips = addresses_of(instance_id);
    return o;
  }

  bool keep(const CloudTrailEvent& ev) const {
    if (sources_ && !sources_->match(ev.source_ip)) return false;
    if (!opt_.instance_id.empty() && aws::instance_of(ev.identity) != opt_.instance_id)
      return false;
    if (!opt_.access_key.empty() && ev.identity.access_key_id != opt_.access_key) return false;
    if (opt_.since || opt_.until) {
      if (!ev.time) return false;
      if (opt_.since && *ev.time < *opt_.since) return false;
      if (opt_.until && *ev.time > *opt_.until) return false;
    }
    return true;
  }

  // ---- workers --------------------------------------------------------------------------

  /// Blocks until the files before `index` are all written.
  void wait_turn(std::size_t index) {
    std::unique_lock lock(turn_mutex_);
    turn_cv_.wait(lock, [&] { return turn_ == index; });
  }

  FileResult process(std::size_t index) {
    FileResult r;
    r.index = index;
    const ExportFile& file = files_[index];
    const std::string display = file.path.string();
    bool direct = false;  // writing straight to the sink (this file's turn has come)
    auto go_direct = [&] {
      wait_turn(index);
      direct = true;
      for (const auto& [f, text] : r.findings) emit(f, text);
      for (const auto& e : r.errors) emit(e);
      r.findings.clear();
      r.findings.shrink_to_fit();
      r.errors.clear();
    };
    std::size_t record_errors = 0;
    auto on_error = [&](ErrorEntry e) {
      if (e.code == "record" && ++record_errors > kRecordErrorsPerFile) {
        ++r.errors_not_listed;
        return;
      }
      if (direct)
        emit(e);
      else
        r.errors.push_back(std::move(e));
    };
    auto on_event = [&](const CloudTrailEvent& ev) {
      if (!keep(ev)) return;
      ++r.matched;
      r.sessions.add(ev, display);
      Finding f = aws::api_call_finding(ev, display);
      const std::string instance = aws::instance_of(ev.identity);
      checks::apply_aws_cloudtrail_checks(
          f, instance.empty() ? no_instance_ : check_options(instance));
      std::string text = to_json_text(to_json(f));
      if (direct) return emit(f, text);
      r.findings.emplace_back(std::move(f), std::move(text));
      if (r.findings.size() >= kBufferedFindings) go_direct();
    };
    try {
      auto source = pipeline::aws::open_export(file);
      r.summary = aws::read_cloudtrail(source, display, on_event, on_error);
    } catch (const ArtifactError& e) {
      on_error(make_error(e, "open_failed"));
    } catch (const std::exception& e) {
      on_error(make_error(display, "open_failed", e.what()));
    }
    return r;
  }

  // ---- the consumer (one at a time, in file order) --------------------------------------

  void emit(const Finding& f, const std::string& text) {
    sink_.finding(f, text);
    ++outcome_.stats.findings;
    outcome_.max_severity = std::max(outcome_.max_severity, f.severity);
  }
  void emit(const ErrorEntry& e) { pipeline::emit_counted(sink_, outcome_, e); }

  void consume(FileResult&& r) {
    for (const auto& [f, text] : r.findings) emit(f, text);
    for (const auto& e : r.errors) emit(e);
    const ExportFile& file = files_[r.index];
    if (r.errors_not_listed > 0)
      emit(make_error(
          file.path.string(), "limit",
          std::to_string(r.errors_not_listed) + " more damaged records, not listed one by one"));
    if (r.summary) {
      const auto& s = *r.summary;
      ++files_read_;
      outcome_.stats.records += s.events;
      bad_records_ += s.bad_records;
      cut_files_ += s.truncated ? 1 : 0;
      ordered_json details = {{"layout", s.layout},
                              {"events", s.events},
                              {"bad_records", s.bad_records},
                              {"truncated", s.truncated},
                              {"matched", r.matched}};
      const std::string what =
          s.layout + ", " + std::to_string(s.events) + " events" +
          (s.bad_records ? ", " + std::to_string(s.bad_records) + " damaged records"
                         : std::string()) +
          (s.truncated ? ", cut short" : "") + ", " + std::to_string(r.matched) + " matched";
      Finding f = pipeline::aws::export_finding(file, what, std::move(details));
      emit(f, to_json_text(to_json(f)));
      sessions_.merge(std::move(r.sessions));
    }
    std::lock_guard lock(turn_mutex_);
    turn_ = r.index + 1;
    turn_cv_.notify_all();
  }

  const AwsCloudTrailScanOptions& opt_;
  FindingSink& sink_;
  std::optional<weblog::NoiseFilter> sources_;
  std::vector<ExportFile> files_;
  std::map<std::string, std::vector<std::string>> described_;  // instance id -> addresses
  checks::AwsCloudTrailCheckOptions no_instance_;
  ScanOutcome outcome_;
  aws::Sessions sessions_;
  std::uint64_t files_read_ = 0;
  std::uint64_t bad_records_ = 0;
  std::uint64_t cut_files_ = 0;
  std::mutex turn_mutex_;
  std::condition_variable turn_cv_;
  std::size_t turn_ = 0;
};

}  // namespace

void check_options(const AwsCloudTrailScanOptions& options) { checked_sources(options); }

ScanOutcome scan_aws_cloudtrail(const AwsCloudTrailScanOptions& options, const std::string& command,
                                FindingSink& sink) {
  CloudTrailScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
