// hash_file(): every hash against the tool that defines it, run in the test: md5sum,
// sha1sum, sha256sum, ssdeep, tlsh (3.4.4, which prints the digest without "T1"),
// osslsigncode verify ("Calculated message digest") for the Authenticode image hash, and
// for shimx64.efi.signed, which osslsigncode cannot read, the digest its own signature
// carries (openssl asn1parse of the first WIN_CERTIFICATE).
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>

#include "pe_reader_oracles.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/pe.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;

namespace {

std::string first_field(const std::string& s) {
  const auto end = s.find_first_of(" \t\n");
  return s.substr(0, end);
}

std::string tool_hash(const std::string& tool, const fs::path& file) {
  const auto r = test::run(tool + " " + test::shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return first_field(r.out);
}

// ssdeep -b prints a header line, then "HASH,"NAME"".
std::string ssdeep_of(const fs::path& file) {
  const auto r = test::run("ssdeep -s -b " + test::shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto nl = r.out.find('\n');
  REQUIRE(nl != std::string::npos);
  const auto line = r.out.substr(nl + 1);
  return line.substr(0, line.find(','));
}

// The tlsh CLI's digest (3.4.4: 70 hex digits, no "T1"), or "" when it prints none.
std::string tlsh_of(const fs::path& file) {
  const auto r = test::run("tlsh -f " + test::shell_quote(file.string()));
  const auto h = first_field(r.out);
  if (h.size() != 70 || h.find_first_not_of("0123456789ABCDEF") != std::string::npos) return "";
  return h;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "Calculated message digest : HEX" lines of osslsigncode verify, in signature order.
std::vector<std::string> osslsigncode_digests(const fs::path& file, const fs::path& ca) {
  const auto r = test::run("osslsigncode verify -in " + test::shell_quote(file.string()) +
                           " -CAfile " + test::shell_quote(ca.string()));
  INFO(r.out << r.err);
  std::vector<std::string> out;
  const std::regex re("Calculated message digest *: *([0-9A-Fa-f]+)");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), re), end; it != end; ++it)
    out.push_back(lower((*it)[1]));
  return out;
}

// Shannon entropy of the whole file, computed by python.
double python_entropy(const fs::path& file) {
  const auto r = test::run(
      "/usr/bin/python3 -c 'import math,sys,collections\n"
      "d=open(sys.argv[1],\"rb\").read(); c=collections.Counter(d)\n"
      "print(repr(-sum(v/len(d)*math.log2(v/len(d)) for v in c.values()) if d else 0.0))' " +
      test::shell_quote(file.string()));
  REQUIRE(r.exit_code == 0);
  return std::stod(r.out);
}

void check_file_hashes(const fs::path& file, bool is_pe) {
  INFO(file.string());
  auto src = open_host_file(file);
  std::optional<pe::Info> info;
  if (is_pe) info = pe::read_pe(*src, file.string());
  const auto h = pe::hash_file(*src, info ? &*info : nullptr, file.string());
  CHECK(h.md5 == tool_hash("md5sum", file));
  CHECK(h.sha1 == tool_hash("sha1sum", file));
  CHECK(h.sha256 == tool_hash("sha256sum", file));
  CHECK(h.ssdeep == ssdeep_of(file));
  const auto t = tlsh_of(file);
  CHECK(h.tlsh == (t.empty() ? "" : "T1" + t));
  CHECK(std::abs(h.entropy - python_entropy(file)) < 1e-9);
  CHECK(h.authenticode_sha256.has_value() == is_pe);
  const auto j = pe::to_json(h, info ? &*info : nullptr);
  CHECK(j["SHA256"] == h.sha256);
  CHECK(j.contains("AuthenticodeSHA256") == is_pe);
}

}  // namespace

TEST_CASE("pe hashes: MD5, SHA1, SHA256, ssdeep, TLSH and entropy equal the tools'", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir) return;
  for (const char* tool : {"md5sum", "sha1sum", "sha256sum", "ssdeep", "tlsh"})
    if (!test::tool_or_skip(tool)) return;
  check_file_hashes(*dir / "plain.exe", true);
  check_file_hashes(*dir / "signed.exe", true);
  check_file_hashes(*dir / "root.pem", false);
  if (const auto shim = test::shim_or_skip()) check_file_hashes(*shim, true);
}

TEST_CASE("pe hashes: TLSH of files tlsh 3.4.4 has no digest for, and of an empty file", "[pe]") {
  if (!test::tool_or_skip("tlsh") || !test::tool_or_skip("md5sum")) return;
  test::TempDir tmp;
  std::mt19937 rng(7);
  const auto write = [&](const std::string& name, std::size_t n, bool random) {
    std::ofstream out(tmp.path() / name, std::ios::binary);
    for (std::size_t i = 0; i < n; ++i) out.put(static_cast<char>(random ? rng() : 'A'));
    return tmp.path() / name;
  };
  for (const auto& f : {write("short", 200, true), write("uniform", 4096, false),
                        write("random", 5000, true), write("empty", 0, false)}) {
    INFO(f.string());
    auto src = open_host_file(f);
    const auto h = pe::hash_file(*src, nullptr, f.string());
    const auto t = tlsh_of(f);
    CHECK(h.tlsh == (t.empty() ? "" : "T1" + t));
    CHECK(h.md5 == tool_hash("md5sum", f));
  }
  // One of them must actually have a digest, or the loop proves nothing.
  auto src = open_host_file(tmp.path() / "random");
  CHECK(pe::hash_file(*src, nullptr, "random").tlsh.size() == 72);
}

TEST_CASE("pe hashes: the Authenticode image hash equals osslsigncode's", "[pe]") {
  const auto dir = test::pe_fixtures();
  if (!dir || !test::tool_or_skip("osslsigncode")) return;
  const auto check = [&](const char* name, std::size_t signatures) {
    INFO(name);
    const auto file = *dir / name;
    auto src = open_host_file(file);
    auto info = pe::read_pe(*src, file.string());
    const auto h = pe::hash_file(*src, &info, file.string());
    const auto digests = osslsigncode_digests(file, *dir / "root.pem");
    REQUIRE(digests.size() == signatures);
    CHECK(*h.authenticode_sha256 == digests[0]);
    if (signatures > 1) CHECK(*h.authenticode_sha1 == digests[1]);  // nested SHA-1 signature
    // The same through authenticode_digest().
    const auto d = pe::authenticode_digest(*src, info, "sha256", file.string());
    CHECK(d.size() == 32);
    char buf[3];
    std::string hex;
    for (auto b : d) {
      std::snprintf(buf, sizeof buf, "%02x", b);
      hex += buf;
    }
    CHECK(hex == digests[0]);
  };
  check("signed.exe", 1);
  check("nested.exe", 2);
  check("untrusted.exe", 1);
  // tampered.exe: one .text byte differs, so the image hash differs from signed.exe's and
  // still equals what osslsigncode computes for it.
  check("tampered.exe", 1);

  auto src = open_host_file(*dir / "signed.exe");
  const auto info = pe::read_pe(*src, "signed.exe");
  CHECK_THROWS_AS(pe::authenticode_digest(*src, info, "no-such-digest", "signed.exe"),
                  std::invalid_argument);
}

TEST_CASE("pe hashes: shimx64.efi.signed's image hash is the digest its signature carries",
          "[pe]") {
  const auto shim = test::shim_or_skip();
  if (!shim || !test::tool_or_skip("openssl") || !test::pe_oracle::pefile_or_skip()) return;
  test::TempDir tmp;
  const auto p7 = tmp.path() / "sig.p7";
  // The first WIN_CERTIFICATE's bCertificate, cut out by python from the security directory.
  const auto cut = test::run(
      "/usr/bin/python3 -c 'import struct,sys\n"
      "d=open(sys.argv[1],\"rb\").read(); pe=struct.unpack_from(\"<I\",d,0x3c)[0]\n"
      "m=struct.unpack_from(\"<H\",d,pe+24)[0]; o=pe+24+(112 if m==0x20b else 96)+32\n"
      "off,size=struct.unpack_from(\"<II\",d,o); n=struct.unpack_from(\"<I\",d,off)[0]\n"
      "open(sys.argv[2],\"wb\").write(d[off+8:off+n])' " +
      test::shell_quote(shim->string()) + " " + test::shell_quote(p7.string()));
  INFO(cut.err);
  REQUIRE(cut.exit_code == 0);
  const auto asn = test::run("openssl asn1parse -inform DER -in " + test::shell_quote(p7.string()));
  REQUIRE(asn.exit_code == 0);
  // SpcIndirectDataContent's DigestInfo: the first OCTET STRING after the content type.
  const auto spc = asn.out.find("1.3.6.1.4.1.311.2.1.4");
  REQUIRE(spc != std::string::npos);
  const std::regex re("OCTET STRING +\\[HEX DUMP\\]:([0-9A-F]+)");
  std::smatch m;
  const std::string tail = asn.out.substr(spc);
  REQUIRE(std::regex_search(tail, m, re));
  auto src = open_host_file(*shim);
  auto info = pe::read_pe(*src, shim->string());
  const auto h = pe::hash_file(*src, &info, shim->string());
  CHECK(*h.authenticode_sha256 == lower(m[1]));
}

// On demand: `SQLTRIAGE_PE_BENCH_FILE=big.exe sqltriage_tests '[.bench]'` times read_pe() and
// hash_file() on one file and prints MB/s and the peak RSS (bench/README.md, "pe").
TEST_CASE("pe hashes: throughput of read_pe and hash_file", "[.bench]") {
  const char* path = std::getenv("SQLTRIAGE_PE_BENCH_FILE");
  if (path == nullptr) {
    WARN("SQLTRIAGE_PE_BENCH_FILE not set");
    return;
  }
  auto src = open_host_file(path);
  const auto start = std::chrono::steady_clock::now();
  auto info = pe::read_pe(*src, path);
  const auto h = pe::hash_file(*src, &info, path);
  const std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double mb = static_cast<double>(src->size()) / 1e6;
  std::printf("%s: %.0f MB in %.2f s = %.0f MB/s, peak RSS %.1f MB, sha256 %s\n", path, mb,
              s.count(), mb / s.count(), static_cast<double>(usage.ru_maxrss) / 1024,
              h.sha256.c_str());
  CHECK(!h.sha256.empty());
}
