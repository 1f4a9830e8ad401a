#include "artifacts/authenticode/spc.hpp"

#include "sqltriage/utf16.hpp"

namespace sqltriage::authenticode {
namespace {

// SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String }
std::string spc_string(const der::Tlv& choice) {
  if (choice.tag == der::tag::context_primitive(0)) {
    std::u16string units;
    for (std::size_t i = 0; i + 1 < choice.value.size(); i += 2)
      units.push_back(static_cast<char16_t>((choice.value[i] << 8) | choice.value[i + 1]));
    return utf16_to_wtf8(units);
  }
  if (choice.tag == der::tag::context_primitive(1))
    return std::string(choice.value.begin(), choice.value.end());
  throw der::Error("SpcString: unexpected choice", choice.offset);
}

}  // namespace

std::optional<std::string> digest_name(const std::string& oid) {
  if (oid == "1.3.14.3.2.26") return "sha1";
  if (oid == "2.16.840.1.101.3.4.2.1") return "sha256";
  if (oid == "2.16.840.1.101.3.4.2.2") return "sha384";
  if (oid == "2.16.840.1.101.3.4.2.3") return "sha512";
  if (oid == "1.2.840.113549.2.5") return "md5";
  return std::nullopt;
}

IndirectData parse_indirect_data(der::Bytes whole, std::size_t base_offset) {
  der::Reader outer(whole, base_offset);
  const auto seq = outer.expect(der::tag::kSequence, "SpcIndirectDataContent");
  auto r = der::Reader::inside(seq);
  IndirectData out;
  {
    const auto data = r.expect(der::tag::kSequence, "SpcAttributeTypeAndOptionalValue");
    auto d = der::Reader::inside(data);
    out.data_type =
        der::oid_text(d.expect(der::tag::kOid, "SpcAttributeTypeAndOptionalValue type"));
  }
  const auto digest_info = r.expect(der::tag::kSequence, "DigestInfo");
  auto di = der::Reader::inside(digest_info);
  const auto alg = di.expect(der::tag::kSequence, "DigestInfo algorithm");
  auto a = der::Reader::inside(alg);
  out.digest_oid = der::oid_text(a.expect(der::tag::kOid, "digest algorithm OID"));
  out.digest_algorithm = digest_name(out.digest_oid).value_or(out.digest_oid);
  const auto digest = di.expect(der::tag::kOctetString, "DigestInfo digest");
  out.digest.assign(digest.value.begin(), digest.value.end());
  return out;
}

OpusInfo parse_opus_info(der::Bytes whole) {
  der::Reader outer(whole);
  const auto seq = outer.expect(der::tag::kSequence, "SpcSpOpusInfo");
  auto r = der::Reader::inside(seq);
  OpusInfo out;
  if (auto name = r.next_if(der::tag::context_constructed(0))) {
    auto n = der::Reader::inside(*name);
    if (!n.done()) out.program_name = spc_string(n.next());
  }
  if (auto more = r.next_if(der::tag::context_constructed(1))) {
    auto m = der::Reader::inside(*more);
    if (!m.done()) {
      const auto link = m.next();
      // SpcLink ::= CHOICE { url [0] IMPLICIT IA5String, moniker [1] IMPLICIT
      //                      SpcSerializedObject, file [2] EXPLICIT SpcString }
      if (link.tag == der::tag::context_primitive(0)) {
        out.more_info_url = std::string(link.value.begin(), link.value.end());
      } else if (link.tag == der::tag::context_constructed(2)) {
        auto f = der::Reader::inside(link);
        if (!f.done()) out.more_info_url = spc_string(f.next());
      }
    }
  }
  return out;
}

}  // namespace sqltriage::authenticode
