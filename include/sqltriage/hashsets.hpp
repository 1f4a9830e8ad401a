// Known-good and known-bad hash sets, and offline VirusTotal reports, looked up by a file's
// hashes.
//
// Formats: plain lists (one MD5, SHA-1 or SHA-256 per line, optional text after it as a
// comment, '#' comment lines); CSV with a header row naming a hash column (md5/md5_hash,
// sha1/sha1_hash, sha256/sha256_hash, any case; MalwareBazaar exports quote every field and
// start with '#' comment lines); the NSRL RDS v3 SQLite database (table FILE with columns
// sha256, sha1, md5, file_name, file_size, package_id; NIST "RDSv3 schema"). VirusTotal
// reports: JSON Lines of API v3 file objects ({"data": {"attributes": {...}}} or the bare
// object with "attributes") or API v2 file reports (md5/sha1/sha256, positives, total,
// additional_info.sigcheck, additional_info.exiftool).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/pe.hpp"

namespace sqltriage::hashsets {

enum class Verdict { known_good, known_bad };
/// "known-good" / "known-bad".
std::string_view to_string(Verdict v);

struct Hit {
  std::string set;        ///< the set's name: its file name
  std::string set_path;   ///< as given on the command line
  std::string format;     ///< "list", "csv", "nsrl"
  Verdict verdict = Verdict::known_bad;
  std::string algorithm;  ///< "md5", "sha1", "sha256": the hash that matched
  /// What the set says about the entry: the list line's comment, the CSV row's columns
  /// (e.g. MalwareBazaar signature, file_name, first_seen_utc), NSRL file_name, file_size,
  /// package_id. Empty object when the set says nothing more.
  nlohmann::ordered_json entry = nlohmann::ordered_json::object();
};

/// The sets given with --hashes, loaded once and shared by every worker (lookups are
/// thread-safe). Lists and CSVs are held in memory as binary digests (about 40 bytes a
/// hash); NSRL databases are queried in place, read-only.
class HashSets {
 public:
  HashSets();
  ~HashSets();
  HashSets(HashSets&&) noexcept;
  HashSets& operator=(HashSets&&) noexcept;

  /// Adds one set. `spec` is a path, optionally prefixed "good:" or "bad:" to state the
  /// verdict; without a prefix NSRL databases are known-good and every other set known-bad.
  /// The format is detected from the content (SQLite header, CSV header row, else list).
  /// Malformed lines are counted (see problems()), not fatal. Throws ArtifactError when the
  /// file cannot be read or holds no hash at all.
  void add(const std::string& spec);
  /// Every hit of the file's MD5, SHA-1 or SHA-256 in every set, in the order sets were added.
  std::vector<Hit> lookup(const pe::Hashes& hashes) const;
  /// Per set: "NAME: N lines not understood (first at line L)"; empty when all were clean.
  std::vector<std::string> problems() const;
  bool empty() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::ordered_json to_json(const Hit& hit);

/// One report from --vt-reports, normalised across API versions.
struct VtReport {
  std::string md5, sha1, sha256;  ///< lower-case hex
  std::optional<int> malicious;   ///< v3 last_analysis_stats.malicious, v2 positives
  std::optional<int> engines;     ///< engines that gave a verdict (v2 total)
  std::vector<std::string> names;  ///< v3 names / v2 submission_names, as given
  std::optional<std::string> original_filename;  ///< v3 signature_info["original name"], v2 sigcheck/exiftool
  std::optional<std::string> company_name;       ///< v3 signature_info.copyright or exiftool CompanyName
  std::optional<std::string> product;
  /// Signed according to the report: v3 signature_info.verified / v2 sigcheck.verified
  /// ("Signed" means yes), with the signer names as given.
  std::optional<bool> signed_verified;
  std::string signers;
  std::optional<std::int64_t> first_submission_date;  ///< Unix seconds, UTC
  std::uint64_t line = 0;  ///< line number in the file
};

/// The reports of one or more JSON Lines files, indexed by hash and by original name.
class VtReports {
 public:
  VtReports();
  ~VtReports();
  VtReports(VtReports&&) noexcept;
  VtReports& operator=(VtReports&&) noexcept;

  /// Throws ArtifactError when the file cannot be read; unparsable lines are counted in
  /// problems() with their line numbers.
  void add(const std::filesystem::path& path);
  /// The report for any of the file's hashes, if one was given.
  std::optional<VtReport> lookup(const pe::Hashes& hashes) const;
  /// --vt-query FIELD=VALUE: FIELD is original-name, name, company, sha256, sha1 or md5;
  /// names compare case-insensitively. Throws std::invalid_argument for another field.
  std::vector<VtReport> query(std::string_view field, std::string_view value) const;
  std::vector<std::string> problems() const;
  std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::ordered_json to_json(const VtReport& report);

}  // namespace sqltriage::hashsets
