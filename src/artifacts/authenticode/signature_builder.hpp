// What every Signature gets once its digests are known: signer, timestamps, chain and trust.
#pragma once

#include "artifacts/authenticode/pkcs7_verify.hpp"
#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {

/// Fills s.timestamps and s.signer from `signed_data` (trust-independent).
void describe_signer(Signature& s, const SignedData& signed_data);

/// Fills s.chain, s.trusted, s.trust_source, s.trust_detail and s.trust_time (s.verified
/// and s.timestamps must already be set). The chain is checked at the first verified RFC 3161
/// or countersignature time, else at the current time; a signature that is not verified is
/// never trusted (its chain is still reported). `signer` null: "no signer certificate".
void apply_trust(Signature& s, X509* signer, STACK_OF(X509) * certificates,
                 const TrustStore& trust);

/// describe_signer then apply_trust.
void finish_signature(Signature& s, const SignedData& signed_data, const TrustStore& trust);

}  // namespace sqltriage::authenticode
