// `sqltriage pe`: runs the analysis of each named file and streams the findings in order.
#include "sqltriage/pe_scan.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "pipeline/open_inputs.hpp"
#include "pipeline/ordered_work.hpp"
#include "pipeline/pe/file_finding.hpp"
#include "pipeline/pe/locate_files.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/hashsets.hpp"

namespace sqltriage {
namespace {

using pipeline::pe_scan::analyse_file;
using pipeline::pe_scan::FileContext;
using pipeline::pe_scan::FileResult;
using pipeline::pe_scan::locate_files;

/// The catalogs of one evidence argument, read once, on first use.
class LazyCatalogs {
 public:
  explicit LazyCatalogs(const Evidence& ev) : ev_(ev) {}
  const authenticode::CatalogIndex* get() {
    std::call_once(once_, [this] {
      if (!ev_.has_windows_layout()) return;
      index_ = authenticode::CatalogIndex::from_evidence(ev_, errors_);
      built_ = index_.catalogs() > 0;
    });
    return built_ ? &index_ : nullptr;
  }
  /// Errors met while reading the catalogs (after get()).
  std::vector<ErrorEntry> take_errors() {
    std::vector<ErrorEntry> out;
    out.swap(errors_);
    return out;
  }

 private:
  const Evidence& ev_;
  std::once_flag once_;
  authenticode::CatalogIndex index_;
  bool built_ = false;
  std::vector<ErrorEntry> errors_;
};

class PeScan {
 public:
  PeScan(const PeScanOptions& opt, FindingSink& sink) : opt_(opt), sink_(sink) {
    for (const auto& spec : opt.hash_sets) sets_.add(spec);
    for (const auto& path : opt.vt_reports) vt_.add(path);
    now_ = opt.now != 0 ? opt.now : now_filetime();
    authenticode::TrustStore check;  // an unusable --ca-file is refused before any output
    for (const auto& f : opt.ca_files) check.add_file(f);
    for (const auto& q : opt.vt_queries) {
      const auto eq = q.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == q.size())
        throw std::invalid_argument("--vt-query needs FIELD=VALUE, got '" + q + "'");
      queries_.emplace_back(q.substr(0, eq), q.substr(eq + 1));
      vt_.query(queries_.back().first, "");  // rejects an unknown field before any output
      if (opt.vt_reports.empty()) throw std::invalid_argument("--vt-query needs --vt-reports FILE");
    }
  }

  ScanOutcome run(const std::string& command) {
    const auto run = pipeline::start_run(command, opt_.inputs, opt_.evidence);
    const auto& evidence = run.evidence;
    for (const auto& ev : evidence)
      if (ev->has_windows_layout() && opt_.targets.empty())
        throw std::invalid_argument(ev->path().string() + " is an evidence root or disk image (" +
                                    ev->kind() + "): say which files with --target NAME|PATH");
    sink_.begin(run.header);
    for (const auto& e : run.early) emit(e);
    for (const auto& p : sets_.problems()) emit(make_error(p.path, "record", p.message));
    for (const auto& p : vt_.problems()) emit(make_error(p.path, "record", p.message));
    run_queries();
    for (const auto& ev : evidence) scan_evidence(*ev);
    outcome_.nothing_readable = queries_.empty() && (evidence.empty() || outcome_.stats.files == 0);
    pipeline::finish_run(run, sink_, outcome_);
    return outcome_;
  }

 private:
  void emit(const ErrorEntry& e) { pipeline::emit_counted(sink_, outcome_, e); }
  void emit(const Finding& f) { pipeline::emit_counted(sink_, outcome_, f); }

  void run_queries() {
    for (const auto& [field, value] : queries_) {
      for (const auto& report : vt_.query(field, value)) {
        Finding f;
        f.type = "pe.vt_match";
        f.artifact.path = "--vt-reports";
        f.artifact.record = report.line;
        f.data = hashsets::to_json(report);
        f.data["Query"] = field + "=" + value;
        f.summary = "VirusTotal report " + report.sha256 + " matches " + field + "=" + value;
        if (report.original_filename)
          f.summary += ": OriginalFilename " + *report.original_filename;
        if (report.signed_verified)
          f.summary += *report.signed_verified ? ", signed" : ", not signed";
        if (!report.signers.empty()) f.summary += " (" + report.signers + ")";
        emit(f);
      }
    }
  }

  void scan_evidence(const Evidence& ev) {
    std::vector<ErrorEntry> errors;
    authenticode::TrustStore trust;
    if (opt_.registry_roots && ev.has_windows_layout()) trust.add_registry_roots(ev, errors);
    for (const auto& f : opt_.ca_files) {
      try {
        trust.add_file(f);
      } catch (const ArtifactError& e) {  // checked at the start; gone since
        errors.push_back(make_error(e, "open_failed"));
      }
    }
    if (opt_.system_roots) trust.add_system_store();
    LazyCatalogs catalogs(ev);
    FileContext ctx{trust, nullptr, sets_, vt_, now_};
    if (opt_.catalogs) ctx.catalogs = [&catalogs] { return catalogs.get(); };

    auto files = locate_files(ev, opt_.targets, errors);
    for (const auto& e : errors) emit(e);
    const unsigned threads =
        opt_.threads != 0 ? opt_.threads : std::max(1u, std::thread::hardware_concurrency());
    {
      pipeline::OrderedWork<ArtifactFile, FileResult> work(
          std::min<std::size_t>(threads, std::max<std::size_t>(files.size(), 1)), 2 * threads,
          [&ctx](const ArtifactFile& f) { return analyse_file(f, ctx); },
          [this](FileResult&& r) {
            ++outcome_.stats.records;
            if (r.finding) {
              ++outcome_.stats.files;
              emit(*r.finding);
            }
            for (const auto& e : r.errors) emit(e);
          });
      for (auto& f : files) work.submit(std::move(f));
      work.finish();
    }
    for (const auto& e : catalogs.take_errors()) emit(e);
  }

  const PeScanOptions& opt_;
  FindingSink& sink_;
  hashsets::HashSets sets_;
  hashsets::VtReports vt_;
  std::vector<std::pair<std::string, std::string>> queries_;
  Filetime now_ = 0;
  ScanOutcome outcome_;
};

}  // namespace

ScanOutcome scan_pe(const PeScanOptions& options, const std::string& command, FindingSink& sink) {
  PeScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
