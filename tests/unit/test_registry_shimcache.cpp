// registry.shimcache: the corpus's Windows 7 SYSTEM hive against RegRipper's shimcache
// plugin (every control set, every entry in order); the Windows 7 x64, 8.0, 8.1 and 10/11
// layouts from values this test writes per the format documents (libyal winreg-kb, Mandiant's
// whitepaper) into generated SYSTEM hives, read back and also parsed by RegRipper's
// appcompatcache plugin where it understands the layout; damaged values.
#include <map>
#include <regex>

#include "artifacts/registry/execution/shimcache_layouts.hpp"
#include "registry_execution_support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test::execution;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
using sqltriage::test::write_hive;

namespace {

struct RipEntry {
  std::string path;
  std::string time;  // "YYYY-MM-DD hh:mm:ss" or ""
  bool executed = false;
};

/// Entries of RegRipper's shimcache / appcompatcache output per control set ("" when the
/// plugin does not name it), in printed order.
std::map<std::string, std::vector<RipEntry>> parse_rip(const std::string& out) {
  std::map<std::string, std::vector<RipEntry>> sets;
  static const std::regex section(R"(^\*\*\* (ControlSet\d+) \*\*\*$)");
  static const std::regex entry(R"(^(.*?)  (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?(  Executed)?$)");
  std::istringstream in(out);
  std::string line, current;
  bool in_entries = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, section)) {
      current = m[1];
      in_entries = false;
      continue;
    }
    if (line.rfind("Signature:", 0) == 0) {
      in_entries = true;
      sets[current];
      continue;
    }
    if (line.empty()) {
      in_entries = false;
      continue;
    }
    if (in_entries && std::regex_match(line, m, entry))
      sets[current].push_back({m[1], m[2], m[3].matched});
  }
  return sets;
}

std::vector<Finding> of_set(const Collected& c, const std::string& set) {
  std::vector<Finding> out;
  for (const Finding& f : c.findings)
    if (f.data["ControlSet"] == set) out.push_back(f);
  return out;
}

struct W {
  std::string path;
  Filetime ft;
  std::uint32_t insert_flags;
  Bytes data;
};

const std::vector<W> kEntries = {
    {"C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe", 133210000012345671ULL, 0x2, {1, 2, 3, 4}},
    {"C:\\Windows\\System32\\svchost.exe", 132800000098765432ULL, 0x0, {}},
    {"C:\\Users\\Public\\Documents\\tool.exe",
     131900000055555555ULL,
     0x12,
     {9, 9, 9, 9, 9, 1, 0, 0, 0}},
};

Bytes win10_value(std::uint32_t header_size, const std::vector<W>& es) {
  Bytes v(header_size, 0);
  set32(v, 0, header_size);
  set32(v, header_size == 0x30 ? 36 : 40, static_cast<std::uint32_t>(es.size()));
  for (const W& e : es) {
    Bytes body;
    const Bytes path = utf16(e.path);
    put16(body, static_cast<std::uint16_t>(path.size()));
    body.insert(body.end(), path.begin(), path.end());
    put64(body, e.ft);
    put32(body, static_cast<std::uint32_t>(e.data.size()));
    body.insert(body.end(), e.data.begin(), e.data.end());
    for (char c : std::string("10ts")) v.push_back(static_cast<std::uint8_t>(c));
    put32(v, 0x1234abcd);
    put32(v, static_cast<std::uint32_t>(body.size()));
    v.insert(v.end(), body.begin(), body.end());
  }
  return v;
}

Bytes win8_value(bool win81, const std::vector<W>& es) {
  Bytes v(0x80, 0);
  set32(v, 0, 0x80);
  for (const W& e : es) {
    Bytes body;
    const Bytes path = utf16(e.path);
    put16(body, static_cast<std::uint16_t>(path.size()));
    body.insert(body.end(), path.begin(), path.end());
    if (win81) put16(body, 0);  // empty package name
    put32(body, e.insert_flags);
    put32(body, 0x00010000);  // shim flags
    put64(body, e.ft);
    put32(body, static_cast<std::uint32_t>(e.data.size()));
    body.insert(body.end(), e.data.begin(), e.data.end());
    for (char c : std::string(win81 ? "10ts" : "00ts")) v.push_back(static_cast<std::uint8_t>(c));
    put32(v, 0x77777777);
    put32(v, static_cast<std::uint32_t>(body.size()));
    v.insert(v.end(), body.begin(), body.end());
  }
  return v;
}

/// Windows 7: 128-byte header, fixed entries, then the paths (with their NULs).
Bytes win7_value(bool x64, const std::vector<W>& es) {
  const std::size_t entry = x64 ? 48 : 32;
  Bytes v(128, 0);
  set32(v, 0, 0xbadc0fee);
  set32(v, 4, static_cast<std::uint32_t>(es.size()));
  set32(v, 8, 120);
  std::size_t strings = 128 + entry * es.size();
  Bytes table, paths;
  for (const W& e : es) {
    const Bytes path = utf16("\\??\\" + e.path);
    const std::uint64_t offset = strings + paths.size();
    put16(table, static_cast<std::uint16_t>(path.size()));
    put16(table, static_cast<std::uint16_t>(path.size() + 2));
    if (x64) {
      put32(table, 0);
      put64(table, offset);
    } else {
      put32(table, static_cast<std::uint32_t>(offset));
    }
    put64(table, e.ft);
    put32(table, e.insert_flags);
    put32(table, 0);  // shim flags
    if (x64) {
      put64(table, 0);
      put64(table, 0);
    } else {
      put32(table, 0);
      put32(table, 0);
    }
    paths.insert(paths.end(), path.begin(), path.end());
    put16(paths, 0);
  }
  v.insert(v.end(), table.begin(), table.end());
  v.insert(v.end(), paths.begin(), paths.end());
  return v;
}

std::string system_reg(const Bytes& value, const std::string& key = "AppCompatCache") {
  return "[\\Select]\n\"Current\"=dword:00000001\n\n[\\ControlSet001]\n\n"
         "[\\ControlSet001\\Control]\n\n[\\ControlSet001\\Control\\Session Manager]\n\n"
         "[\\ControlSet001\\Control\\Session Manager\\" +
         key + "]\n\"AppCompatCache\"=" + reg_hex(value) + "\n\n";
}

Collected read_shimcache_file(const fs::path& hive) {
  return read_hive(hive, registry::HiveKind::system,
                   [](auto& ctx, auto& sink) { registry::read_shimcache(ctx, sink); });
}

/// Our findings equal the entries the test wrote (and, when `rip` is set, what RegRipper
/// parsed from the same hive, compared to the second).
void check_generated(const Collected& got, const std::vector<W>& es, const std::string& layout,
                     bool has_flags) {
  REQUIRE(got.errors.empty());
  REQUIRE(got.findings.size() == es.size());
  for (std::size_t i = 0; i < es.size(); ++i) {
    const Finding& f = got.findings[i];
    INFO("entry " << i);
    CHECK(f.type == "registry.shimcache");
    CHECK(f.data["Path"] == es[i].path);
    CHECK(f.data["LastModified"] == format_filetime(es[i].ft));
    CHECK(f.time == es[i].ft);
    CHECK(f.data["Position"] == i);
    CHECK(f.data["ControlSet"] == "ControlSet001");
    CHECK(f.data["Layout"] == layout);
    if (has_flags) {
      CHECK(f.data["Executed"] == ((es[i].insert_flags & 2) != 0));
      CHECK(f.data["InsertFlags"] == es[i].insert_flags);
    } else {
      CHECK(f.data["Executed"].is_null());
    }
    CHECK(f.data["RegistryPath"] ==
          "HKLM\\SYSTEM\\ControlSet001\\Control\\Session Manager\\AppCompatCache");
  }
}

/// RegRipper's getTime() converts a FILETIME with floating-point arithmetic
/// (hi * 429.4967296 + lo / 1e7) and truncates, so a FILETIME on a whole second can come out
/// one second early. `rip` must be our time truncated to seconds or, only for a whole-second
/// FILETIME, the second before it.
bool rip_time_matches(const std::optional<Filetime>& ours, const std::string& rip) {
  if (!ours) return rip.empty();
  if (seconds_text(format_filetime(*ours)) == rip) return true;
  return *ours % kTicksPerSecond == 0 && seconds_text(format_filetime(*ours - 1)) == rip;
}

void check_against_rip(const Collected& got, const std::vector<RipEntry>& rip,
                       bool compare_executed) {
  REQUIRE(rip.size() == got.findings.size());
  for (std::size_t i = 0; i < rip.size(); ++i) {
    INFO("position " << i);
    CHECK(got.findings[i].data["Path"] == rip[i].path);
    CHECK(rip_time_matches(got.findings[i].time, rip[i].time));
    if (compare_executed) CHECK(got.findings[i].data["Executed"] == rip[i].executed);
  }
}

}  // namespace

TEST_CASE("shimcache: the corpus Windows 7 SYSTEM equals RegRipper, every control set",
          "[registry][shimcache]") {
  SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/regipy_SYSTEM");
  if (!tool_or_skip("regripper")) return;
  TempDir dir;
  const auto out = regripper_in_order(dir, hive, "shimcache");
  REQUIRE(out.exit_code == 0);
  const auto rip = parse_rip(out.out);
  REQUIRE(rip.size() == 2);  // ControlSet001, ControlSet002

  const Collected got = read_shimcache_file(hive);
  CHECK(got.errors.empty());
  for (const auto& [set, entries] : rip) {
    INFO(set);
    REQUIRE(entries.size() > 100);
    const auto ours = of_set(got, set);
    Collected subset;
    subset.findings = ours;
    check_against_rip(subset, entries, true);
    for (const Finding& f : ours) CHECK(f.data["Layout"] == "Windows 7/2008 R2 32-bit");
  }
}

TEST_CASE("shimcache: Windows 10/11 layouts written by the test, and RegRipper agrees",
          "[registry][shimcache]") {
  TempDir dir;
  for (std::uint32_t header : {0x30u, 0x34u}) {
    INFO("header " << header);
    const fs::path hive = dir.path() / ("SYSTEM_win10_" + std::to_string(header));
    write_hive(hive, system_reg(win10_value(header, kEntries)));
    const Collected got = read_shimcache_file(hive);
    check_generated(
        got, kEntries,
        header == 0x30 ? "Windows 10 (1507/1511)" : "Windows 10 1607+/11/Server 2016-2022", false);
    if (tool_or_skip("regripper")) {
      const auto out = regripper_in_order(dir, hive, "appcompatcache");
      REQUIRE(out.exit_code == 0);
      check_against_rip(got, parse_rip(out.out)[""], false);
    }
  }
}

TEST_CASE("shimcache: Windows 8.1 and 8.0 layouts written by the test", "[registry][shimcache]") {
  TempDir dir;
  const fs::path hive81 = dir.path() / "SYSTEM_win81";
  write_hive(hive81, system_reg(win8_value(true, kEntries)));
  const Collected got81 = read_shimcache_file(hive81);
  check_generated(got81, kEntries, "Windows 8.1/Server 2012 R2", true);
  if (tool_or_skip("regripper")) {
    const auto out = regripper_in_order(dir, hive81, "appcompatcache");
    REQUIRE(out.exit_code == 0);
    check_against_rip(got81, parse_rip(out.out)[""], false);
  }
  // Windows 8.0: RegRipper reads the time 2 bytes after where winreg-kb and Mandiant's
  // parser put it (it treats "00ts" entries like 8.1 ones), so only the written values count.
  const fs::path hive80 = dir.path() / "SYSTEM_win80";
  write_hive(hive80, system_reg(win8_value(false, kEntries)));
  check_generated(read_shimcache_file(hive80), kEntries, "Windows 8.0/Server 2012", true);
}

TEST_CASE("shimcache: Windows 7 x64 and 32-bit layouts written by the test, and RegRipper agrees",
          "[registry][shimcache]") {
  TempDir dir;
  for (bool x64 : {true, false}) {
    INFO("x64 " << x64);
    const fs::path hive = dir.path() / (x64 ? "SYSTEM_w7_64" : "SYSTEM_w7_32");
    write_hive(hive, system_reg(win7_value(x64, kEntries)));
    const Collected got = read_shimcache_file(hive);
    check_generated(got, kEntries, x64 ? "Windows 7/2008 R2 x64" : "Windows 7/2008 R2 32-bit",
                    true);
    if (tool_or_skip("regripper")) {
      const auto out = regripper_in_order(dir, hive, "appcompatcache");
      REQUIRE(out.exit_code == 0);
      check_against_rip(got, parse_rip(out.out)[""], true);
    }
  }
}

TEST_CASE("shimcache: damaged values stop with the entry's offset, earlier entries kept",
          "[registry][shimcache]") {
  using registry::shimcache::parse;
  const Bytes good = win10_value(0x34, kEntries);
  const std::size_t second = 0x34 + 12 + 2 + utf16(kEntries[0].path).size() + 8 + 4 + 4;

  SECTION("truncated inside the second entry") {
    const Bytes cut(good.begin(), good.begin() + static_cast<long>(second + 20));
    const auto p = parse(cut);
    REQUIRE(p.entries.size() == 1);
    CHECK(p.entries[0].path == kEntries[0].path);
    REQUIRE(p.damage);
    CHECK(p.damage->offset == second);
    CHECK(p.damage->message.find("entry 1") != std::string::npos);
  }
  SECTION("entry size past the end of the value") {
    Bytes bad = good;
    set32(bad, second + 8, 0x7fffffff);
    const auto p = parse(bad);
    CHECK(p.entries.size() == 1);
    REQUIRE(p.damage);
    CHECK(p.damage->offset == second);
    CHECK(p.damage->message.find("entry size") != std::string::npos);
  }
  SECTION("absurd path length") {
    Bytes bad = good;
    bad[second + 12] = 0xff;
    bad[second + 13] = 0xff;
    const auto p = parse(bad);
    CHECK(p.entries.size() == 1);
    REQUIRE(p.damage);
    CHECK(p.damage->offset == second);
    CHECK(p.damage->message.find("path runs past") != std::string::npos);
  }
  SECTION("Windows 7 entry count past the end, path offset past the end") {
    Bytes w7 = win7_value(true, kEntries);
    set32(w7, 4, 0xffffffff);
    auto p = parse(w7);
    CHECK(p.entries.size() == 3);
    REQUIRE(p.damage);
    CHECK(p.damage->offset == 128 + 3 * 48);
    w7 = win7_value(true, kEntries);
    set32(w7, 128 + 48 + 8, 0x00ffffff);  // second entry's path offset
    p = parse(w7);
    CHECK(p.entries.size() == 1);
    REQUIRE(p.damage);
    CHECK(p.damage->offset == 128 + 48);
  }
  SECTION("zero-size and unknown values") {
    CHECK(parse({}).damage);
    CHECK(parse({}).entries.empty());
    const Bytes unknown = {0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0};
    const auto p = parse(unknown);
    REQUIRE(p.damage);
    CHECK(p.damage->message.find("0x44332211") != std::string::npos);
  }
}

TEST_CASE("shimcache: a damaged value in a hive is an error naming the hive and offsets",
          "[registry][shimcache]") {
  TempDir dir;
  const Bytes good = win10_value(0x34, kEntries);
  const std::size_t second = 0x34 + 12 + 2 + utf16(kEntries[0].path).size() + 8 + 4 + 4;
  Bytes bad = good;
  set32(bad, second + 8, 0x7fffffff);
  const fs::path hive = dir.path() / "SYSTEM_bad";
  write_hive(hive, system_reg(bad) +
                       "[\\ControlSet002]\n\n[\\ControlSet002\\Control]\n\n"
                       "[\\ControlSet002\\Control\\Session Manager]\n\n"
                       "[\\ControlSet002\\Control\\Session Manager\\AppCompatCache]\n"
                       "\"AppCompatCache\"=hex:\n\n");
  const Collected got = read_shimcache_file(hive);
  REQUIRE(got.findings.size() == 1);
  CHECK(got.findings[0].data["Path"] == kEntries[0].path);
  REQUIRE(got.errors.size() == 2);
  for (const ErrorEntry& e : got.errors) {
    CHECK(e.artifact.path == hive.string());
    CHECK(e.code == "record");
    CHECK(e.artifact.offset.has_value());
  }
  CHECK(got.errors[0].message.find("byte " + std::to_string(second)) != std::string::npos);
  CHECK(got.errors[0].message.find("1 entries read") != std::string::npos);
  CHECK(got.errors[1].message.find("empty") != std::string::npos);
  CHECK(got.errors[1].message.find("ControlSet002") != std::string::npos);
}

TEST_CASE("shimcache: XP 32-bit and Server 2003/Vista layouts written by the test",
          "[registry][shimcache]") {
  using registry::shimcache::parse;
  SECTION("XP: 400-byte header, 552-byte entries with the path inline") {
    Bytes v(400, 0);
    set32(v, 0, 0xdeadbeef);
    set32(v, 4, static_cast<std::uint32_t>(kEntries.size()));
    for (const W& e : kEntries) {
      Bytes entry = utf16("\\??\\" + e.path);
      entry.resize(528, 0);
      put64(entry, e.ft);
      put64(entry, 4096 + e.path.size());  // file size
      put64(entry, e.ft + 5);              // last update
      v.insert(v.end(), entry.begin(), entry.end());
    }
    const auto p = parse(v);
    CHECK_FALSE(p.damage);
    CHECK(p.layout == "Windows XP 32-bit");
    REQUIRE(p.entries.size() == kEntries.size());
    for (std::size_t i = 0; i < kEntries.size(); ++i) {
      CHECK(p.entries[i].path == kEntries[i].path);
      CHECK(p.entries[i].last_modified == kEntries[i].ft);
      CHECK(p.entries[i].file_size == 4096 + kEntries[i].path.size());
      CHECK_FALSE(p.entries[i].executed.has_value());
      CHECK(p.entries[i].entry_offset == 400 + 552 * i);
    }
    v.resize(400 + 552 + 100);  // cut inside the second entry
    const auto cut = parse(v);
    CHECK(cut.entries.size() == 1);
    REQUIRE(cut.damage);
    CHECK(cut.damage->offset == 400 + 552);
  }
  SECTION("Server 2003/Vista 64-bit and 32-bit: pointed-to paths") {
    for (bool x64 : {true, false}) {
      INFO("x64 " << x64);
      const std::size_t size = x64 ? 32 : 24;
      Bytes v(8, 0);
      set32(v, 0, 0xbadc0ffe);
      set32(v, 4, static_cast<std::uint32_t>(kEntries.size()));
      Bytes table, paths;
      for (const W& e : kEntries) {
        const Bytes path = utf16(e.path);
        const std::uint64_t offset = 8 + size * kEntries.size() + paths.size();
        put16(table, static_cast<std::uint16_t>(path.size()));
        put16(table, static_cast<std::uint16_t>(path.size() + 2));
        if (x64) {
          put32(table, 0);
          put64(table, offset);
        } else {
          put32(table, static_cast<std::uint32_t>(offset));
        }
        put64(table, e.ft);
        put32(table, e.insert_flags);
        put32(table, 0);
        paths.insert(paths.end(), path.begin(), path.end());
        put16(paths, 0);
      }
      v.insert(v.end(), table.begin(), table.end());
      v.insert(v.end(), paths.begin(), paths.end());
      const auto p = parse(v);
      CHECK_FALSE(p.damage);
      CHECK(p.layout ==
            std::string("Windows Server 2003/Vista/Server 2008 ") + (x64 ? "64-bit" : "32-bit"));
      REQUIRE(p.entries.size() == kEntries.size());
      for (std::size_t i = 0; i < kEntries.size(); ++i) {
        CHECK(p.entries[i].path == kEntries[i].path);
        CHECK(p.entries[i].last_modified == kEntries[i].ft);
      }
    }
  }
}
