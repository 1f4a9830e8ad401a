// Reading big logs as windows of chunks (EvtxScanOptions::window_chunks, chunk_window.hpp)
// must not change what is found: every window size gives the findings and the record errors
// of a scan that reads the file whole.
//
// The reference is the same scan with window_chunks larger than the file (one libevtx handle
// on the file itself). Files: every EVTX file of the shared corpus of at least 3 chunks, and a
// ~20 MiB log written by `evtxgen big`. Every event (all_events) and the recovered records
// (recover) are read, so that windows see the same free space as the whole file.
#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/evtx_scan.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

constexpr std::uint64_t kHeaderSize = 4096;
constexpr std::uint64_t kChunkSize = 65536;

/// A sink that keeps the whole run in memory, in the order the scan emitted it.
class Collect : public sqltriage::FindingSink {
 public:
  void begin(const sqltriage::DocumentHeader&) override {}
  void finding(const sqltriage::Finding& f) override {
    findings.push_back(sqltriage::to_json(f));
    recovered.push_back(f.data.contains("Recovered"));
  }
  void error(const sqltriage::ErrorEntry& e) override { errors.push_back(e); }
  void end(const sqltriage::RunStats& s) override { stats = s; }

  std::vector<Json> findings;
  std::vector<bool> recovered;  // parallel to findings
  std::vector<sqltriage::ErrorEntry> errors;
  sqltriage::RunStats stats;
};

struct Scan {
  Collect out;
  sqltriage::ScanOutcome outcome;
};

Scan scan(const fs::path& file, std::uint64_t window_chunks) {
  sqltriage::EvtxScanOptions opt;
  opt.inputs = {file};
  opt.all_events = true;
  opt.recover = true;
  opt.threads = 4;
  opt.window_chunks = window_chunks;
  Scan s;
  s.outcome = sqltriage::scan_evtx(opt, "evtx", s.out);
  return s;
}

/// Chunks the file's size holds after the 4096-byte header (a partial chunk counts).
std::uint64_t chunks_of(const fs::path& file) {
  const auto size = fs::file_size(file);
  return size <= kHeaderSize ? 0 : (size - kHeaderSize + kChunkSize - 1) / kChunkSize;
}

bool has_evtx_signature(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == std::string("ElfFile\0", 8);
}

/// Damaged records a run reports: one per "record" entry, plus the number each "limit"
/// entry summarises (its message starts with that number: "N more unreadable records ...").
std::uint64_t damaged_records(const std::vector<sqltriage::ErrorEntry>& errors) {
  std::uint64_t n = 0;
  for (const auto& e : errors) {
    if (e.code == "record") {
      ++n;
    } else if (e.code == "limit") {
      std::istringstream in(e.message);
      std::uint64_t more = 0;
      in >> more;
      CHECK(more > 0);
      n += more;
    }
  }
  return n;
}

std::string record_of(const Json& f) {
  std::string s = "record " + (f["artifact"].contains("record")
                                   ? f["artifact"]["record"].dump()
                                   : std::string("(none)"));
  if (f["data"].contains("Recovered")) s += " (recovered)";
  if (f["artifact"].contains("offset")) s += " at offset " + f["artifact"]["offset"].dump();
  return s;
}

/// Where two findings lists part: the first position that differs, and which findings are in
/// one list only (compared as multisets). Empty when equal.
std::string describe_difference(const std::vector<Json>& whole, const std::vector<Json>& windowed) {
  std::ostringstream why;
  std::multiset<std::string> a, b;
  for (const auto& f : whole) a.insert(f.dump());
  for (const auto& f : windowed) b.insert(f.dump());
  std::vector<std::string> only_whole, only_windowed;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_whole));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_windowed));
  if (whole.size() != windowed.size())
    why << "\n  whole file: " << whole.size() << " findings, windowed: " << windowed.size();
  auto list = [&why](const char* label, const std::vector<std::string>& v) {
    if (v.empty()) return;
    why << "\n  " << v.size() << " finding(s) only " << label << ":";
    for (std::size_t i = 0; i < v.size() && i < 5; ++i)
      why << "\n    " << record_of(Json::parse(v[i])) << ": " << v[i].substr(0, 300);
  };
  list("in the whole-file scan", only_whole);
  list("in the windowed scan", only_windowed);
  if (only_whole.empty() && only_windowed.empty()) {
    for (std::size_t i = 0; i < whole.size() && i < windowed.size(); ++i) {
      if (whole[i] != windowed[i]) {
        why << "\n  same findings, other order: first at position " << i << ": whole file has "
            << record_of(whole[i]) << ", windowed " << record_of(windowed[i]);
        break;
      }
    }
  }
  return why.str();
}

std::string error_list(const std::vector<sqltriage::ErrorEntry>& errors) {
  std::string s;
  for (std::size_t i = 0; i < errors.size() && i < 6; ++i)
    s += "\n    [" + errors[i].code + "] " + errors[i].message;
  if (errors.size() > 6) s += "\n    ... " + std::to_string(errors.size() - 6) + " more";
  return s;
}

/// Scans `file` whole and with windows of 1, 2, 3 and the default number of chunks, and
/// checks that every windowed scan equals the whole-file scan.
void check_windows_agree(const fs::path& file, const std::string& name) {
  const std::uint64_t chunks = chunks_of(file);
  INFO(name << ": " << chunks << " chunks");
  REQUIRE(chunks >= 3);
  const Scan whole = scan(file, chunks + 1000);
  INFO("whole-file scan: " << whole.out.findings.size() << " findings, "
                           << damaged_records(whole.out.errors) << " damaged records, "
                           << whole.out.errors.size() << " error entries"
                           << error_list(whole.out.errors));
  CHECK(whole.out.stats.files == 1);

  for (std::uint64_t w : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{0}}) {
    const Scan windowed = scan(file, w);
    INFO("window_chunks=" << w << ": " << windowed.out.findings.size() << " findings, "
                          << damaged_records(windowed.out.errors) << " damaged records, "
                          << windowed.out.errors.size() << " error entries"
                          << error_list(windowed.out.errors));
    const std::string difference = describe_difference(whole.out.findings, windowed.out.findings);
    CHECK(difference.empty());
    if (!difference.empty()) UNSCOPED_INFO(name << ", window_chunks=" << w << ":" << difference);
    CHECK(windowed.out.findings.size() == whole.out.findings.size());
    CHECK(damaged_records(windowed.out.errors) == damaged_records(whole.out.errors));
    // Every damaged-record entry names the file, windowed or not.
    for (const auto& e : windowed.out.errors) CHECK(e.artifact.path == file.string());
    // The file is counted once however many windows read it.
    CHECK(windowed.out.stats.files == 1);
    CHECK(windowed.outcome.nothing_readable == whole.outcome.nothing_readable);
    CHECK(windowed.outcome.max_severity == whole.outcome.max_severity);
  }
}

}  // namespace

TEST_CASE("evtx windows: corpus logs of 3 chunks or more read alike in windows of any size",
          "[evtx][windows][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "evtx");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && has_evtx_signature(entry.path()) &&
        chunks_of(entry.path()) >= 3)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  // The corpus holds about ten such logs (MANIFEST.tsv); an empty list would test nothing.
  REQUIRE(files.size() >= 5);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      check_windows_agree(file, file.filename().string());
    }
  }
}

TEST_CASE("evtx windows: a 20 MiB evtxgen log reads alike in windows of any size",
          "[evtx][windows]") {
  TempDir tmp;
  const fs::path file = tmp.path() / "big.evtx";
  const auto gen = run(shell_quote(SQLTRIAGE_EVTXGEN) + " big " + shell_quote(file.string()) +
                       " --size-mb 20 --seed 11");
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);
  // More chunks than the default window (128), so window_chunks=0 splits it too.
  REQUIRE(chunks_of(file) > 128);
  check_windows_agree(file, "evtxgen big --size-mb 20");
}
