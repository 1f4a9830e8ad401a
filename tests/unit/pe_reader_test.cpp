// read_pe() on PEs built by tests/fixtures/pe/make_pes.sh, on one the test builds with
// imports by ordinal, on one with a Rich header, and on Debian's shimx64.efi.signed: every
// value is compared with pefile's and yara's (pe module) view of the same file.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "pe_reader_oracles.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/pe.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
namespace oracle = sqltriage::test::pe_oracle;

namespace {

pe::Info read_file(const fs::path& p) {
  auto src = open_host_file(p);
  return pe::read_pe(*src, p.string());
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Every fact read_pe() and hash_file() give, against pefile and yara -D.
void check_against_oracles(const fs::path& file) {
  INFO(file.string());
  auto src = open_host_file(file);
  auto info = pe::read_pe(*src, file.string());
  const auto hashes = pe::hash_file(*src, &info, file.string());
  const auto pf = oracle::pefile_facts(file);
  const auto yd = oracle::yara_dump(file);
  CHECK(info.problems.empty());

  // Headers.
  CHECK(info.machine == pf["machine"].get<int>());
  CHECK("IMAGE_FILE_MACHINE_" + pe::machine_name(info.machine) ==
        pf["machine_name"].get<std::string>());
  CHECK("IMAGE_SUBSYSTEM_" + pe::subsystem_name(info.subsystem) ==
        pf["subsystem_name"].get<std::string>());
  CHECK(std::to_string(info.machine) == yd.top.at("machine"));
  CHECK(info.time_date_stamp == pf["timestamp"].get<std::uint32_t>());
  CHECK(std::to_string(info.time_date_stamp) == yd.top.at("timestamp"));
  CHECK(std::to_string(info.characteristics) == yd.top.at("characteristics"));
  CHECK(info.is_dll == pf["is_dll"].get<bool>());
  CHECK(info.pe32_plus == pf["pe32_plus"].get<bool>());
  CHECK(info.image_base == pf["image_base"].get<std::uint64_t>());
  CHECK(std::to_string(info.image_base) == yd.top.at("image_base"));
  CHECK(info.entry_point == pf["entry_point"].get<std::uint32_t>());
  CHECK(info.checksum == pf["checksum"].get<std::uint32_t>());
  CHECK(info.linker_major == pf["linker"][0].get<int>());
  CHECK(info.linker_minor == pf["linker"][1].get<int>());
  CHECK(info.is_dotnet == pf["clr"].get<bool>());

  // Sections: names, addresses, sizes (yara and pefile), entropy (pefile, 1e-9).
  REQUIRE(info.sections.size() == pf["sections"].size());
  REQUIRE(info.sections.size() == yd.sections.size());
  for (std::size_t i = 0; i < info.sections.size(); ++i) {
    const auto& s = info.sections[i];
    const auto& p = pf["sections"][i];
    const auto& y = yd.sections[i];
    INFO("section " << i << " " << s.name);
    CHECK(s.name == p["name"].get<std::string>());
    CHECK(s.name == y.at("name"));
    CHECK(s.virtual_address == p["va"].get<std::uint32_t>());
    CHECK(std::to_string(s.virtual_address) == y.at("virtual_address"));
    CHECK(std::to_string(s.virtual_size) == y.at("virtual_size"));
    CHECK(std::to_string(s.raw_offset) == y.at("raw_data_offset"));
    CHECK(std::to_string(s.raw_size) == y.at("raw_data_size"));
    CHECK(std::to_string(s.characteristics) == y.at("characteristics"));
    REQUIRE(s.entropy.has_value());
    CHECK(std::abs(*s.entropy - p["entropy"].get<double>()) < 1e-9);
  }

  // Imports per DLL (pefile; yara 4.2.3's number_of_functions is cumulative), imphash.
  REQUIRE(info.imports.size() == pf["imports"].size());
  CHECK(std::to_string(info.imports.size()) == yd.top.at("number_of_imports"));
  std::size_t total = 0;
  for (std::size_t i = 0; i < info.imports.size(); ++i) {
    CHECK(info.imports[i].name == pf["imports"][i][0].get<std::string>());
    CHECK(info.imports[i].functions.size() == pf["imports"][i][1].get<std::size_t>());
    total += info.imports[i].functions.size();
  }
  CHECK(std::to_string(total) == yd.top.at("number_of_imported_functions"));
  CHECK(info.imphash == pf["imphash"].get<std::string>());
  if (!info.imphash.empty()) CHECK(oracle::yara_imphash_is(file, info.imphash));

  // Overlay: pefile gives None when there is none.
  const std::uint64_t overlay = pf["overlay_offset"].is_null()
                                    ? pf["size"].get<std::uint64_t>()
                                    : pf["overlay_offset"].get<std::uint64_t>();
  CHECK(info.overlay_offset == overlay);
  CHECK(info.overlay_size == info.file_size - overlay);
  CHECK(std::to_string(info.overlay_size) == yd.overlay.at("size"));
  if (info.overlay_size > 0) CHECK(std::to_string(info.overlay_offset) == yd.overlay.at("offset"));

  // Certificate table (data directory 4 is a file offset).
  const auto sec = pf["security"];
  if (sec[0].get<std::uint64_t>() != 0) {
    CHECK(info.authenticode.cert_table_offset == sec[0].get<std::uint64_t>());
    CHECK(info.authenticode.cert_table_size == sec[1].get<std::uint64_t>());
    REQUIRE(!info.certificates.empty());
    CHECK(info.certificates[0].offset == sec[0].get<std::uint64_t>());
  } else {
    CHECK(info.certificates.empty());
  }

  // PDB path, version info.
  if (pf["pdb"].is_null()) {
    CHECK_FALSE(info.pdb_path.has_value());
  } else {
    REQUIRE(info.pdb_path.has_value());
    CHECK(*info.pdb_path == pf["pdb"].get<std::string>());
    CHECK(*info.pdb_path == yd.top.at("pdb_path"));
  }
  if (pf["strings"].empty()) {
    CHECK((!info.version_info || info.version_info->strings.empty()));
  } else {
    REQUIRE(info.version_info.has_value());
    const auto& vi = *info.version_info;
    REQUIRE(vi.strings.size() == pf["strings"].size());
    REQUIRE(vi.strings.size() == yd.version_info.size());
    for (std::size_t i = 0; i < vi.strings.size(); ++i) {
      CHECK(vi.strings[i].first == pf["strings"][i][0].get<std::string>());
      CHECK(vi.strings[i].second == pf["strings"][i][1].get<std::string>());
      CHECK(vi.strings[i] == yd.version_info[i]);
    }
    CHECK(vi.language == pf["language"].get<std::string>());
    CHECK(vi.file_version == pf["file_version"].get<std::string>());
    CHECK(vi.product_version == pf["product_version"].get<std::string>());
  }

  // Rich header.
  if (pf["rich"].is_null()) {
    CHECK_FALSE(info.rich_header);
  } else {
    REQUIRE(info.rich_header);
    std::vector<std::uint32_t> mine;
    for (const auto& e : info.rich_entries) {
      mine.push_back((std::uint32_t{e.product_id} << 16) | e.build);
      mine.push_back(e.count);
    }
    CHECK(mine == pf["rich"].get<std::vector<std::uint32_t>>());
  }

  // The JSON shape carries the same values.
  const auto j = pe::to_json(info);
  CHECK(j["TimeDateStampRaw"] == info.time_date_stamp);
  CHECK(j["Sections"].size() == info.sections.size());
  CHECK(j["ImageBase"] == hex(info.image_base));
  const auto hj = pe::to_json(hashes, &info);
  if (info.imphash.empty())
    CHECK(hj["Imphash"].is_null());
  else
    CHECK(hj["Imphash"] == pf["imphash"].get<std::string>());
}

}  // namespace

TEST_CASE("pe reader: the fixtures' facts equal pefile's and yara's", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir || !oracle::pefile_or_skip() || !test::tool_or_skip("yara")) return;
  for (const char* name :
       {"plain.exe", "impostor.exe", "signed.exe", "nested.exe", "untrusted.exe", "tampered.exe"})
    check_against_oracles(*dir / name);
}

TEST_CASE("pe reader: the fixtures' version info and PDB path are the ones make_pes.sh wrote",
          "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir) return;
  const auto plain = read_file(*dir / "plain.exe");
  REQUIRE(plain.version_info.has_value());
  CHECK(plain.version_info->get("OriginalFilename") == "plain.exe");
  CHECK(plain.pdb_path == "C:\\build\\plain.pdb");
  const auto impostor = read_file(*dir / "impostor.exe");
  REQUIRE(impostor.version_info.has_value());
  CHECK(impostor.version_info->get("OriginalFilename") == "sqlservr.exe");
  CHECK(impostor.version_info->get("CompanyName") == "Microsoft Corporation");
  CHECK(impostor.version_info->get("ProductName") == "Microsoft SQL Server");
  CHECK_FALSE(impostor.version_info->get("NoSuchKey").has_value());
  const auto vj = pe::to_json(*impostor.version_info);
  CHECK(vj["OriginalFilename"] == "sqlservr.exe");
  CHECK(vj.contains("Language"));
}

TEST_CASE("pe reader: shimx64.efi.signed equals pefile and yara", "[pe]") {
  const auto shim = test::shim_or_skip();
  if (!shim || !oracle::pefile_or_skip() || !test::tool_or_skip("yara")) return;
  check_against_oracles(*shim);
  const auto info = read_file(*shim);
  CHECK(pe::machine_name(info.machine) == "AMD64");
  CHECK(pe::subsystem_name(info.subsystem) == "EFI_APPLICATION");
  CHECK(info.certificates.size() >= 2);  // issue 4: more than one certificate-table entry
}

// mingw's dlltool makes import libraries whose symbols are imported by ordinal only
// (NONAME): ws2_32.dll and oleaut32.dll ordinals have names in pefile's table, a custom
// .ocx's do not.
TEST_CASE("pe reader: imphash of imports by ordinal equals pefile's and yara's", "[pe]") {
  if (!test::tool_or_skip("x86_64-w64-mingw32-gcc") || !test::tool_or_skip("yara") ||
      !oracle::pefile_or_skip())
    return;
  test::TempDir tmp;
  const auto d = tmp.path();
  std::ofstream(d / "ord.c") << "int __stdcall WSAStartup(unsigned short, void*);\n"
                                "int __stdcall SysStringLen(void*);\n"
                                "int __stdcall Foo(void);\n"
                                "int main(void) { char b[512]; return WSAStartup(0x202, b) +"
                                " SysStringLen(0) + Foo(); }\n";
  std::ofstream(d / "ws2.def") << "LIBRARY ws2_32.dll\nEXPORTS\nWSAStartup @115 NONAME\n";
  std::ofstream(d / "ole.def") << "LIBRARY OLEAUT32.dll\nEXPORTS\nSysStringLen @7 NONAME\n";
  std::ofstream(d / "cust.def") << "LIBRARY custom.ocx\nEXPORTS\nFoo @42 NONAME\n";
  const auto q = test::shell_quote(d.string());
  const auto r = test::run(
      "cd " + q +
      " && for n in ws2 ole cust; do x86_64-w64-mingw32-dlltool -d $n.def -l lib$n.a || exit 1;"
      " done && x86_64-w64-mingw32-gcc -O2 -s -o ord.exe ord.c -L. -lws2 -lole -lcust");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_oracles(d / "ord.exe");
  const auto info = read_file(d / "ord.exe");
  std::vector<std::string> ordinals;
  for (const auto& dll : info.imports)
    for (const auto& f : dll.functions)
      if (f.rfind("ord", 0) == 0) ordinals.push_back(dll.name + "!" + f);
  CHECK(ordinals.size() == 3);
}

// plain.exe with 0x200 bytes inserted before its PE header (every file offset in the
// headers moved along) and a Rich header written there, as MSVC's linker lays it out.
TEST_CASE("pe reader: a Rich header equals pefile's and yara's", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir || !oracle::pefile_or_skip() || !test::tool_or_skip("yara")) return;
  test::TempDir tmp;
  const auto out = tmp.path() / "rich.exe";
  static const char* kScript = R"PY(
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
pe = struct.unpack_from('<I', d, 0x3c)[0]
shift = 0x200
d[pe:pe] = bytes(shift)
pe += shift
struct.pack_into('<I', d, 0x3c, pe)
nsec = struct.unpack_from('<H', d, pe + 6)[0]
opt = pe + 24
optsize = struct.unpack_from('<H', d, pe + 20)[0]
struct.pack_into('<I', d, opt + 60, struct.unpack_from('<I', d, opt + 60)[0] + shift)
dbg_rva, dbg_size = struct.unpack_from('<II', d, opt + 112 + 8 * 6)
secs = []
for i in range(nsec):
  s = opt + optsize + 40 * i
  va, raw = struct.unpack_from('<I', d, s + 12)[0], struct.unpack_from('<I', d, s + 20)[0]
  vs, rs = struct.unpack_from('<I', d, s + 8)[0], struct.unpack_from('<I', d, s + 16)[0]
  if raw: struct.pack_into('<I', d, s + 20, raw + shift)
  secs.append((va, max(vs, rs), raw + shift))
for va, span, raw in secs:
  if va <= dbg_rva < va + span:
    at = raw + dbg_rva - va
    for k in range(dbg_size // 28):
      p = struct.unpack_from('<I', d, at + 28 * k + 24)[0]
      if p: struct.pack_into('<I', d, at + 28 * k + 24, p + shift)
key = 0x1234abcd
entries = [(0x00ff0000 | 30140, 3), (0x01050000 | 27412, 17), (0x01040000 | 27412, 1)]
words = [0x536E6144 ^ key, key, key, key]
for comp, count in entries: words += [comp ^ key, count ^ key]
words += [0x68636952, key]
struct.pack_into('<%dI' % len(words), d, 0x80, *words)
open(sys.argv[2], 'wb').write(d)
)PY";
  std::ofstream(tmp.path() / "rich.py") << kScript;
  const auto r = test::run(
      "/usr/bin/python3 " + test::shell_quote((tmp.path() / "rich.py").string()) + " " +
      test::shell_quote((*dir / "plain.exe").string()) + " " + test::shell_quote(out.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_oracles(out);
  const auto info = read_file(out);
  REQUIRE(info.rich_header);
  REQUIRE(info.rich_entries.size() == 3);
  // yara's view: the key and the decoded bytes from DanS to the last entry.
  const auto& e = info.rich_entries[1];
  const auto y = oracle::run_yara(
      "import \"pe\" rule k { condition: pe.rich_signature.key == " + std::to_string(0x1234abcd) +
          " and pe.rich_signature.version(" + std::to_string(e.build) + ", " +
          std::to_string(e.product_id) + ") == " + std::to_string(e.count) + " }",
      out);
  INFO(y.err);
  CHECK(y.out.rfind("k ", 0) == 0);
}

TEST_CASE("pe reader: names of machines, subsystems and flags", "[pe]") {
  CHECK(pe::machine_name(0x8664) == "AMD64");
  CHECK(pe::machine_name(0x14C) == "I386");
  CHECK(pe::machine_name(0xAA64) == "ARM64");
  CHECK(pe::machine_name(0x1234) == "0x1234");
  CHECK(pe::subsystem_name(3) == "WINDOWS_CUI");
  CHECK(pe::subsystem_name(10) == "EFI_APPLICATION");
  CHECK(pe::characteristics_names(0x2022) ==
        std::vector<std::string>{"EXECUTABLE_IMAGE", "LARGE_ADDRESS_AWARE", "DLL"});
  CHECK(pe::characteristics_names(0x0040) == std::vector<std::string>{"0x0040"});
  CHECK(pe::section_characteristics_names(0x60500020) ==
        std::vector<std::string>{"CNT_CODE", "MEM_EXECUTE", "MEM_READ", "ALIGN_16BYTES"});
}
