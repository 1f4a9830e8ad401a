// One CSV record at a time, for every reader of CSV exports (hash sets, noise lists): RFC 4180
// (comma-separated, fields optionally in double quotes, "" for a quote inside quotes, CRLF or
// LF line ends, newlines allowed inside quotes).
// Lenient where exports differ: spaces around a quoted field are ignored, unquoted fields
// are trimmed. Bounded: a record keeps at most `max_bytes` bytes of field text and
// kMaxCsvFields fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::csv {

inline constexpr std::size_t kMaxCsvFields = 65536;

struct CsvRecordState {
  bool too_long = false;      ///< more than max_bytes or kMaxCsvFields: the rest was skipped
  bool unterminated = false;  ///< the file ended inside a quoted field
  bool stray_text = false;    ///< text after a closing quote (kept)
};

/// Reads the next record from `src` (anything with get() and peek() returning a byte or -1).
/// False when the source is already at its end.
template <typename Source>
bool read_csv_record(Source& src, std::vector<std::string>& fields, std::size_t max_bytes,
                     CsvRecordState& state) {
  fields.clear();
  state = {};
  if (src.peek() < 0) return false;
  std::size_t total = 0;
  auto append = [&](std::string& f, int c) {
    if (total < max_bytes) {
      f.push_back(static_cast<char>(c));
      ++total;
    } else {
      state.too_long = true;
    }
  };
  auto trim = [](std::string& f) {
    std::size_t b = f.find_first_not_of(" \t\r");
    std::size_t e = f.find_last_not_of(" \t\r");
    f = b == std::string::npos ? std::string() : f.substr(b, e - b + 1);
  };
  auto keep = [&](std::string&& f) {
    if (fields.size() < kMaxCsvFields)
      fields.push_back(std::move(f));
    else
      state.too_long = true;
  };
  for (;;) {
    std::string field;
    int c = src.get();
    while (c == ' ' || c == '\t') c = src.get();
    if (c == '"') {
      for (;;) {
        c = src.get();
        if (c < 0) {
          state.unterminated = true;
          break;
        }
        if (c == '"') {
          if (src.peek() == '"') {
            src.get();
            append(field, '"');
            continue;
          }
          c = src.get();
          break;
        }
        append(field, c);
      }
      while (c == ' ' || c == '\t' || c == '\r') c = src.get();
      while (c >= 0 && c != ',' && c != '\n') {
        state.stray_text = true;
        append(field, c);
        c = src.get();
      }
      keep(std::move(field));
    } else {
      while (c >= 0 && c != ',' && c != '\n') {
        append(field, c);
        c = src.get();
      }
      trim(field);
      keep(std::move(field));
    }
    if (c != ',') return true;  // '\n' or end of file
  }
}

/// A string as a source for read_csv_record.
class StringSource {
 public:
  explicit StringSource(std::string_view s) : s_(s) {}
  int get() { return i_ < s_.size() ? static_cast<unsigned char>(s_[i_++]) : -1; }
  int peek() const { return i_ < s_.size() ? static_cast<unsigned char>(s_[i_]) : -1; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace sqltriage::csv
