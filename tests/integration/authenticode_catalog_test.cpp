// Catalog signing: catalogs written by catgen (tests/fixtures/catalog) listing plain.exe's
// image hash, checked against osslsigncode verify (-in x.cat, and -catalog x.cat -in plain.exe).
#include <algorithm>
#include <filesystem>
#include <string>

#include "authenticode_test_support.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test;
using namespace sqltriage::test::authenticode_support;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

void catgen(const fs::path& dir, const fs::path& out, const std::string& args) {
  const auto r = run(std::string(SQLTRIAGE_CATGEN) + " --cert " + q(dir / "leaf.pem") + " --key " +
                     q(dir / "leaf.key") + " --chain " + q(dir / "root.pem") + " --out " + q(out) +
                     " " + args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

struct PlainHashes {
  std::string sha1, sha256;
};

// plain.exe's image hashes as osslsigncode calculates them on nested.exe (plain.exe signed
// twice: the image hash leaves the certificate table out).
PlainHashes plain_hashes(const fs::path& dir) {
  const auto v =
      osslsigncode_verify("-in " + q(dir / "nested.exe") + " -CAfile " + q(dir / "root.pem"));
  REQUIRE(v.calculated.size() == 2);
  REQUIRE(v.calculated[0].size() == 64);
  REQUIRE(v.calculated[1].size() == 40);
  return {v.calculated[1], v.calculated[0]};
}

}  // namespace

TEST_CASE("authenticode: catalogs list image hashes and their signature verifies",
          "[authenticode][catalog]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const auto plain = plain_hashes(*dir);
  const fs::path cat256 = tmp.path() / "sha256.cat", cat1 = tmp.path() / "sha1.cat";
  catgen(*dir, cat256, "--member sha256:" + plain.sha256 + " --identifier utf16");
  catgen(*dir, cat1, "--member sha1:" + plain.sha1 + " --identifier raw");

  // The oracle: osslsigncode verifies both catalogs and finds plain.exe in them.
  for (const auto& cat : {cat256, cat1}) {
    const auto v = osslsigncode_verify("-in " + q(cat) + " -CAfile " + q(*dir / "root.pem"));
    INFO(v.out);
    REQUIRE(v.exit_code == 0);
    const auto m = osslsigncode_verify("-catalog " + q(cat) + " -in " + q(*dir / "plain.exe") +
                                       " -CAfile " + q(*dir / "root.pem"));
    INFO(m.out);
    REQUIRE(m.exit_code == 0);
  }

  authenticode::CatalogIndex index;
  index.add(*open_host_file(cat256), "C:\\cats\\sha256.cat");
  index.add(*open_host_file(cat1), "C:\\cats\\sha1.cat");
  CHECK(index.catalogs() == 2);
  CHECK(index.members() == 2);
  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");

  SECTION("SHA-256 image hash") {
    pe::Hashes h;
    h.authenticode_sha256 = plain.sha256;
    const auto found = index.find(h, trust);
    REQUIRE(found.size() == 1);
    INFO(to_json(found[0]).dump(2));
    CHECK(found[0].catalog == "C:\\cats\\sha256.cat");
    CHECK(found[0].algorithm == "sha256");
    CHECK(found[0].signature.verified);
    CHECK(found[0].signature.trusted);
    REQUIRE(found[0].signature.signer);
    CHECK(found[0].signature.signer->thumbprint ==
          fingerprint_hex(x509_field(*dir / "leaf.pem", "-fingerprint -sha1")));
    // A second lookup comes from the cache and says the same.
    CHECK(to_json(index.find(h, trust)[0]) == to_json(found[0]));
    // Without trust sources: still verified, not trusted.
    authenticode::TrustStore none;
    const auto untrusted = index.find(h, none);
    REQUIRE(untrusted.size() == 1);
    CHECK(untrusted[0].signature.verified);
    CHECK_FALSE(untrusted[0].signature.trusted);
  }
  SECTION("SHA-1 image hash") {
    pe::Hashes h;
    h.authenticode_sha1 = plain.sha1;
    h.authenticode_sha256 = plain.sha256;
    auto found = index.find(h, trust);
    REQUIRE(found.size() == 2);
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.catalog < b.catalog; });
    CHECK(found[0].catalog == "C:\\cats\\sha1.cat");
    CHECK(found[0].algorithm == "sha1");
    CHECK(found[0].signature.verified);
  }
  SECTION("a file not listed") {
    const auto v = osslsigncode_verify("-in " + q(*dir / "tampered.exe"));
    REQUIRE(v.calculated.size() == 1);
    pe::Hashes h;
    h.authenticode_sha256 = v.calculated[0];
    CHECK(index.find(h, trust).empty());
    const auto m =
        osslsigncode_verify("-catalog " + q(cat256) + " -in " + q(*dir / "tampered.exe") +
                            " -CAfile " + q(*dir / "root.pem"));
    CHECK(m.exit_code != 0);
  }
}

TEST_CASE("authenticode: a catalog with a flipped byte in its trust list fails verification",
          "[authenticode][catalog]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const auto plain = plain_hashes(*dir);
  const fs::path cat = tmp.path() / "flipped.cat";
  catgen(*dir, cat,
         "--member sha256:" + plain.sha256 + " --list-id 00112233445566778899aabbccddeeff");
  auto bytes = read_bytes(cat);
  const std::vector<std::uint8_t> id{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
  const auto it = std::search(bytes.begin(), bytes.end(), id.begin(), id.end());
  REQUIRE(it != bytes.end());
  *(it + 3) ^= 0x01;
  write_bytes(cat, bytes);
  const auto v = osslsigncode_verify("-in " + q(cat) + " -CAfile " + q(*dir / "root.pem"));
  INFO(v.out);
  REQUIRE(v.exit_code != 0);

  authenticode::CatalogIndex index;
  index.add(*open_host_file(cat), cat.string());
  pe::Hashes h;
  h.authenticode_sha256 = plain.sha256;
  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto found = index.find(h, trust);
  REQUIRE(found.size() == 1);
  INFO(to_json(found[0]).dump(2));
  CHECK_FALSE(found[0].signature.digest_matches);
  CHECK_FALSE(found[0].signature.verified);
  CHECK_FALSE(found[0].signature.trusted);
  CHECK_FALSE(found[0].signature.problems.empty());
}

TEST_CASE("authenticode: catalogs of the evidence's CatRoot", "[authenticode][catalog]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const auto plain = plain_hashes(*dir);
  const fs::path catroot =
      tmp.path() / "Windows" / "System32" / "CatRoot" / "{F750E6C3-38EE-11D1-85E5-00C04FC295EE}";
  fs::create_directories(catroot);
  fs::create_directories(tmp.path() / "Windows" / "System32" / "config");
  catgen(*dir, catroot / "x.cat", "--member sha256:" + plain.sha256 + " --identifier ascii");
  write_bytes(catroot / "junk.cat", {'n', 'o', 't', ' ', 'a', ' ', 'c', 'a', 't'});
  write_bytes(catroot / "readme.txt", {'x'});

  const auto evidence = open_evidence(tmp.path());
  REQUIRE(evidence->kind() == "directory");
  std::vector<ErrorEntry> errors;
  const auto index = authenticode::CatalogIndex::from_evidence(*evidence, errors);
  CHECK(index.catalogs() == 1);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].artifact.path.find("junk.cat") != std::string::npos);
  CHECK(errors[0].code == "open_failed");

  pe::Hashes h;
  h.authenticode_sha256 = plain.sha256;
  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto found = index.find(h, trust);
  REQUIRE(found.size() == 1);
  CHECK(found[0].catalog.find("x.cat") != std::string::npos);
  CHECK(found[0].catalog.rfind("C:\\Windows\\System32\\CatRoot\\", 0) == 0);
  CHECK(found[0].signature.verified);
  CHECK(found[0].signature.trusted);
}

TEST_CASE("authenticode: catalog members named only by their subjectIdentifier",
          "[authenticode][catalog]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const auto plain = plain_hashes(*dir);
  // Without the SpcIndirectDataContent attribute osslsigncode 2.9 finds nothing, so the hash
  // osslsigncode calculated is the oracle: each spelling of it must lead to the catalog.
  for (const std::string form : {"utf16", "ascii", "raw"}) {
    INFO(form);
    const fs::path cat = tmp.path() / (form + ".cat");
    catgen(*dir, cat,
           "--identifier-only --identifier " + form + " --member sha256:" + plain.sha256 +
               " --member sha1:" + plain.sha1);
    authenticode::CatalogIndex index;
    index.add(*open_host_file(cat), cat.string());
    CHECK(index.members() == 2);
    authenticode::TrustStore none;
    pe::Hashes h;
    h.authenticode_sha1 = plain.sha1;
    const auto found = index.find(h, none);
    REQUIRE(found.size() == 1);
    CHECK(found[0].algorithm == "sha1");
    CHECK(found[0].signature.verified);
    pe::Hashes other;
    other.authenticode_sha256 = std::string(64, '0');
    CHECK(index.find(other, none).empty());
  }
}
