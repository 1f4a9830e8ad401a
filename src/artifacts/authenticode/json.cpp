// JSON shapes of certificates, signatures and catalog matches (docs/pe.md, "Authenticode").
#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {
namespace {

nlohmann::ordered_json optional_time(const std::optional<Filetime>& t) {
  return t ? nlohmann::ordered_json(format_filetime(*t)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json optional_text(const std::optional<std::string>& s) {
  return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json to_json(const Certificate& c) {
  nlohmann::ordered_json j;
  j["Subject"] = c.subject;
  j["SubjectCN"] = c.subject_cn;
  j["Issuer"] = c.issuer;
  j["SerialNumber"] = c.serial;
  j["Thumbprint"] = c.thumbprint;
  j["SHA256"] = c.sha256;
  j["NotBefore"] = optional_time(c.not_before);
  j["NotAfter"] = optional_time(c.not_after);
  j["ExtendedKeyUsage"] = c.extended_key_usage;
  return j;
}

nlohmann::ordered_json to_json(const Signature& s) {
  nlohmann::ordered_json j;
  j["Entry"] = s.entry;
  j["NestedLevel"] = s.nested_level;
  j["Offset"] = s.offset;
  j["DigestAlgorithm"] = s.digest_algorithm;
  j["SignedDigest"] = s.signed_digest;
  j["ComputedDigest"] = s.computed_digest;
  j["DigestMatches"] = s.digest_matches;
  j["SignatureValid"] = s.signature_valid;
  j["Verified"] = s.verified;
  j["Signer"] = s.signer ? to_json(*s.signer) : nlohmann::ordered_json(nullptr);
  j["Chain"] = nlohmann::ordered_json::array();
  for (const auto& c : s.chain) j["Chain"].push_back(to_json(c));
  j["ProgramName"] = optional_text(s.program_name);
  j["MoreInfoUrl"] = optional_text(s.more_info_url);
  j["Timestamps"] = nlohmann::ordered_json::array();
  for (const auto& t : s.timestamps) {
    nlohmann::ordered_json tj;
    tj["Time"] = format_filetime(t.time);
    tj["Kind"] = t.kind;
    tj["Signer"] = t.signer ? to_json(*t.signer) : nlohmann::ordered_json(nullptr);
    tj["Verified"] = t.verified;
    j["Timestamps"].push_back(std::move(tj));
  }
  j["Trusted"] = s.trusted;
  j["TrustSource"] = s.trust_source;
  j["TrustDetail"] = s.trust_detail;
  j["TrustTime"] = optional_time(s.trust_time);
  j["Problems"] = s.problems;
  return j;
}

nlohmann::ordered_json to_json(const CatalogMatch& m) {
  nlohmann::ordered_json j;
  j["Catalog"] = m.catalog;
  j["Algorithm"] = m.algorithm;
  j["Signature"] = to_json(m.signature);
  return j;
}

}  // namespace sqltriage::authenticode
