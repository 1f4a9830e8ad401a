// The small DER reader and the certificate store's property list: encodings made by openssl
// asn1parse -genstr, then cut short or lied about.
#include <filesystem>
#include <string>
#include <vector>

#include "artifacts/authenticode/der.hpp"
#include "artifacts/authenticode/registry_roots.hpp"
#include "integration/authenticode_test_support.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test;
using namespace sqltriage::test::authenticode_support;
namespace der = sqltriage::authenticode::der;

namespace {

std::vector<std::uint8_t> genstr(const TempDir& tmp, const std::string& spec) {
  const fs::path out = tmp.path() / "g.der";
  const auto r = run("openssl asn1parse -genstr " + shell_quote(spec) + " -noout -out " +
                     shell_quote(out.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return read_bytes(out);
}

}  // namespace

TEST_CASE("authenticode der: OIDs read back as openssl encoded them", "[authenticode][der]") {
  if (!tool_or_skip("openssl")) return;
  TempDir tmp;
  for (const std::string oid : {"1.3.6.1.4.1.311.2.1.4", "1.2.840.113549.1.9.16.1.4",
                                "2.16.840.1.101.3.4.2.1", "2.999.4294967297", "0.9.2342"}) {
    const auto bytes = genstr(tmp, "OID:" + oid);
    der::Reader r(bytes);
    const auto tlv = r.expect(der::tag::kOid, "oid");
    CHECK(der::oid_text(tlv) == oid);
    CHECK(r.done());
  }
}

TEST_CASE("authenticode der: lengths past the container throw with the offset",
          "[authenticode][der]") {
  if (!tool_or_skip("openssl")) return;
  TempDir tmp;
  const auto bytes = genstr(tmp, "FORMAT:HEX,OCTETSTRING:" + std::string(600, 'a'));
  REQUIRE(bytes.size() == 4 + 300);  // 04 82 01 2c + 300 bytes
  {
    der::Reader r(bytes);
    CHECK(r.next().value.size() == 300);
  }
  for (std::size_t cut : {std::size_t{1}, std::size_t{3}, std::size_t{200}, bytes.size() - 1}) {
    std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + static_cast<long>(cut));
    der::Reader r(part, 1000);
    try {
      r.next();
      FAIL("no error for a cut at " << cut);
    } catch (const der::Error& e) {
      CHECK(e.offset() == 1000);
    }
  }
  // Indefinite length (BER) and a length of more than four bytes are refused.
  for (const std::vector<std::uint8_t>& bad :
       {std::vector<std::uint8_t>{0x30, 0x80, 0, 0},
        std::vector<std::uint8_t>{0x04, 0x85, 1, 0, 0, 0, 0}}) {
    der::Reader r(bad);
    CHECK_THROWS_AS(r.next(), der::Error);
  }
}

TEST_CASE("authenticode: certificate store Blob property lists", "[authenticode][der]") {
  auto prop = [](std::uint32_t id, const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> out;
    for (std::uint32_t v : {id, 1u, static_cast<std::uint32_t>(data.size())})
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    out.insert(out.end(), data.begin(), data.end());
    return out;
  };
  const std::vector<std::uint8_t> cert{0x30, 0x03, 0x02, 0x01, 0x05};
  auto blob = prop(3, std::vector<std::uint8_t>(20, 0xab));
  const auto second = prop(32, cert);
  blob.insert(blob.end(), second.begin(), second.end());
  CHECK(authenticode::certificate_from_blob(blob) == cert);
  CHECK_FALSE(authenticode::certificate_from_blob(prop(3, {1, 2})));
  CHECK_FALSE(authenticode::certificate_from_blob({}));
  // Cut inside the second header, and inside the certificate.
  for (std::size_t cut : {std::size_t{32 + 5}, blob.size() - 1}) {
    const std::vector<std::uint8_t> part(blob.begin(), blob.begin() + static_cast<long>(cut));
    try {
      authenticode::certificate_from_blob(part);
      FAIL("no error for a cut at " << cut);
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find("byte offset 32") != std::string::npos);
    }
  }
}
