// Transaction-log replay (registry::replay_logs) against Windows' own recovery of a dirty
// hive, against hivex and regfexport reading the replayed bytes, and against hives and logs
// the tests make themselves (tests/fixtures/registry/make_logs.py) for the old log format, a
// growing hive and damaged logs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "artifacts/registry/hive.hpp"
#include "artifacts/registry/replay.hpp"
#include "sqltriage/error.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::ArtifactError;
using sqltriage::ByteSource;
using sqltriage::registry::Hive;
using sqltriage::registry::Key;
using sqltriage::registry::LogFile;
using sqltriage::registry::replay_logs;
using sqltriage::registry::ReplayedHive;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;

namespace {

std::vector<std::uint8_t> read_all(const ByteSource& s) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(s.size()));
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t got =
        s.read_at(done, out.data() + done, std::min<std::size_t>(out.size() - done, 1 << 20));
    REQUIRE(got > 0);
    done += got;
  }
  return out;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::shared_ptr<const ByteSource> host(const fs::path& p) { return sqltriage::open_host_file(p); }

std::shared_ptr<const ByteSource> memory(std::vector<std::uint8_t> bytes) {
  auto s = std::make_shared<sqltriage::SplicedSource>();
  s->append(std::move(bytes));
  return s;
}

std::vector<LogFile> logs_of(const std::vector<fs::path>& paths) {
  std::vector<LogFile> logs;
  for (const auto& p : paths) logs.push_back(LogFile{p.string(), host(p)});
  return logs;
}

/// Every key (path, LastWrite) and value (name, type, data in hex) below `key`, in order.
void dump_key(const Key& key, const std::string& path, int depth, std::ostringstream& out) {
  REQUIRE(depth < 64);
  const auto lw = key.last_written();
  out << "[" << path << "] " << (lw ? std::to_string(*lw) : "-") << "\n";
  for (std::size_t i = 0; i < key.number_of_values(); ++i) {
    const auto v = key.value(i);
    out << "  " << v.name() << " type=" << v.type() << " data=";
    char hex[4];
    for (std::uint8_t b : v.data()) {
      std::snprintf(hex, sizeof hex, "%02x", b);
      out << hex;
    }
    out << "\n";
  }
  for (std::size_t i = 0; i < key.number_of_subkeys(); ++i) {
    const auto sub = key.subkey(i);
    dump_key(sub, path + "\\" + sub.name(), depth + 1, out);
  }
}

std::string dump(const std::shared_ptr<const ByteSource>& bytes) {
  const Hive h = Hive::open(bytes, "hive");
  std::ostringstream out;
  dump_key(h.root(), "", 0, out);
  return out.str();
}

std::size_t count_lines_starting(const std::string& text, char c) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] == c) ++n;
  return n;
}

/// The first line where two texts differ (for failure messages; the texts may be huge).
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    const bool ga = static_cast<bool>(std::getline(ia, la));
    const bool gb = static_cast<bool>(std::getline(ib, lb));
    if (!ga && !gb) return "identical";
    if (!ga || !gb || la != lb)
      return "line " + std::to_string(n) + ": <" + la.substr(0, 200) + "> vs <" +
             lb.substr(0, 200) + ">";
  }
}

std::string hivex_export(const fs::path& hive) {
  const auto r = run("hivexregedit --export " + shell_quote(hive.string()) + " '\\'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

fs::path make_logs_script() {
  return sqltriage::test::source_dir() / "tests" / "fixtures" / "registry" / "make_logs.py";
}

nlohmann::json make_logs(const std::string& args) {
  const auto r = run("/usr/bin/python3 " + shell_quote(make_logs_script().string()) + " " + args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// H0: a hive with a few keys; H1: H0 plus `extra` merged by hivexregedit into a copy.
void make_h0_h1(const TempDir& tmp, const std::string& extra) {
  sqltriage::test::write_hive(tmp.path() / "H0", R"([\Software]

[\Software\Vendor]
"Version"="1.0"

[\System]

[\System\Services]

[\System\Services\Spooler]
"Start"=dword:00000002

)");
  fs::copy_file(tmp.path() / "H0", tmp.path() / "H1");
  const fs::path reg = tmp.path() / "extra.reg";
  std::ofstream(reg) << "Windows Registry Editor Version 5.00\n\n" << extra;
  const auto r = run("hivexregedit --merge " + q(tmp.path() / "H1") + " " + q(reg));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

/// A deleted key and a deleted value: hivex frees their cells, the size stays (any new
/// data makes hivex add a hive bin).
const std::string kDeletions = R"([-\System\Services\Spooler]

[\Software\Vendor]
"Version"=-

)";

const std::string kFewKeys = R"([\System\Services\Updater]
"ImagePath"="C:\\ProgramData\\upd.exe"
"Start"=dword:00000002

[\Software\Vendor\Run]
"Agent"="C:\\Users\\Public\\agent.exe -k"

)";

/// Enough keys and data that hivex adds hive bins: the hive grows.
std::string many_keys() {
  std::string reg = "[\\System\\Services\\Bulk]\n\n";
  for (int i = 0; i < 120; ++i) {
    reg += "[\\System\\Services\\Bulk\\Svc" + std::to_string(i) + "]\n";
    reg += "\"ImagePath\"=\"C:\\\\Windows\\\\System32\\\\svc" + std::to_string(i) +
           ".exe -k netsvcs -p " + std::string(60, 'x') + "\"\n";
    reg += "\"Start\"=dword:0000000" + std::to_string(i % 5) + "\n\n";
  }
  return reg;
}

bool has_error(const sqltriage::registry::ReplayReport& r, const std::string& path,
               std::uint64_t offset, const std::string& code) {
  return std::any_of(r.errors.begin(), r.errors.end(), [&](const sqltriage::ErrorEntry& e) {
    return e.artifact.path == path && e.artifact.offset == offset && e.code == code;
  });
}

std::string errors_text(const sqltriage::registry::ReplayReport& r) {
  std::string s;
  for (const auto& e : r.errors)
    s += e.artifact.path + " @" + (e.artifact.offset ? std::to_string(*e.artifact.offset) : "-") +
         " " + e.code + ": " + e.message + "\n";
  return s;
}

}  // namespace

TEST_CASE("replay: NewDirtyHive with its logs equals Windows' own recovery", "[registry][replay]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/yarp_NewDirtyHive1");
  const auto stored = host(dir / "NewDirtyHive");
  const auto windows = host(dir / "RecoveredHive_Windows10");
  const ReplayedHive out = replay_logs(
      stored, "NewDirtyHive", logs_of({dir / "NewDirtyHive.LOG1", dir / "NewDirtyHive.LOG2"}));
  INFO(errors_text(out.report));
  CHECK(out.report.errors.empty());
  CHECK(out.report.dirty);
  CHECK(out.report.replayed);
  CHECK(out.report.pages_changed > 0);
  REQUIRE(out.report.logs.size() == 2);
  CHECK(out.report.logs[0].format == "new");
  CHECK(out.report.logs[1].format == "new");
  CHECK(out.report.logs[0].applied + out.report.logs[1].applied ==
        out.report.logs[0].entries + out.report.logs[1].entries);

  // (a) Walked with registry::Hive: keys, LastWrite times, values, types and data.
  const std::string replayed_dump = dump(out.bytes);
  const std::string windows_dump = dump(windows);
  INFO(first_difference(replayed_dump, windows_dump));
  CHECK((replayed_dump == windows_dump));
  // Without replay the stored hive is not Windows' result, so the comparison means something.
  CHECK_FALSE((dump(stored) == windows_dump));

  // (b) hivex, an independent reader, on the replayed bytes written to a file.
  if (!tool_or_skip("hivexregedit")) return;
  TempDir tmp;
  write_file(tmp.path() / "replayed", read_all(*out.bytes));
  const std::string replayed_reg = hivex_export(tmp.path() / "replayed");
  const std::string windows_reg = hivex_export(dir / "RecoveredHive_Windows10");
  INFO(first_difference(replayed_reg, windows_reg));
  CHECK((replayed_reg == windows_reg));
  CHECK_FALSE((hivex_export(dir / "NewDirtyHive") == windows_reg));
}

TEST_CASE("replay: the log order given does not matter, sequence numbers decide",
          "[registry][replay]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/yarp_NewDirtyHive1");
  const auto stored = host(dir / "NewDirtyHive");
  const auto a =
      replay_logs(stored, "h", logs_of({dir / "NewDirtyHive.LOG1", dir / "NewDirtyHive.LOG2"}));
  const auto b =
      replay_logs(stored, "h", logs_of({dir / "NewDirtyHive.LOG2", dir / "NewDirtyHive.LOG1"}));
  CHECK(b.report.errors.empty());
  CHECK((read_all(*a.bytes) == read_all(*b.bytes)));
}

TEST_CASE("replay: SYSTEM_B with its logs replays and reads", "[registry][replay]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/regipy_SYSTEM_B");
  const auto stored = host(dir / "SYSTEM_B");
  const auto out =
      replay_logs(stored, "SYSTEM_B", logs_of({dir / "SYSTEM_B.LOG1", dir / "SYSTEM_B.LOG2"}));
  INFO(errors_text(out.report));
  CHECK(out.report.errors.empty());
  CHECK(out.report.dirty);
  CHECK(out.report.replayed);
  CHECK(out.report.pages_changed > 0);
  CHECK(out.report.size_after >= out.report.size_before);
  const std::string replayed_dump = dump(out.bytes);  // every key and value reads
  const std::size_t keys_after = count_lines_starting(replayed_dump, '[');
  const std::size_t keys_before = count_lines_starting(dump(stored), '[');
  WARN("SYSTEM_B keys before " << keys_before << ", after " << keys_after << "; pages changed "
                               << out.report.pages_changed << "; size " << out.report.size_before
                               << " -> " << out.report.size_after << "; sequence "
                               << out.report.secondary_sequence << " -> "
                               << out.report.sequence_after);
  if (!tool_or_skip("hivexregedit") || !tool_or_skip("regfexport")) return;
  TempDir tmp;
  const fs::path file = tmp.path() / "SYSTEM_B.replayed";
  write_file(file, read_all(*out.bytes));
  // hivex and regfexport read the written result, and hivex sees the same keys we do.
  const std::string reg = hivex_export(file);
  CHECK(count_lines_starting(reg, '[') == keys_after);
  const auto r = run("regfexport " + q(file) + " > /dev/null");
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("replay: old-format log (dirty vector) of a generated hive", "[registry][replay]") {
  if (!tool_or_skip("hivexregedit")) return;
  for (const bool grow : {false, true}) {
    DYNAMIC_SECTION((grow ? "grown hive" : "same size")) {
      TempDir tmp;
      make_h0_h1(tmp, grow ? many_keys() : kDeletions);
      const auto h0 = read_file(tmp.path() / "H0");
      const auto h1 = read_file(tmp.path() / "H1");
      INFO("H0 " << h0.size() << " bytes, H1 " << h1.size());
      CHECK((grow ? h1.size() > h0.size() : h1.size() == h0.size()));
      const auto desc = make_logs("old " + q(tmp.path() / "H0") + " " + q(tmp.path() / "H1") + " " +
                                  q(tmp.path() / "DIRTY") + " " + q(tmp.path() / "DIRTY.LOG"));
      REQUIRE(!desc["dirty_sectors"].empty());
      const auto out =
          replay_logs(host(tmp.path() / "DIRTY"), "DIRTY", logs_of({tmp.path() / "DIRTY.LOG"}));
      INFO(errors_text(out.report));
      CHECK(out.report.errors.empty());
      CHECK(out.report.dirty);
      CHECK(out.report.replayed);
      REQUIRE(out.report.logs.size() == 1);
      CHECK(out.report.logs[0].format == "old");
      CHECK(out.report.size_after == h1.size());
      std::set<std::uint64_t> pages;
      for (const auto& s : desc["dirty_sectors"]) pages.insert(s.get<std::uint64_t>() / 8);
      CHECK(out.report.pages_changed == pages.size());
      write_file(tmp.path() / "replayed", read_all(*out.bytes));
      const std::string want = hivex_export(tmp.path() / "H1");
      const std::string got = hivex_export(tmp.path() / "replayed");
      INFO(first_difference(got, want));
      CHECK((got == want));
      CHECK_FALSE((hivex_export(tmp.path() / "DIRTY") == want));
      CHECK((dump(out.bytes) == dump(host(tmp.path() / "H1"))));
    }
  }
}

TEST_CASE("replay: new-format logs of a generated hive that grows", "[registry][replay]") {
  if (!tool_or_skip("hivexregedit")) return;
  TempDir tmp;
  make_h0_h1(tmp, many_keys());
  const auto h1 = read_file(tmp.path() / "H1");
  const auto desc = make_logs("new " + q(tmp.path() / "H0") + " " + q(tmp.path() / "H1") + " " +
                              q(tmp.path() / "DIRTY") + " " + q(tmp.path() / "DIRTY.LOG1") + " " +
                              q(tmp.path() / "DIRTY.LOG2"));
  REQUIRE(desc["entries"].size() == 2);
  REQUIRE(desc["hbds_after"].get<std::uint64_t>() > desc["hbds_before"].get<std::uint64_t>());
  // Given LOG2 first: the entries are still applied in sequence-number order.
  const auto out = replay_logs(host(tmp.path() / "DIRTY"), "DIRTY",
                               logs_of({tmp.path() / "DIRTY.LOG2", tmp.path() / "DIRTY.LOG1"}));
  INFO(errors_text(out.report));
  CHECK(out.report.errors.empty());
  CHECK(out.report.replayed);
  CHECK(out.report.logs[0].applied == 1);
  CHECK(out.report.logs[1].applied == 1);
  CHECK(out.report.sequence_after == desc["sequence"].get<std::uint32_t>() + 1);
  CHECK(out.report.size_after == h1.size());
  std::set<std::uint64_t> pages;
  for (const auto& e : desc["entries"])
    for (const auto& p : e["pages"]) pages.insert(p.get<std::uint64_t>());
  CHECK(out.report.pages_changed == pages.size());
  write_file(tmp.path() / "replayed", read_all(*out.bytes));
  const std::string want = hivex_export(tmp.path() / "H1");
  const std::string got = hivex_export(tmp.path() / "replayed");
  INFO(first_difference(got, want));
  CHECK((got == want));
  CHECK_FALSE((hivex_export(tmp.path() / "DIRTY") == want));
  CHECK((dump(out.bytes) == dump(host(tmp.path() / "H1"))));
}

TEST_CASE("replay: damaged and foreign logs", "[registry][replay]") {
  if (!tool_or_skip("hivexregedit")) return;
  TempDir tmp;
  make_h0_h1(tmp, kFewKeys + many_keys());
  const fs::path dirty = tmp.path() / "DIRTY";
  const fs::path log1 = tmp.path() / "DIRTY.LOG1";
  const fs::path log2 = tmp.path() / "DIRTY.LOG2";
  auto generate = [&](const std::string& extra) {
    return make_logs("new " + q(tmp.path() / "H0") + " " + q(tmp.path() / "H1") + " " + q(dirty) +
                     " " + q(log1) + " " + q(log2) + " --one-log " + extra);
  };
  auto pages_of = [](const nlohmann::json& entry) {
    std::set<std::uint64_t> pages;
    for (const auto& p : entry["pages"]) pages.insert(p.get<std::uint64_t>());
    return pages;
  };

  SECTION("a flipped byte in the second entry's page data: only the first entry applies") {
    const auto desc = generate("");
    REQUIRE(desc["entries"].size() == 2);
    const auto& second = desc["entries"][1];
    const std::uint64_t at = second["offset"].get<std::uint64_t>();
    auto bytes = read_file(log1);
    bytes[at + second["size"].get<std::uint64_t>() - 700] ^= 0x5A;  // inside its last page
    write_file(log1, bytes);
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({log1, log2}));
    INFO(errors_text(out.report));
    CHECK(has_error(out.report, log1.string(), at, "record"));
    CHECK(out.report.replayed);
    CHECK(out.report.logs[0].entries == 1);
    CHECK(out.report.logs[0].applied == 1);
    CHECK(out.report.sequence_after == desc["sequence"].get<std::uint32_t>());
    CHECK(out.report.pages_changed == pages_of(desc["entries"][0]).size());
    CHECK(out.report.size_after == read_file(dirty).size());
    CHECK_FALSE((dump(out.bytes) == dump(host(tmp.path() / "H1"))));
  }
  SECTION("a log cut inside its second entry") {
    const auto desc = generate("");
    const std::uint64_t at = desc["entries"][1]["offset"].get<std::uint64_t>();
    auto bytes = read_file(log1);
    bytes.resize(at + 1024);
    write_file(log1, bytes);
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({log1, log2}));
    INFO(errors_text(out.report));
    CHECK(has_error(out.report, log1.string(), at, "truncated"));
    CHECK(out.report.logs[0].applied == 1);
    CHECK(out.report.pages_changed == pages_of(desc["entries"][0]).size());
  }
  SECTION("a page reference far past the hive bins data (hashes correct)") {
    const auto desc = generate("--bogus-page-offset");
    const std::uint64_t at = desc["entries"][1]["offset"].get<std::uint64_t>();
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({log1, log2}));
    INFO(errors_text(out.report));
    CHECK(has_error(out.report, log1.string(), at, "record"));
    CHECK(out.report.logs[0].applied == 1);
    CHECK(out.report.size_after == read_file(dirty).size());
  }
  SECTION("a log that is not a regf file, and a primary hive given as a log") {
    generate("");
    const fs::path text = tmp.path() / "notes.txt";
    std::ofstream(text) << std::string(3000, 'A');
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({text, tmp.path() / "H1"}));
    INFO(errors_text(out.report));
    CHECK(has_error(out.report, text.string(), 0, "open_failed"));
    CHECK(has_error(out.report, (tmp.path() / "H1").string(), 28, "open_failed"));
    CHECK(out.report.logs[0].format == "invalid");
    CHECK(out.report.logs[1].format == "invalid");
    CHECK(out.report.dirty);  // the hive's own sequence numbers differ
    CHECK_FALSE(out.report.replayed);
    CHECK((read_all(*out.bytes) == read_file(dirty)));
  }
  SECTION("a clean hive with stale logs: nothing applied") {
    const auto desc = generate("");
    const std::uint32_t later = desc["sequence"].get<std::uint32_t>() + 5;
    fs::copy_file(tmp.path() / "H1", tmp.path() / "CLEAN");
    make_logs("patch " + q(tmp.path() / "CLEAN") + " 4 " + std::to_string(later));
    make_logs("patch " + q(tmp.path() / "CLEAN") + " 8 " + std::to_string(later));
    const auto clean = host(tmp.path() / "CLEAN");
    const auto out = replay_logs(clean, "CLEAN", logs_of({log1, log2}));
    INFO(errors_text(out.report));
    CHECK(out.report.errors.empty());
    CHECK(out.report.logs[0].entries == 2);
    CHECK_FALSE(out.report.dirty);
    CHECK_FALSE(out.report.replayed);
    CHECK(out.report.pages_changed == 0);
    CHECK(out.bytes == clean);
  }
  SECTION("a log base block with a broken checksum") {
    generate("");
    auto bytes = read_file(log1);
    bytes[100] ^= 1;
    write_file(log1, bytes);
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({log1, log2}));
    CHECK(has_error(out.report, log1.string(), 508, "record"));
    CHECK_FALSE(out.report.replayed);
  }
  SECTION("old format: a dirty vector longer than the file") {
    make_logs("old " + q(tmp.path() / "H0") + " " + q(tmp.path() / "H1") + " " + q(dirty) + " " +
              q(log1));
    // Declares a 1 GiB hive bins data size: a 256 KiB dirty vector in a log of a few KiB.
    make_logs("patch " + q(log1) + " 40 0x40000000");
    const auto out = replay_logs(host(dirty), "DIRTY", logs_of({log1}));
    INFO(errors_text(out.report));
    CHECK(has_error(out.report, log1.string(), 512, "truncated"));
    CHECK_FALSE(out.report.replayed);
    // And one cut right after the "DIRT" signature.
    make_logs("old " + q(tmp.path() / "H0") + " " + q(tmp.path() / "H1") + " " + q(dirty) + " " +
              q(log1));
    auto bytes = read_file(log1);
    bytes.resize(516);
    write_file(log1, bytes);
    const auto cut = replay_logs(host(dirty), "DIRTY", logs_of({log1}));
    CHECK(has_error(cut.report, log1.string(), 512, "truncated"));
    CHECK_FALSE(cut.report.replayed);
  }
}

TEST_CASE("replay: a hive shorter than its base block, or not a hive", "[registry][replay]") {
  try {
    replay_logs(memory(std::vector<std::uint8_t>(100, 0)), "short", {});
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == "short");
    CHECK(e.offset().has_value());
  }
  std::vector<std::uint8_t> junk(8192, 0x41);
  try {
    replay_logs(memory(junk), "junk", {});
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == "junk");
    CHECK(e.offset() == std::optional<std::uint64_t>(0));
  }
}

// Not run by default: `sqltriage_tests '[replay_bench]'` under /usr/bin/time -v measures the
// replay of SYSTEM_B and one pass over every byte of the result.
TEST_CASE("replay: SYSTEM_B timing", "[.][replay_bench]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/regipy_SYSTEM_B");
  const auto start = std::chrono::steady_clock::now();
  const auto out = replay_logs(host(dir / "SYSTEM_B"), "SYSTEM_B",
                               logs_of({dir / "SYSTEM_B.LOG1", dir / "SYSTEM_B.LOG2"}));
  const auto replayed = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> buf(64 * 1024);
  std::uint64_t sum = 0;
  for (std::uint64_t at = 0; at < out.bytes->size(); at += buf.size()) {
    const std::size_t got = out.bytes->read_at(at, buf.data(), buf.size());
    for (std::size_t i = 0; i < got; i += 4096) sum += buf[i];
  }
  const auto read = std::chrono::steady_clock::now();
  const Hive h = Hive::open(out.bytes, "SYSTEM_B");
  std::ostringstream text;
  dump_key(h.root(), "", 0, text);
  const auto walked = std::chrono::steady_clock::now();
  using ms = std::chrono::duration<double, std::milli>;
  WARN("replay " << ms(replayed - start).count() << " ms; read all " << out.bytes->size()
                 << " bytes " << ms(read - replayed).count() << " ms; walk every key and value "
                 << ms(walked - read).count() << " ms (checksum " << sum << ")");
}
