// OpenSSL EVP message digests behind RAII, and lower-case hex. Shared by every reader that
// hashes (pe, webshell, the compiled-rules cache).
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage {

/// Lower-case hex of `n` bytes.
std::string to_hex(const std::uint8_t* bytes, std::size_t n);

/// One running digest (EVP_MD_CTX). Throws std::runtime_error when OpenSSL fails.
class Digest {
 public:
  /// `algorithm` is an OpenSSL digest name ("md5", "sha1", "sha256", ...); throws
  /// std::invalid_argument when OpenSSL does not know it.
  explicit Digest(std::string_view algorithm);
  void update(const void* data, std::size_t n);
  /// The raw digest; the object is finished afterwards.
  std::vector<std::uint8_t> final();
  std::string final_hex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

/// MD5 of `text`, lower-case hex.
std::string md5_hex(std::string_view text);

}  // namespace sqltriage
