// verify_pe: every PKCS #7 entry of a PE's certificate table and the signatures nested in
// them, each checked against the image hash.
#include <functional>
#include <map>
#include <stdexcept>

#include "artifacts/authenticode/pkcs7_verify.hpp"
#include "artifacts/authenticode/signature_builder.hpp"
#include "artifacts/authenticode/spc.hpp"
#include "artifacts/authenticode/timestamps.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::authenticode {
namespace {

constexpr std::uint16_t kWinCertTypePkcsSignedData = 2;
constexpr std::uint32_t kMaxSignatureBlob = 16 * 1024 * 1024;
constexpr std::size_t kMaxNestingDepth = 4;
constexpr std::size_t kMaxSignatures = 64;

std::vector<std::uint8_t> unhex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

struct Context {
  const ByteSource& source;
  const pe::Info& info;
  const pe::Hashes& hashes;
  const TrustStore& trust;
  const std::string& display_path;
  std::map<std::string, std::vector<std::uint8_t>> digests;  // image hash by algorithm

  // The image hash with `algorithm`; empty (and a problem) when it cannot be computed.
  const std::vector<std::uint8_t>* image_digest(const std::string& algorithm, std::string& error) {
    if (auto it = digests.find(algorithm); it != digests.end()) return &it->second;
    std::vector<std::uint8_t> d;
    if (algorithm == "sha1" && hashes.authenticode_sha1) {
      d = unhex(*hashes.authenticode_sha1);
    } else if (algorithm == "sha256" && hashes.authenticode_sha256) {
      d = unhex(*hashes.authenticode_sha256);
    } else {
      try {
        d = pe::authenticode_digest(source, info, algorithm, display_path);
      } catch (const std::invalid_argument&) {
        error = "digest algorithm " + algorithm + " is not supported";
        return nullptr;
      }
    }
    return &digests.emplace(algorithm, std::move(d)).first->second;
  }
};

void verify_blob(Context& ctx, der::Bytes blob, std::uint64_t offset, std::size_t entry,
                 std::size_t level, std::vector<Signature>& out) {
  if (out.size() >= kMaxSignatures) return;
  const std::size_t index = out.size();
  out.emplace_back();
  {
    Signature& s = out[index];
    s.entry = entry;
    s.nested_level = level;
    s.offset = offset;
  }
  const auto sd = parse_signed_data(blob, offset, level == 0 ? "signature" : "nested signature");
  Signature s = std::move(out[index]);
  s.problems = sd.problems;
  const std::string where = "signature " + offset_text(offset) + ": ";
  bool content_ok = false;
  if (sd.p7 && !sd.content_type.empty() && sd.content_type != kOidSpcIndirectData) {
    s.problems.push_back(where + "content type " + sd.content_type +
                         " is not SpcIndirectDataContent (" + kOidSpcIndirectData + ")");
  } else if (sd.p7 && sd.content_type == kOidSpcIndirectData && sd.content_whole.empty()) {
    s.problems.push_back(where + "SpcIndirectDataContent is not carried as a SEQUENCE");
  } else if (sd.p7 && !sd.content_whole.empty()) {
    try {
      const auto indirect = parse_indirect_data(sd.content_whole);
      content_ok = true;
      s.digest_algorithm = indirect.digest_algorithm;
      s.signed_digest = der::hex(indirect.digest);
      std::string error;
      if (const auto* computed = ctx.image_digest(indirect.digest_algorithm, error)) {
        s.computed_digest = der::hex(*computed);
        s.digest_matches = !computed->empty() && *computed == indirect.digest;
      } else {
        s.problems.push_back(where + error);
      }
    } catch (const der::Error& e) {
      s.problems.push_back(where + "SpcIndirectDataContent: " + e.what() + " (byte " +
                           std::to_string(e.offset()) + " of the content)");
    }
  }
  s.signature_valid = content_ok && sd.signature_valid();
  s.verified = s.digest_matches && s.signature_valid;
  if (sd.signer_info != nullptr) {
    if (X509_ATTRIBUTE* opus = find_attribute(sd.signer_info->auth_attr, kOidSpcSpOpusInfo)) {
      const ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(opus, 0);
      if (v != nullptr && v->type == V_ASN1_SEQUENCE) {
        try {
          const auto info =
              parse_opus_info({ASN1_STRING_get0_data(v->value.sequence),
                               static_cast<std::size_t>(ASN1_STRING_length(v->value.sequence))});
          s.program_name = info.program_name;
          s.more_info_url = info.more_info_url;
        } catch (const der::Error& e) {
          s.problems.push_back(where + "SpcSpOpusInfo: " + e.what());
        }
      }
    }
  }
  finish_signature(s, sd, ctx.trust);
  out[index] = std::move(s);

  // Signatures nested in this one's unsigned attributes (dual signing).
  if (sd.signer_info == nullptr) return;
  X509_ATTRIBUTE* nested = find_attribute(sd.signer_info->unauth_attr, kOidNestedSignature);
  if (nested == nullptr) return;
  if (level + 1 > kMaxNestingDepth) {
    out[index].problems.push_back(where + "signatures nested deeper than " +
                                  std::to_string(kMaxNestingDepth) + " levels are not read");
    return;
  }
  for (int i = 0; i < X509_ATTRIBUTE_count(nested); ++i) {
    const ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(nested, i);
    if (v == nullptr || v->type != V_ASN1_SEQUENCE) {
      out[index].problems.push_back(where + "nested signature " + std::to_string(i) +
                                    " is not a ContentInfo");
      continue;
    }
    verify_blob(ctx,
                {ASN1_STRING_get0_data(v->value.sequence),
                 static_cast<std::size_t>(ASN1_STRING_length(v->value.sequence))},
                offset, entry, level + 1, out);
  }
}

Signature damaged(std::size_t entry, std::uint64_t offset, std::string problem) {
  Signature s;
  s.entry = entry;
  s.offset = offset;
  s.trust_detail = "not verified";
  s.problems.push_back(std::move(problem));
  return s;
}

}  // namespace

std::vector<Signature> verify_pe(const ByteSource& source, const pe::Info& info,
                                 const pe::Hashes& hashes, const TrustStore& trust,
                                 const std::string& display_path) {
  std::vector<Signature> out;
  Context ctx{source, info, hashes, trust, display_path, {}};
  const std::uint64_t size = source.size();
  for (std::size_t i = 0; i < info.certificates.size(); ++i) {
    const auto& entry = info.certificates[i];
    if (out.size() >= kMaxSignatures) {
      out.push_back(damaged(i, entry.offset,
                            "certificate table: " + std::to_string(info.certificates.size() - i) +
                                " further entries from " + offset_text(entry.offset) +
                                " not read (limit of " + std::to_string(kMaxSignatures) +
                                " signatures)"));
      break;
    }
    const std::string where =
        "certificate table entry " + std::to_string(i) + " " + offset_text(entry.offset) + ": ";
    if (entry.type != kWinCertTypePkcsSignedData) {
      out.push_back(damaged(i, entry.offset,
                            where + "wCertificateType " + std::to_string(entry.type) +
                                " is not WIN_CERT_TYPE_PKCS_SIGNED_DATA (2)"));
      continue;
    }
    if (entry.length <= 8) {
      out.push_back(damaged(
          i, entry.offset,
          where + "dwLength " + std::to_string(entry.length) + " leaves no room for a signature"));
      continue;
    }
    if (entry.offset > size || entry.length > size - entry.offset) {
      out.push_back(damaged(i, entry.offset,
                            where + "dwLength " + std::to_string(entry.length) +
                                " runs past the end of the file (" + std::to_string(size) +
                                " bytes)"));
      continue;
    }
    if (entry.length > kMaxSignatureBlob) {
      out.push_back(damaged(i, entry.offset,
                            where + "dwLength " + std::to_string(entry.length) +
                                " exceeds the limit of " + std::to_string(kMaxSignatureBlob) +
                                " bytes; not read"));
      continue;
    }
    std::vector<std::uint8_t> blob(entry.length - 8);
    std::size_t got = 0;
    try {
      while (got < blob.size()) {
        const std::size_t n =
            source.read_at(entry.offset + 8 + got, blob.data() + got, blob.size() - got);
        if (n == 0) break;
        got += n;
      }
    } catch (const std::exception& e) {
      throw ArtifactError(display_path, std::string("reading the certificate table: ") + e.what(),
                          entry.offset + 8 + got);
    }
    if (got < blob.size()) {
      out.push_back(damaged(i, entry.offset,
                            where + "cut short after " + std::to_string(got) + " of " +
                                std::to_string(blob.size()) + " bytes"));
      continue;
    }
    verify_blob(ctx, blob, entry.offset + 8, i, 0, out);
  }
  return out;
}

}  // namespace sqltriage::authenticode
