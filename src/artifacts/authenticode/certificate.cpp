#include "artifacts/authenticode/certificate.hpp"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstring>

#include "artifacts/authenticode/der.hpp"
#include "artifacts/authenticode/openssl_handles.hpp"

namespace sqltriage::authenticode {
namespace {

std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  // RFC 2253 order and escaping, but UTF-8 kept as UTF-8 rather than \XX escapes.
  const unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string common_name(const X509_NAME* name) {
  if (name == nullptr) return {};
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, value);
  if (n < 0) return {};
  OsslBytes owned(utf8);
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
}

std::string digest_hex(X509* cert, const EVP_MD* md) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> buf{};
  unsigned int n = 0;
  if (X509_digest(cert, md, buf.data(), &n) != 1) return {};
  return der::hex({buf.data(), n});
}

}  // namespace

std::string oid_text(const ASN1_OBJECT* object) {
  std::array<char, 128> buf{};
  const int n = OBJ_obj2txt(buf.data(), static_cast<int>(buf.size()), object, 1);
  if (n <= 0) return {};
  return std::string(buf.data(),
                     std::min<std::size_t>(static_cast<std::size_t>(n), buf.size() - 1));
}

std::string certificate_sha256(X509* cert) { return digest_hex(cert, EVP_sha256()); }

std::optional<Filetime> asn1_time_to_filetime(const ASN1_TIME* time) {
  if (time == nullptr) return std::nullopt;
  struct tm tm {};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  const std::int64_t seconds = timegm(&tm);
  if (seconds < -11644473600LL) return std::nullopt;
  Filetime ft = static_cast<Filetime>(seconds + 11644473600LL) * kTicksPerSecond;
  // GeneralizedTime may carry a fraction: "YYYYMMDDhhmmss.fffZ".
  if (ASN1_STRING_type(time) == V_ASN1_GENERALIZEDTIME) {
    const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(time));
    const int len = ASN1_STRING_length(time);
    if (len > 15 && data[14] == '.') {
      std::uint64_t scale = kTicksPerSecond / 10;
      for (int i = 15; i < len && data[i] >= '0' && data[i] <= '9' && scale > 0; ++i) {
        ft += static_cast<Filetime>(data[i] - '0') * scale;
        scale /= 10;
      }
    }
  }
  return ft;
}

Certificate make_certificate(X509* cert) {
  Certificate c;
  c.subject = name_text(X509_get_subject_name(cert));
  c.subject_cn = common_name(X509_get_subject_name(cert));
  c.issuer = name_text(X509_get_issuer_name(cert));
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert))
    c.serial = der::hex({ASN1_STRING_get0_data(serial),
                         static_cast<std::size_t>(std::max(0, ASN1_STRING_length(serial)))});
  c.thumbprint = digest_hex(cert, EVP_sha1());
  c.sha256 = digest_hex(cert, EVP_sha256());
  c.not_before = asn1_time_to_filetime(X509_get0_notBefore(cert));
  c.not_after = asn1_time_to_filetime(X509_get0_notAfter(cert));
  auto* eku =
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (eku != nullptr) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
      const ASN1_OBJECT* o = sk_ASN1_OBJECT_value(eku, i);
      const int nid = OBJ_obj2nid(o);
      c.extended_key_usage.push_back(nid != NID_undef ? OBJ_nid2sn(nid) : oid_text(o));
    }
    EXTENDED_KEY_USAGE_free(eku);
  }
  return c;
}

}  // namespace sqltriage::authenticode
