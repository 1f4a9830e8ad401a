// The `mft` scan: evidence -> volumes ($MFT, $SDS, $J or a mounted folder) -> entry findings
// in MFT order (read on a thread pool, written in order) -> USN findings in journal order.
#include "sqltriage/mft_scan.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <thread>
#include <unordered_set>

#include "pipeline/mft/common.hpp"
#include "pipeline/mft/entry_finding.hpp"
#include "pipeline/mft/locate.hpp"
#include "pipeline/mft/owner_names.hpp"
#include "pipeline/mft/snapshot.hpp"
#include "pipeline/mft/targets.hpp"
#include "pipeline/mft/usn_finding.hpp"
#include "pipeline/open_inputs.hpp"
#include "pipeline/ordered_work.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/json_text.hpp"
#include "sqltriage/mft.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "sqltriage/usn.hpp"

namespace sqltriage {

namespace {

using namespace pipeline::mft_scan;

// Entries read per work unit: enough to amortise the hand-over, small enough that the
// units in flight (4 x threads + 4) hold little memory even with --all.
constexpr std::uint64_t kEntriesPerUnit = 512;
// Damaged records listed one by one per $MFT; the rest are summarised in one "limit" entry.
constexpr std::uint64_t kMaxRecordErrors = 50;

struct Unit {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // exclusive
};

struct UnitResult {
  std::vector<Finding> findings;
  std::vector<std::string> rendered;   // JSON text of each finding, or bodyfile lines
  std::vector<ErrorEntry> errors;      // record damage, in entry order
  std::vector<std::uint64_t> matched;  // entries of the findings (for the USN pass)
  std::uint64_t examined = 0;
  std::uint64_t readable = 0;
  Severity max_severity = Severity::info;
};

/// One worker's reader: EntrySource is not thread-safe, so each worker has its own (they
/// share the volume, whose lock serialises libfsntfs, or the $MFT's bytes).
struct Reader {
  std::unique_ptr<mft::EntrySource> source;
  std::unique_ptr<mft::PathResolver> paths;
};

std::vector<Filetime> entry_times(const mft::Entry& e) {
  std::vector<Filetime> t;
  t.reserve(4 * (1 + e.file_names.size()));
  auto add = [&t](const mft::Times& x) {
    t.push_back(x.creation);
    t.push_back(x.modification);
    t.push_back(x.entry_modification);
    t.push_back(x.access);
  };
  if (e.standard_information) add(*e.standard_information);
  for (const auto& fn : e.file_names) add(fn.times);
  return t;
}

class MftScan {
 public:
  MftScan(const MftScanOptions& opt, FindingSink& sink)
      : opt_(opt), sink_(sink), targets_(opt.targets) {}

  ScanOutcome run(const std::string& command) {
    const auto run = pipeline::start_run(command, opt_.inputs, opt_.evidence);
    sink_.begin(run.header);
    for (const auto& e : run.early) emit_error(e);
    for (const auto& ev : run.evidence) scan_evidence(*ev);
    outcome_.nothing_readable = run.evidence.empty() || !anything_read_;
    pipeline::finish_run(run, sink_, outcome_);
    return outcome_;
  }

 private:
  unsigned threads() const {
    return opt_.threads != 0 ? opt_.threads : std::max(1u, std::thread::hardware_concurrency());
  }

  void scan_evidence(const Evidence& ev) {
    std::vector<ErrorEntry> errors;
    // Bodyfile lines come from the entries only: the journal is not looked for.
    const auto volumes = locate_volumes(ev, !opt_.no_usn && opt_.bodyfile == nullptr, errors);
    for (const auto& e : errors) emit_error(e);
    if (volumes.empty()) return;
    errors.clear();
    accounts_ = account_lookup(ev, errors);
    for (const auto& e : errors) emit_error(e);
    for (const auto& v : volumes) scan_volume(v);
  }

  void scan_volume(const VolumeArtifacts& v) {
    std::unique_ptr<ntfs::SecurityDescriptorStream> sds;
    std::size_t sds_errors_emitted = 0;
    if (v.sds) {
      try {
        sds = std::make_unique<ntfs::SecurityDescriptorStream>(v.sds.bytes, v.sds.display);
        ++outcome_.stats.files;
        for (const auto& e : sds->errors()) emit_error(e);
        sds_errors_emitted = sds->errors().size();
      } catch (const std::exception& e) {
        emit_error(make_error(v.sds.display, "open_failed", e.what()));
      }
    }
    matched_.clear();
    const bool has_entries = v.volume || v.mft;
    bool entries_opened = false;
    if (has_entries) {
      entries_opened = scan_entries(v, sds.get());
    } else if (!v.snapshot_root.empty() && !opt_.bodyfile) {
      scan_mounted(v);
    } else if (!v.snapshot_root.empty()) {
      emit_error(make_error(v.entries_display, "missing",
                            "--bodyfile needs an $MFT (an image, or a collected $MFT): a "
                            "mounted folder has no MFT entries"));
    }
    if (sds) {
      const auto& all = sds->errors();
      for (std::size_t i = sds_errors_emitted; i < all.size(); ++i) emit_error(all[i]);
    }
    if (v.j && !opt_.bodyfile) scan_journal(v, entries_opened);
  }

  // --- entries --------------------------------------------------------------------------

  std::unique_ptr<mft::EntrySource> open_source(const VolumeArtifacts& v) const {
    return v.volume ? mft::EntrySource::from_volume(v.volume)
                    : mft::EntrySource::from_mft_file(v.mft.bytes, v.mft.display);
  }

  bool scan_entries(const VolumeArtifacts& v, const ntfs::SecurityDescriptorStream* sds) {
    std::uint64_t count = 0;
    try {
      auto first = open_source(v);
      count = first->size();
      pool_.clear();
      Reader r;
      r.paths = std::make_unique<mft::PathResolver>(*first);
      r.source = std::move(first);
      pool_.push_back(std::move(r));
    } catch (const ArtifactError& e) {
      emit_error(make_error(v.entries_display, "open_failed", e.detail(), e.offset()));
      return false;
    } catch (const std::exception& e) {
      emit_error(make_error(v.entries_display, "open_failed", e.what()));
      return false;
    }
    ++outcome_.stats.files;
    record_errors_ = 0;
    volume_ = &v;
    sds_ = sds;
    {
      const unsigned n = threads();
      pipeline::OrderedWork<Unit, UnitResult> work(
          n, 4 * n + 4, [this](const Unit& u) { return process(u); },
          [this](UnitResult&& r) { consume(std::move(r)); });
      for (std::uint64_t first = 0; first < count; first += kEntriesPerUnit)
        work.submit(Unit{first, std::min(count, first + kEntriesPerUnit)});
      work.finish();
    }
    // fls lists its virtual $OrphanFiles folder once per volume.
    if (opt_.bodyfile) *opt_.bodyfile << mft::bodyfile_orphan_folder_line(count);
    if (record_errors_ > kMaxRecordErrors)
      emit_error(make_error(v.entries_display, "limit",
                            std::to_string(record_errors_ - kMaxRecordErrors) +
                                " more damaged records, not listed one by one (" +
                                std::to_string(record_errors_) + " in all)"));
    pool_.clear();
    return true;
  }

  Reader take_reader() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!pool_.empty()) {
        Reader r = std::move(pool_.back());
        pool_.pop_back();
        return r;
      }
    }
    Reader r;
    r.source = open_source(*volume_);
    r.paths = std::make_unique<mft::PathResolver>(*r.source);
    return r;
  }

  void give_back(Reader r) {
    std::lock_guard lock(pool_mutex_);
    pool_.push_back(std::move(r));
  }

  bool entry_matches(const mft::Entry& e, mft::PathResolver& paths) const {
    for (const auto& fn : e.file_names)
      if (targets_.name_matches(fn.name)) return true;
    for (const auto& fn : e.file_names)
      if (targets_.path_leaf_matches(fn.name) && targets_.path_matches(paths.path(e, fn)))
        return true;
    return false;
  }

  UnitResult process(const Unit& u) {
    UnitResult out;
    Reader reader;
    try {
      reader = take_reader();
    } catch (const std::exception& e) {
      out.errors.push_back(make_error(volume_->entries_display, "open_failed", e.what()));
      return out;
    }
    EntryContext ctx;
    ctx.source = reader.source.get();
    ctx.paths = reader.paths.get();
    ctx.sds = sds_;
    ctx.accounts = accounts_;
    ctx.artifact_path = volume_->entries_display;
    ctx.standalone = !volume_->volume;
    ctx.read_signature_always = !opt_.all;
    mft::Entry e;
    for (std::uint64_t i = u.first; i < u.last; ++i) {
      ++out.examined;
      try {
        if (!reader.source->read(i, e)) continue;
      } catch (const ArtifactError& err) {
        auto entry = make_error(volume_->entries_display, "record", err.detail(), err.offset());
        entry.artifact.record = i;
        out.errors.push_back(std::move(entry));
        continue;
      } catch (const std::exception& err) {
        auto entry = make_error(volume_->entries_display, "record",
                                "entry " + std::to_string(i) + ": " + err.what());
        entry.artifact.record = i;
        out.errors.push_back(std::move(entry));
        continue;
      }
      ++out.readable;
      // Extension records hold attributes of their base entry, which reports them.
      if (e.base_reference != 0) continue;
      const bool wanted = opt_.all || entry_matches(e, *reader.paths);
      if (!wanted || !any_time_in(entry_times(e), opt_.since, opt_.until)) {
        note_problems(e, out);
        continue;
      }
      try {
        emit_entry(e, ctx, *reader.paths, out);
      } catch (const std::exception& err) {
        auto entry = make_error(volume_->entries_display, "record",
                                "entry " + std::to_string(i) + ": " + err.what());
        entry.artifact.record = i;
        out.errors.push_back(std::move(entry));
      }
    }
    give_back(std::move(reader));
    return out;
  }

  // Damage inside an entry that is not reported as a finding still gets an error entry.
  void note_problems(const mft::Entry& e, UnitResult& out) const {
    for (const auto& p : e.problems) {
      auto entry = make_error(volume_->entries_display, "record",
                              "entry " + std::to_string(e.entry) + ": " + p);
      entry.artifact.record = e.entry;
      out.errors.push_back(std::move(entry));
    }
  }

  void emit_entry(const mft::Entry& e, const EntryContext& ctx, mft::PathResolver& paths,
                  UnitResult& out) const {
    out.matched.push_back(e.entry);
    if (opt_.bodyfile) {
      out.rendered.push_back(mft::bodyfile_lines(e, paths));
      if (opt_.bodyfile_checks) {
        Finding f = entry_finding(e, paths.path(e), ctx);
        checks::apply_mft_checks(f);
        out.max_severity = std::max(out.max_severity, f.severity);
      }
      return;
    }
    Finding f = entry_finding(e, paths.path(e), ctx);
    checks::apply_mft_checks(f);
    out.rendered.push_back(to_json_text(to_json(f)));
    // The writers emit the rendered text: free the data tree here, in the worker, rather
    // than in the thread that writes (it was a seventh of a single-threaded run).
    if (!opt_.keep_data) f.data = nlohmann::ordered_json();
    out.findings.push_back(std::move(f));
  }

  void consume(UnitResult&& r) {
    outcome_.stats.records += r.examined;
    if (r.readable > 0) anything_read_ = true;
    for (const auto& e : r.errors) {
      if (e.code == "record" && ++record_errors_ > kMaxRecordErrors) continue;
      emit_error(e);
    }
    if (opt_.bodyfile) {
      for (const auto& line : r.rendered) *opt_.bodyfile << line;
      outcome_.max_severity = std::max(outcome_.max_severity, r.max_severity);
    } else {
      for (std::size_t i = 0; i < r.findings.size(); ++i)
        emit_finding(r.findings[i], &r.rendered[i]);
    }
    if (!opt_.all) matched_.insert(r.matched.begin(), r.matched.end());
  }

  // --- mounted snapshot -----------------------------------------------------------------

  void scan_mounted(const VolumeArtifacts& v) {
    SnapshotOptions so;
    so.targets = &targets_;
    so.all = opt_.all;
    so.since = opt_.since;
    so.until = opt_.until;
    so.accounts = accounts_;
    so.has_usn_journal = static_cast<bool>(v.j) && !opt_.no_usn;
    so.read_signature_always = !opt_.all;
    ++outcome_.stats.files;
    const auto stats = scan_snapshot(
        v.snapshot_root, v.entries_display, so,
        [this](Finding&& f) {
          checks::apply_mft_checks(f);
          emit_finding(f, nullptr);
        },
        [this](ErrorEntry e) { emit_error(e); });
    outcome_.stats.records += stats.examined;
    if (stats.root_listed) anything_read_ = true;
  }

  // --- USN journal ----------------------------------------------------------------------

  void scan_journal(const VolumeArtifacts& v, bool entries_opened) {
    std::unique_ptr<mft::EntrySource> source;
    std::unique_ptr<mft::PathResolver> paths;
    if (entries_opened) {
      try {
        source = open_source(v);
        paths = std::make_unique<mft::PathResolver>(*source);
      } catch (const std::exception&) {
        // Reported by the entry pass; parents stay unresolved.
      }
    }
    ++outcome_.stats.files;
    auto parent_of = [&](const usn::Record& r) -> std::optional<std::string> {
      if (!paths) return std::nullopt;
      try {
        return paths->path_of_reference(r.parent_file_reference);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    };
    try {
      const auto stats = usn::scan(
          *v.j.bytes, v.j.display,
          [&](const usn::Record& r) {
            ++outcome_.stats.records;
            if (!journal_wanted(r, parent_of)) return;
            if ((opt_.since || opt_.until) && !any_time_in({r.timestamp}, opt_.since, opt_.until))
              return;
            Finding f = usn_finding(r, v.j.display, parent_of(r));
            emit_finding(f, nullptr);
          },
          [&](ErrorEntry e) { emit_error(e); });
      // A journal that opened and held no damage counts as read, even when empty (all
      // zeros or holes); one whose every record is damaged does not.
      if (stats.records > 0 || stats.damaged == 0) anything_read_ = true;
    } catch (const ArtifactError& e) {
      emit_error(make_error(v.j.display, "truncated", e.detail(), e.offset()));
    } catch (const std::exception& e) {
      emit_error(make_error(v.j.display, "open_failed", e.what()));
    }
  }

  template <typename ParentOf>
  bool journal_wanted(const usn::Record& r, ParentOf& parent_of) const {
    if (opt_.all) return true;
    if (matched_.count(reference_entry(r.file_reference)) != 0) return true;
    if (targets_.name_matches(r.file_name)) return true;
    if (!targets_.path_leaf_matches(r.file_name)) return false;
    const auto parent = parent_of(r);
    return targets_.names_file(r.file_name, parent ? *parent : std::string());
  }

  // --- output ---------------------------------------------------------------------------

  void emit_finding(const Finding& f, const std::string* text) {
    ++outcome_.stats.findings;
    outcome_.max_severity = std::max(outcome_.max_severity, f.severity);
    if (text != nullptr)
      sink_.finding(f, *text);
    else
      sink_.finding(f);
  }

  void emit_error(const ErrorEntry& e) {
    ++outcome_.stats.errors;
    // With --bodyfile the sink itself writes each error to stderr.
    if (opt_.bodyfile == nullptr) {
      if (e.code == "missing")
        spdlog::info("{}: {}", e.artifact.path, e.message);
      else
        spdlog::warn("{}: {}", e.artifact.path, e.message);
    }
    sink_.error(e);
  }

  const MftScanOptions& opt_;
  FindingSink& sink_;
  Targets targets_;
  ScanOutcome outcome_;
  bool anything_read_ = false;
  AccountLookup accounts_;
  // The volume being scanned, for the workers.
  const VolumeArtifacts* volume_ = nullptr;
  const ntfs::SecurityDescriptorStream* sds_ = nullptr;
  std::mutex pool_mutex_;
  std::vector<Reader> pool_;
  std::uint64_t record_errors_ = 0;
  std::unordered_set<std::uint64_t> matched_;  // entries found by --target, this volume
};

}  // namespace

ScanOutcome scan_mft(const MftScanOptions& options, const std::string& command, FindingSink& sink) {
  MftScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
