// Certificate trust lists as Microsoft catalog files use them (szOID_CTL 1.3.6.1.4.1.311.10.1):
// CertificateTrustList ::= SEQUENCE { subjectUsage SEQUENCE OF OID, listIdentifier OCTET
// STRING OPTIONAL, sequenceNumber INTEGER OPTIONAL, thisUpdate Time, nextUpdate Time
// OPTIONAL, subjectAlgorithm AlgorithmIdentifier, trustedSubjects SEQUENCE OF
// TrustedSubject OPTIONAL, extensions [0] EXPLICIT OPTIONAL }
// TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET STRING, subjectAttributes SET OF
// Attribute OPTIONAL }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifacts/authenticode/der.hpp"

namespace sqltriage::authenticode {

/// The image hashes a catalog lists: for each member, the digest of its
/// SpcIndirectDataContent attribute (1.3.6.1.4.1.311.2.1.4) and its subjectIdentifier when
/// that is a hash (raw 20 or 32 bytes, or 40/64 hex digits in ASCII or UTF-16LE). Each
/// distinct digest once. Throws der::Error (offset relative to `ctl`'s start) on malformed
/// DER.
std::vector<std::string> ctl_member_digests(der::Bytes ctl);

}  // namespace sqltriage::authenticode
