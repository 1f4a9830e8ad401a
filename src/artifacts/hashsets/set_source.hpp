// One loaded hash set, whatever its format: what HashSets asks of a list, a CSV or an NSRL
// database. Formats: see include/sqltriage/hashsets.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "artifacts/hashsets/digest.hpp"
#include "artifacts/hashsets/digest_table.hpp"
#include "artifacts/hashsets/text_file.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::hashsets::detail {

struct SetMatch {
  Algorithm algorithm;
  nlohmann::ordered_json entry = nlohmann::ordered_json::object();
};

/// Lines (or records) a set could not use: how many, and the first.
struct ProblemCount {
  std::uint64_t count = 0;
  std::uint64_t first_line = 0;
  std::string first_reason;
  void note(std::uint64_t line, std::string reason) {
    if (count++ == 0) {
      first_line = line;
      first_reason = std::move(reason);
    }
  }
  /// "N lines not understood (first at line L: REASON)", or "" when count is 0.
  std::string text() const;
};

class SetSource {
 public:
  virtual ~SetSource() = default;
  /// "list", "csv", "nsrl".
  virtual std::string_view format() const = 0;
  /// The first entry matching the file's SHA-256, else SHA-1, else MD5. Thread-safe.
  virtual std::optional<SetMatch> find(const pe::Hashes& hashes) const = 0;
  /// What the set could not use or should warn about (without the set's name).
  virtual std::vector<std::string> notes() const = 0;
};

/// The file's hashes that are well-formed hex, strongest first (SHA-256, SHA-1, MD5).
std::vector<std::pair<Algorithm, DigestBytes>> wanted_digests(const pe::Hashes& hashes);

/// A set held as binary digests with the byte offset of the line (or record) each came
/// from: lists and CSVs. A hit's entry is read back from the file at that offset, so memory
/// holds only the digests; a file changed or gone since loading gives
/// {"EntryUnavailable": reason}.
class FileBackedSet : public SetSource {
 public:
  std::optional<SetMatch> find(const pe::Hashes& hashes) const override;
  std::vector<std::string> notes() const override;

 protected:
  FileBackedSet(const std::filesystem::path& path, const std::string& display)
      : path_(path), display_(display) {}
  /// Reads the entry at the file's position into `entry`; false when what is there no
  /// longer holds `digest` (the file changed since it was loaded).
  virtual bool read_entry(TextFile& file, Algorithm algorithm, const DigestBytes& digest,
                          nlohmann::ordered_json& entry) const = 0;

  std::filesystem::path path_;
  std::string display_;
  DigestTable table_;
  ProblemCount problems_;
};

/// Where a CSV set's header and data are.
struct CsvLayout {
  std::vector<std::string> header;
  std::vector<std::size_t> hash_columns;  ///< indexes into header
  std::uint64_t data_offset = 0;
  std::uint64_t data_line = 1;
};

/// Whether the text file (read from its start) is a CSV with a hash column: its first line
/// that is neither blank nor a '#' comment names one (md5, md5_hash, sha1, sha1_hash, sha-1,
/// sha256, sha256_hash, sha-256, any case), or the '#' comment line just before it does
/// and lists at least two columns (MalwareBazaar writes its header as "# "first_seen_utc",
/// ..."). std::nullopt for a list. Throws ArtifactError when that first line has commas and
/// does not start with a hash but no header names a hash column.
std::optional<CsvLayout> detect_csv(TextFile& file);

std::unique_ptr<SetSource> open_list(const std::filesystem::path& path, const std::string& display);
std::unique_ptr<SetSource> open_csv(const std::filesystem::path& path, const std::string& display,
                                    CsvLayout layout);
std::unique_ptr<SetSource> open_nsrl(const std::filesystem::path& path, const std::string& display);

/// Longest line or CSV record kept, in bytes; longer ones are counted as problems.
inline constexpr std::size_t kMaxLineBytes = 1024 * 1024;

}  // namespace sqltriage::hashsets::detail
