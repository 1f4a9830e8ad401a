#include "artifacts/authenticode/timestamps.hpp"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ts.h>

#include <algorithm>
#include <array>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/spc.hpp"

namespace sqltriage::authenticode {
namespace {

der::Bytes bytes_of(const ASN1_STRING* s) {
  if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
  return {ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

der::Bytes encrypted_digest(const SignedData& sd) { return bytes_of(sd.signer_info->enc_digest); }

std::optional<Filetime> attribute_time(const ASN1_TYPE* t) {
  if (t == nullptr) return std::nullopt;
  if (t->type == V_ASN1_UTCTIME) return asn1_time_to_filetime(t->value.utctime);
  if (t->type == V_ASN1_GENERALIZEDTIME) return asn1_time_to_filetime(t->value.generalizedtime);
  return std::nullopt;
}

// PKCS #9 countersignature: a SignerInfo over the outer signer's encryptedDigest, whose
// certificate travels in the outer SignedData's certificate bag.
void countersignature(const SignedData& sd, const ASN1_TYPE* value, const std::string& where,
                      std::vector<Timestamp>& out, std::vector<std::string>& problems) {
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) {
    problems.push_back(where + "countersignature is not a SignerInfo");
    return;
  }
  const auto der = bytes_of(value->value.sequence);
  const unsigned char* p = der.data();
  SignerInfoPtr csi(d2i_PKCS7_SIGNER_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!csi) {
    problems.push_back(where + "countersignature does not parse");
    return;
  }
  Timestamp ts;
  ts.kind = "countersignature";
  X509* cert = nullptr;
  if (csi->issuer_and_serial != nullptr && sd.certificates() != nullptr)
    cert = X509_find_by_issuer_and_serial(sd.certificates(), csi->issuer_and_serial->issuer,
                                          csi->issuer_and_serial->serial);
  if (cert != nullptr) ts.signer = make_certificate(cert);
  const auto check = check_signer(csi.get(), cert, encrypted_digest(sd));
  ts.verified = cert != nullptr && check.message_digest_ok && check.signature_ok;
  if (!ts.verified)
    problems.push_back(where + "countersignature: " +
                       (cert == nullptr ? std::string("its certificate is absent") : check.error));
  const auto time = attribute_time(PKCS7_get_signed_attribute(csi.get(), NID_pkcs9_signingTime));
  if (!time) {
    problems.push_back(where + "countersignature has no signingTime");
    return;
  }
  ts.time = *time;
  out.push_back(std::move(ts));
}

// RFC 3161 token: a CMS SignedData over a TSTInfo whose messageImprint is the hash of the
// outer signer's encryptedDigest. Read with the CMS API rather than PKCS7: tokens carry
// CMS-only choices (Microsoft's put a non-X.509 entry in the certificate set).
struct Rfc3161Check {
  std::optional<Certificate> signer;
  bool signature_ok = false;
  std::string error;
  TstInfoPtr tst;
};

Rfc3161Check check_token(der::Bytes der) {
  Rfc3161Check out;
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) {
    out.error = "RFC 3161 timestamp is not a DER CMS ContentInfo";
    return out;
  }
  if (oid_text(CMS_get0_eContentType(cms.get())) != kOidTstInfo) {
    out.error = "RFC 3161 timestamp content type " + oid_text(CMS_get0_eContentType(cms.get())) +
                " is not TSTInfo";
    return out;
  }
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  if (content == nullptr || *content == nullptr) {
    out.error = "RFC 3161 timestamp has no TSTInfo";
    return out;
  }
  const auto tst_bytes = bytes_of(*content);
  const unsigned char* tp = tst_bytes.data();
  out.tst.reset(d2i_TS_TST_INFO(nullptr, &tp, static_cast<long>(tst_bytes.size())));
  if (!out.tst) {
    out.error = "RFC 3161 TSTInfo does not parse";
    return out;
  }
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (sk_CMS_SignerInfo_num(signers) < 1) {
    out.error = "RFC 3161 timestamp has no signer";
    return out;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  X509StackPtr certs(CMS_get1_certs(cms.get()));
  X509* cert = nullptr;
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i)
    if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs.get(), i)) == 0)
      cert = sk_X509_value(certs.get(), i);
  if (cert == nullptr) {
    out.error = "RFC 3161 timestamp: the TSA's certificate is absent";
    return out;
  }
  out.signer = make_certificate(cert);
  // messageDigest over the TSTInfo, then the TSA's signature over the signed attributes.
  X509_ALGOR* digest_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest_alg, nullptr);
  const EVP_MD* md = digest_alg != nullptr ? EVP_get_digestbyobj(digest_alg->algorithm) : nullptr;
  const ASN1_OCTET_STRING* md_attr =
      static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
          si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  const bool digest_ok =
      md != nullptr && md_attr != nullptr &&
      EVP_Digest(tst_bytes.data(), tst_bytes.size(), digest.data(), &n, md, nullptr) == 1 &&
      bytes_of(md_attr).size() == n &&
      std::equal(digest.begin(), digest.begin() + n, bytes_of(md_attr).begin());
  CMS_SignerInfo_set1_signer_cert(si, cert);
  const bool signature_ok = CMS_SignerInfo_verify(si) == 1;
  ERR_clear_error();
  out.signature_ok = digest_ok && signature_ok;
  if (!digest_ok)
    out.error = "RFC 3161 timestamp: messageDigest does not match the TSTInfo";
  else if (!signature_ok)
    out.error = "RFC 3161 timestamp: the TSA's signature does not verify";
  return out;
}

void rfc3161(const SignedData& sd, const ASN1_TYPE* value, const std::string& where,
             std::vector<Timestamp>& out, std::vector<std::string>& problems) {
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) {
    problems.push_back(where + "RFC 3161 timestamp attribute is not a ContentInfo");
    return;
  }
  auto token = check_token(bytes_of(value->value.sequence));
  if (!token.tst) {
    problems.push_back(where + token.error);
    return;
  }
  Timestamp ts;
  ts.kind = "rfc3161";
  ts.signer = token.signer;
  const auto time = asn1_time_to_filetime(TS_TST_INFO_get_time(token.tst.get()));
  if (!time) {
    problems.push_back(where + "RFC 3161 TSTInfo genTime does not parse");
    return;
  }
  ts.time = *time;
  bool imprint_ok = false;
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(token.tst.get());
  const X509_ALGOR* algo = imprint != nullptr ? TS_MSG_IMPRINT_get_algo(imprint) : nullptr;
  const EVP_MD* md = algo != nullptr ? EVP_get_digestbyobj(algo->algorithm) : nullptr;
  if (md != nullptr) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int n = 0;
    const auto signed_bytes = encrypted_digest(sd);
    const auto msg = bytes_of(TS_MSG_IMPRINT_get_msg(imprint));
    imprint_ok =
        EVP_Digest(signed_bytes.data(), signed_bytes.size(), digest.data(), &n, md, nullptr) == 1 &&
        msg.size() == n && std::equal(msg.begin(), msg.end(), digest.begin());
  }
  if (!token.error.empty()) problems.push_back(where + token.error);
  if (!imprint_ok)
    problems.push_back(
        where + "RFC 3161 messageImprint is not the hash of this signature's encryptedDigest");
  ts.verified = imprint_ok && token.signature_ok;
  out.push_back(std::move(ts));
}

}  // namespace

X509_ATTRIBUTE* find_attribute(const STACK_OF(X509_ATTRIBUTE) * attrs, const char* oid) {
  for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); ++i) {
    X509_ATTRIBUTE* a = sk_X509_ATTRIBUTE_value(attrs, i);
    if (oid_text(X509_ATTRIBUTE_get0_object(a)) == oid) return a;
  }
  return nullptr;
}

std::vector<Timestamp> collect_timestamps(const SignedData& sd, std::uint64_t file_offset,
                                          std::vector<std::string>& problems) {
  std::vector<Timestamp> out;
  if (sd.signer_info == nullptr) return out;
  const std::string where = "signature " + offset_text(file_offset) + ": ";
  if (const auto t =
          attribute_time(PKCS7_get_signed_attribute(sd.signer_info, NID_pkcs9_signingTime))) {
    Timestamp ts;
    ts.kind = "signing_time";
    ts.time = *t;
    out.push_back(std::move(ts));
  }
  const STACK_OF(X509_ATTRIBUTE)* unauth = sd.signer_info->unauth_attr;
  for (int i = 0; i < sk_X509_ATTRIBUTE_num(unauth); ++i) {
    X509_ATTRIBUTE* a = sk_X509_ATTRIBUTE_value(unauth, i);
    const std::string oid = oid_text(X509_ATTRIBUTE_get0_object(a));
    const bool counter = oid == kOidCounterSignature;
    if (!counter && oid != kOidMsTimestamp) continue;
    for (int v = 0; v < X509_ATTRIBUTE_count(a); ++v) {
      const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(a, v);
      if (counter)
        countersignature(sd, value, where, out, problems);
      else
        rfc3161(sd, value, where, out, problems);
    }
  }
  return out;
}

}  // namespace sqltriage::authenticode
