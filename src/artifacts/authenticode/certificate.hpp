// Certificate facts from an OpenSSL X509, and the ASN.1 time conversions they need.
#pragma once

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <vector>

#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {

/// The facts of `cert` (RFC 2253 names, serial, SHA-1 thumbprint, SHA-256, validity, EKUs).
Certificate make_certificate(X509* cert);

/// SHA-256 of the DER certificate, lower-case hex ("" when it cannot be encoded).
std::string certificate_sha256(X509* cert);

/// An ASN.1 UTCTime or GeneralizedTime as a FILETIME (UTC), keeping a GeneralizedTime's
/// fraction of a second to 100 ns. std::nullopt when it does not parse or lies before 1601.
std::optional<Filetime> asn1_time_to_filetime(const ASN1_TIME* time);

/// Dotted OID text of an ASN1_OBJECT ("1.3.6.1.4.1.311.2.1.4").
std::string oid_text(const ASN1_OBJECT* object);

}  // namespace sqltriage::authenticode
