#include "artifacts/authenticode/ctl.hpp"

#include <optional>
#include <set>

#include "artifacts/authenticode/spc.hpp"

namespace sqltriage::authenticode {
namespace {

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A hex string of `stride`-byte characters (1: ASCII, 2: UTF-16LE); std::nullopt if not.
std::optional<std::string> decode_hex(der::Bytes b, std::size_t stride) {
  std::size_t n = b.size() / stride;
  // UTF-16 identifiers may end with a NUL character.
  while (n > 0 && b[(n - 1) * stride] == 0) --n;
  if (n != 40 && n != 64) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < n; i += 2) {
    for (std::size_t k = 1; k < stride; ++k)
      if (b[i * stride + k] != 0 || b[(i + 1) * stride + k] != 0) return std::nullopt;
    const int hi = hex_digit(b[i * stride]), lo = hex_digit(b[(i + 1) * stride]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::optional<std::string> identifier_digest(der::Bytes id) {
  if (auto d = decode_hex(id, 2)) return d;
  if (auto d = decode_hex(id, 1)) return d;
  if (id.size() == 20 || id.size() == 32) return std::string(id.begin(), id.end());
  return std::nullopt;
}

}  // namespace

std::vector<std::string> ctl_member_digests(der::Bytes ctl) {
  der::Reader outer(ctl);
  auto r = der::Reader::inside(outer.expect(der::tag::kSequence, "CertificateTrustList"));
  r.expect(der::tag::kSequence, "CTL subjectUsage");
  r.next_if(der::tag::kOctetString);  // listIdentifier
  r.next_if(der::tag::kInteger);      // sequenceNumber
  if (!r.next_if(der::tag::kUtcTime) && !r.next_if(der::tag::kGeneralizedTime))
    throw der::Error("CTL thisUpdate missing", 0);
  r.next_if(der::tag::kUtcTime);
  r.next_if(der::tag::kGeneralizedTime);
  r.expect(der::tag::kSequence, "CTL subjectAlgorithm");
  std::set<std::string> digests;
  if (auto subjects = r.next_if(der::tag::kSequence)) {
    auto s = der::Reader::inside(*subjects);
    while (!s.done()) {
      auto m = der::Reader::inside(s.expect(der::tag::kSequence, "TrustedSubject"));
      const auto id = m.expect(der::tag::kOctetString, "subjectIdentifier");
      if (auto d = identifier_digest(id.value)) digests.insert(std::move(*d));
      const auto attrs = m.next_if(der::tag::kSet);
      if (!attrs) continue;
      auto a = der::Reader::inside(*attrs);
      while (!a.done()) {
        auto attr = der::Reader::inside(a.expect(der::tag::kSequence, "member attribute"));
        const auto type = der::oid_text(attr.expect(der::tag::kOid, "member attribute type"));
        const auto values = attr.expect(der::tag::kSet, "member attribute values");
        if (type != kOidSpcIndirectData) continue;
        auto v = der::Reader::inside(values);
        while (!v.done()) {
          const auto value = v.next();
          const auto indirect = parse_indirect_data(value.whole, value.offset);
          digests.emplace(indirect.digest.begin(), indirect.digest.end());
        }
      }
    }
  }
  return {digests.begin(), digests.end()};
}

}  // namespace sqltriage::authenticode
