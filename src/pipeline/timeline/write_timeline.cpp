// write_timeline(): runs the scans in their "everything" modes and the raw sources, turns
// what they emit into events, sorts them with the external merge and writes the lines.
//
// Errors: each source runs on one evidence argument at a time, and its errors are held until
// it has produced a finding or an event there, so that the sources that do not apply to an
// argument (the MFT scan on a loose event log) add no noise; when nothing at all was
// readable, the held errors are all reported. The same error from two sources is reported
// once.
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "pipeline/open_inputs.hpp"
#include "pipeline/timeline/merge.hpp"
#include "pipeline/timeline/sources.hpp"
#include "sqltriage/aws_exports.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/mft_scan.hpp"
#include "sqltriage/registry_scan.hpp"
#include "sqltriage/timeline.hpp"

namespace sqltriage {

namespace {

using pipeline::timeline::ExternalSorter;

constexpr std::size_t kDefaultRunEvents = 65536;
/// Errors held per source before it shows it applies; past this they are counted only.
constexpr std::size_t kHeldErrors = 10000;

class Collector {
 public:
  Collector(const TimelineOptions& opt, FindingSink& errors, ExternalSorter& sorter)
      : opt_(opt), errors_(errors), sorter_(sorter) {}

  void add(TimelineEvent e) {
    if (opt_.since && e.time < *opt_.since) return;
    if (opt_.until && e.time > *opt_.until) return;
    sorter_.add(std::move(e));
  }

  void report(const ErrorEntry& e) {
    std::string key = e.artifact.path + '\x1f' + e.code + '\x1f' + e.message + '\x1f' +
                      (e.artifact.offset ? std::to_string(*e.artifact.offset) : "");
    if (!seen_.insert(std::move(key)).second) return;
    errors_.error(e);
    ++reported_;
  }

  /// Errors of a source that read nothing in evidence argument `arg`: reported at the end
  /// when no source read anything in that argument (it is then unreadable, and must be said).
  void hold(std::size_t arg, std::vector<ErrorEntry> errors) {
    auto& held = unread_[arg];
    for (auto& e : errors)
      if (held.size() < kHeldErrors) held.push_back(std::move(e));
  }
  /// Some source read something in evidence argument `arg`.
  void mark_read(std::size_t arg) { read_.insert(arg); }
  void report_unread() {
    for (const auto& [arg, held] : unread_)
      if (!read_.count(arg))
        for (const auto& e : held) report(e);
    unread_.clear();
  }

  std::uint64_t reported() const { return reported_; }

 private:
  const TimelineOptions& opt_;
  FindingSink& errors_;
  ExternalSorter& sorter_;
  std::set<std::string> seen_;
  std::map<std::size_t, std::vector<ErrorEntry>> unread_;
  std::set<std::size_t> read_;
  std::uint64_t reported_ = 0;
};

/// One source's view: findings become events, errors are held until the source applies.
/// On a disk image or a Windows evidence root every source applies (a volume has an $MFT,
/// logs and hives), so errors go out at once: a damaged $MFT must not pass unsaid because
/// the logs beside it were read.
class SourceSink : public FindingSink {
 public:
  SourceSink(Collector& c, std::size_t arg, bool applies_anyway) : c_(c), arg_(arg) {
    if (applies_anyway) live_ = true;
  }

  void begin(const DocumentHeader&) override {}
  void finding(const Finding& f) override {
    applies();
    for (auto& e : timeline_events(f)) c_.add(std::move(e));
  }
  void error(const ErrorEntry& e) override {
    if (live_)
      c_.report(e);
    else if (held_.size() < kHeldErrors)
      held_.push_back(e);
  }
  void end(const RunStats&) override {}

  /// A raw source's event.
  void event(TimelineEvent e) {
    applies();
    c_.add(std::move(e));
  }
  /// Whether it read anything; held errors go out now or wait for the end of the run.
  void finish(bool read_something) {
    if (read_something) applies();
    if (read_something || found_) c_.mark_read(arg_);
    if (!live_) c_.hold(arg_, std::move(held_));
    held_.clear();
  }

 private:
  void applies() {
    found_ = true;
    if (live_) return;
    live_ = true;
    for (const auto& e : held_) c_.report(e);
    held_.clear();
  }

  Collector& c_;
  std::size_t arg_;
  std::vector<ErrorEntry> held_;
  bool live_ = false;
  bool found_ = false;  ///< an event came from this argument
};

/// The inputs that hold CloudTrail exports: folders holding any (given whole, so that the
/// scan also reads a describe-instances export beside them, as `aws cloudtrail` does), and
/// CloudTrail files. Evidence roots and images are not walked for exports.
std::vector<std::filesystem::path> cloudtrail_inputs(
    const std::vector<std::filesystem::path>& inputs, const std::vector<EvidenceInfo>& kinds) {
  std::vector<std::filesystem::path> out;
  for (std::size_t i = 0; i < inputs.size() && i < kinds.size(); ++i) {
    if (kinds[i].kind != "folder" && kinds[i].kind != "file") continue;
    std::vector<ErrorEntry> ignored;  // files that are not exports are no timeline's concern
    for (const auto& f : aws::find_exports({inputs[i]}, ignored))
      if (f.kind == aws::ExportKind::cloudtrail) {
        out.push_back(inputs[i]);
        break;
      }
  }
  return out;
}

/// The scans log what they look for and skip (info, warning); for a timeline, which runs
/// every scan on every argument, that is noise: raised to errors only while they run,
/// unless debug logging was asked for.
class QuietScans {
 public:
  QuietScans() : saved_(spdlog::get_level()) {
    if (saved_ >= spdlog::level::info && saved_ < spdlog::level::err)
      spdlog::set_level(spdlog::level::err);
  }
  ~QuietScans() { spdlog::set_level(saved_); }
  QuietScans(const QuietScans&) = delete;
  QuietScans& operator=(const QuietScans&) = delete;

 private:
  spdlog::level::level_enum saved_;
};

}  // namespace

ScanOutcome write_timeline(const TimelineOptions& options, std::ostream& out, FindingSink& errors) {
  const auto started = std::chrono::steady_clock::now();
  ScanOutcome outcome;
  const std::filesystem::path temp_dir =
      options.temp_dir.empty() ? std::filesystem::temp_directory_path() : options.temp_dir;
  ExternalSorter sorter(temp_dir, options.run_events == 0 ? kDefaultRunEvents : options.run_events);
  Collector collector(options, errors, sorter);

  DocumentHeader header;
  header.command = "timeline";
  header.started = now_filetime();
  std::vector<ErrorEntry> early;
  const auto evidence = pipeline::open_inputs(options.inputs, options.evidence, header, early);
  errors.begin(header);
  for (const auto& e : early) collector.report(e);

  bool readable = false;
  // Each source runs on each evidence argument alone, so that its errors about an argument
  // it does not apply to are held (above) rather than reported.
  auto whole_system = [](const std::string& kind) {
    return kind == "image" || kind == "directory";
  };
  auto run_scan = [&](auto&& scan, std::size_t arg, bool applies_anyway) {
    SourceSink sink(collector, arg, applies_anyway);
    const ScanOutcome o = scan(sink);
    sink.finish(false);
    readable = readable || !o.nothing_readable;
    outcome.stats.files += o.stats.files;
    if (o.max_severity > outcome.max_severity) outcome.max_severity = o.max_severity;
  };
  {
    const QuietScans quiet;
    for (std::size_t i = 0; i < options.inputs.size(); ++i) {
      const std::vector<std::filesystem::path> one = {options.inputs[i]};
      const bool system = i < header.evidence.size() && whole_system(header.evidence[i].kind);
      run_scan(
          [&](FindingSink& sink) {
            auto o = pipeline::on_evidence<MftScanOptions>(one, options.evidence, options.threads);
            o.all = true;
            o.keep_data = true;  // the events are read from the data
            o.since = options.since;
            o.until = options.until;
            return scan_mft(o, "timeline", sink);
          },
          i, system);
      run_scan(
          [&](FindingSink& sink) {
            auto o = pipeline::on_evidence<EvtxScanOptions>(one, options.evidence, options.threads);
            o.all_events = true;
            o.since = options.since;
            o.until = options.until;
            return scan_evtx(o, "timeline", sink);
          },
          i, system);
      run_scan(
          [&](FindingSink& sink) {
            auto o =
                pipeline::on_evidence<RegistryScanOptions>(one, options.evidence, options.threads);
            return scan_registry(o, "timeline", sink);
          },
          i, system);
    }

    auto run_raw = [&](auto&& source) {
      std::size_t arg = 0;
      for (const auto& ev : evidence) {
        // evidence holds the arguments that opened, in order: find this one's index.
        while (arg < header.evidence.size() && header.evidence[arg].kind == "unreadable") ++arg;
        SourceSink sink(collector, arg++, whole_system(ev->kind()));
        std::vector<ErrorEntry> found;
        const auto counts = source(
            *ev, [&sink](TimelineEvent e) { sink.event(std::move(e)); }, found);
        for (const auto& e : found) sink.error(e);
        sink.finish(counts.records > 0);
        readable = readable || counts.records > 0;
        outcome.stats.files += counts.records > 0 ? counts.files : 0;
      }
    };
    run_raw(pipeline::timeline::registry_key_events);
    run_raw(pipeline::timeline::web_request_events);

    const auto trails = cloudtrail_inputs(options.inputs, header.evidence);
    if (!trails.empty())
      run_scan(
          [&](FindingSink& sink) {
            AwsCloudTrailScanOptions o;
            o.inputs = trails;
            o.since = options.since;
            o.until = options.until;
            o.threads = options.threads;
            return scan_aws_cloudtrail(o, "timeline", sink);
          },
          options.inputs.size(), true);
  }

  outcome.nothing_readable = !readable && sorter.added() == 0;
  collector.report_unread();  // the arguments no source could read, whatever the others gave

  const std::string head = timeline_header(options.format);
  if (!head.empty()) out << head << '\n';
  std::uint64_t written = 0;
  std::string line;
  sorter.drain([&](const TimelineEvent& e) {
    line = timeline_line(e, options.format);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    ++written;
  });
  out.flush();

  outcome.stats.records = written;
  outcome.stats.errors = collector.reported();
  outcome.stats.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  errors.end(outcome.stats);
  return outcome;
}

}  // namespace sqltriage
