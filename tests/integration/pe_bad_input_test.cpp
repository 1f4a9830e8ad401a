// Damaged, hostile and wrong-type input for read_pe() and hash_file(), each file made in the
// test from the plain.exe fixture: every case ends in an ArtifactError naming the offset or
// in a partial Info whose problems name it; nothing crashes, hangs or grows without bound.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <iterator>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/pe.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

fs::path write(const test::TempDir& dir, const std::string& name, const Bytes& b) {
  const auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  return p;
}

std::uint32_t get32(const Bytes& b, std::size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, &b[at], 4);
  return v;
}
std::uint16_t get16(const Bytes& b, std::size_t at) {
  std::uint16_t v = 0;
  std::memcpy(&v, &b[at], 2);
  return v;
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) { std::memcpy(&b[at], &v, 4); }
void put16(Bytes& b, std::size_t at, std::uint16_t v) { std::memcpy(&b[at], &v, 2); }

// Where plain.exe's structures are (PE32+), read straight from its bytes.
struct Layout {
  std::size_t pe = 0, optional = 0, directories = 0, sections = 0;
  std::size_t section_count = 0;
  explicit Layout(const Bytes& b) {
    pe = get32(b, 0x3C);
    optional = pe + 24;
    REQUIRE(get16(b, optional) == 0x20B);
    directories = optional + 112;
    sections = optional + get16(b, pe + 20);
    section_count = get16(b, pe + 6);
  }
  std::size_t directory(std::size_t i) const { return directories + 8 * i; }
  std::size_t section(std::size_t i) const { return sections + 40 * i; }
};

// The file offset of `rva` in `b` (through its section table).
std::size_t offset_of(const Bytes& b, const Layout& l, std::uint32_t rva) {
  for (std::size_t i = 0; i < l.section_count; ++i) {
    const auto s = l.section(i);
    const auto va = get32(b, s + 12), size = get32(b, s + 16), raw = get32(b, s + 20);
    if (rva >= va && rva < va + size) return raw + (rva - va);
  }
  FAIL("rva not mapped");
  return 0;
}

std::optional<std::uint64_t> error_offset(const fs::path& p) {
  auto src = open_host_file(p);
  try {
    pe::read_pe(*src, p.string());
  } catch (const ArtifactError& e) {
    INFO(e.what());
    CHECK(e.path() == p.string());
    return e.offset();
  }
  FAIL("no ArtifactError for " << p.string());
  return std::nullopt;
}

pe::Info read_partial(const fs::path& p) {
  auto src = open_host_file(p);
  auto info = pe::read_pe(*src, p.string());
  pe::hash_file(*src, &info, p.string());  // must not throw on a readable file
  return info;
}

// A problem mentioning `needle` whose trailing "(offset 0x...)" is `offset`.
bool has_problem(const pe::Info& info, const std::string& needle, std::uint64_t offset) {
  for (const auto& p : info.problems)
    if (p.find(needle) != std::string::npos && pe::problem_offset(p) == offset) return true;
  return false;
}

std::string problems(const pe::Info& info) {
  std::string s;
  for (const auto& p : info.problems) s += p + "\n";
  return s;
}

std::size_t find_utf16(const Bytes& b, const std::string& ascii) {
  Bytes pat;
  for (char c : ascii) {
    pat.push_back(static_cast<std::uint8_t>(c));
    pat.push_back(0);
  }
  const auto it = std::search(b.begin(), b.end(), pat.begin(), pat.end());
  REQUIRE(it != b.end());
  return static_cast<std::size_t>(it - b.begin());
}

}  // namespace

TEST_CASE("pe bad input: headers cut short, wrong type, nothing at all", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir) return;
  const Bytes plain = slurp(*dir / "plain.exe");
  const Layout l(plain);
  test::TempDir tmp;
  const auto cut = [&](std::size_t n) {
    return write(tmp, "cut" + std::to_string(n), Bytes(plain.begin(), plain.begin() + n));
  };
  CHECK(error_offset(cut(0)) == 0u);
  CHECK(error_offset(cut(1)) == 0u);
  CHECK(error_offset(cut(2)) == 2u);                             // "MZ" and no more
  CHECK(error_offset(cut(64)) == 0x3Cu);                         // e_lfanew beyond the end
  CHECK(error_offset(cut(0x80)) == 0x3Cu);                       // PE header would start at the end
  CHECK(error_offset(cut(l.optional + 50)) == l.optional + 50);  // optional header cut

  // Inside the section table: the whole entries are kept, the cut one is named.
  const auto in_table = cut(l.section(3) + 10);
  const auto info = read_partial(in_table);
  INFO(problems(info));
  CHECK(info.sections.size() == 3);
  CHECK(has_problem(info, "section table cut short", l.section(3)));

  // An ELF and an empty file.
  CHECK(error_offset("/bin/true") == 0u);
  CHECK_FALSE(pe::looks_like_pe(*open_host_file("/bin/true")));
  CHECK(pe::looks_like_pe(*open_host_file(*dir / "plain.exe")));
  CHECK_FALSE(pe::looks_like_pe(*open_host_file(cut(0))));
}

TEST_CASE("pe bad input: pointers out of the file", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir) return;
  const Bytes plain = slurp(*dir / "plain.exe");
  const Layout l(plain);
  test::TempDir tmp;

  SECTION("e_lfanew past the end") {
    Bytes b = plain;
    put32(b, 0x3C, 0x00100000);
    CHECK(error_offset(write(tmp, "lfanew", b)) == 0x3Cu);
  }
  SECTION("a section table past the end") {
    Bytes b = plain;
    put16(b, l.pe + 20, 0xF000);  // SizeOfOptionalHeader pushes the table out of the file
    const auto info = read_partial(write(tmp, "table", b));
    INFO(problems(info));
    CHECK(info.sections.empty());
    CHECK(has_problem(info, "section table", l.optional + 0xF000));
  }
  SECTION("a section's raw data past the end") {
    Bytes b = plain;
    put32(b, l.section(1) + 20, 0x00F00000);
    const auto info = read_partial(write(tmp, "raw", b));
    INFO(problems(info));
    CHECK(has_problem(info, "section 1 (.data) raw data", l.section(1)));
    CHECK_FALSE(info.sections[1].entropy.has_value());
    CHECK(info.sections[0].entropy.has_value());
    CHECK(info.overlay_size == 0);
  }
  SECTION("an import directory outside every section") {
    Bytes b = plain;
    put32(b, l.directory(1), 0x7FFF0000);
    const auto info = read_partial(write(tmp, "imports", b));
    INFO(problems(info));
    CHECK(info.imports.empty());
    CHECK(info.imphash.empty());
    CHECK(has_problem(info, "import directory", l.directory(1)));
    CHECK(info.version_info.has_value());  // the rest is still read
  }
  SECTION("hostile counts") {
    Bytes b = plain;
    put16(b, l.pe + 6, 0xFFFF);               // NumberOfSections
    put32(b, l.directories - 4, 0x7FFFFFFF);  // NumberOfRvaAndSizes
    const auto info = read_partial(write(tmp, "counts", b));
    INFO(problems(info));
    CHECK(has_problem(info, "NumberOfSections 65535", l.pe + 6));
    CHECK(info.sections.size() <= 96);
    CHECK(info.directories.size() == 16);
  }
  SECTION("a certificate table outside the file") {
    Bytes b = slurp(*dir / "signed.exe");
    put32(b, l.directory(4), 0x10000000);
    const auto info = read_partial(write(tmp, "cert", b));
    INFO(problems(info));
    CHECK(info.certificates.empty());
    CHECK(info.authenticode.cert_table_size == 0);
    CHECK(has_problem(info, "certificate table", l.directory(4)));
  }
  SECTION("a certificate table running past the end") {
    Bytes b = slurp(*dir / "signed.exe");
    put32(b, l.directory(4) + 4, get32(b, l.directory(4) + 4) + 4096);
    const auto info = read_partial(write(tmp, "cert2", b));
    INFO(problems(info));
    CHECK(has_problem(info, "runs past the end of the file", l.directory(4)));
    CHECK(info.authenticode.cert_table_offset + info.authenticode.cert_table_size ==
          info.file_size);
  }
}

TEST_CASE("pe bad input: a resource directory that loops, version info whose lengths lie", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir) return;
  const Bytes plain = slurp(*dir / "plain.exe");
  const Layout l(plain);
  test::TempDir tmp;
  const std::size_t root = offset_of(plain, l, get32(plain, l.directory(2)));

  SECTION("the RT_VERSION entry points back at the root directory") {
    Bytes b = plain;
    const std::size_t entries = get16(b, root + 12) + get16(b, root + 14);
    std::size_t entry = 0;
    for (std::size_t i = 0; i < entries; ++i)
      if (get32(b, root + 16 + 8 * i) == 16) entry = root + 16 + 8 * i;
    REQUIRE(entry != 0);
    put32(b, entry + 4, 0x80000000u);  // subdirectory at offset 0: the root itself
    const auto info = read_partial(write(tmp, "loop", b));
    INFO(problems(info));
    CHECK_FALSE(info.version_info.has_value());
    CHECK(has_problem(info, "loop", entry));
  }
  SECTION("a child directory that points at itself") {
    Bytes b = plain;
    const std::size_t type_dir = root + (get32(b, root + 16 + 4) & 0x7FFFFFFF);
    put32(b, type_dir + 16 + 4, 0x80000000u | static_cast<std::uint32_t>(type_dir - root));
    const auto info = read_partial(write(tmp, "self", b));
    INFO(problems(info));
    CHECK(has_problem(info, "loop", type_dir + 16));
  }
  SECTION("a String whose wLength runs past its table") {
    Bytes b = plain;
    const std::size_t company = find_utf16(b, "CompanyName") - 6;
    put16(b, company, 0x7000);
    const auto info = read_partial(write(tmp, "strlen", b));
    INFO(problems(info));
    CHECK(has_problem(info, "wLength 28672 runs", company));
    REQUIRE(info.version_info.has_value());
    CHECK(info.version_info->get("CompanyName") == "sqltriage tests");
  }
  SECTION("a String with wLength 0") {
    Bytes b = plain;
    const std::size_t company = find_utf16(b, "CompanyName") - 6;
    put16(b, company, 0);
    const auto info = read_partial(write(tmp, "zero", b));
    INFO(problems(info));
    CHECK(has_problem(info, "less than its own header", company));
    REQUIRE(info.version_info.has_value());
    CHECK(info.version_info->strings.empty());
  }
  SECTION("VS_VERSIONINFO claiming more than the resource holds") {
    Bytes b = plain;
    const std::size_t vs = find_utf16(b, "VS_VERSION_INFO") - 6;
    put16(b, vs, 0xFFFF);
    const auto info = read_partial(write(tmp, "vslen", b));
    INFO(problems(info));
    CHECK(has_problem(info, "VS_VERSIONINFO wLength 65535", vs));
    REQUIRE(info.version_info.has_value());
    CHECK(info.version_info->get("OriginalFilename") == "plain.exe");
  }
}

// A PE followed by a 1 GiB hole: the overlay is read to its end for the hashes (the MD5
// equals md5sum's), in a child process whose peak RSS must stay within 64 MiB of what it
// started with.
TEST_CASE("pe bad input: a 1 GiB sparse overlay is hashed with flat memory", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir || !test::tool_or_skip("md5sum")) return;
  test::TempDir tmp;
  const auto big = tmp.path() / "big.exe";
  fs::copy_file(*dir / "plain.exe", big);
  const std::uint64_t pe_size = fs::file_size(big);
  fs::resize_file(big, pe_size + (std::uint64_t{1} << 30));
  const auto expected = test::run("md5sum " + test::shell_quote(big.string()));
  REQUIRE(expected.exit_code == 0);

  auto src = open_host_file(big);
  auto info = pe::read_pe(*src, big.string());
  CHECK(info.overlay_offset == pe_size);
  CHECK(info.overlay_size == std::uint64_t{1} << 30);

  int fds[2];
  REQUIRE(pipe(fds) == 0);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    rusage start{};
    getrusage(RUSAGE_SELF, &start);
    std::string md5;
    try {
      md5 = pe::hash_file(*src, &info, big.string()).md5;
    } catch (...) {
    }
    rusage end{};
    getrusage(RUSAGE_SELF, &end);
    const std::string msg = md5 + " " + std::to_string(end.ru_maxrss - start.ru_maxrss);
    (void)!::write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  std::string msg;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    msg.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(child, &status, 0, &usage) == child);
  const auto space = msg.find(' ');
  REQUIRE(space != std::string::npos);
  CHECK(msg.substr(0, space) == expected.out.substr(0, 32));
  const long grown_kib = std::stol(msg.substr(space + 1));
  INFO("peak RSS grew by " << grown_kib << " KiB while hashing 1 GiB");
  CHECK(grown_kib < 64 * 1024);
}
