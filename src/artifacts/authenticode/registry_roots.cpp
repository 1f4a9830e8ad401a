#include "artifacts/authenticode/registry_roots.hpp"

#include <stdexcept>

#include "artifacts/registry/hive.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/authenticode.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::authenticode {
namespace {

constexpr const char* kSoftwareHive = "C:\\Windows\\System32\\config\\SOFTWARE";
constexpr std::size_t kMaxBlob = 1024 * 1024;

}  // namespace

std::optional<std::vector<std::uint8_t>> certificate_from_blob(std::span<const std::uint8_t> blob) {
  std::size_t pos = 0;
  while (pos < blob.size()) {
    if (blob.size() - pos < 12)
      throw std::runtime_error("property header cut short at byte offset " + std::to_string(pos));
    const std::uint32_t id = le32(blob.data() + pos);
    const std::uint32_t length = le32(blob.data() + pos + 8);
    if (length > blob.size() - pos - 12)
      throw std::runtime_error("property " + std::to_string(id) + " at byte offset " +
                               std::to_string(pos) + " claims " + std::to_string(length) +
                               " bytes; only " + std::to_string(blob.size() - pos - 12) +
                               " remain");
    if (id == kCertCertPropId)
      return std::vector<std::uint8_t>(
          blob.begin() + static_cast<std::ptrdiff_t>(pos + 12),
          blob.begin() + static_cast<std::ptrdiff_t>(pos + 12 + length));
    pos += 12 + length;
  }
  return std::nullopt;
}

std::size_t TrustStore::add_registry_roots(const Evidence& evidence,
                                           std::vector<ErrorEntry>& errors) {
  const auto file = evidence.resolve(kSoftwareHive);
  if (!file) return 0;
  std::size_t added = 0;
  try {
    const auto hive = registry::Hive::open(open_artifact(*file), file->display_path);
    for (const char* store : {"ROOT", "AuthRoot"}) {
      const std::string path =
          std::string("Microsoft\\SystemCertificates\\") + store + "\\Certificates";
      const auto key = hive.key(path);
      if (!key) continue;
      const std::string label = std::string("registry ") + store;
      for (std::size_t i = 0; i < key->number_of_subkeys(); ++i) {
        std::string where = file->display_path + " " + path;
        try {
          const auto cert_key = key->subkey(i);
          where += "\\" + cert_key.name() + "\\Blob";
          const auto blob = cert_key.value("Blob");
          if (!blob) {
            errors.push_back(make_error(file->display_path, "record", where + ": no Blob value"));
            continue;
          }
          const auto der = certificate_from_blob(blob->data(kMaxBlob));
          if (!der) {
            errors.push_back(make_error(file->display_path, "record",
                                        where + ": no certificate property (32) in the Blob"));
            continue;
          }
          const std::size_t before = size();
          if (!add_der(*der, label)) {
            errors.push_back(
                make_error(file->display_path, "record",
                           where + ": the certificate property does not parse as DER X.509"));
            continue;
          }
          added += size() - before;
        } catch (const std::exception& e) {
          errors.push_back(make_error(file->display_path, "record", where + ": " + e.what()));
        }
      }
    }
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(file->display_path, "open_failed", e.detail(), e.offset()));
  }
  return added;
}

}  // namespace sqltriage::authenticode
