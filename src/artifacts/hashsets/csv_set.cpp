// CSV hash sets with a header row naming the hash columns (e.g. MalwareBazaar exports).
// Every hash column of a row is indexed; the row's columns, by header name, are the entry.
#include <algorithm>
#include <array>
#include <cctype>

#include "artifacts/hashsets/digest_table.hpp"
#include "artifacts/hashsets/set_source.hpp"
#include "core/csv.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::hashsets::detail {

using csv::CsvRecordState;
using csv::read_csv_record;
using csv::StringSource;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_hash_column(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "md5", "md5_hash", "sha1", "sha1_hash", "sha-1", "sha256", "sha256_hash", "sha-256"};
  std::string l = lower(name);
  return std::find(kNames.begin(), kNames.end(), l) != kNames.end();
}

std::vector<std::size_t> hash_columns(const std::vector<std::string>& header) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (is_hash_column(header[i])) out.push_back(i);
  return out;
}

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

void skip_bom(TextFile& f) {
  if (f.peek() != 0xEF) return;
  f.get();
  if (f.get() == 0xBB && f.get() == 0xBF) return;
  f.seek(0);
}

bool starts_with_digest(std::string_view line) {
  std::string_view token = line.substr(0, line.find_first_of(" \t,;"));
  Algorithm a{};
  DigestBytes d{};
  return parse_hex_digest(token, a, d);
}

class CsvSet final : public FileBackedSet {
 public:
  CsvSet(const std::filesystem::path& path, const std::string& display, CsvLayout layout)
      : FileBackedSet(path, display), layout_(std::move(layout)) {
    TextFile f(path, display);
    f.seek(layout_.data_offset, layout_.data_line);
    std::vector<std::string> fields;
    CsvRecordState state;
    std::string skipped;
    for (;;) {
      std::uint64_t number = f.line();
      std::uint64_t start = f.offset();
      int first = f.peek();
      if (first < 0) break;
      if (first == '#' || first == '\n' || first == '\r') {  // comment or blank line
        bool too_long = false;
        f.read_line(skipped, 0, too_long);
        continue;
      }
      if (!read_csv_record(f, fields, kMaxLineBytes, state)) break;
      if (fields.size() == 1 && fields[0].empty()) continue;
      if (state.too_long || state.unterminated) {
        problems_.note(number, state.too_long ? "record longer than " +
                                                    std::to_string(kMaxLineBytes) + " bytes"
                                              : "quoted field not closed before the end");
        continue;
      }
      if (fields.size() != layout_.header.size()) {
        problems_.note(number, std::to_string(fields.size()) + " fields, the header has " +
                                   std::to_string(layout_.header.size()));
        continue;
      }
      bool any = false, bad = false;
      for (std::size_t column : layout_.hash_columns) {
        std::string_view value = trim(fields[column]);
        if (value.empty() || lower(value) == "n/a") continue;
        Algorithm a{};
        DigestBytes d{};
        if (parse_hex_digest(value, a, d)) {
          table_.add(a, d, start);
          any = true;
        } else {
          bad = true;
        }
      }
      if (bad || !any)
        problems_.note(number, bad ? "a hash column holds something else than an MD5, SHA-1 "
                                     "or SHA-256 hash"
                                   : "no hash in the hash columns");
    }
    if (table_.size() == 0)
      throw ArtifactError(display, "no MD5, SHA-1 or SHA-256 hash in the CSV's hash columns" +
                                       (problems_.count ? "; " + problems_.text() : ""));
    table_.finish();
  }

  std::string_view format() const override { return "csv"; }

  bool read_entry(TextFile& f, Algorithm algorithm, const DigestBytes& digest,
                  nlohmann::ordered_json& entry) const override {
    std::vector<std::string> fields;
    CsvRecordState state;
    if (!read_csv_record(f, fields, kMaxLineBytes, state) ||
        fields.size() != layout_.header.size() || !holds(fields, algorithm, digest))
      return false;
    for (std::size_t i = 0; i < fields.size(); ++i) entry[layout_.header[i]] = fields[i];
    return true;
  }

  bool holds(const std::vector<std::string>& fields, Algorithm algorithm,
             const DigestBytes& digest) const {
    for (std::size_t column : layout_.hash_columns) {
      Algorithm a{};
      DigestBytes d{};
      if (parse_hex_digest(trim(fields[column]), a, d) && a == algorithm && d == digest)
        return true;
    }
    return false;
  }

 private:
  CsvLayout layout_;
};

}  // namespace

std::optional<CsvLayout> detect_csv(TextFile& f) {
  skip_bom(f);
  std::string line, last_comment;
  bool too_long = false;
  for (;;) {
    std::uint64_t number = f.line();
    std::uint64_t start = f.offset();
    if (!f.read_line(line, kMaxLineBytes, too_long)) return std::nullopt;
    std::string_view t = trim(line);
    if (t.empty()) continue;
    if (t.front() == '#') {
      last_comment = std::string(trim(t.substr(1)));
      continue;
    }
    // The first line that is neither blank nor a comment.
    CsvLayout layout;
    f.seek(start, number);
    CsvRecordState state;
    read_csv_record(f, layout.header, kMaxLineBytes, state);
    layout.hash_columns = hash_columns(layout.header);
    if (!layout.hash_columns.empty()) {
      layout.data_offset = f.offset();
      layout.data_line = f.line();
      return layout;
    }
    if (starts_with_digest(t) && t.find(',') == std::string_view::npos) return std::nullopt;
    if (!last_comment.empty()) {
      StringSource src(last_comment);
      CsvLayout from_comment;
      read_csv_record(src, from_comment.header, kMaxLineBytes, state);
      from_comment.hash_columns = hash_columns(from_comment.header);
      if (from_comment.header.size() >= 2 && !from_comment.hash_columns.empty()) {
        from_comment.data_offset = start;
        from_comment.data_line = number;
        return from_comment;
      }
    }
    if (starts_with_digest(t) || t.find(',') == std::string_view::npos) return std::nullopt;
    throw ArtifactError(f.display(), "CSV header at line " + std::to_string(number) +
                                         " names no hash column (md5, md5_hash, sha1, "
                                         "sha1_hash, sha256 or sha256_hash)");
  }
}

std::unique_ptr<SetSource> open_csv(const std::filesystem::path& path, const std::string& display,
                                    CsvLayout layout) {
  return std::make_unique<CsvSet>(path, display, std::move(layout));
}

}  // namespace sqltriage::hashsets::detail
