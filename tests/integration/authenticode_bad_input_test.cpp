// Damaged signatures: each becomes a Signature with problems that name the file offset, and
// verified false; nothing crashes. The PKCS #7 blobs come from openssl (crl2pkcs7, cms) and
// from cutting the fixtures' own signatures.
#include <filesystem>
#include <random>
#include <string>

#include "authenticode_test_support.hpp"
#include "sqltriage/authenticode.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test;
using namespace sqltriage::test::authenticode_support;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

std::string hex_offset(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// plain.exe with a certificate table of one entry holding `blob` appended (8-aligned) and the
// security directory pointing at it. `length` overrides dwLength when non-zero.
fs::path with_table(const fs::path& plain, const fs::path& out,
                    const std::vector<std::uint8_t>& blob, std::uint16_t type = 2,
                    std::uint32_t length = 0) {
  auto d = read_bytes(plain);
  while (d.size() % 8) d.push_back(0);
  const std::uint32_t at = static_cast<std::uint32_t>(d.size());
  const std::uint32_t len = length ? length : static_cast<std::uint32_t>(blob.size() + 8);
  auto put32 = [&](std::size_t pos, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) d[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  d.resize(d.size() + 8);
  put32(at, len);
  d[at + 4] = 0x00;
  d[at + 5] = 0x02;
  d[at + 6] = static_cast<std::uint8_t>(type);
  d[at + 7] = static_cast<std::uint8_t>(type >> 8);
  d.insert(d.end(), blob.begin(), blob.end());
  while (d.size() % 8) d.push_back(0);
  const std::uint32_t pe_off = u32(d, 0x3c);
  const std::size_t dirs = pe_off + 24 + (u16(d, pe_off + 24) == 0x20b ? 112 : 96);
  put32(dirs + 32, at);
  put32(dirs + 36, static_cast<std::uint32_t>(d.size() - at));
  write_bytes(out, d);
  return out;
}

std::vector<authenticode::Signature> check_damaged(const fs::path& file) {
  authenticode::TrustStore none;
  const auto sigs = verify_file(file, pe::Hashes{}, none);
  REQUIRE_FALSE(sigs.empty());
  for (const auto& s : sigs) {
    INFO(to_json(s).dump(2));
    CHECK_FALSE(s.verified);
    CHECK_FALSE(s.trusted);
    REQUIRE_FALSE(s.problems.empty());
  }
  return sigs;
}

bool mentions(const authenticode::Signature& s, const std::string& text) {
  for (const auto& p : s.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("authenticode: malformed certificate table entries and PKCS #7 blobs",
          "[authenticode][bad_input]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const fs::path plain = *dir / "plain.exe";
  const auto good = certificate_blob(*dir / "signed.exe", 0);
  // Where the blob lands in the files with_table writes.
  const std::uint64_t entry = (fs::file_size(plain) + 7) / 8 * 8;
  const std::string blob_at = hex_offset(entry + 8), entry_at = hex_offset(entry);

  SECTION("random bytes") {
    std::mt19937 rng(20230220);
    std::vector<std::uint8_t> noise(600);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    noise[0] = 0x30;  // looks like a SEQUENCE, so the parser goes further than the first byte
    const auto s = check_damaged(with_table(plain, tmp.path() / "r.exe", noise))[0];
    CHECK(mentions(s, blob_at));
  }
  SECTION("truncated DER") {
    const std::vector<std::uint8_t> half(good.begin(),
                                         good.begin() + static_cast<long>(good.size() / 2));
    const auto s = check_damaged(with_table(plain, tmp.path() / "t.exe", half))[0];
    CHECK(mentions(s, blob_at));
  }
  SECTION("dwLength past the end of the file") {
    const auto s = check_damaged(with_table(plain, tmp.path() / "l.exe", good, 2,
                                            static_cast<std::uint32_t>(good.size() + 4096)))[0];
    CHECK(mentions(s, entry_at));
    CHECK(mentions(s, "past the end"));
  }
  SECTION("wrong wCertificateType") {
    const auto s = check_damaged(with_table(plain, tmp.path() / "w.exe", good, 1))[0];
    CHECK(mentions(s, entry_at));
    CHECK(mentions(s, "wCertificateType 1"));
  }
  SECTION("SignedData with no signer") {
    const fs::path der = tmp.path() / "nosigner.der";
    REQUIRE(run("openssl crl2pkcs7 -nocrl -certfile " + q(*dir / "leaf.pem") +
                " -outform DER -out " + q(der))
                .exit_code == 0);
    const auto s = check_damaged(with_table(plain, tmp.path() / "n.exe", read_bytes(der)))[0];
    CHECK(mentions(s, blob_at));
    CHECK(mentions(s, "no signer"));
  }
  SECTION("signer certificate absent, content not SpcIndirectDataContent") {
    write_bytes(tmp.path() / "data.txt", {'h', 'i'});
    const fs::path der = tmp.path() / "nocerts.der";
    REQUIRE(run("openssl cms -sign -binary -nodetach -nocerts -in " + q(tmp.path() / "data.txt") +
                " -signer " + q(*dir / "leaf.pem") + " -inkey " + q(*dir / "leaf.key") +
                " -outform DER -out " + q(der))
                .exit_code == 0);
    const auto s = check_damaged(with_table(plain, tmp.path() / "c.exe", read_bytes(der)))[0];
    CHECK(mentions(s, blob_at));
    CHECK(mentions(s, "certificate is not among"));
    CHECK(mentions(s, "is not SpcIndirectDataContent"));
    CHECK_FALSE(s.signer);
  }
  SECTION("content type not SpcIndirectDataContent, signer present") {
    write_bytes(tmp.path() / "data.txt", {'h', 'i'});
    const fs::path der = tmp.path() / "data.der";
    REQUIRE(run("openssl cms -sign -binary -nodetach -in " + q(tmp.path() / "data.txt") +
                " -signer " + q(*dir / "leaf.pem") + " -inkey " + q(*dir / "leaf.key") +
                " -outform DER -out " + q(der))
                .exit_code == 0);
    const auto s = check_damaged(with_table(plain, tmp.path() / "d.exe", read_bytes(der)))[0];
    CHECK(mentions(s, blob_at));
    CHECK(mentions(s, "1.2.840.113549.1.7.1 is not SpcIndirectDataContent"));
    REQUIRE(s.signer);  // still says who signed it
    CHECK(s.signer->subject_cn == "Test Code Signing");
  }
  SECTION("every truncation of a good signature") {
    // Every 7th cut of the real blob: each must end as problems, never as a crash.
    authenticode::TrustStore none;
    // Only cuts inside the DER: the WIN_CERTIFICATE may end in zero padding to 8 bytes, and a
    // cut there leaves a whole signature (the run's certificates, hence sizes, vary).
    REQUIRE(good.size() > 4);
    REQUIRE(good[0] == 0x30);
    REQUIRE(good[1] == 0x82);
    const std::size_t der_size = 4 + (std::size_t{good[2]} << 8 | good[3]);
    REQUIRE(der_size <= good.size());
    for (std::size_t cut = 1; cut < der_size; cut += 7) {
      const std::vector<std::uint8_t> part(good.begin(), good.begin() + static_cast<long>(cut));
      const auto file = with_table(plain, tmp.path() / "cut.exe", part);
      const auto sigs = verify_file(file, pe::Hashes{}, none);
      REQUIRE(sigs.size() == 1);
      CHECK_FALSE(sigs[0].verified);
      CHECK_FALSE(sigs[0].problems.empty());
    }
  }
}
