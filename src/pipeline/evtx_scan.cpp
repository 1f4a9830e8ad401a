// The `evtx` scan: inputs -> artifact list -> work units -> ordered findings.
#include "sqltriage/evtx_scan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

#include "artifacts/evtx/chunk_check.hpp"
#include "artifacts/evtx/chunk_window.hpp"
#include "artifacts/evtx/event_catalog.hpp"
#include "pipeline/ordered_work.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx.hpp"
#include "sqltriage/json_text.hpp"

namespace sqltriage {

namespace {

constexpr std::string_view kLogsDir = "C:\\Windows\\System32\\winevt\\Logs";
// Files of more chunks than this are read as windows of this many chunks (1 MiB), each by
// its own libevtx handle, so threads share even a small log and memory stays per window
// (a window's findings wait in memory until their turn to be written).
constexpr std::uint64_t kDefaultWindowChunks = 16;
// Damaged records listed one by one per file (and as many again for recovered records);
// the rest are summarised in one "limit" entry.
constexpr std::size_t kMaxRecordErrorsPerFile = 50;

struct Artifact {
  std::string display;
  ArtifactFile file;
  // Set by plan() for files read in windows, before their units are queued.
  std::shared_ptr<const ByteSource> source;
  std::optional<evtx::FileLayout> layout;
};

struct Unit {
  std::size_t artifact = 0;
  bool whole_file = true;  // one libevtx handle on the file itself: all its records
  std::uint64_t first_chunk = 0;
  std::uint64_t last_chunk = 0;  // exclusive
  bool recovered = false;        // a window's recovered records instead of its records
  bool last_of_file = true;
};

struct UnitResult {
  std::vector<Finding> findings;
  std::vector<std::string> rendered;  // each finding's JSON text, made by the worker
  std::vector<ErrorEntry> errors;
  std::uint64_t records = 0;
  std::uint64_t readable = 0;          // records libevtx read without error
  std::uint64_t unread_declared = 0;   // records chunk headers declare that libevtx skipped
  std::vector<ErrorEntry> damaged[2];  // unreadable records, then unreadable recovered ones
  bool opened = false;                 // the file opened, counted once per file
  std::size_t artifact = 0;
  bool last_of_file = true;
};

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
        auto ev = open_evidence(input, opt_.evidence);
        header.evidence.push_back({input.string(), ev->kind(), ev->layout()});
        for (auto& e : ev->open_errors()) early_errors.push_back(std::move(e));  // after header
        ++inputs_opened;
        collect(*ev, early_errors);
      } catch (const EvidenceError& e) {
        header.evidence.push_back({input.string(), "unreadable", {}});
        early_errors.push_back(make_error(input.string(), "open_failed", e.detail()));
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
    // Nothing readable: no input opened, no file opened, or files opened but every record
    // in them failed (an empty but sound log is not a failure).
    outcome_.nothing_readable = inputs_opened == 0 || outcome_.stats.files == 0 ||
                                (readable_ == 0 && outcome_.stats.errors > 0);
    sink_.end(outcome_.stats);
    return outcome_;
  }

 private:
  // Decides which files of an evidence argument are event logs.
  void collect(const Evidence& ev, std::vector<ErrorEntry>& errors) {
    if (ev.has_windows_layout()) {
      if (opt_.all_logs) {
        for (auto& f : ev.list(kLogsDir))
          if (iends_with(f.display_path, ".evtx"))
            artifacts_.push_back(Artifact{f.display_path, f, {}, {}});
        return;
      }
      for (const auto& log : standard_evtx_logs()) {
        if (auto f = ev.resolve(log)) {
          artifacts_.push_back(Artifact{f->display_path, *f, {}, {}});
        } else {
          errors.push_back(make_error(log, "missing", "not present in the evidence"));
        }
      }
      return;
    }
    const bool single = ev.kind() == "file";
    const std::size_t before = artifacts_.size() + errors.size();
    for (auto& f : ev.loose_files()) {
      std::error_code ec;
      if (!single &&
          std::filesystem::is_symlink(std::filesystem::symlink_status(f.host_path, ec))) {
        if (iends_with(f.host_path.filename().string(), ".evtx"))
          errors.push_back(
              make_error(f.display_path, "open_failed",
                         "is a symbolic link; links are not followed out of the evidence"));
        continue;
      }
      auto st = std::filesystem::status(f.host_path, ec);
      const auto name = f.host_path.filename().string();
      // Legacy .evt logs are listed so that the reader reports them as not read.
      const bool named_evtx = iends_with(name, ".evtx") || iends_with(name, ".evt");
      if (std::filesystem::is_directory(st)) {
        if (named_evtx)
          errors.push_back(
              make_error(f.display_path, "open_failed",
                         "is a folder, not an EVTX file (its contents are read as files)"));
        continue;
      }
      if (single || named_evtx) {
        artifacts_.push_back(Artifact{f.display_path, f, {}, {}});
      } else if (std::filesystem::is_regular_file(st) && has_evtx_magic(f.host_path)) {
        artifacts_.push_back(Artifact{f.display_path, f, {}, {}});  // a log renamed by a collector
      }
    }
    if (!single && artifacts_.size() + errors.size() == before)
      errors.push_back(
          make_error(ev.path().string(), "missing",
                     "no EVTX file in this folder (*.evtx, or files with the ElfFile signature)"));
  }

  // The record header's written time is not used: in logs saved from Event Viewer it can be
  // hours off TimeCreated, or zero. Time filters apply to TimeCreated after rendering.
  bool keep(std::uint16_t id, std::string_view provider) const {
    if (opt_.all_events) return true;
    if (!ids_.empty()) return std::binary_search(ids_.begin(), ids_.end(), id);
    return evtx::in_default_set(provider, id);
  }

  void plan(std::size_t index, pipeline::OrderedWork<Unit, UnitResult>& work) {
    Artifact& a = artifacts_[index];
    const std::uint64_t w = opt_.window_chunks != 0 ? opt_.window_chunks : kDefaultWindowChunks;
    try {
      std::error_code ec;
      const bool in_image = static_cast<bool>(a.file.open_in_image);
      if (in_image || std::filesystem::is_regular_file(a.file.host_path, ec)) {
        auto source = open_artifact(a.file);
        if (source->size() <= evtx::kFileHeaderSize + w * evtx::kChunkSize) {
          if (in_image) a.source = std::move(source);  // opened once, read whole below
          work.submit(Unit{index, true, 0, 0, false, true});
          return;
        }
        if (auto layout = evtx::read_layout(*source); layout && layout->file_chunks > w) {
          a.source = std::move(source);
          a.layout = std::move(layout);
          // Records of every window first, then their recovered records: the order a whole-
          // file read gives, whatever the window size.
          std::vector<Unit> units;
          for (int pass = 0; pass < (opt_.recover ? 2 : 1); ++pass)
            for (std::uint64_t first = 0; first < a.layout->file_chunks; first += w)
              units.push_back(Unit{index, false, first, std::min(a.layout->file_chunks, first + w),
                                   pass == 1, false});
          units.back().last_of_file = true;
          for (const auto& u : units) work.submit(u);
          return;
        }
      }
    } catch (const std::exception&) {
      // Fall through: the whole-file reader reports why the file cannot be read.
    }
    work.submit(Unit{index, true, 0, 0, false, true});
  }

  UnitResult process(const Unit& u) {
    UnitResult r;
    r.artifact = u.artifact;
    r.last_of_file = u.last_of_file;
    const Artifact& a = artifacts_[u.artifact];
    // Offsets libevtx reports inside a window, moved to the whole file's.
    const std::uint64_t shift = u.whole_file ? 0 : u.first_chunk * evtx::kChunkSize;
    std::string where;
    if (!u.whole_file)
      where =
          "chunks " + std::to_string(u.first_chunk) + "-" + std::to_string(u.last_chunk - 1) + ", ";
    try {
      // One open file serves libevtx and the chunk check.
      const auto source = a.source ? a.source : open_artifact(a.file);
      std::unique_ptr<evtx::Reader> reader =
          u.whole_file
              ? std::make_unique<evtx::Reader>(source, a.display)
              : std::make_unique<evtx::Reader>(
                    evtx::chunk_window(source, *a.layout, u.first_chunk, u.last_chunk), a.display);
      r.opened = u.whole_file || (u.first_chunk == 0 && !u.recovered);
      if (!u.recovered) check_integrity(*source, a, u, reader->record_count(), r);
      if (u.whole_file || !u.recovered)
        read_range(*reader, a, false, reader->record_count(), shift, where, r);
      if (opt_.recover && (u.whole_file || u.recovered))
        read_range(*reader, a, true, reader->recovered_count(), shift, where, r);
    } catch (const ArtifactError& e) {
      r.errors.push_back(
          make_error(a.display, "open_failed", where + e.detail(),
                     e.offset() ? std::optional(*e.offset() + shift) : std::nullopt));
    } catch (const std::exception& e) {
      r.errors.push_back(make_error(a.display, "open_failed", e.what()));
    }
    return r;
  }

  // Chunks libevtx skipped or whose checksums fail, named with their offsets, and records
  // the chunks declare that libevtx did not return (it stops reading a chunk at the first
  // record it cannot parse).
  void check_integrity(const ByteSource& source, const Artifact& a, const Unit& u,
                       std::size_t records_read, UnitResult& r) {
    const auto layout = u.whole_file ? evtx::read_layout(source) : a.layout;
    if (!layout) return;
    const std::uint64_t last = u.whole_file ? layout->file_chunks : u.last_chunk;
    auto report = evtx::check_chunks(source, *layout, u.first_chunk, last, u.first_chunk == 0);
    for (auto& p : report.problems)
      r.errors.push_back(make_error(a.display, std::move(p.code), std::move(p.message), p.offset));
    if (report.declared_records > records_read)
      r.unread_declared = report.declared_records - records_read;
  }

  void read_range(evtx::Reader& reader, const Artifact& a, bool recovered, std::size_t count,
                  std::uint64_t shift, const std::string& where, UnitResult& r) {
    const evtx::Prefilter filter = [this](std::uint16_t id, std::string_view provider, Filetime) {
      return keep(id, provider);
    };
    for (std::size_t i = 0; i < count; ++i) {
      ++r.records;
      std::optional<evtx::Event> ev;
      try {
        ev = reader.read(i, recovered, filter);
      } catch (const ArtifactError& e) {
        // consume() decides how many of these are listed.
        r.damaged[recovered].push_back(
            make_error(a.display, "record", where + e.detail(),
                       e.offset() ? std::optional(*e.offset() + shift) : std::nullopt));
        continue;
      }
      ++r.readable;
      if (!ev) continue;
      if (ev->offset) *ev->offset += shift;
      if (opt_.since && ev->time_created < *opt_.since) continue;
      if (opt_.until && ev->time_created > *opt_.until) continue;
      Finding f = evtx::make_finding(*ev, a.display);
      if (opt_.target && !names_target(f)) continue;
      checks::apply_evtx_checks(f);
      r.rendered.push_back(to_json_text(to_json(f)));
      r.findings.push_back(std::move(f));
    }
  }

  bool names_target(const Finding& f) const { return evtx_finding_names_target(f, *opt_.target); }

  void consume(UnitResult&& r) {
    if (r.opened) ++outcome_.stats.files;
    outcome_.stats.records += r.records;
    readable_ += r.readable;
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      outcome_.max_severity = std::max(outcome_.max_severity, r.findings[i].severity);
      ++outcome_.stats.findings;
      sink_.finding(r.findings[i], r.rendered[i]);
    }
    for (int recovered = 0; recovered < 2; ++recovered) {
      for (const auto& e : r.damaged[recovered])
        if (++damaged_[recovered] <= kMaxRecordErrorsPerFile) emit_error(e);
    }
    for (const auto& e : r.errors) emit_error(e);
    unread_declared_ += r.unread_declared;
    if (r.last_of_file) {
      if (unread_declared_ > 0) {
        emit_error(
            make_error(artifacts_[r.artifact].display, "unread_records",
                       std::to_string(unread_declared_) +
                           " records that the chunk headers declare were not read: libevtx "
                           "stops reading a chunk at a record it cannot parse (--recover may "
                           "find some)"));
        unread_declared_ = 0;
      }
      for (int recovered = 0; recovered < 2; ++recovered) {
        if (damaged_[recovered] <= kMaxRecordErrorsPerFile) continue;
        emit_error(make_error(artifacts_[r.artifact].display, "limit",
                              std::to_string(damaged_[recovered] - kMaxRecordErrorsPerFile) +
                                  " more unreadable " + (recovered ? "recovered " : "") +
                                  "records, not listed one by one (" +
                                  std::to_string(damaged_[recovered]) + " in all)"));
      }
      damaged_[0] = damaged_[1] = 0;
    }
  }

  void emit_error(const ErrorEntry& e) {
    ++outcome_.stats.errors;
    if (e.code == "missing")
      spdlog::info("{}: {}", e.artifact.path, e.message);
    else
      spdlog::warn("{}: {}", e.artifact.path, e.message);
    sink_.error(e);
  }

  const EvtxScanOptions& opt_;
  FindingSink& sink_;
  std::vector<std::uint16_t> ids_;
  std::vector<Artifact> artifacts_;
  ScanOutcome outcome_;
  std::size_t damaged_[2] = {0, 0};    // unreadable records of the file being consumed
  std::uint64_t readable_ = 0;         // records read without error, all files
  std::uint64_t unread_declared_ = 0;  // of the file being consumed
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

bool evtx_finding_names_target(const Finding& f, std::string_view target) {
  static constexpr std::string_view kFields[] = {"Image",           "ParentImage",
                                                 "CommandLine",     "ParentCommandLine",
                                                 "NewProcessName",  "ParentProcessName",
                                                 "TargetFilename",  "ImagePath",
                                                 "ServiceFileName", "Details"};
  for (auto name : kFields) {
    auto it = f.data.find(std::string(name));
    if (it != f.data.end() && it->is_string() &&
        checks::names_target(it->get_ref<const std::string&>(), target))
      return true;
  }
  return false;
}

ScanOutcome scan_evtx(const EvtxScanOptions& options, const std::string& command,
                      FindingSink& sink) {
  EvtxScan scan(options, sink);
  return scan.run(command);
}

}  // namespace sqltriage
