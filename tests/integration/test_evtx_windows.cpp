// Reading big logs as windows of chunks (EvtxScanOptions::window_chunks, chunk_window.hpp)
// must not change what is found: every window size gives the findings and the record errors
// of a scan that reads the file whole.
//
// The reference is the same scan with window_chunks larger than the file (one libevtx handle
// on the file itself). Files: every EVTX file of the shared corpus of at least 3 chunks, and a
// ~20 MiB log written by `evtxgen big`. Every event (all_events) and the recovered records
// (recover) are read, so that windows see the same free space as the whole file.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
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

using Collect = sqltriage::test::CollectingSink;

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
/// entry summarises (its message says "N more unreadable records ...").
std::uint64_t damaged_records(const std::vector<sqltriage::ErrorEntry>& errors) {
  std::uint64_t n = 0;
  for (const auto& e : errors) {
    if (e.code == "record") {
      ++n;
    } else if (e.code == "limit") {
      const auto at = e.message.find(" more unreadable");
      auto start = at;
      while (start != std::string::npos && start > 0 &&
             std::isdigit(static_cast<unsigned char>(e.message[start - 1])))
        --start;
      INFO("limit entry: " << e.message);
      REQUIRE(at != std::string::npos);
      REQUIRE(start < at);
      n += std::stoull(e.message.substr(start, at - start));
    }
  }
  return n;
}

/// File offsets of the "record" entries, sorted; std::nullopt when a "limit" entry summarises
/// some of them (then which ones are listed depends on how the file was split).
std::optional<std::vector<std::uint64_t>> listed_offsets(
    const std::vector<sqltriage::ErrorEntry>& errors) {
  std::vector<std::uint64_t> offsets;
  for (const auto& e : errors) {
    if (e.code == "limit") return std::nullopt;
    if (e.code == "record") offsets.push_back(e.artifact.offset.value_or(0));
  }
  std::sort(offsets.begin(), offsets.end());
  return offsets;
}

std::string record_of(const Json& f) {
  std::string s = "record " + (f["artifact"].contains("record") ? f["artifact"]["record"].dump()
                                                                : std::string("(none)"));
  if (f["data"].contains("Recovered")) s += " (recovered)";
  if (f["artifact"].contains("offset")) s += " at offset " + f["artifact"]["offset"].dump();
  return s;
}

/// Findings in one list only (compared as multisets, order ignored). Empty when the two lists
/// hold the same findings.
std::string content_difference(const std::vector<Json>& whole, const std::vector<Json>& windowed) {
  std::ostringstream why;
  std::multiset<std::string> a, b;
  for (const auto& f : whole) a.insert(f.dump());
  for (const auto& f : windowed) b.insert(f.dump());
  std::vector<std::string> only_whole, only_windowed;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_whole));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_windowed));
  auto list = [&why](const char* label, const std::vector<std::string>& v) {
    if (v.empty()) return;
    why << "\n  " << v.size() << " finding(s) only " << label << ":";
    for (std::size_t i = 0; i < v.size() && i < 5; ++i)
      why << "\n    " << record_of(Json::parse(v[i])) << ": " << v[i].substr(0, 300);
  };
  list("in the whole-file scan", only_whole);
  list("in the windowed scan", only_windowed);
  return why.str();
}

/// The findings of recovered records (or of allocated ones), in their order.
std::vector<Json> only_recovered(const std::vector<Json>& findings, bool recovered) {
  std::vector<Json> out;
  for (const auto& f : findings)
    if (f["data"].contains("Recovered") == recovered) out.push_back(f);
  return out;
}

/// The first position where two lists of the same findings part. Empty when in the same order.
std::string order_difference(const std::vector<Json>& whole, const std::vector<Json>& windowed) {
  for (std::size_t i = 0; i < whole.size() && i < windowed.size(); ++i) {
    if (whole[i] != windowed[i])
      return "first difference at position " + std::to_string(i) + ": whole file has " +
             record_of(whole[i]) + ", windowed " + record_of(windowed[i]);
  }
  return {};
}

std::string error_list(const std::vector<sqltriage::ErrorEntry>& errors) {
  std::string s;
  for (std::size_t i = 0; i < errors.size() && i < 6; ++i)
    s += "\n    [" + errors[i].code + "] " + errors[i].message;
  if (errors.size() > 6) s += "\n    ... " + std::to_string(errors.size() - 6) + " more";
  return s;
}

/// What the whole-file scan found, so that a caller can make sure there was something to see.
struct WholeFile {
  std::size_t findings = 0;
  std::size_t recovered = 0;  // findings of recovered records
  std::uint64_t damaged = 0;  // unreadable records
};

/// Scans `file` whole and with windows of 1, 2, 3 and the default number of chunks, and
/// checks that every windowed scan equals the whole-file scan.
WholeFile check_windows_agree(const fs::path& file, const std::string& name) {
  const std::uint64_t chunks = chunks_of(file);
  INFO(name << ": " << chunks << " chunks");
  if (chunks < 3) FAIL("fewer than 3 chunks: " << name);
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
    CHECK(windowed.out.findings.size() == whole.out.findings.size());
    // Shown in full when they fail: which records differ, or where the order parts.
    const std::string differ = content_difference(whole.out.findings, windowed.out.findings);
    CHECK(differ == std::string());
    // The output order is "records in file order" whatever the window size.
    if (differ.empty()) {
      CHECK(order_difference(whole.out.findings, windowed.out.findings) == std::string());
      // Where they part: allocated records among themselves, recovered ones among themselves.
      CHECK(order_difference(only_recovered(whole.out.findings, false),
                             only_recovered(windowed.out.findings, false)) == std::string());
      CHECK(order_difference(only_recovered(whole.out.findings, true),
                             only_recovered(windowed.out.findings, true)) == std::string());
    }
    CHECK(damaged_records(windowed.out.errors) == damaged_records(whole.out.errors));
    // Damaged records are placed at the same file offsets (a window's offsets are moved by
    // the window's start).
    const auto whole_offsets = listed_offsets(whole.out.errors);
    const auto windowed_offsets = listed_offsets(windowed.out.errors);
    if (whole_offsets && windowed_offsets) CHECK(*windowed_offsets == *whole_offsets);
    // Every damaged-record entry names the file, windowed or not.
    for (const auto& e : windowed.out.errors) CHECK(e.artifact.path == file.string());
    // The file is counted once however many windows read it.
    CHECK(windowed.out.stats.files == 1);
    CHECK(windowed.outcome.nothing_readable == whole.outcome.nothing_readable);
    CHECK(windowed.outcome.max_severity == whole.outcome.max_severity);
  }
  return {whole.out.findings.size(), only_recovered(whole.out.findings, true).size(),
          damaged_records(whole.out.errors)};
}

}  // namespace

TEST_CASE("evtx windows: corpus logs of 3 chunks or more read alike in windows of any size",
          "[evtx][windows][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "evtx");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && has_evtx_signature(entry.path()) && chunks_of(entry.path()) >= 3)
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
  const auto whole = check_windows_agree(file, "evtxgen big --size-mb 20");
  CHECK(whole.findings > 15000);
  CHECK(whole.damaged == 0);
}

TEST_CASE("evtx windows: a damaged 20 MiB log reads alike in windows of any size",
          "[evtx][windows]") {
  TempDir tmp;
  const fs::path file = tmp.path() / "damaged.evtx";
  const auto gen = run(shell_quote(SQLTRIAGE_EVTXGEN) + " big " + shell_quote(file.string()) +
                       " --size-mb 20 --seed 12");
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);
  const std::uint64_t chunks = chunks_of(file);
  REQUIRE(chunks > 140);
  {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    // Chunk 5's header zeroed: libevtx skips the chunk (its records may be recovered).
    const std::string zeros(512, '\0');
    f.seekp(static_cast<std::streamoff>(kHeaderSize + 5 * kChunkSize));
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    // Record data in chunk 129 (in the second default window) overwritten.
    const std::string junk(64, '\x5a');
    f.seekp(static_cast<std::streamoff>(kHeaderSize + 129 * kChunkSize + 0x400));
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  // The last chunk cut in half.
  fs::resize_file(file, kHeaderSize + (chunks - 1) * kChunkSize + kChunkSize / 2);
  const auto whole = check_windows_agree(file, "evtxgen big --size-mb 20, damaged");
  // The damage is seen: unreadable records in chunk 129, chunk 5's records only recovered.
  CHECK(whole.damaged > 0);
  CHECK(whole.recovered > 0);
}
