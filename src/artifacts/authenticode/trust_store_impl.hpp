// The inside of TrustStore: an OpenSSL X509_STORE of the anchors, and which source each
// anchor came from (by the SHA-256 of its DER).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "artifacts/authenticode/openssl_handles.hpp"
#include "sqltriage/authenticode.hpp"

namespace sqltriage::authenticode {

struct TrustStore::Impl {
  X509StorePtr store{X509_STORE_new()};
  std::unordered_map<std::string, std::string> label_by_sha256;  ///< first source wins
  std::vector<std::pair<std::string, std::size_t>> sources;
  std::size_t count = 0;
  /// Unique per store; with `count`, names the store's state for caches of trust results.
  std::uint64_t id = next_id();

  static std::uint64_t next_id();

  /// Adds a certificate (reference taken by the store); false when already present.
  bool add(X509* cert, const std::string& label);
  /// The label of the source holding a certificate with this SHA-256, or nullptr.
  const std::string* label_of(const std::string& sha256) const;
};

}  // namespace sqltriage::authenticode
