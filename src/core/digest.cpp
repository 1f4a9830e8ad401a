// OpenSSL EVP digests for the hashing pass and imphash.
#include "core/digest.hpp"

#include <stdexcept>

namespace sqltriage {

std::string to_hex(const std::uint8_t* bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

Digest::Digest(std::string_view algorithm) : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw std::runtime_error("EVP_MD_CTX_new failed");
  const EVP_MD* md = EVP_get_digestbyname(std::string(algorithm).c_str());
  if (md == nullptr)
    throw std::invalid_argument("unknown digest algorithm: " + std::string(algorithm));
  if (EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1)
    throw std::runtime_error("EVP_DigestInit_ex failed for " + std::string(algorithm));
}

void Digest::update(const void* data, std::size_t n) {
  if (n > 0 && EVP_DigestUpdate(ctx_.get(), data, n) != 1)
    throw std::runtime_error("EVP_DigestUpdate failed");
}

std::vector<std::uint8_t> Digest::final() {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &n) != 1)
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  out.resize(n);
  return out;
}

std::string Digest::final_hex() {
  const auto d = final();
  return to_hex(d.data(), d.size());
}

std::string md5_hex(std::string_view text) {
  Digest d("md5");
  d.update(text.data(), text.size());
  return d.final_hex();
}

}  // namespace sqltriage
