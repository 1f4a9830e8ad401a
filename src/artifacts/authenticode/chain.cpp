#include "artifacts/authenticode/chain.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/openssl_handles.hpp"
#include "artifacts/authenticode/trust_store_impl.hpp"

namespace sqltriage::authenticode {

ChainResult check_chain(const TrustStore& trust, X509* signer, STACK_OF(X509) * untrusted,
                        Filetime at) {
  ChainResult out;
  const auto& impl = trust.impl();
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), impl.store.get(), signer, untrusted) != 1) {
    ERR_clear_error();
    out.detail = "OpenSSL could not set up chain building";
    out.chain.push_back(make_certificate(signer));
    return out;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(filetime_to_unix_seconds(at)));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
  const int ok = X509_verify_cert(ctx.get());
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; built != nullptr && i < sk_X509_num(built); ++i)
    out.chain.push_back(make_certificate(sk_X509_value(built, i)));
  if (out.chain.empty()) out.chain.push_back(make_certificate(signer));
  const std::string when = format_filetime(at);
  if (ok == 1 && built != nullptr && sk_X509_num(built) > 0) {
    X509* anchor = sk_X509_value(built, sk_X509_num(built) - 1);
    const std::string* label = impl.label_of(certificate_sha256(anchor));
    if (label != nullptr) {
      out.trusted = true;
      out.source = *label;
      out.detail = "chain of " + std::to_string(sk_X509_num(built)) + " certificates ends at \"" +
                   out.chain.back().subject_cn + "\" from " + *label + ", valid at " + when +
                   "; revocation not checked";
    } else {
      out.detail = "OpenSSL accepted a chain whose last certificate is in no trust source";
    }
  } else {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* current = X509_STORE_CTX_get_current_cert(ctx.get());
    out.detail =
        std::string(X509_verify_cert_error_string(err)) + " at depth " + std::to_string(depth);
    if (current != nullptr) out.detail += " (\"" + make_certificate(current).subject_cn + "\")";
    out.detail += ", checked at " + when;
    if (impl.count == 0) out.detail = "no trust sources; " + out.detail;
  }
  ERR_clear_error();
  return out;
}

}  // namespace sqltriage::authenticode
