// RAII for the OpenSSL objects the Authenticode reader uses: each type frees itself with its
// own OpenSSL call.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace sqltriage::authenticode {

template <typename T, void (*FreeFn)(T*)>
struct OsslFree {
  void operator()(T* p) const noexcept { FreeFn(p); }
};

using Pkcs7Ptr = std::unique_ptr<PKCS7, OsslFree<PKCS7, PKCS7_free>>;
using SignerInfoPtr =
    std::unique_ptr<PKCS7_SIGNER_INFO, OsslFree<PKCS7_SIGNER_INFO, PKCS7_SIGNER_INFO_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509, X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslFree<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, OsslFree<X509_STORE_CTX, X509_STORE_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslFree<EVP_MD_CTX, EVP_MD_CTX_free>>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, OsslFree<TS_TST_INFO, TS_TST_INFO_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, OsslFree<CMS_ContentInfo, CMS_ContentInfo_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OsslFree<ASN1_OBJECT, ASN1_OBJECT_free>>;

struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// A STACK_OF(X509) that owns its certificates.
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

/// Memory OpenSSL allocated with OPENSSL_malloc (i2d output).
struct OpensslFreeBytes {
  void operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }
};
using OsslBytes = std::unique_ptr<unsigned char, OpensslFreeBytes>;

}  // namespace sqltriage::authenticode
