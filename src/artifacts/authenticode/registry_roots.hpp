// The certificate store's serialized property list, as Windows keeps it in
// SOFTWARE\Microsoft\SystemCertificates\<store>\Certificates\<thumbprint>\Blob: repeated
// { u32 property id, u32 reserved (1), u32 length, length bytes }, little-endian;
// property 32 (CERT_CERT_PROP_ID) holds the DER certificate.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sqltriage::authenticode {

inline constexpr std::uint32_t kCertCertPropId = 32;

/// The DER certificate of a Blob. std::nullopt when the list has no property 32; throws
/// std::runtime_error naming the byte offset when an entry runs past the end.
std::optional<std::vector<std::uint8_t>> certificate_from_blob(std::span<const std::uint8_t> blob);

}  // namespace sqltriage::authenticode
