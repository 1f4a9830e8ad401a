// Known-good and known-bad hash sets, and offline VirusTotal reports, looked up by a file's
// hashes.
//
// Hash-set formats, told apart by content (not by file name):
// - NSRL RDS v3: a file starting with the SQLite header ("SQLite format 3\0") whose FILE
//   table or view has the columns sha256, sha1, md5 (upper-case hex), file_name, file_size,
//   package_id (NIST "RDSv3" schema; FILE is a table in the "minimal" databases and a view
//   over METADATA and PACKAGE_OBJECT in the full ones). Queried in place, opened read-only
//   as an immutable URI: no lock, no -journal/-wal/-shm file next to it. Hash columns with
//   an index are queried one by one (SHA-256, SHA-1, MD5); with none (the full database's
//   view) one query reads the whole table and problems() says so.
// - CSV: the first line that is neither blank nor a '#' comment is the header when one of
//   its columns is md5, md5_hash, sha1, sha1_hash, sha-1, sha256, sha256_hash or sha-256 (any
//   case); otherwise the '#' comment line just before it is, when it lists two or more
//   columns and names a hash column (MalwareBazaar writes "# "first_seen_utc","sha256_hash",
//   ..."). RFC 4180 fields: quoted or not, "" inside quotes, CRLF or LF, newlines inside
//   quotes; spaces around quoted fields are ignored, unquoted fields trimmed. Every hash
//   column of a row is indexed; empty and "n/a" cells are skipped; '#' lines are skipped
//   anywhere. A row with a different number of fields than the header, or whose hash
//   columns hold no valid hash, is a problem.
// - Plain list (everything else): one MD5, SHA-1 or SHA-256 (32, 40 or 64 hex digits, any
//   case) at the start of a line, optionally followed by whitespace, ',' or ';' and a
//   comment (a leading '*', '#', ',' or ';' of the comment is dropped, so md5sum/sha256sum
//   output reads as a list whose comment is the file name). Blank and '#' lines are skipped;
//   a UTF-8 BOM and CRLF are accepted; any other line is a problem.
// A first line with commas that does not start with a hash and names no hash column makes
// add() throw ArtifactError ("CSV header at line N names no hash column ...").
// Lines and CSV records longer than 1 MiB (or with more than 65,536 fields) are problems,
// not read into memory.
//
// VirusTotal reports: JSON Lines of API v3 file objects ({"data": {"attributes": {...}}} or
// the bare object with "attributes") or API v2 file reports (md5/sha1/sha256, positives,
// total, submission_names, first_seen, additional_info.sigcheck, additional_info.exiftool).
// Lines longer than 16 MiB are problems.
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

/// Something in a set or report file that was not understood, or a note about it.
struct Problem {
  std::string path;     ///< the file, as given on the command line
  std::string message;  ///< without the path, e.g. "3 lines not understood (first at line 7: ...)"
  /// "PATH: MESSAGE", the form the set's name leads in logs.
  std::string text() const { return path + ": " + message; }
};
/// "known-good" / "known-bad".
std::string_view to_string(Verdict v);

struct Hit {
  std::string set;       ///< the set's name: its file name
  std::string set_path;  ///< as given on the command line
  std::string format;    ///< "list", "csv", "nsrl"
  Verdict verdict = Verdict::known_bad;
  std::string algorithm;  ///< "md5", "sha1", "sha256": the hash that matched
  /// What the set says about the entry: a list line's comment as {"Comment": ...}; a CSV
  /// row's columns by their header names, as strings (e.g. MalwareBazaar signature,
  /// file_name, first_seen_utc); NSRL {"FileName", "FileSize", "PackageId"} (integers as
  /// the database stores them). Empty object when the set says nothing more.
  nlohmann::ordered_json entry = nlohmann::ordered_json::object();
};

/// The sets given with --hashes, loaded once and shared by every worker (lookups are
/// thread-safe; an NSRL database serialises its own queries). Lists and CSVs are held in
/// memory as sorted binary digests with the byte offset of their line (24 bytes an MD5, 32 a
/// SHA-1, 40 a SHA-256); a hit reads its line or row back from the file for the entry.
/// NSRL databases are queried in place, read-only.
class HashSets {
 public:
  HashSets();
  ~HashSets();
  HashSets(HashSets&&) noexcept;
  HashSets& operator=(HashSets&&) noexcept;

  /// Adds one set. `spec` is a path, optionally prefixed "good:" or "bad:" to state the
  /// verdict; without a prefix NSRL databases are known-good and every other set known-bad.
  /// The format is detected from the content (see the top of this file). Malformed lines are
  /// counted (see problems()), not fatal. The same file given again (same canonical path)
  /// with the same verdict is ignored and noted in problems(); with the other verdict it
  /// throws ArtifactError. Throws ArtifactError (naming the file as given) when the file
  /// cannot be read, is an SQLite database without the NSRL FILE table and columns, is a CSV
  /// without a hash column, or holds no hash at all; std::invalid_argument for an empty path.
  void add(const std::string& spec);
  /// At most one hit per set, in the order sets were added: the set's first entry (lowest
  /// line, first NSRL row) for the file's SHA-256, else SHA-1, else MD5. Hashes that are not
  /// well-formed hex are ignored. Throws ArtifactError when an NSRL query fails.
  std::vector<Hit> lookup(const pe::Hashes& hashes) const;
  /// Per set, with the set's path as given: "N lines not understood (first at line L:
  /// REASON)", "FILE has no index ..." for an NSRL database read by scanning, "given twice;
  /// ..."; empty when all were clean.
  std::vector<Problem> problems() const;
  bool empty() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::ordered_json to_json(const Hit& hit);

/// One report from --vt-reports, normalised across API versions.
struct VtReport {
  /// Lower-case hex; "" when the report does not give it (v3: the SHA-256 falls back to
  /// data.id).
  std::string md5, sha1, sha256;
  std::optional<int> malicious;  ///< v3 last_analysis_stats.malicious, v2 positives
  /// Engines that gave a verdict: v3 harmless + malicious + suspicious + undetected
  /// (type-unsupported, timeout and failure not counted); v2 total.
  std::optional<int> engines;
  std::vector<std::string> names;  ///< v3 names / v2 submission_names, as given
  /// signature_info (v3) / sigcheck (v2) "original name", else exiftool OriginalFileName.
  std::optional<std::string> original_filename;
  /// exiftool CompanyName, else signature_info / sigcheck "copyright".
  std::optional<std::string> company_name;
  /// signature_info / sigcheck "product", else exiftool ProductName.
  std::optional<std::string> product;
  /// Signed according to the report: v3 signature_info.verified / v2 sigcheck.verified;
  /// true only for "Signed", false for any other text ("Unsigned", an error message),
  /// absent when the report has no such field. `signers` is "signers" as given.
  std::optional<bool> signed_verified;
  std::string signers;
  /// Unix seconds, UTC: v3 first_submission_date; v2 first_seen ("YYYY-MM-DD hh:mm:ss",
  /// UTC). to_json writes it as "YYYY-MM-DDThh:mm:ssZ".
  std::optional<std::int64_t> first_submission_date;
  std::uint64_t line = 0;  ///< 1-based line number in its file
};

/// The reports of one or more JSON Lines files, held in memory as normalised VtReports and
/// indexed by hash (query() reads them all). Lookups and queries are thread-safe.
class VtReports {
 public:
  VtReports();
  ~VtReports();
  VtReports(VtReports&&) noexcept;
  VtReports& operator=(VtReports&&) noexcept;

  /// Throws ArtifactError when the file cannot be read; blank lines are skipped; lines that
  /// are not JSON, not a v2/v3 file report or carry a malformed hash are counted in
  /// problems(): {PATH, "N lines not understood (first at line L: REASON)"}.
  void add(const std::filesystem::path& path);
  /// The report for the file's SHA-256, else SHA-1, else MD5 (case-insensitive); when several
  /// lines describe the same hash, the last one added.
  std::optional<VtReport> lookup(const pe::Hashes& hashes) const;
  /// --vt-query FIELD=VALUE: every report, in the order added, whose original-name (the
  /// whole OriginalFilename), name (any of names), sha256, sha1 or md5 equals VALUE, or
  /// whose company (CompanyName) contains VALUE; all compare ASCII-case-insensitively.
  /// Throws std::invalid_argument for another field.
  std::vector<VtReport> query(std::string_view field, std::string_view value) const;
  std::vector<Problem> problems() const;
  std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::ordered_json to_json(const VtReport& report);

}  // namespace sqltriage::hashsets
