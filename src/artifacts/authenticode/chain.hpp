// Chain building against a TrustStore with OpenSSL: the signer certificate, the
// certificates the signature carries as untrusted intermediates, the store's anchors
// (partial chains accepted: an anchor may be an intermediate), purpose "any", checked at a
// given time. Revocation is not checked.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {

struct ChainResult {
  bool trusted = false;
  std::string source;  ///< the anchor's trust source label, when trusted
  std::string detail;  ///< what was checked, or why it failed and where
  /// Signer first, then each issuer found (ending at the anchor when trusted).
  std::vector<Certificate> chain;
};

ChainResult check_chain(const TrustStore& trust, X509* signer, STACK_OF(X509) * untrusted,
                        Filetime at);

}  // namespace sqltriage::authenticode
