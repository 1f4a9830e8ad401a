#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <fstream>
#include <iterator>

#include "artifacts/authenticode/certificate.hpp"
#include "artifacts/authenticode/trust_store_impl.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::authenticode {
namespace {

constexpr std::uintmax_t kMaxCertificateFile = 64ULL * 1024 * 1024;

// Certificates of a PEM bundle, or of one DER certificate.
std::vector<X509Ptr> parse_certificates(const std::string& bytes) {
  std::vector<X509Ptr> out;
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (bio) {
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
      out.emplace_back(cert);
  }
  ERR_clear_error();
  if (out.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (X509* cert = d2i_X509(nullptr, &p, static_cast<long>(bytes.size()))) out.emplace_back(cert);
    ERR_clear_error();
  }
  return out;
}

std::string read_small_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw ArtifactError(path.string(), "cannot read: " + ec.message());
  if (size > kMaxCertificateFile)
    throw ArtifactError(path.string(), "larger than " + std::to_string(kMaxCertificateFile) +
                                           " bytes; not a certificate file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ArtifactError(path.string(), "cannot open");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::uint64_t TrustStore::Impl::next_id() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

bool TrustStore::Impl::add(X509* cert, const std::string& label) {
  const std::string sha = certificate_sha256(cert);
  if (sha.empty() || label_by_sha256.contains(sha)) return false;
  if (X509_STORE_add_cert(store.get(), cert) != 1) {
    ERR_clear_error();
    return false;
  }
  label_by_sha256.emplace(sha, label);
  auto it =
      std::find_if(sources.begin(), sources.end(), [&](const auto& s) { return s.first == label; });
  if (it == sources.end()) it = sources.insert(sources.end(), {label, 0});
  ++it->second;
  ++count;
  return true;
}

const std::string* TrustStore::Impl::label_of(const std::string& sha256) const {
  const auto it = label_by_sha256.find(sha256);
  return it == label_by_sha256.end() ? nullptr : &it->second;
}

TrustStore::TrustStore() : impl_(std::make_unique<Impl>()) {}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

std::size_t TrustStore::add_file(const std::filesystem::path& path) {
  const auto certs = parse_certificates(read_small_file(path));
  if (certs.empty()) throw ArtifactError(path.string(), "holds no PEM or DER certificate");
  std::size_t added = 0;
  for (const auto& c : certs) added += impl_->add(c.get(), "--ca-file " + path.string()) ? 1 : 0;
  return added;
}

std::size_t TrustStore::add_system_store() {
  std::size_t added = 0;
  const std::filesystem::path file = X509_get_default_cert_file();
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) {
    try {
      for (const auto& c : parse_certificates(read_small_file(file)))
        added += impl_->add(c.get(), "system store") ? 1 : 0;
    } catch (const ArtifactError&) {
    }
  }
  if (added > 0) return added;
  const std::filesystem::path dir = X509_get_default_cert_dir();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    try {
      for (const auto& c : parse_certificates(read_small_file(it->path())))
        added += impl_->add(c.get(), "system store") ? 1 : 0;
    } catch (const ArtifactError&) {
    }
  }
  return added;
}

bool TrustStore::add_der(std::span<const std::uint8_t> der, const std::string& label) {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return false;
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!cert) return false;
  impl_->add(cert.get(), label);
  return true;
}

std::size_t TrustStore::size() const { return impl_->count; }

std::vector<std::pair<std::string, std::size_t>> TrustStore::sources() const {
  return impl_->sources;
}

}  // namespace sqltriage::authenticode
