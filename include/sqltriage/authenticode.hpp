// Authenticode: who signed a PE or a catalog, whether the signature holds, and whether its
// chain reaches a root the analyst trusts. Offline: no CRL, OCSP or network access.
//
// Format knowledge: "Windows Authenticode Portable Executable Signature Format" (Microsoft,
// 2008): WIN_CERTIFICATE, SpcIndirectDataContent, SpcSpOpusInfo, the image hash; RFC 2315
// (PKCS #7 SignedData, countersignatures); RFC 3161 (TSTInfo, the Microsoft timestamp
// attribute 1.3.6.1.4.1.311.3.3.1); the nested-signature attribute 1.3.6.1.4.1.311.2.4.1;
// Microsoft catalog files (PKCS #7 over a certificate trust list, szOID_CTL
// 1.3.6.1.4.1.311.10.1, members identified by their image hash); the certificate store's
// serialized property format (CERT_CERT_PROP_ID 32 holds the DER certificate) used by
// SOFTWARE\Microsoft\SystemCertificates\*\Certificates\<thumbprint>\Blob.
//
// What the words mean (docs/pe.md, "Authenticode"):
// - verified: the digest the signature carries equals the image hash we computed with the
//   same algorithm, the messageDigest authenticated attribute equals the digest of the
//   signed content, and the signer's signature over the authenticated attributes checks out
//   with the signer certificate's public key.
// - trusted: verified, and OpenSSL builds a chain from the signer certificate, through the
//   certificates the signature carries, to a certificate held by one of the trust sources,
//   checked at the timestamp's time when the signature has a verified timestamp and at the
//   current time otherwise. Trust sources, in order: the evidence's own registry root stores
//   (ROOT and AuthRoot), --ca-file, the host's system store. A trust source may hold an
//   intermediate certificate; the chain then ends there (partial chains are accepted).
//   Revocation is not checked.
// - trust time: the time of the first verified RFC 3161 or countersignature timestamp (its
//   TSA's signature checks out and it covers this signature; the TSA's own chain is not
//   required to reach a trust source), else the current time. The signer's signingTime
//   attribute is a claim and never moves the trust time.
// Not checked: revocation (CRL, OCSP), extended key usage (purpose "any"), page hashes
// (1.3.6.1.4.1.311.2.3.1/2), signers after the first of a SignedData, and the signer
// certificate's own validity period apart from the chain check at the trust time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::authenticode {

struct Certificate {
  std::string subject;  ///< RFC 2253 form, e.g. "CN=Microsoft Windows,O=Microsoft Corporation,..."
  std::string subject_cn;  ///< the subject's commonName, "" when it has none
  std::string issuer;      ///< RFC 2253 form
  std::string serial;      ///< lower-case hex, big-endian, as Windows shows it
  std::string thumbprint;  ///< SHA-1 of the DER certificate, lower-case hex (Windows' Thumbprint)
  std::string sha256;      ///< SHA-256 of the DER certificate, lower-case hex
  std::optional<Filetime> not_before, not_after;  ///< UTC
  /// Extended key usages by short name where OpenSSL has one ("codeSigning",
  /// "timeStamping"), else the dotted OID.
  std::vector<std::string> extended_key_usage;
};

/// Certificates the analyst trusts, each labelled with where it came from. Thread-safe to
/// read once built.
class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;

  /// Every certificate blob under SOFTWARE\Microsoft\SystemCertificates\ROOT\Certificates
  /// and \AuthRoot\Certificates of the evidence's SOFTWARE hive
  /// (Windows\System32\config\SOFTWARE); labels "registry ROOT" / "registry AuthRoot". Unreadable
  /// blobs become `errors` entries (code "record"); a missing hive is not an error. Returns the
  /// count added.
  std::size_t add_registry_roots(const Evidence& evidence, std::vector<ErrorEntry>& errors);
  /// PEM (one or more certificates) or DER file given with --ca-file; label "--ca-file PATH".
  /// Throws ArtifactError when the file holds no certificate.
  std::size_t add_file(const std::filesystem::path& path);
  /// The host's OpenSSL default certificate locations; label "system store".
  std::size_t add_system_store();
  /// One DER certificate with a label; false when it does not parse.
  bool add_der(std::span<const std::uint8_t> der, const std::string& label);

  std::size_t size() const;
  /// Labels in the order sources were added, with their counts, e.g. {"registry ROOT", 61}.
  std::vector<std::pair<std::string, std::size_t>> sources() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct Timestamp {
  Filetime time{};
  /// "rfc3161" (Microsoft timestamp attribute), "countersignature" (PKCS #9), or
  /// "signing_time" (the signer's own signingTime attribute: a claim, not a proof).
  std::string kind;
  std::optional<Certificate> signer;  ///< the TSA's certificate (not for "signing_time")
  /// The timestamp's own signature checks out (messageDigest and the TSA's signature) and it
  /// covers this signature's encryptedDigest (RFC 3161 messageImprint, or the
  /// countersignature's messageDigest). Not a trust statement about the TSA. Always false
  /// for "signing_time".
  bool verified = false;
};

struct Signature {
  std::size_t entry = 0;  ///< index of the certificate table entry (0-based)
  std::size_t nested_level =
      0;  ///< 0: the entry's signature; 1: nested inside it (1.3.6.1.4.1.311.2.4.1)
  std::uint64_t offset = 0;      ///< file offset of the PKCS #7 blob (or of its parent's)
  std::string digest_algorithm;  ///< "sha256", "sha1", "md5", "sha384", "sha512"
  std::string signed_digest;     ///< from SpcIndirectDataContent, lower-case hex
  std::string computed_digest;   ///< the image hash we computed with that algorithm
  bool digest_matches = false;
  bool signature_valid = false;  ///< messageDigest and the signer's signature check out
  bool verified = false;         ///< digest_matches && signature_valid
  std::optional<Certificate> signer;
  /// Signer first, then each issuer up to the last certificate found (the trust anchor when
  /// trusted); from the certificates the signature carries and the trust store.
  std::vector<Certificate> chain;
  std::optional<std::string> program_name;   ///< SpcSpOpusInfo programName
  std::optional<std::string> more_info_url;  ///< SpcSpOpusInfo moreInfo URL
  std::vector<Timestamp> timestamps;         ///< every time the signature carries
  bool trusted = false;
  std::string trust_source;  ///< label of the trust source holding the anchor, when trusted
  /// Why trusted is false (or what was checked when true): OpenSSL's verify error text and
  /// the certificate it stopped at, "not verified", or "no trust sources".
  std::string trust_detail;
  std::optional<Filetime> trust_time;  ///< the time the chain was checked at
  /// Damage: unparsable blobs, unexpected content types, each with its file offset.
  std::vector<std::string> problems;
};

/// Every signature of the PE: each WIN_CERT_TYPE_PKCS_SIGNED_DATA entry of the certificate
/// table and the signatures nested in them, in table order, each entry's own signature
/// before those nested in it (at most 4 levels deep, 64 signatures, 16 MiB per entry). An
/// entry of another type, or one cut short or running past the end of the file, becomes a
/// Signature with only `problems` set. `hashes` supplies the SHA-1 and SHA-256 image
/// hashes; other algorithms are computed with pe::authenticode_digest. Never throws for a
/// malformed signature (it becomes a Signature with problems); throws ArtifactError only on
/// an I/O error.
std::vector<Signature> verify_pe(const ByteSource& source, const pe::Info& info,
                                 const pe::Hashes& hashes, const TrustStore& trust,
                                 const std::string& display_path);

/// A catalog that lists the file's image hash among its members.
struct CatalogMatch {
  std::string catalog;    ///< the catalog's path as the analyst knows it
  std::string algorithm;  ///< "sha1" or "sha256": which image hash matched
  Signature signature;    ///< the catalog's own signature (entry 0)
};

/// The members of every catalog under Windows\System32\CatRoot\{...}\*.cat in the evidence,
/// indexed by image hash. Each catalog's signature is checked cryptographically when it is
/// added (digest and signer signature: cheap beside parsing the member list, and it needs no
/// second read of the catalog); its chain, which depends on the trust store, is built on the
/// first find() that needs it and cached per trust store state. Memory: the member digests
/// and each distinct certificate once. Thread-safe to query once built.
class CatalogIndex {
 public:
  CatalogIndex();
  ~CatalogIndex();
  CatalogIndex(CatalogIndex&&) noexcept;
  CatalogIndex& operator=(CatalogIndex&&) noexcept;

  /// Reads every *.cat of CatRoot\{F750E6C3-38EE-11D1-85E5-00C04FC295EE} and
  /// CatRoot\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}; catalogs that cannot be read or are not
  /// catalogs become `errors` entries (code "open_failed", naming the file and, when known,
  /// the byte offset).
  static CatalogIndex from_evidence(const Evidence& evidence, std::vector<ErrorEntry>& errors);
  /// Adds one catalog file (at most 256 MiB, read once). A member is indexed by the digest of
  /// its SpcIndirectDataContent attribute and by its subjectIdentifier when that spells a
  /// SHA-1 or SHA-256 hash (raw bytes, or hex digits in ASCII or UTF-16LE). Throws
  /// ArtifactError when it is not a PKCS #7 SignedData over a certificate trust list, or
  /// when the list is malformed (naming the byte offset). A catalog whose signature fails
  /// is still indexed: find() reports it with verified false.
  void add(const ByteSource& catalog, const std::string& display_path);
  std::size_t catalogs() const;
  /// Distinct image hashes indexed, summed over the catalogs.
  std::size_t members() const;
  /// The catalogs listing either image hash, each with its signature verified against
  /// `trust`.
  std::vector<CatalogMatch> find(const pe::Hashes& hashes, const TrustStore& trust) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// JSON shapes documented in docs/pe.md: a certificate, a signature, a catalog match.
nlohmann::ordered_json to_json(const Certificate& c);
nlohmann::ordered_json to_json(const Signature& s);
nlohmann::ordered_json to_json(const CatalogMatch& m);

}  // namespace sqltriage::authenticode
