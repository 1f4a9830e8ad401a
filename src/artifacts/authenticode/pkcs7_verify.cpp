#include "artifacts/authenticode/pkcs7_verify.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <limits>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/spc.hpp"

namespace sqltriage::authenticode {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no detail from OpenSSL";
  std::array<char, 256> buf{};
  ERR_error_string_n(e, buf.data(), buf.size());
  return buf.data();
}

}  // namespace

std::string offset_text(std::uint64_t offset) {
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "at offset 0x%llx",
                static_cast<unsigned long long>(offset));
  return buf.data();
}

SignerCheck check_signer(PKCS7_SIGNER_INFO* si, X509* cert, der::Bytes content) {
  SignerCheck out;
  const std::string alg_oid = oid_text(si->digest_alg->algorithm);
  out.digest_algorithm = digest_name(alg_oid).value_or(alg_oid);
  out.md = EVP_get_digestbyobj(si->digest_alg->algorithm);
  if (out.md == nullptr) {
    out.error = "unsupported digest algorithm " + alg_oid;
    return out;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &digest_len, out.md, nullptr) !=
      1) {
    out.error = "digest failed: " + openssl_error();
    return out;
  }
  out.content_digest.assign(digest.begin(), digest.begin() + digest_len);

  EVP_PKEY* key = cert != nullptr ? X509_get0_pubkey(cert) : nullptr;
  if (key == nullptr) {
    out.error = "signer certificate has no usable public key";
    ERR_clear_error();
  }
  const ASN1_OCTET_STRING* sig = si->enc_digest;
  if (sig == nullptr || ASN1_STRING_length(sig) <= 0) {
    out.error = "signer has no signature value";
    return out;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return out;

  if (sk_X509_ATTRIBUTE_num(si->auth_attr) > 0) {
    const ASN1_OCTET_STRING* md_attr = PKCS7_digest_from_attributes(si->auth_attr);
    if (md_attr == nullptr) {
      out.error = "no messageDigest authenticated attribute";
    } else {
      const auto* p = ASN1_STRING_get0_data(md_attr);
      out.message_digest.emplace(p, p + ASN1_STRING_length(md_attr));
      out.message_digest_ok = *out.message_digest == out.content_digest;
      if (!out.message_digest_ok) out.error = "messageDigest does not match the signed content";
    }
    // The signature covers the attributes re-encoded as a DER SET OF, in their stored order.
    unsigned char* raw = nullptr;
    const int n = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(si->auth_attr), &raw,
                                ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
    OsslBytes attrs(raw);
    if (n <= 0) {
      if (out.error.empty()) out.error = "authenticated attributes cannot be encoded";
      return out;
    }
    if (key != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, out.md, nullptr, key) == 1 &&
        EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(sig),
                         static_cast<std::size_t>(ASN1_STRING_length(sig)), attrs.get(),
                         static_cast<std::size_t>(n)) == 1) {
      out.signature_ok = true;
    } else if (key != nullptr && out.error.empty()) {
      out.error = "signer's signature over the authenticated attributes does not verify (" +
                  openssl_error() + ")";
    }
  } else {
    // No authenticated attributes: the signature covers the content itself.
    out.message_digest_ok = true;
    if (key != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, out.md, nullptr, key) == 1 &&
        EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(sig),
                         static_cast<std::size_t>(ASN1_STRING_length(sig)), content.data(),
                         content.size()) == 1) {
      out.signature_ok = true;
    } else if (key != nullptr && out.error.empty()) {
      out.error = "signer's signature over the content does not verify (" + openssl_error() + ")";
    }
  }
  ERR_clear_error();
  return out;
}

STACK_OF(X509) * SignedData::certificates() const {
  if (!p7 || !PKCS7_type_is_signed(p7.get()) || p7->d.sign == nullptr) return nullptr;
  return p7->d.sign->cert;
}

SignedData parse_signed_data(der::Bytes blob, std::uint64_t file_offset, const std::string& what) {
  SignedData out;
  const std::string where = what + " " + offset_text(file_offset) + ": ";
  if (blob.empty() || blob.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    out.problems.push_back(where + "empty PKCS #7 blob");
    return out;
  }
  const unsigned char* p = blob.data();
  out.p7.reset(d2i_PKCS7(nullptr, &p, static_cast<long>(blob.size())));
  if (!out.p7) {
    out.problems.push_back(where + "not a DER PKCS #7 ContentInfo (" + openssl_error() + ")");
    return out;
  }
  if (!PKCS7_type_is_signed(out.p7.get()) || out.p7->d.sign == nullptr) {
    out.problems.push_back(where + "PKCS #7 content type " + oid_text(out.p7->type) +
                           " is not signedData");
    return out;
  }
  PKCS7* inner = out.p7->d.sign->contents;
  if (inner == nullptr || inner->type == nullptr) {
    out.problems.push_back(where + "SignedData has no content");
    return out;
  }
  out.content_type = oid_text(inner->type);
  const int nid = OBJ_obj2nid(inner->type);
  if (nid == NID_pkcs7_data) {
    if (inner->d.data != nullptr)
      out.content = {ASN1_STRING_get0_data(inner->d.data),
                     static_cast<std::size_t>(ASN1_STRING_length(inner->d.data))};
  } else if (nid == NID_pkcs7_signed || nid == NID_pkcs7_enveloped ||
             nid == NID_pkcs7_signedAndEnveloped || nid == NID_pkcs7_digest ||
             nid == NID_pkcs7_encrypted) {
    out.problems.push_back(where + "unexpected inner content type " + out.content_type);
    return out;
  } else if (inner->d.other != nullptr) {
    const ASN1_TYPE* other = inner->d.other;
    if (other->type == V_ASN1_SEQUENCE && other->value.sequence != nullptr) {
      out.content_whole = {ASN1_STRING_get0_data(other->value.sequence),
                           static_cast<std::size_t>(ASN1_STRING_length(other->value.sequence))};
      try {
        der::Reader r(out.content_whole);
        out.content = r.next().value;
      } catch (const der::Error& e) {
        out.problems.push_back(where + "content: " + e.what());
        return out;
      }
    } else if (other->type == V_ASN1_OCTET_STRING && other->value.octet_string != nullptr) {
      out.content = {ASN1_STRING_get0_data(other->value.octet_string),
                     static_cast<std::size_t>(ASN1_STRING_length(other->value.octet_string))};
    } else {
      out.problems.push_back(where + "content of type " + out.content_type +
                             " is neither a SEQUENCE nor an OCTET STRING");
      return out;
    }
  }
  STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(out.p7.get());
  const int count = signers != nullptr ? sk_PKCS7_SIGNER_INFO_num(signers) : 0;
  if (count <= 0) {
    out.problems.push_back(where + "SignedData has no signer");
    return out;
  }
  if (count > 1)
    out.problems.push_back(where + "SignedData has " + std::to_string(count) +
                           " signers; only the first is checked");
  out.signer_info = sk_PKCS7_SIGNER_INFO_value(signers, 0);
  const PKCS7_ISSUER_AND_SERIAL* ias = out.signer_info->issuer_and_serial;
  if (ias != nullptr && out.certificates() != nullptr)
    out.signer = X509_find_by_issuer_and_serial(out.certificates(), ias->issuer, ias->serial);
  if (out.signer == nullptr)
    out.problems.push_back(
        where + "the signer's certificate is not among the " +
        std::to_string(out.certificates() ? sk_X509_num(out.certificates()) : 0) +
        " certificates the signature carries");
  // The contentType authenticated attribute must name the content (RFC 2315 9.2).
  bool content_type_ok = true;
  if (sk_X509_ATTRIBUTE_num(out.signer_info->auth_attr) > 0) {
    const ASN1_TYPE* ct = PKCS7_get_signed_attribute(out.signer_info, NID_pkcs9_contentType);
    content_type_ok =
        ct != nullptr && ct->type == V_ASN1_OBJECT && OBJ_cmp(ct->value.object, inner->type) == 0;
  }
  out.check = check_signer(out.signer_info, out.signer, out.content);
  if (!out.check.error.empty()) out.problems.push_back(where + out.check.error);
  if (!content_type_ok) {
    out.check.signature_ok = false;
    out.problems.push_back(where + "contentType attribute does not name the content type " +
                           out.content_type);
  }
  return out;
}

}  // namespace sqltriage::authenticode
