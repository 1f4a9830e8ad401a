// PKCS #7 SignedData (RFC 2315) checks: the messageDigest authenticated attribute against
// the signed content, and the signer's signature over the DER SET OF authenticated
// attributes (what PKCS7_signatureVerify does, without its BIO plumbing). Authenticode's
// content is a SEQUENCE carried directly in [0] EXPLICIT rather than in an OCTET STRING;
// as RFC 2315 9.3 says, the digest covers the contents octets of the content, without its
// tag and length.
#pragma once

#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/authenticode/der.hpp"
#include "artifacts/authenticode/openssl_handles.hpp"

namespace sqltriage::authenticode {

/// "at offset 0x1a2b" for problem texts.
std::string offset_text(std::uint64_t offset);

/// The outcome of checking one SignerInfo against the bytes it signs.
struct SignerCheck {
  const EVP_MD* md = nullptr;
  std::string digest_algorithm;                             ///< "sha256", ... or the OID
  std::optional<std::vector<std::uint8_t>> message_digest;  ///< the messageDigest attribute
  std::vector<std::uint8_t> content_digest;                 ///< computed over the content
  bool message_digest_ok = false;
  bool signature_ok = false;
  std::string error;  ///< why either is false ("" when both hold)
};

/// Checks `si` with `cert`'s public key over `content` (the bytes the messageDigest covers;
/// without authenticated attributes, the bytes the signature covers directly).
SignerCheck check_signer(PKCS7_SIGNER_INFO* si, X509* cert, der::Bytes content);

/// A parsed SignedData and the check of its (first) signer.
struct SignedData {
  Pkcs7Ptr p7;
  std::string content_type;  ///< OID text of the inner content
  der::Bytes content_whole;  ///< the content's DER (tag and length included) for a SEQUENCE
  der::Bytes content;        ///< the bytes the messageDigest covers
  PKCS7_SIGNER_INFO* signer_info = nullptr;  ///< owned by p7
  X509* signer = nullptr;                    ///< owned by p7 (its certificate bag)
  SignerCheck check;
  /// Damage, each naming `file_offset`; empty when everything parsed.
  std::vector<std::string> problems;
  bool signature_valid() const { return check.message_digest_ok && check.signature_ok; }
  /// The certificates the SignedData carries (owned by p7; may be null).
  STACK_OF(X509) * certificates() const;
};

/// Parses a DER ContentInfo holding SignedData and checks its signer. Never throws:
/// unparsable input, a missing signer or signer certificate become `problems` (naming
/// `file_offset`, where the blob starts in the file) and signature_valid() false.
/// `what` names the blob in problems ("signature", "catalog", "timestamp").
SignedData parse_signed_data(der::Bytes blob, std::uint64_t file_offset, const std::string& what);

}  // namespace sqltriage::authenticode
