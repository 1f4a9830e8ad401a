// CatalogIndex: the members of Microsoft catalog files, indexed by image hash. Each
// catalog's signature is checked cryptographically when it is added (one signature check,
// cheap beside parsing its member list); its chain, which depends on the trust store, is
// built on the first find() that needs it and cached per trust store state.
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/ctl.hpp"
#include "artifacts/authenticode/pkcs7_verify.hpp"
#include "artifacts/authenticode/signature_builder.hpp"
#include "artifacts/authenticode/spc.hpp"
#include "artifacts/authenticode/trust_store_impl.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::authenticode {
namespace {

constexpr std::uint64_t kMaxCatalog = 256ULL * 1024 * 1024;
constexpr const char* kCatRootFolders[] = {
    "C:\\Windows\\System32\\CatRoot\\{F750E6C3-38EE-11D1-85E5-00C04FC295EE}",
    "C:\\Windows\\System32\\CatRoot\\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}"};

// Raw bytes of a hex digest; "" when it is not hex.
std::string unhex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  if (hex.size() % 2 != 0) return out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

bool ends_with_cat(const std::string& path) {
  if (path.size() < 4) return false;
  std::string ext = path.substr(path.size() - 4);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".cat";
}

}  // namespace

struct CatalogIndex::Impl {
  struct Catalog {
    std::string path;
    Signature base;  // everything but chain and trust
    X509Ptr signer;
    X509StackPtr certificates;
  };
  std::vector<Catalog> catalogs;
  std::unordered_multimap<std::string, std::uint32_t> by_digest;  // raw digest bytes
  std::size_t members = 0;
  std::unordered_map<std::string, X509Ptr> interned;  // certificates shared among catalogs

  mutable std::mutex mutex;
  mutable std::map<std::tuple<std::uint32_t, std::uint64_t, std::size_t>, Signature> trusted;

  X509* intern(X509* cert) {
    const std::string sha = certificate_sha256(cert);
    auto it = interned.find(sha);
    if (it == interned.end()) {
      X509_up_ref(cert);
      it = interned.emplace(sha, X509Ptr(cert)).first;
    }
    return it->second.get();
  }

  Signature signature(std::uint32_t index, const TrustStore& trust) const {
    const auto key = std::make_tuple(index, trust.impl().id, trust.impl().count);
    std::lock_guard lock(mutex);
    if (auto it = trusted.find(key); it != trusted.end()) return it->second;
    const Catalog& c = catalogs[index];
    Signature s = c.base;
    apply_trust(s, c.signer.get(), c.certificates.get(), trust);
    return trusted.emplace(key, std::move(s)).first->second;
  }
};

CatalogIndex::CatalogIndex() : impl_(std::make_unique<Impl>()) {}
CatalogIndex::~CatalogIndex() = default;
CatalogIndex::CatalogIndex(CatalogIndex&&) noexcept = default;
CatalogIndex& CatalogIndex::operator=(CatalogIndex&&) noexcept = default;

void CatalogIndex::add(const ByteSource& catalog, const std::string& display_path) {
  const std::uint64_t size = catalog.size();
  if (size > kMaxCatalog)
    throw ArtifactError(display_path, "catalog of " + std::to_string(size) +
                                          " bytes exceeds the limit of " +
                                          std::to_string(kMaxCatalog) + " bytes");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const std::size_t n = catalog.read_at(got, bytes.data() + got, bytes.size() - got);
    if (n == 0) throw ArtifactError(display_path, "catalog cut short", got);
    got += n;
  }
  auto sd = parse_signed_data(bytes, 0, "catalog");
  if (!sd.p7)
    throw ArtifactError(display_path,
                        "not a catalog: " + (sd.problems.empty() ? std::string() : sd.problems[0]),
                        0);
  if (sd.content_type != kOidCtl)
    throw ArtifactError(display_path, "not a catalog: content type " + sd.content_type +
                                          " is not a certificate trust list (" + kOidCtl + ")");
  std::vector<std::string> digests;
  try {
    digests = ctl_member_digests(sd.content_whole);
  } catch (const der::Error& e) {
    const auto base = static_cast<std::uint64_t>(sd.content_whole.data() - bytes.data());
    throw ArtifactError(display_path, std::string("certificate trust list: ") + e.what(),
                        base + e.offset());
  }
  const auto index = static_cast<std::uint32_t>(impl_->catalogs.size());
  Impl::Catalog c;
  c.path = display_path;
  Signature& s = c.base;
  s.problems = sd.problems;
  s.digest_algorithm = sd.check.digest_algorithm;
  if (sd.check.message_digest) s.signed_digest = der::hex(*sd.check.message_digest);
  s.computed_digest = der::hex(sd.check.content_digest);
  s.digest_matches = sd.check.message_digest_ok;
  s.signature_valid = sd.signature_valid();
  s.verified = s.digest_matches && s.signature_valid;
  describe_signer(s, sd);
  if (sd.signer != nullptr) {
    c.signer.reset(impl_->intern(sd.signer));
    X509_up_ref(c.signer.get());
  }
  c.certificates.reset(sk_X509_new_null());
  if (STACK_OF(X509)* bag = sd.certificates(); bag != nullptr && c.certificates) {
    for (int i = 0; i < sk_X509_num(bag); ++i) {
      X509* shared = impl_->intern(sk_X509_value(bag, i));
      X509_up_ref(shared);
      if (sk_X509_push(c.certificates.get(), shared) <= 0) X509_free(shared);
    }
  }
  impl_->catalogs.push_back(std::move(c));
  for (auto& d : digests) impl_->by_digest.emplace(std::move(d), index);
  impl_->members += digests.size();
}

CatalogIndex CatalogIndex::from_evidence(const Evidence& evidence,
                                         std::vector<ErrorEntry>& errors) {
  CatalogIndex index;
  for (const char* folder : kCatRootFolders) {
    for (const auto& file : evidence.list(folder)) {
      if (!ends_with_cat(file.display_path)) continue;
      try {
        const auto source = open_artifact(file);
        index.add(*source, file.display_path);
      } catch (const ArtifactError& e) {
        errors.push_back(make_error(file.display_path, "open_failed", e.detail(), e.offset()));
      } catch (const std::exception& e) {
        errors.push_back(make_error(file.display_path, "open_failed", e.what()));
      }
    }
  }
  return index;
}

std::size_t CatalogIndex::catalogs() const { return impl_->catalogs.size(); }
std::size_t CatalogIndex::members() const { return impl_->members; }

std::vector<CatalogMatch> CatalogIndex::find(const pe::Hashes& hashes,
                                             const TrustStore& trust) const {
  std::vector<CatalogMatch> out;
  std::vector<bool> seen(impl_->catalogs.size(), false);
  const std::pair<const char*, const std::optional<std::string>*> lookups[] = {
      {"sha256", &hashes.authenticode_sha256}, {"sha1", &hashes.authenticode_sha1}};
  for (const auto& [algorithm, hex] : lookups) {
    if (!*hex || (*hex)->empty()) continue;
    const std::string digest = unhex(**hex);
    if (digest.empty()) continue;
    const auto [first, last] = impl_->by_digest.equal_range(digest);
    std::vector<std::uint32_t> hits;
    for (auto it = first; it != last; ++it) hits.push_back(it->second);
    std::sort(hits.begin(), hits.end());
    for (const auto i : hits) {
      if (seen[i]) continue;
      seen[i] = true;
      out.push_back({impl_->catalogs[i].path, algorithm, impl_->signature(i, trust)});
    }
  }
  return out;
}

}  // namespace sqltriage::authenticode
