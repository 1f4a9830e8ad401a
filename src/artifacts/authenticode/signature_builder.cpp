#include "artifacts/authenticode/signature_builder.hpp"

#include <chrono>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/chain.hpp"
#include "artifacts/authenticode/timestamps.hpp"

namespace sqltriage::authenticode {
namespace {

Filetime now() {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  const auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count() / 100;
  return kFiletimeUnixEpoch + static_cast<Filetime>(ticks);
}

}  // namespace

void describe_signer(Signature& s, const SignedData& sd) {
  s.timestamps = collect_timestamps(sd, s.offset, s.problems);
  if (sd.signer != nullptr) s.signer = make_certificate(sd.signer);
}

void apply_trust(Signature& s, X509* signer, STACK_OF(X509) * certificates,
                 const TrustStore& trust) {
  s.chain.clear();
  s.trusted = false;
  s.trust_source.clear();
  s.trust_time.reset();
  if (signer == nullptr) {
    s.trust_detail = "no signer certificate";
    return;
  }
  const Timestamp* proof = nullptr;
  for (const auto& t : s.timestamps)
    if (t.verified && t.kind != "signing_time") {
      proof = &t;
      break;
    }
  const Filetime at = proof != nullptr ? proof->time : now();
  auto result = check_chain(trust, signer, certificates, at);
  s.chain = std::move(result.chain);
  s.trust_time = at;
  const std::string when =
      proof != nullptr ? " (the time of the verified " + proof->kind + " timestamp)" : "";
  if (!s.verified) {
    s.trust_detail = "not verified; chain: " + result.detail + when;
    return;
  }
  s.trusted = result.trusted;
  if (result.trusted) s.trust_source = result.source;
  s.trust_detail = result.detail + when;
}

void finish_signature(Signature& s, const SignedData& sd, const TrustStore& trust) {
  describe_signer(s, sd);
  apply_trust(s, sd.signer, sd.certificates(), trust);
}

}  // namespace sqltriage::authenticode
