// A real Microsoft-signed PE: Debian's shimx64.efi.signed (two certificate table entries,
// each signed by Microsoft with an RFC 3161 timestamp). osslsigncode 2.9 cannot read it, so
// the image hash comes from a few lines of Python over pefile's offsets, and the
// certificates from openssl pkcs7 -print_certs.
#include <filesystem>
#include <fstream>
#include <sstream>
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

// The Authenticode SHA-256 image hash: the whole file without the CheckSum field, the
// certificate table's directory entry and the certificate table (the file's sections are
// contiguous and the table is at its end, as in this file).
const char* kImageHashPy = R"(
import hashlib, pefile, sys
pe = pefile.PE(sys.argv[1], fast_load=True)
d = open(sys.argv[1], 'rb').read()
cs = pe.OPTIONAL_HEADER.get_file_offset() + 64
sec = pe.OPTIONAL_HEADER.DATA_DIRECTORY[4]
sd = sec.get_file_offset()
h = hashlib.sha256(d[:cs] + d[cs + 4:sd] + d[sd + 8:sec.VirtualAddress] + d[sec.VirtualAddress + sec.Size:])
print(h.hexdigest())
)";

// The PEM certificates openssl pkcs7 -print_certs finds in a DER PKCS #7 blob, with its
// subject lines.
std::vector<std::pair<std::string, std::string>> print_certs(const fs::path& der) {
  const auto r = run("openssl pkcs7 -inform der -in " + q(der) + " -print_certs");
  REQUIRE(r.exit_code == 0);
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(r.out);
  std::string subject, pem;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("subject=", 0) == 0) subject = line;
    if (line == "-----BEGIN CERTIFICATE-----") inside = true;
    if (inside) pem += line + "\n";
    if (line == "-----END CERTIFICATE-----") {
      out.emplace_back(subject, pem);
      pem.clear();
      inside = false;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("authenticode: shimx64.efi.signed, both Microsoft signatures",
          "[authenticode][pe][shim]") {
  const auto shim = shim_or_skip();
  if (!shim) return;
  if (!tool_or_skip("openssl")) return;
  TempDir tmp;
  fs::path script = tmp.path() / "imagehash.py";
  { std::ofstream(script) << kImageHashPy; }
  const auto py = run("/usr/bin/python3 " + q(script) + " " + q(*shim));
  INFO(py.err);
  REQUIRE(py.exit_code == 0);
  pe::Hashes hashes;
  hashes.authenticode_sha256 = py.out.substr(0, 64);

  const auto table = certificate_table(*shim);
  REQUIRE(table.certificates.size() == 2);  // pefile agrees: see the Python above
  for (const auto& e : table.certificates) CHECK(e.type == 2);

  // The UEFI CA 2011 certificate, from the first signature itself.
  const auto blob0 = certificate_blob(*shim, 0);
  write_bytes(tmp.path() / "sig0.der", blob0);
  const auto certs = print_certs(tmp.path() / "sig0.der");
  std::string ca2011;
  for (const auto& [subject, pem] : certs)
    if (subject.find("CN = Microsoft Corporation UEFI CA 2011") != std::string::npos) ca2011 = pem;
  REQUIRE_FALSE(ca2011.empty());
  { std::ofstream(tmp.path() / "ca2011.pem") << ca2011; }

  SECTION("no trust sources") {
    authenticode::TrustStore none;
    const auto sigs = verify_file(*shim, hashes, none);
    REQUIRE(sigs.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      INFO(to_json(sigs[i]).dump(2));
      CHECK(sigs[i].entry == i);
      CHECK(sigs[i].nested_level == 0);
      CHECK(sigs[i].offset == table.certificates[i].offset + 8);
      CHECK(sigs[i].digest_algorithm == "sha256");
      CHECK(sigs[i].signed_digest == *hashes.authenticode_sha256);
      CHECK(sigs[i].verified);
      CHECK_FALSE(sigs[i].trusted);
      CHECK(sigs[i].trust_detail.find("no trust sources") != std::string::npos);
      bool rfc3161 = false;
      for (const auto& t : sigs[i].timestamps) rfc3161 |= t.kind == "rfc3161" && t.verified;
      CHECK(rfc3161);
    }
    const auto& chain = sigs[0].chain;
    REQUIRE(chain.size() >= 2);
    CHECK(chain[0].subject_cn == "Microsoft Windows UEFI Driver Publisher");
    CHECK(chain[1].subject_cn == "Microsoft Corporation UEFI CA 2011");
    REQUIRE(sigs[0].signer);
    CHECK(sigs[0].signer->subject_cn == "Microsoft Windows UEFI Driver Publisher");
  }
  SECTION("UEFI CA 2011 from the signature as --ca-file") {
    authenticode::TrustStore trust;
    REQUIRE(trust.add_file(tmp.path() / "ca2011.pem") == 1);
    const auto sigs = verify_file(*shim, hashes, trust);
    REQUIRE(sigs.size() == 2);
    INFO(to_json(sigs[0]).dump(2));
    CHECK(sigs[0].trusted);
    CHECK(sigs[0].trust_source == "--ca-file " + (tmp.path() / "ca2011.pem").string());
    REQUIRE(sigs[0].chain.size() == 2);
    CHECK(sigs[0].chain[1].subject_cn == "Microsoft Corporation UEFI CA 2011");
    // Checked at the verified timestamp's time (the leaf has a short validity).
    REQUIRE(sigs[0].trust_time);
    const authenticode::Timestamp* rfc = nullptr;
    for (const auto& t : sigs[0].timestamps)
      if (t.kind == "rfc3161") rfc = &t;
    REQUIRE(rfc);
    CHECK(*sigs[0].trust_time == rfc->time);
    // The second signature chains to Microsoft UEFI CA 2023, not to the 2011 CA.
    CHECK_FALSE(sigs[1].trusted);
    CHECK(sigs[1].verified);
  }
}
