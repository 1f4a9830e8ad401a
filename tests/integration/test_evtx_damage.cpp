// `sqltriage evtx` on bad input: damaged, hostile, unreadable and missing logs.
//
// Every bad file must give its own `errors` entry naming it (with an offset where one means
// something), the run must neither crash nor hang (each run is under `timeout 60`), and a
// good log in the same folder must still be read completely. Exit codes follow docs/cli.md:
// 0 when at least one artifact was read, 3 when none could.
//
// Damaged variants are written at test time into temporary folders, from logs our own writer
// makes (`evtxgen`). What a damaged file still holds is judged by libevtx's own tools
// (`evtxinfo`, `evtxexport`) and, for the real damaged logs of the shared corpus, by the
// counts recorded in tests/reference/evtxexport/summary.tsv.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "evtx_writer/evtx_writer.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using sqltriage::test::CommandResult;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::have_tool;
using sqltriage::test::run_sqltriage;

constexpr std::uint64_t kHeader = 4096;
constexpr std::uint64_t kChunk = 65536;

/// Runs `sqltriage evtx ARGS` under `timeout 60`: a hang ends with exit code 124.
CommandResult evtx(const std::string& args) {
  return sqltriage::test::run_sqltriage("evtx " + args, 60);
}

bool have(const std::string& tool) { return sqltriage::test::tool_or_skip(tool); }

/// The document on stdout. A crash or a hang leaves none, so this also catches those.
Json document(const CommandResult& r) {
  INFO("exit " << r.exit_code << "\nstdout: " << r.out.substr(0, 1500)
               << "\nstderr: " << r.err.substr(0, 1500));
  REQUIRE(r.exit_code != 124);  // timeout: the run hung
  REQUIRE((r.exit_code == 0 || r.exit_code == 3));
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  REQUIRE(doc.contains("errors"));
  REQUIRE(doc["stats"]["errors"] == doc["errors"].size());
  return doc;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

void put_le(std::string& b, std::size_t at, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

/// Recomputes the file header's CRC-32 (of bytes 0-119, stored at 124).
void fix_header_crc(std::string& b) {
  const auto crc = ::crc32(0L, reinterpret_cast<const Bytef*>(b.data()), 120);
  put_le(b, 124, 4, crc);
}

std::string file_name_of(const std::string& path) {
  const auto cut = path.find_last_of("\\/");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

/// The entries of `doc["errors"]` whose artifact is the file named `name`.
std::vector<Json> errors_naming(const Json& doc, const std::string& name) {
  std::vector<Json> out;
  for (const auto& e : doc["errors"])
    if (file_name_of(e["artifact"]["path"].get<std::string>()) == name) out.push_back(e);
  return out;
}

/// (EventRecordID, type) of the findings from the log named `name`.
std::multiset<std::pair<std::uint64_t, std::string>> findings_of(const Json& doc,
                                                                 const std::string& name) {
  std::multiset<std::pair<std::uint64_t, std::string>> out;
  for (const auto& f : doc["findings"])
    if (file_name_of(f["artifact"]["path"].get<std::string>()) == name)
      out.emplace(f["artifact"]["record"].get<std::uint64_t>(), f["type"].get<std::string>());
  return out;
}

std::size_t count_findings(const Json& doc, const std::string& name, bool recovered) {
  std::size_t n = 0;
  for (const auto& f : doc["findings"])
    if (file_name_of(f["artifact"]["path"].get<std::string>()) == name &&
        f["data"].contains("Recovered") == recovered)
      ++n;
  return n;
}

/// Unreadable records a run reports for one file: "record" entries plus what "limit" entries
/// summarise ("N more unreadable [recovered ]records ...").
std::size_t damaged_records(const Json& doc, const std::string& name, bool recovered) {
  std::size_t n = 0;
  for (const auto& e : errors_naming(doc, name)) {
    const auto message = e["message"].get<std::string>();
    const bool about_recovered = message.find("recovered record") != std::string::npos;
    if (about_recovered != recovered) continue;
    if (e["code"] == "record") {
      ++n;
    } else if (e["code"] == "limit") {
      const auto at = message.find(" more unreadable");
      REQUIRE(at != std::string::npos);
      auto start = at;
      while (start > 0 && std::isdigit(static_cast<unsigned char>(message[start - 1]))) --start;
      REQUIRE(start < at);
      n += std::stoull(message.substr(start, at - start));
    }
  }
  return n;
}

/// evtxinfo's view of a file: number of records and of recovered records, and whether
/// libevtx found it corrupted.
struct Info {
  std::size_t records = 0;
  std::size_t recovered = 0;
  bool corrupted = false;
};

Info evtxinfo(const fs::path& file) {
  auto r = run("evtxinfo " + shell_quote(file.string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  Info info;
  std::istringstream in(r.out);
  std::string line;
  auto number_after_colon = [](const std::string& l) {
    return static_cast<std::size_t>(std::stoull(l.substr(l.find(':') + 1)));
  };
  while (std::getline(in, line)) {
    if (line.find("Number of recovered records") != std::string::npos)
      info.recovered = number_after_colon(line);
    else if (line.find("Number of records") != std::string::npos)
      info.records = number_after_colon(line);
    else if (line.find("Is corrupted") != std::string::npos)
      info.corrupted = true;
  }
  return info;
}

/// Records evtxexport exports from the file (it stops at the first record it cannot read).
std::size_t evtxexport_count(const fs::path& file) {
  auto r = run("evtxexport -f xml " + shell_quote(file.string()));
  std::size_t n = 0;
  for (auto at = r.out.find("<Event "); at != std::string::npos; at = r.out.find("<Event ", at + 1))
    ++n;
  return n;
}

/// A folder with one good log (the sample's Security.evtx) and what a case puts beside it.
class Bench {
 public:
  Bench() {
    auto r =
        run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(sample_.path().string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    good_ = sample_.path() / "C" / "Windows" / "System32" / "winevt" / "Logs" / "Security.evtx";
    REQUIRE(fs::is_regular_file(good_));
    fs::copy_file(good_, folder() / "Security.evtx");
    // tests/fixtures/README.md: 21 records, of which 4634 x2 are not in the default set.
    REQUIRE(alone("").size() == 19);
    REQUIRE(alone("--all").size() == 21);
  }

  /// What the good log gives when read alone with these options: the reference for a case.
  std::multiset<std::pair<std::uint64_t, std::string>> alone(const std::string& options) const {
    return findings_of(document(evtx(shell_quote(good_.string()) + " " + options)),
                       "Security.evtx");
  }
  fs::path folder() const { return dir_.path(); }
  const fs::path& good_log() const { return good_; }

  /// A multi-chunk log written by evtxgen (1 MiB: 17 chunks), to damage.
  fs::path big_log(const std::string& name) const {
    const fs::path p = scratch_.path() / name;
    auto r = run(shell_quote(SQLTRIAGE_EVTXGEN) + " big " + shell_quote(p.string()) +
                 " --size-mb 1 --seed 3");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return p;
  }
  fs::path scratch() const { return scratch_.path(); }

  /// Runs the folder and checks what every case must give: exit 0 (the good log was read),
  /// all the good log's findings, and at least one error entry naming `bad`.
  Json run_folder(const std::string& bad, const std::string& options = "") const {
    const auto r = evtx(shell_quote(folder().string()) + " " + options);
    const Json doc = document(r);
    CHECK(r.exit_code == 0);
    CHECK(doc["stats"]["files"].get<std::uint64_t>() >= 1);
    CHECK(findings_of(doc, "Security.evtx") == alone(options));
    const auto named = errors_naming(doc, bad);
    INFO("errors: " << doc["errors"].dump(1).substr(0, 3000));
    CHECK(!named.empty());
    for (const auto& e : named) {
      CHECK(!e["message"].get<std::string>().empty());
      const std::set<std::string> codes = {"open_failed",   "record",         "truncated",
                                           "corrupt_chunk", "unread_records", "limit"};
      CHECK(codes.count(e["code"].get<std::string>()) == 1);
    }
    // The good log is never blamed.
    CHECK(errors_naming(doc, "Security.evtx").empty());
    return doc;
  }

 private:
  TempDir sample_, dir_, scratch_;
  fs::path good_;
};

/// Exit code of `sqltriage evtx` on the file alone, with its document checked.
int exit_alone(const fs::path& file, const std::string& options = "") {
  auto r = evtx(shell_quote(file.string()) + " " + options);
  document(r);
  return r.exit_code;
}

/// Whether some entry naming `name` gives an offset in [from, to).
bool offset_in(const std::vector<Json>& errors, std::uint64_t from, std::uint64_t to) {
  return std::any_of(errors.begin(), errors.end(), [&](const Json& e) {
    if (!e["artifact"].contains("offset")) return false;
    const auto off = e["artifact"]["offset"].get<std::uint64_t>();
    return off >= from && off < to;
  });
}

// ---------------------------------------------------------------------------------------------
// The real damaged logs of the corpus, and what evtxexport recorded for them

struct Recorded {
  int exit_status = 0;
  std::optional<std::size_t> indexed;
  std::size_t records = 0;
  std::string counts;  // "id:n,id:n"
};

std::map<std::pair<std::string, std::string>, Recorded> recorded_summary() {
  std::map<std::pair<std::string, std::string>, Recorded> t;
  std::ifstream in(sqltriage::test::source_dir() / "tests" / "reference" / "evtxexport" /
                   "summary.tsv");
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    const std::vector<std::string> cells = sqltriage::test::split_tabs(line);
    REQUIRE(cells.size() >= 7);
    Recorded r;
    r.exit_status = std::stoi(cells[3]);
    if (!cells[4].empty()) r.indexed = std::stoull(cells[4]);
    r.records = std::stoull(cells[5]);
    r.counts = cells[6];
    t[{cells[0], cells[2]}] = r;
  }
  REQUIRE(!t.empty());
  return t;
}

std::string counts_text(const Json& doc, bool recovered) {
  std::map<unsigned, std::size_t> counts;
  for (const auto& f : doc["findings"])
    if (f["data"].contains("Recovered") == recovered)
      ++counts[f["data"]["EventID"].get<unsigned>()];
  std::string s;
  for (const auto& [id, n] : counts) {
    if (!s.empty()) s += ',';
    s += std::to_string(id) + ":" + std::to_string(n);
  }
  return s;
}

}  // namespace

// =============================================================================================
// Damaged EVTX files written at test time

TEST_CASE("evtx damage: a log cut mid-chunk", "[evtx][damage]") {
  if (!have("evtxinfo") || !have("evtxexport")) return;
  Bench b;
  const fs::path big = b.big_log("big.evtx");
  const std::uint64_t cut = kHeader + 5 * kChunk + 30000;  // inside chunk 5
  std::string bytes = read_bytes(big);
  REQUIRE(bytes.size() > cut);
  write_bytes(b.folder() / "cut.evtx", bytes.substr(0, cut));
  const Info info = evtxinfo(b.folder() / "cut.evtx");
  const std::size_t exported = evtxexport_count(b.folder() / "cut.evtx");
  REQUIRE(exported > 0);

  for (const std::string options : {"--all", "--all --recover"}) {
    DYNAMIC_SECTION(options) {
      const Json doc = b.run_folder("cut.evtx", options);
      // What the complete chunks hold is read: as many records as libevtx exports.
      CHECK(count_findings(doc, "cut.evtx", false) == exported);
      CHECK(count_findings(doc, "cut.evtx", false) + damaged_records(doc, "cut.evtx", false) ==
            info.records);
      // The cut is reported, at the cut chunk (its start, or where the file ends).
      const auto named = errors_naming(doc, "cut.evtx");
      CHECK(offset_in(named, kHeader + 5 * kChunk, cut + 1));
      CHECK(std::any_of(named.begin(), named.end(),
                        [](const Json& e) { return e["code"] == "truncated"; }));
    }
  }
  SECTION("alone: some of it was read, exit 0") { CHECK(exit_alone(b.folder() / "cut.evtx") == 0); }
}

TEST_CASE("evtx damage: a log whose first chunk header is zeroed", "[evtx][damage]") {
  if (!have("evtxinfo") || !have("evtxexport")) return;
  Bench b;
  std::string bytes = read_bytes(b.big_log("big.evtx"));
  std::fill(bytes.begin() + kHeader, bytes.begin() + kHeader + 512, '\0');
  write_bytes(b.folder() / "zeroed.evtx", bytes);
  const Info info = evtxinfo(b.folder() / "zeroed.evtx");
  const std::size_t exported = evtxexport_count(b.folder() / "zeroed.evtx");
  REQUIRE(info.corrupted);
  REQUIRE(exported > 0);

  for (const std::string options : {"--all", "--all --recover"}) {
    DYNAMIC_SECTION(options) {
      const Json doc = b.run_folder("zeroed.evtx", options);
      // The other chunks are read.
      CHECK(count_findings(doc, "zeroed.evtx", false) == exported);
      // The unreadable chunk is reported where it is.
      CHECK(offset_in(errors_naming(doc, "zeroed.evtx"), kHeader, kHeader + kChunk));
    }
  }
  SECTION("alone: exit 0") { CHECK(exit_alone(b.folder() / "zeroed.evtx") == 0); }
}

TEST_CASE("evtx damage: wrong chunk CRCs and damaged record data", "[evtx][damage]") {
  if (!have("evtxinfo")) return;
  Bench b;
  std::string bytes = read_bytes(b.big_log("big.evtx"));
  // Chunk 2: both CRC-32 fields (of the chunk header at 0x7C, of the records at 0x34) wrong,
  // records intact.
  const std::uint64_t c2 = kHeader + 2 * kChunk;
  for (std::uint64_t at : {c2 + 0x34, c2 + 0x7C}) bytes[at] = static_cast<char>(~bytes[at]);
  // Chunk 3: 32 bytes of the first record's data flipped (its template is used by later ones).
  const std::uint64_t c3 = kHeader + 3 * kChunk;
  for (std::uint64_t at = c3 + 0x400; at < c3 + 0x420; ++at) bytes[at] ^= 0x5A;
  write_bytes(b.folder() / "crc.evtx", bytes);
  const Info info = evtxinfo(b.folder() / "crc.evtx");
  REQUIRE(info.corrupted);

  SECTION("every record is either read or reported, damaged ones in chunk 3") {
    const Json doc = b.run_folder("crc.evtx", "--all");
    const auto named = errors_naming(doc, "crc.evtx");
    CHECK(damaged_records(doc, "crc.evtx", false) > 0);
    CHECK(count_findings(doc, "crc.evtx", false) + damaged_records(doc, "crc.evtx", false) ==
          info.records);
    for (const auto& e : named) {
      if (e["code"] != "record") continue;
      INFO(e.dump());
      REQUIRE(e["artifact"].contains("offset"));
      const auto off = e["artifact"]["offset"].get<std::uint64_t>();
      CHECK(off >= c3);
      CHECK(off < c3 + kChunk);
    }
  }
  SECTION("the chunk whose CRCs are wrong is reported, though its records read") {
    const Json doc = b.run_folder("crc.evtx", "--all");
    CHECK(offset_in(errors_naming(doc, "crc.evtx"), c2, c2 + kChunk));
  }
  SECTION("alone: exit 0") { CHECK(exit_alone(b.folder() / "crc.evtx") == 0); }
}

TEST_CASE("evtx damage: a valid header claiming 65535 chunks over a tiny body", "[evtx][damage]") {
  Bench b;
  std::string bytes = read_bytes(b.good_log()).substr(0, kHeader);
  put_le(bytes, 16, 8, 65534);  // last chunk number
  put_le(bytes, 42, 2, 65535);  // number of chunks
  fix_header_crc(bytes);
  bytes += std::string(200, '\x41');
  write_bytes(b.folder() / "hostile.evtx", bytes);
  for (const std::string options : {"", "--all --recover"}) {
    DYNAMIC_SECTION("options: " << options) { b.run_folder("hostile.evtx", options); }
  }
  SECTION("alone: nothing of it can be read, exit 3") {
    CHECK(exit_alone(b.folder() / "hostile.evtx") == 3);
  }
}

TEST_CASE("evtx damage: random bytes after a valid header", "[evtx][damage]") {
  Bench b;
  std::string bytes = read_bytes(b.good_log()).substr(0, kHeader);
  put_le(bytes, 16, 8, 2);
  put_le(bytes, 42, 2, 3);
  fix_header_crc(bytes);
  std::mt19937 rng(20230220);
  for (std::uint64_t i = 0; i < 3 * kChunk; ++i) bytes.push_back(static_cast<char>(rng() & 0xFF));
  write_bytes(b.folder() / "garbage.evtx", bytes);
  for (const std::string options : {"", "--all --recover"}) {
    DYNAMIC_SECTION("options: " << options) { b.run_folder("garbage.evtx", options); }
  }
  SECTION("alone: nothing of it can be read, exit 3") {
    CHECK(exit_alone(b.folder() / "garbage.evtx") == 3);
  }
}

// =============================================================================================
// Files that are not EVTX, or cannot be read at all

TEST_CASE("evtx damage: files that are not EVTX logs", "[evtx][damage]") {
  Bench b;
  struct Case {
    const char* label;
    std::string bytes;
    const char* says;  // part of the message
  };
  std::string pe = "MZ";
  pe += std::string("\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", 14);
  pe += std::string(44, '\0') + "This program cannot be run in DOS mode.\r\r\n$";
  const std::vector<Case> cases = {
      {"a PE header", pe, "not an EVTX"},
      {"text", "Security log exported as text\r\nEventID,Time\r\n4624,2023-02-20\r\n",
       "not an EVTX"},
      {"an empty file", "", "empty"},
      {"half a header", read_bytes(b.good_log()).substr(0, 2000), ""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.label) {
      write_bytes(b.folder() / "x.evtx", c.bytes);
      const Json doc = b.run_folder("x.evtx");
      const auto named = errors_naming(doc, "x.evtx");
      REQUIRE(named.size() == 1);
      CHECK(named[0]["code"] == "open_failed");
      CHECK(named[0]["message"].get<std::string>().find(c.says) != std::string::npos);
      CHECK(exit_alone(b.folder() / "x.evtx") == 3);
    }
  }
}

TEST_CASE("evtx damage: a folder named x.evtx", "[evtx][damage]") {
  Bench b;
  fs::create_directory(b.folder() / "x.evtx");
  SECTION("beside a good log") {
    const Json doc = b.run_folder("x.evtx");
    CHECK(errors_naming(doc, "x.evtx").size() == 1);
    CHECK(errors_naming(doc, "x.evtx")[0]["code"] == "open_failed");
  }
  SECTION("its contents are read as files") {
    fs::copy_file(b.good_log(), b.folder() / "x.evtx" / "inner.evtx");
    const Json doc = b.run_folder("x.evtx");
    CHECK(findings_of(doc, "inner.evtx") == findings_of(doc, "Security.evtx"));
  }
  SECTION("alone and empty: nothing read, exit 3, and the document says why") {
    auto r = evtx(shell_quote((b.folder() / "x.evtx").string()));
    const Json doc = document(r);
    CHECK(r.exit_code == 3);
    CHECK(doc["errors"].size() >= 1);
  }
}

TEST_CASE("evtx damage: unreadable files: no permission, dangling link, FIFO", "[evtx][damage]") {
  Bench b;
  if (::geteuid() != 0) {
    SECTION("chmod 000 (not as root: root reads it anyway)") {
      fs::copy_file(b.good_log(), b.folder() / "x.evtx");
      fs::permissions(b.folder() / "x.evtx", fs::perms::none);
      const Json doc = b.run_folder("x.evtx");
      CHECK(errors_naming(doc, "x.evtx")[0]["code"] == "open_failed");
      CHECK(exit_alone(b.folder() / "x.evtx") == 3);
    }
  }
  SECTION("a FIFO named x.evtx is reported, not waited on") {
    REQUIRE(::mkfifo((b.folder() / "x.evtx").c_str(), 0644) == 0);
    const Json doc = b.run_folder("x.evtx");
    CHECK(errors_naming(doc, "x.evtx")[0]["code"] == "open_failed");
    CHECK(exit_alone(b.folder() / "x.evtx") == 3);
    CHECK(exit_alone(b.folder() / "x.evtx", "--all --recover --threads 1") == 3);
  }
  SECTION("a dangling symbolic link named x.evtx, given as the argument") {
    fs::create_symlink(b.scratch() / "gone.evtx", b.folder() / "x.evtx");
    auto r = evtx(shell_quote((b.folder() / "x.evtx").string()));
    const Json doc = document(r);
    CHECK(r.exit_code == 3);
    CHECK(errors_naming(doc, "x.evtx").size() == 1);
  }
  SECTION("a dangling symbolic link named x.evtx inside the folder is reported") {
    fs::create_symlink(b.scratch() / "gone.evtx", b.folder() / "x.evtx");
    b.run_folder("x.evtx");
  }
}

TEST_CASE("evtx damage: several bad files at once, one entry each", "[evtx][damage]") {
  Bench b;
  write_bytes(b.folder() / "empty.evtx", "");
  write_bytes(b.folder() / "text.evtx", "not a log\n");
  fs::create_directory(b.folder() / "dir.evtx");
  REQUIRE(::mkfifo((b.folder() / "fifo.evtx").c_str(), 0644) == 0);
  write_bytes(b.folder() / "legacy.evt",
              std::string("\x30\x00\x00\x00LfLe", 8) + std::string(40, '\0'));
  const Json doc = b.run_folder("empty.evtx", "--threads 3");
  for (const char* name : {"empty.evtx", "text.evtx", "dir.evtx", "fifo.evtx", "legacy.evt"}) {
    INFO(name);
    const auto named = errors_naming(doc, name);
    CHECK(named.size() == 1);
    if (!named.empty()) CHECK(named[0]["code"] == "open_failed");
  }
  CHECK(errors_naming(doc, "legacy.evt")[0]["message"].get<std::string>().find(".evt") !=
        std::string::npos);
  CHECK(doc["stats"]["files"] == 1);
}

// =============================================================================================
// Evidence roots missing standard logs

TEST_CASE("evtx damage: an evidence root missing standard logs", "[evtx][damage]") {
  TempDir dir;
  auto gen = run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(dir.path().string()));
  REQUIRE(gen.exit_code == 0);
  const fs::path logs = dir.path() / "C" / "Windows" / "System32" / "winevt" / "Logs";
  const std::string windows = "C:\\Windows\\System32\\winevt\\Logs\\";
  const Json full = document(evtx(shell_quote(dir.path().string())));
  REQUIRE(full["errors"].empty());

  auto missing_paths = [](const Json& doc) {
    std::set<std::string> out;
    for (const auto& e : doc["errors"]) {
      CHECK(e["code"] == "missing");
      out.insert(e["artifact"]["path"].get<std::string>());
    }
    return out;
  };

  SECTION("Sysmon and LocalSessionManager absent: one missing entry each, the rest read") {
    const std::string sysmon = "Microsoft-Windows-Sysmon%4Operational.evtx";
    const std::string lsm =
        "Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx";
    fs::remove(logs / sysmon);
    fs::remove(logs / lsm);
    auto r = evtx(shell_quote(dir.path().string()));
    const Json doc = document(r);
    CHECK(r.exit_code == 0);
    CHECK(missing_paths(doc) == std::set<std::string>{windows + sysmon, windows + lsm});
    CHECK(doc["errors"].size() == 2);
    CHECK(doc["stats"]["files"] == 3);
    for (const char* name :
         {"Security.evtx", "System.evtx",
          "Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx"})
      CHECK(findings_of(doc, name) == findings_of(full, name));
    CHECK(findings_of(doc, sysmon).empty());
  }
  SECTION("names are matched case-insensitively: security.evtx is Security.evtx") {
    fs::rename(logs / "Security.evtx", logs / "SECURITY.EVTX");
    const Json doc = document(evtx(shell_quote(dir.path().string())));
    CHECK(doc["errors"].empty());
    CHECK(findings_of(doc, "SECURITY.EVTX") == findings_of(full, "Security.evtx"));
  }
  SECTION("no log at all: five missing entries and exit 3") {
    for (const auto& entry : fs::directory_iterator(logs)) fs::remove(entry.path());
    auto r = evtx(shell_quote(dir.path().string()));
    const Json doc = document(r);
    CHECK(r.exit_code == 3);
    CHECK(missing_paths(doc).size() == 5);
    CHECK(doc["errors"].size() == 5);
    CHECK(doc["findings"].empty());
  }
  SECTION("a standard log that is a folder is not missing but unreadable") {
    fs::remove(logs / "System.evtx");
    fs::create_directory(logs / "System.evtx");
    auto r = evtx(shell_quote(dir.path().string()));
    const Json doc = document(r);
    CHECK(r.exit_code == 0);
    const auto named = errors_naming(doc, "System.evtx");
    REQUIRE(named.size() == 1);
    CHECK(named[0]["code"] != "record");
  }
}

// =============================================================================================
// The real damaged logs of the corpus

TEST_CASE("evtx damage: the corpus's damaged logs, with and without --recover",
          "[evtx][damage][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  const auto summary = recorded_summary();
  const std::vector<std::string> files = {
      "omer_issue_201.evtx",          "mdec_ID1149-RDP_success_logins_to_multiple_hosts.evtx",
      "plaso_System2_truncated.evtx", "omer_sample_with_a_bad_chunk_magic.evtx",
      "plaso_SysEvent_legacy.Evt",
  };
  for (const auto& name : files) {
    const fs::path file = corpus / name;
    REQUIRE(fs::is_regular_file(file));
    const auto items = summary.at({name, "items"});
    const auto recovered = summary.at({name, "recovered"});
    for (const std::string options : {"--all", "--all --recover"}) {
      DYNAMIC_SECTION(name << " " << options) {
        const bool recover = options.find("--recover") != std::string::npos;
        auto r = evtx(shell_quote(file.string()) + " " + options);
        const Json doc = document(r);
        INFO("errors: " << doc["errors"].dump(1).substr(0, 2500));
        // Damage is never silent: at least one entry, every entry naming the file as given.
        CHECK(!doc["errors"].empty());
        for (const auto& e : doc["errors"]) {
          CHECK(e["artifact"]["path"] == file.string());
          CHECK(!e["message"].get<std::string>().empty());
          if (e["code"] == "record") {
            REQUIRE(e["artifact"].contains("offset"));
            CHECK(e["artifact"]["offset"].get<std::uint64_t>() < fs::file_size(file));
          }
        }
        if (!items.indexed) {
          // libevtx cannot open it (the legacy .Evt): nothing read, exit 3.
          CHECK(r.exit_code == 3);
          REQUIRE(doc["errors"].size() == 1);
          CHECK(doc["errors"][0]["code"] == "open_failed");
          CHECK(doc["errors"][0]["message"].get<std::string>().find(".evt") != std::string::npos);
          continue;
        }
        const std::size_t read = count_findings(doc, name, false);
        const std::size_t read_recovered = count_findings(doc, name, true);
        // Exit 3 only when not one record could be read (docs/cli.md).
        CHECK(r.exit_code == (read + read_recovered == 0 ? 3 : 0));
        if (items.exit_status == 0) {
          // evtxexport read the whole index: we read the same records, with the same EventIDs.
          CHECK(read == items.records);
          CHECK(counts_text(doc, false) == items.counts);
        }
        // Every record libevtx indexes is read or reported.
        CHECK(read + damaged_records(doc, name, false) == *items.indexed);
        if (recover) {
          CHECK(count_findings(doc, name, true) == recovered.records);
          CHECK(counts_text(doc, true) == recovered.counts);
          CHECK(count_findings(doc, name, true) + damaged_records(doc, name, true) ==
                recovered.indexed.value_or(0));
        } else {
          CHECK(count_findings(doc, name, true) == 0);
        }
      }
    }
  }
}

TEST_CASE("evtx damage: a corpus damaged log beside a good one", "[evtx][damage][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  for (const std::string name :
       {"omer_issue_201.evtx", "mdec_ID1149-RDP_success_logins_to_multiple_hosts.evtx",
        "plaso_System2_truncated.evtx", "omer_sample_with_a_bad_chunk_magic.evtx",
        "plaso_SysEvent_legacy.Evt"}) {
    DYNAMIC_SECTION(name) {
      Bench b;
      // A copy in the temporary folder (the folder scan does not follow links).
      fs::copy_file(corpus / name, b.folder() / name);
      b.run_folder(name, "--recover");
    }
  }
}

TEST_CASE("an empty log of a header and one empty chunk reads as empty and not as unread records",
          "[evtx][damage]") {
  TempDir tmp;
  const auto path = tmp.path() / "empty.evtx";
  sqltriage::fixtures::EvtxWriter(path, 1).close();
  if (have_tool("evtxinfo")) {  // the independent reader sees no record either
    const auto info = run("evtxinfo " + shell_quote(path.string()));
    REQUIRE(info.out.find("Number of records\t\t: 0") != std::string::npos);
  }
  const auto r = run_sqltriage("evtx --all " + shell_quote(path.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::ordered_json::parse(r.out);
  CHECK(doc["findings"].empty());
  CHECK(doc["errors"].empty());
}
