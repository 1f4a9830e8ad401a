// The `evtx` scan: inputs -> artifact list -> work units -> ordered findings.
#include "sqltriage/evtx_scan.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

#include <spdlog/spdlog.h>

#include "artifacts/evtx/event_catalog.hpp"
#include "pipeline/ordered_work.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx.hpp"

namespace sqltriage {

namespace {

constexpr std::string_view kLogsDir = "C:\\Windows\\System32\\winevt\\Logs";
// Files at least this large are split into record ranges read by several threads.
constexpr std::uintmax_t kSplitBytes = 8u << 20;
constexpr std::size_t kRecordsPerUnit = 4096;
// Damaged records listed one by one per unit; the rest are summarised.
constexpr std::size_t kMaxRecordErrorsPerUnit = 50;

struct Artifact {
  std::string display;
  std::filesystem::path host;
};

struct Unit {
  std::size_t artifact = 0;
  bool whole_file = true;  // open, count and read everything (small files)
  bool recovered = false;
  std::size_t first = 0;
  std::size_t last = 0;  // exclusive
  bool last_of_file = true;
};

struct UnitResult {
  std::vector<Finding> findings;
  std::vector<ErrorEntry> errors;
  std::uint64_t records = 0;
  std::size_t artifact = 0;
  bool opened = false;        // the file opened, counted once per file
  bool last_of_file = false;  // its pooled readers can go
};

ErrorEntry error_at(std::string path, std::string code, std::string message,
                    std::optional<std::uint64_t> offset = std::nullopt) {
  ErrorEntry e;
  e.artifact.path = std::move(path);
  e.artifact.offset = offset;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return checks::iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool has_evtx_magic(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string_view(magic, 8) == std::string_view("ElfFile\0", 8);
}

// Keeps the pooled libevtx readers of big files so each thread opens a file once.
class ReaderPool {
 public:
  std::unique_ptr<evtx::Reader> take(std::size_t artifact) {
    std::lock_guard lock(mutex_);
    auto& v = pool_[artifact];
    if (v.empty()) return nullptr;
    auto r = std::move(v.back());
    v.pop_back();
    return r;
  }
  void give(std::size_t artifact, std::unique_ptr<evtx::Reader> r) {
    std::lock_guard lock(mutex_);
    pool_[artifact].push_back(std::move(r));
  }
  void drop(std::size_t artifact) {
    std::lock_guard lock(mutex_);
    pool_.erase(artifact);
  }

 private:
  std::mutex mutex_;
  std::map<std::size_t, std::vector<std::unique_ptr<evtx::Reader>>> pool_;
};

class EvtxScan {
 public:
  EvtxScan(const EvtxScanOptions& opt, FindingSink& sink) : opt_(opt), sink_(sink) {
    if (!opt_.event_ids.empty()) {
      ids_ = opt_.event_ids;
      std::sort(ids_.begin(), ids_.end());
    }
  }

  ScanOutcome run(const std::string& command) {
    const auto t0 = std::chrono::steady_clock::now();
    DocumentHeader header;
    header.command = command;
    header.started = now_filetime();
    std::vector<ErrorEntry> early_errors;
    std::size_t inputs_opened = 0;
    for (const auto& input : opt_.inputs) {
      try {
        auto ev = open_evidence(input);
        header.evidence.push_back({input.string(), ev->kind()});
        ++inputs_opened;
        collect(*ev, early_errors);
      } catch (const EvidenceError& e) {
        header.evidence.push_back({input.string(), "unreadable"});
        early_errors.push_back(error_at(input.string(), "open_failed", e.what()));
      }
    }
    sink_.begin(header);
    for (const auto& e : early_errors) emit_error(e);

    const unsigned threads =
        opt_.threads != 0 ? opt_.threads : std::max(1u, std::thread::hardware_concurrency());
    {
      pipeline::OrderedWork<Unit, UnitResult> work(
          threads, 4 * threads + 4, [this](const Unit& u) { return process(u); },
          [this](UnitResult&& r) { consume(std::move(r)); });
      for (std::size_t i = 0; i < artifacts_.size(); ++i) plan(i, work);
      work.finish();
    }

    outcome_.stats.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    outcome_.nothing_readable = inputs_opened == 0 || outcome_.stats.files == 0;
    sink_.end(outcome_.stats);
    return outcome_;
  }

 private:
  static Filetime now_filetime() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100;
    return kFiletimeUnixEpoch + static_cast<Filetime>(ticks);
  }

  // Decides which files of an evidence argument are event logs.
  void collect(const Evidence& ev, std::vector<ErrorEntry>& errors) {
    if (ev.kind() == "directory") {
      if (opt_.all_logs) {
        for (auto& f : ev.list(kLogsDir))
          if (iends_with(f.display_path, ".evtx")) artifacts_.push_back({f.display_path, f.host_path});
        return;
      }
      for (const auto& log : standard_evtx_logs()) {
        if (auto f = ev.resolve(log)) {
          artifacts_.push_back({f->display_path, f->host_path});
        } else {
          errors.push_back(error_at(log, "missing", "not present in the evidence"));
        }
      }
      return;
    }
    const bool single = ev.kind() == "file";
    for (auto& f : ev.loose_files()) {
      std::error_code ec;
      auto st = std::filesystem::status(f.host_path, ec);
      const auto name = f.host_path.filename().string();
      // Legacy .evt logs are listed so that the reader reports them as not read.
      const bool named_evtx = iends_with(name, ".evtx") || iends_with(name, ".evt");
      if (std::filesystem::is_directory(st)) {
        if (named_evtx)
          errors.push_back(error_at(f.display_path, "open_failed",
                            "is a folder, not an EVTX file (its contents are read as files)"));
        continue;
      }
      if (single || named_evtx) {
        artifacts_.push_back({f.display_path, f.host_path});
      } else if (std::filesystem::is_regular_file(st) && has_evtx_magic(f.host_path)) {
        artifacts_.push_back({f.display_path, f.host_path});  // a log renamed by a collector
      }
    }
  }

  bool keep(std::uint16_t id, std::string_view provider, Filetime written) const {
    // Written time and TimeCreated can differ by a few ticks: the exact test comes later.
    if (opt_.since && written != 0 && written + kTicksPerSecond < *opt_.since) return false;
    if (opt_.until && written > *opt_.until + kTicksPerSecond) return false;
    if (opt_.all_events) return true;
    if (!ids_.empty()) return std::binary_search(ids_.begin(), ids_.end(), id);
    return evtx::in_default_set(provider, id);
  }

  void plan(std::size_t index, pipeline::OrderedWork<Unit, UnitResult>& work) {
    const Artifact& a = artifacts_[index];
    std::error_code ec;
    auto size = std::filesystem::file_size(a.host, ec);
    if (ec || size < kSplitBytes || !std::filesystem::is_regular_file(a.host, ec)) {
      work.submit(Unit{index, true, false, 0, 0, true});
      return;
    }
    // A big file: count its records here, then read ranges in parallel.
    std::unique_ptr<evtx::Reader> reader;
    try {
      reader = std::make_unique<evtx::Reader>(a.host, a.display);
    } catch (const ArtifactError&) {
      work.submit(Unit{index, true, false, 0, 0, true});  // the worker reports the error
      return;
    }
    const std::size_t n = reader->record_count();
    const std::size_t nrec = opt_.recover ? reader->recovered_count() : 0;
    pool_.give(index, std::move(reader));
    std::vector<Unit> units;
    for (std::size_t first = 0; first < n; first += kRecordsPerUnit)
      units.push_back(Unit{index, false, false, first, std::min(n, first + kRecordsPerUnit), false});
    if (nrec > 0) units.push_back(Unit{index, false, true, 0, nrec, false});
    if (units.empty()) units.push_back(Unit{index, false, false, 0, 0, false});
    units.back().last_of_file = true;
    for (auto& u : units) work.submit(u);
  }

  UnitResult process(const Unit& u) {
    UnitResult r;
    r.artifact = u.artifact;
    r.last_of_file = u.last_of_file;
    const Artifact& a = artifacts_[u.artifact];
    try {
      std::unique_ptr<evtx::Reader> reader;
      if (!u.whole_file) reader = pool_.take(u.artifact);
      if (!reader) reader = std::make_unique<evtx::Reader>(a.host, a.display);
      r.opened = u.whole_file || (u.first == 0 && !u.recovered);
      if (u.whole_file) {
        read_range(*reader, a, false, 0, reader->record_count(), r);
        if (opt_.recover) read_range(*reader, a, true, 0, reader->recovered_count(), r);
      } else {
        read_range(*reader, a, u.recovered, u.first, u.last, r);
        pool_.give(u.artifact, std::move(reader));
      }
    } catch (const ArtifactError& e) {
      r.errors.push_back(error_at(a.display, "open_failed", e.detail(), e.offset()));
    } catch (const std::exception& e) {
      r.errors.push_back(error_at(a.display, "open_failed", e.what()));
    }
    return r;
  }

  void read_range(evtx::Reader& reader, const Artifact& a, bool recovered, std::size_t first,
                  std::size_t last, UnitResult& r) {
    const evtx::Prefilter filter = [this](std::uint16_t id, std::string_view provider,
                                          Filetime written) { return keep(id, provider, written); };
    std::size_t damaged = 0;
    std::size_t unlisted = 0;
    std::optional<std::uint64_t> first_unlisted;
    for (std::size_t i = first; i < last; ++i) {
      ++r.records;
      std::optional<evtx::Event> ev;
      try {
        ev = reader.read(i, recovered, filter);
      } catch (const ArtifactError& e) {
        if (++damaged <= kMaxRecordErrorsPerUnit) {
          r.errors.push_back(error_at(a.display, "record", e.detail(), e.offset()));
        } else {
          if (!first_unlisted) first_unlisted = i;
          ++unlisted;
        }
        continue;
      }
      if (!ev) continue;
      if (opt_.since && ev->time_created < *opt_.since) continue;
      if (opt_.until && ev->time_created > *opt_.until) continue;
      Finding f = evtx::make_finding(*ev, a.display);
      if (opt_.target && !names_target(f)) continue;
      checks::apply_evtx_checks(f);
      r.findings.push_back(std::move(f));
    }
    if (unlisted > 0) {
      r.errors.push_back(error_at(a.display, "limit",
                          std::to_string(unlisted) + " more unreadable " +
                              (recovered ? "recovered " : "") + "records from index " +
                              std::to_string(*first_unlisted) + " to " + std::to_string(last - 1) +
                              " not listed one by one"));
    }
  }

  bool names_target(const Finding& f) const {
    static constexpr std::string_view kFields[] = {
        "Image",           "ParentImage", "CommandLine",    "ParentCommandLine",
        "NewProcessName",  "ParentProcessName", "TargetFilename", "ImagePath",
        "ServiceFileName", "Details"};
    for (auto name : kFields) {
      auto it = f.data.find(std::string(name));
      if (it != f.data.end() && it->is_string() &&
          checks::names_target(it->get_ref<const std::string&>(), *opt_.target))
        return true;
    }
    return false;
  }

  void consume(UnitResult&& r) {
    if (r.opened) ++outcome_.stats.files;
    if (r.last_of_file) pool_.drop(r.artifact);
    outcome_.stats.records += r.records;
    for (auto& f : r.findings) {
      outcome_.max_severity = std::max(outcome_.max_severity, f.severity);
      ++outcome_.stats.findings;
      sink_.finding(f);
    }
    for (auto& e : r.errors) emit_error(e);
  }

  void emit_error(const ErrorEntry& e) {
    ++outcome_.stats.errors;
    spdlog::debug("{}: {}", e.artifact.path, e.message);
    sink_.error(e);
  }

  const EvtxScanOptions& opt_;
  FindingSink& sink_;
  std::vector<std::uint16_t> ids_;
  std::vector<Artifact> artifacts_;
  ReaderPool pool_;
  ScanOutcome outcome_;
};

}  // namespace

const std::vector<std::string>& standard_evtx_logs() {
  static const std::vector<std::string> logs = {
      std::string(kLogsDir) + "\\Security.evtx",
      std::string(kLogsDir) + "\\System.evtx",
      std::string(kLogsDir) + "\\Microsoft-Windows-Sysmon%4Operational.evtx",
      std::string(kLogsDir) +
          "\\Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx",
      std::string(kLogsDir) +
          "\\Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx",
  };
  return logs;
}

ScanOutcome scan_evtx(const EvtxScanOptions& options, const std::string& command,
                      FindingSink& sink) {
  EvtxScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
