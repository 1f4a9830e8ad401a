// The Authenticode structures OpenSSL has no type for ("Windows Authenticode Portable
// Executable Signature Format", 2008): SpcIndirectDataContent (what the signature signs:
// the digest of the image) and SpcSpOpusInfo (program name and URL of the signer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/authenticode/der.hpp"

namespace sqltriage::authenticode {

inline constexpr const char* kOidSpcIndirectData = "1.3.6.1.4.1.311.2.1.4";
inline constexpr const char* kOidSpcSpOpusInfo = "1.3.6.1.4.1.311.2.1.12";
inline constexpr const char* kOidNestedSignature = "1.3.6.1.4.1.311.2.4.1";
inline constexpr const char* kOidMsTimestamp = "1.3.6.1.4.1.311.3.3.1";
inline constexpr const char* kOidCtl = "1.3.6.1.4.1.311.10.1";
inline constexpr const char* kOidTstInfo = "1.2.840.113549.1.9.16.1.4";
inline constexpr const char* kOidCounterSignature = "1.2.840.113549.1.9.6";

/// SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
///                                       messageDigest DigestInfo }
struct IndirectData {
  std::string data_type;         ///< e.g. 1.3.6.1.4.1.311.2.1.15 (SPC_PE_IMAGE_DATA)
  std::string digest_oid;        ///< DigestInfo's algorithm
  std::string digest_algorithm;  ///< "sha256", ... or the OID when unknown
  std::vector<std::uint8_t> digest;
};

/// Decodes the DER SEQUENCE in `whole` (tag and length included). Throws der::Error with
/// an offset relative to `base_offset` + the start of `whole`.
IndirectData parse_indirect_data(der::Bytes whole, std::size_t base_offset = 0);

/// SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL,
///                              moreInfo [1] EXPLICIT SpcLink OPTIONAL }
struct OpusInfo {
  std::optional<std::string> program_name;
  std::optional<std::string> more_info_url;
};
/// Throws der::Error on malformed input.
OpusInfo parse_opus_info(der::Bytes whole);

/// "sha1", "sha256", "sha384", "sha512", "md5" for their OIDs; std::nullopt otherwise.
std::optional<std::string> digest_name(const std::string& oid);

}  // namespace sqltriage::authenticode
