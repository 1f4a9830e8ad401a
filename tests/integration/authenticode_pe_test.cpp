// Authenticode verification of the signed PE fixtures (tests/fixtures/pe/make_pes.sh), each
// answer checked against osslsigncode verify and openssl x509 run here.
#include <algorithm>
#include <filesystem>
#include <string>

#include "authenticode_test_support.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test;
using namespace sqltriage::test::authenticode_support;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

}  // namespace

TEST_CASE("authenticode: signed.exe verifies and names its signer as openssl does",
          "[authenticode][pe]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "signed.exe";
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  INFO(ossl.out);
  REQUIRE(ossl.exit_code == 0);
  REQUIRE(ossl.current.size() == 1);

  authenticode::TrustStore none;
  const auto sigs = verify_file(exe, hashes_from(ossl), none);
  REQUIRE(sigs.size() == 1);
  const auto& s = sigs[0];
  INFO(to_json(s).dump(2));
  CHECK(s.entry == 0);
  CHECK(s.nested_level == 0);
  CHECK(s.offset == certificate_table(exe).certificates[0].offset + 8);
  CHECK(s.digest_algorithm == "sha256");
  CHECK(s.signed_digest == ossl.current[0]);
  CHECK(s.computed_digest == ossl.calculated[0]);
  CHECK(s.digest_matches);
  CHECK(s.signature_valid);
  CHECK(s.verified);
  CHECK(s.problems.empty());

  const fs::path leaf = *dir / "leaf.pem";
  REQUIRE(s.signer);
  CHECK(s.signer->subject == x509_field(leaf, "-subject -nameopt RFC2253"));
  CHECK(s.signer->issuer == x509_field(leaf, "-issuer -nameopt RFC2253"));
  CHECK(s.signer->serial == lower(x509_field(leaf, "-serial")));
  CHECK(s.signer->thumbprint == fingerprint_hex(x509_field(leaf, "-fingerprint -sha1")));
  CHECK(s.signer->sha256 == fingerprint_hex(x509_field(leaf, "-fingerprint -sha256")));
  CHECK(s.signer->subject_cn == "Test Code Signing");
  CHECK(s.signer->extended_key_usage == std::vector<std::string>{"codeSigning"});
  REQUIRE(s.signer->not_after);
  CHECK(format_filetime(*s.signer->not_after).substr(0, 19) ==
        ossl_time_iso(values_of(ossl.out, "notAfter")[0]));

  // SpcSpOpusInfo and signingTime, as osslsigncode reads them.
  CHECK(s.program_name == values_of(ossl.out, "Text description")[0]);
  CHECK(s.more_info_url == values_of(ossl.out, "URL description")[0]);
  REQUIRE(s.timestamps.size() == 1);
  CHECK(s.timestamps[0].kind == "signing_time");
  CHECK_FALSE(s.timestamps[0].verified);
  CHECK(format_filetime(s.timestamps[0].time) ==
        ossl_time_iso(values_of(ossl.out, "Signing time")[0]) + ".0000000Z");

  // No trust source: verified but not trusted, and it says why.
  CHECK_FALSE(s.trusted);
  CHECK(s.trust_source.empty());
  CHECK(s.trust_detail.find("no trust sources") != std::string::npos);
  REQUIRE(s.chain.size() == 2);  // leaf and the root the signature carries
  CHECK(s.chain[1].thumbprint ==
        fingerprint_hex(x509_field(*dir / "root.pem", "-fingerprint -sha1")));

  // JSON names.
  const auto j = to_json(s);
  CHECK(j["Verified"] == true);
  CHECK(j["Signer"]["Thumbprint"] == s.signer->thumbprint);
  CHECK(j["Timestamps"][0]["Kind"] == "signing_time");
  CHECK(j["TrustTime"].is_string());
}

TEST_CASE("authenticode: signed.exe is trusted through --ca-file and registry ROOT",
          "[authenticode][pe][trust]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "signed.exe";
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  REQUIRE(ossl.exit_code == 0);
  const auto root_sha1 = fingerprint_hex(x509_field(*dir / "root.pem", "-fingerprint -sha1"));

  SECTION("--ca-file") {
    authenticode::TrustStore trust;
    CHECK(trust.add_file(*dir / "root.pem") == 1);
    const auto sigs = verify_file(exe, hashes_from(ossl), trust);
    REQUIRE(sigs.size() == 1);
    INFO(to_json(sigs[0]).dump(2));
    CHECK(sigs[0].trusted);
    CHECK(sigs[0].trust_source == "--ca-file " + (*dir / "root.pem").string());
    REQUIRE(sigs[0].chain.size() == 2);
    CHECK(sigs[0].chain.back().thumbprint == root_sha1);
    CHECK(sigs[0].trust_time);
  }
  SECTION("a file holding no certificate is refused") {
    TempDir tmp;
    write_bytes(tmp.path() / "junk.pem", {'n', 'o', 'p', 'e'});
    authenticode::TrustStore trust;
    CHECK_THROWS_AS(trust.add_file(tmp.path() / "junk.pem"), ArtifactError);
  }
  SECTION("registry ROOT of the evidence") {
    if (!tool_or_skip("hivexregedit")) return;
    TempDir tmp;
    const fs::path config = tmp.path() / "Windows" / "System32" / "config";
    fs::create_directories(config);
    write_hive(config / "SOFTWARE", R"([\Microsoft]

[\Microsoft\SystemCertificates]

[\Microsoft\SystemCertificates\ROOT]

[\Microsoft\SystemCertificates\ROOT\Certificates]

[\Microsoft\SystemCertificates\ROOT\Certificates\)" +
                                        root_sha1 + R"(]
"Blob"=)" + sqltriage::test::certificate_store_blob(*dir / "root.pem", tmp) +
                                        R"(

[\Microsoft\SystemCertificates\AuthRoot]

[\Microsoft\SystemCertificates\AuthRoot\Certificates]

[\Microsoft\SystemCertificates\AuthRoot\Certificates\00112233]
"Blob"=hex:20,00,00,00,01,00,00,00,ff,ff,00,00,30,82
)");
    const auto evidence = open_evidence(tmp.path());
    authenticode::TrustStore trust;
    std::vector<ErrorEntry> errors;
    CHECK(trust.add_registry_roots(*evidence, errors) == 1);
    REQUIRE(errors.size() == 1);  // the cut-short AuthRoot blob
    CHECK(errors[0].code == "record");
    CHECK(errors[0].message.find("00112233") != std::string::npos);
    CHECK(errors[0].message.find("byte offset 0") != std::string::npos);
    REQUIRE(trust.sources().size() == 1);
    CHECK(trust.sources()[0] == std::pair<std::string, std::size_t>{"registry ROOT", 1});

    const auto sigs = verify_file(exe, hashes_from(ossl), trust);
    REQUIRE(sigs.size() == 1);
    INFO(to_json(sigs[0]).dump(2));
    CHECK(sigs[0].trusted);
    CHECK(sigs[0].trust_source == "registry ROOT");
  }
}

TEST_CASE("authenticode: tampered.exe fails as osslsigncode says", "[authenticode][pe]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "tampered.exe";
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  INFO(ossl.out);
  REQUIRE(ossl.exit_code != 0);
  REQUIRE(ossl.current.size() == 1);
  REQUIRE(ossl.current[0] != ossl.calculated[0]);

  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto sigs = verify_file(exe, hashes_from(ossl), trust);
  REQUIRE(sigs.size() == 1);
  const auto& s = sigs[0];
  INFO(to_json(s).dump(2));
  CHECK(s.signed_digest == ossl.current[0]);
  CHECK(s.computed_digest == ossl.calculated[0]);
  CHECK_FALSE(s.digest_matches);
  CHECK(s.signature_valid);  // the PKCS #7 itself is intact; the image is not
  CHECK_FALSE(s.verified);
  CHECK_FALSE(s.trusted);
  CHECK(s.trust_detail.rfind("not verified", 0) == 0);
}

TEST_CASE("authenticode: untrusted.exe verifies but does not chain to root.pem",
          "[authenticode][pe][trust]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "untrusted.exe";
  const auto ossl_own =
      osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "rogue-root.pem"));
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  INFO(ossl.out);
  REQUIRE(ossl_own.exit_code == 0);
  REQUIRE(ossl.exit_code != 0);

  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto sigs = verify_file(exe, hashes_from(ossl_own), trust);
  REQUIRE(sigs.size() == 1);
  INFO(to_json(sigs[0]).dump(2));
  CHECK(sigs[0].verified);
  CHECK(sigs[0].signed_digest == ossl_own.current[0]);
  CHECK_FALSE(sigs[0].trusted);
  CHECK_FALSE(sigs[0].trust_detail.empty());
  REQUIRE(sigs[0].signer);
  CHECK(sigs[0].signer->issuer == x509_field(*dir / "rogue-root.pem", "-subject -nameopt RFC2253"));

  authenticode::TrustStore rogue;
  rogue.add_file(*dir / "rogue-root.pem");
  CHECK(verify_file(exe, hashes_from(ossl_own), rogue)[0].trusted);
}

TEST_CASE("authenticode: nested.exe has a SHA-256 and a nested SHA-1 signature",
          "[authenticode][pe]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "nested.exe";
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  INFO(ossl.out);
  REQUIRE(ossl.exit_code == 0);
  REQUIRE(ossl.current.size() == 2);

  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto sigs = verify_file(exe, hashes_from(ossl), trust);
  REQUIRE(sigs.size() == 2);
  INFO(to_json(sigs[0]).dump(2) << to_json(sigs[1]).dump(2));
  CHECK(sigs[0].nested_level == 0);
  CHECK(sigs[1].nested_level == 1);
  CHECK(sigs[0].entry == 0);
  CHECK(sigs[1].entry == 0);
  CHECK(sigs[0].digest_algorithm == "sha256");
  CHECK(sigs[1].digest_algorithm == "sha1");
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(sigs[i].signed_digest == ossl.current[i]);
    CHECK(sigs[i].computed_digest == ossl.calculated[i]);
    CHECK(sigs[i].verified);
    CHECK(sigs[i].trusted);
  }
}

TEST_CASE("authenticode: timestamped.exe carries a verified RFC 3161 timestamp",
          "[authenticode][pe][timestamp]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  const fs::path exe = *dir / "timestamped.exe";
  if (!fs::exists(exe)) {
    WARN("timestamped.exe not built (osslsigncode < 2.6), skipping");
    return;
  }
  const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem") +
                                        " -TSA-CAfile " + q(*dir / "tsa-root.pem"));
  INFO(ossl.out);
  REQUIRE(ossl.exit_code == 0);
  const auto ts_times = values_of(ossl.out, "Timestamp time");
  REQUIRE(ts_times.size() == 1);

  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  trust.add_file(*dir / "tsa-root.pem");
  const auto sigs = verify_file(exe, hashes_from(ossl), trust);
  REQUIRE(sigs.size() == 1);
  const auto& s = sigs[0];
  INFO(to_json(s).dump(2));
  CHECK(s.verified);
  CHECK(s.trusted);
  const authenticode::Timestamp* rfc = nullptr;
  for (const auto& t : s.timestamps)
    if (t.kind == "rfc3161") rfc = &t;
  REQUIRE(rfc != nullptr);
  CHECK(rfc->verified);
  CHECK(format_filetime(rfc->time).substr(0, 19) == ossl_time_iso(ts_times[0]));
  REQUIRE(rfc->signer);
  CHECK(rfc->signer->subject_cn == "Test Time Stamping");
  CHECK(rfc->signer->issuer == x509_field(*dir / "tsa-root.pem", "-subject -nameopt RFC2253"));
  REQUIRE(s.trust_time);
  CHECK(*s.trust_time == rfc->time);
}

TEST_CASE("authenticode: verify_pe over pe::read_pe and pe::hash_file agrees with osslsigncode",
          "[authenticode][pe][integration]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  for (const char* name : {"signed.exe", "nested.exe", "tampered.exe"}) {
    const fs::path exe = *dir / name;
    INFO(name);
    const auto ossl = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
    const auto source = open_host_file(exe);
    auto info = pe::read_pe(*source, exe.string());
    const auto hashes = pe::hash_file(*source, &info, exe.string());
    const auto sigs = authenticode::verify_pe(*source, info, hashes, trust, exe.string());
    REQUIRE(sigs.size() == ossl.current.size());
    for (std::size_t i = 0; i < sigs.size(); ++i) {
      CHECK(sigs[i].signed_digest == ossl.current[i]);
      CHECK(sigs[i].computed_digest == ossl.calculated[i]);
      CHECK(sigs[i].verified == (ossl.exit_code == 0));
      CHECK(sigs[i].trusted == (ossl.exit_code == 0));
    }
  }
}

TEST_CASE("authenticode: a changed authenticated attribute or signature value breaks the signature",
          "[authenticode][pe]") {
  const auto dir = pe_fixtures();
  if (!dir) return;
  TempDir tmp;
  const fs::path exe = *dir / "signed.exe";
  const auto entry = certificate_table(exe).certificates.at(0);
  const auto original = read_bytes(exe);
  const auto good = osslsigncode_verify("-in " + q(exe) + " -CAfile " + q(*dir / "root.pem"));
  REQUIRE(good.exit_code == 0);

  SECTION("program name in SpcSpOpusInfo (an authenticated attribute)") {
    // osslsigncode stores "sqltriage fixture" as SpcString's IA5String choice.
    const std::string name = "sqltriage fixture";
    auto bytes = original;
    auto it = std::search(bytes.begin() + static_cast<long>(entry.offset), bytes.end(),
                          name.begin(), name.end());
    REQUIRE(it != bytes.end());
    *(it + 1) = 'S';
    write_bytes(tmp.path() / "attr.exe", bytes);
  }
  SECTION("the signer's encryptedDigest") {
    auto bytes = original;
    const std::size_t blob = entry.offset + 8;
    REQUIRE(bytes[blob] == 0x30);
    REQUIRE(bytes[blob + 1] == 0x82);
    const std::size_t der_len = 4 + (bytes[blob + 2] << 8 | bytes[blob + 3]);
    bytes[blob + der_len - 10] ^= 0x01;  // inside the last field: the signature value
    write_bytes(tmp.path() / "attr.exe", bytes);
  }
  const fs::path changed = tmp.path() / "attr.exe";
  const auto ossl = osslsigncode_verify("-in " + q(changed) + " -CAfile " + q(*dir / "root.pem"));
  INFO(ossl.out);
  CHECK(ossl.exit_code != 0);
  authenticode::TrustStore trust;
  trust.add_file(*dir / "root.pem");
  const auto sigs = verify_file(changed, hashes_from(good), trust);
  REQUIRE(sigs.size() == 1);
  INFO(to_json(sigs[0]).dump(2));
  CHECK(sigs[0].digest_matches);  // the image is intact
  CHECK_FALSE(sigs[0].signature_valid);
  CHECK_FALSE(sigs[0].verified);
  CHECK_FALSE(sigs[0].trusted);
  CHECK_FALSE(sigs[0].problems.empty());
}

TEST_CASE("authenticode: the host's system store", "[authenticode][trust]") {
  if (!tool_or_skip("openssl")) return;
  // OpenSSL's default bundle: OPENSSLDIR/cert.pem, as `openssl version -d` names the folder.
  const auto r = run("openssl version -d");
  REQUIRE(r.exit_code == 0);
  const auto first = r.out.find('"'), last = r.out.rfind('"');
  REQUIRE(last > first);
  const fs::path bundle = fs::path(r.out.substr(first + 1, last - first - 1)) / "cert.pem";
  authenticode::TrustStore trust;
  const auto added = trust.add_system_store();
  if (!fs::exists(bundle)) {
    WARN("no system bundle at " << bundle.string());
    return;
  }
  const auto count = run("grep -c 'BEGIN CERTIFICATE' " + q(bundle));
  REQUIRE(count.exit_code == 0);
  const auto in_bundle = static_cast<std::size_t>(std::stoul(count.out));
  CHECK(added > 0);
  CHECK(added <= in_bundle);
  CHECK(added + 5 >= in_bundle);  // only duplicates within the bundle are dropped
  REQUIRE(trust.sources().size() == 1);
  CHECK(trust.sources()[0].first == "system store");
  CHECK(trust.size() == added);
}
