// The times a signature carries: the signer's own signingTime attribute (a claim), PKCS #9
// countersignatures (RFC 2315 / PKCS #9 1.2.840.113549.1.9.6, signed by a TSA over the
// signer's encryptedDigest) and RFC 3161 tokens in Microsoft's unsigned attribute
// 1.3.6.1.4.1.311.3.3.1 (TSTInfo genTime; messageImprint = hash of the encryptedDigest).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifacts/authenticode/pkcs7_verify.hpp"
#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {

/// Every time in `signed_data`'s signer info, in this order: signingTime, then unsigned
/// attributes in stored order. Damage becomes `problems` entries naming `file_offset`.
std::vector<Timestamp> collect_timestamps(const SignedData& signed_data, std::uint64_t file_offset,
                                          std::vector<std::string>& problems);

/// The attribute of `attrs` with dotted OID `oid`, or nullptr.
X509_ATTRIBUTE* find_attribute(const STACK_OF(X509_ATTRIBUTE) * attrs, const char* oid);

}  // namespace sqltriage::authenticode
