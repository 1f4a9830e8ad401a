// evtx::Reader against two independent parsers, on every EVTX file of the shared corpus.
//
// Reference data (tests/reference/, see its README.md) was recorded from libevtx's evtxexport
// 20181227 (every record: EventRecordID and EventID, per-EventID counts, exit status) and from
// python-evtx 0.6.1 (full System fields and EventData/UserData of sampled records).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sqltriage/error.hpp"
#include "sqltriage/evtx.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using sqltriage::ArtifactError;
using sqltriage::evtx::Event;
using sqltriage::evtx::Reader;
using Json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Reference data

fs::path reference_dir() { return sqltriage::test::source_dir() / "tests" / "reference"; }

std::vector<std::vector<std::string>> read_tsv(const fs::path& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> cells = sqltriage::test::split_tabs(line);
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::uint64_t to_u64(const std::string& s) { return std::stoull(s); }

/// One line of evtxexport/summary.tsv.
struct ExportSummary {
  std::uint64_t size = 0;
  int exit_status = 0;
  std::optional<std::size_t> indexed;  // evtxinfo's record count for the mode
  std::size_t records = 0;
  std::string counts;  // "id:n,id:n", sorted by id
  std::string message;
};

struct FileReference {
  ExportSummary items, recovered;
};

const std::map<std::string, FileReference>& export_summaries() {
  static const std::map<std::string, FileReference> table = [] {
    std::map<std::string, FileReference> t;
    auto rows = read_tsv(reference_dir() / "evtxexport" / "summary.tsv");
    for (std::size_t i = 1; i < rows.size(); ++i) {  // row 0 is the header
      const auto& r = rows[i];
      if (r.size() < 8) throw std::runtime_error("summary.tsv: short line " + std::to_string(i));
      ExportSummary s;
      s.size = to_u64(r[1]);
      s.exit_status = std::stoi(r[3]);
      if (!r[4].empty()) s.indexed = static_cast<std::size_t>(to_u64(r[4]));
      s.records = static_cast<std::size_t>(to_u64(r[5]));
      s.counts = r[6];
      s.message = r[7];
      (r[2] == "items" ? t[r[0]].items : t[r[0]].recovered) = s;
    }
    return t;
  }();
  return table;
}

/// (EventRecordID, EventID) of one record.
using Ids = std::pair<std::uint64_t, std::uint16_t>;

std::vector<Ids> export_ids(const std::string& file, bool recovered) {
  std::vector<Ids> ids;
  auto path = reference_dir() / "evtxexport" / (file + (recovered ? ".recovered.tsv" : ".tsv"));
  for (const auto& r : read_tsv(path))
    ids.emplace_back(to_u64(r.at(0)), static_cast<std::uint16_t>(to_u64(r.at(1))));
  return ids;
}

/// One line of pyevtx_files.tsv.
struct PyevtxSummary {
  std::size_t records = 0, failures = 0, unidentified = 0;
  std::string counts;
};

std::optional<PyevtxSummary> pyevtx_summary(const std::string& file) {
  static const std::map<std::string, PyevtxSummary> table = [] {
    std::map<std::string, PyevtxSummary> t;
    auto rows = read_tsv(reference_dir() / "pyevtx_files.tsv");
    for (std::size_t i = 1; i < rows.size(); ++i) {  // row 0 is the header
      const auto& r = rows[i];
      if (r.size() < 8)
        throw std::runtime_error("pyevtx_files.tsv: short line " + std::to_string(i));
      t[r[0]] = {static_cast<std::size_t>(to_u64(r[3])), static_cast<std::size_t>(to_u64(r[4])),
                 static_cast<std::size_t>(to_u64(r[5])), r[7]};
    }
    return t;
  }();
  auto it = table.find(file);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

/// Records python-evtx rendered with an EventRecordID (pyevtx/<file>.tsv, written only for
/// files where it failed on or could not identify some record).
std::vector<Ids> pyevtx_ids(const std::string& file) {
  std::vector<Ids> ids;
  for (const auto& r : read_tsv(reference_dir() / "pyevtx" / (file + ".tsv"))) {
    if (r.size() >= 3 && !r[1].empty() && !r[2].empty())
      ids.emplace_back(to_u64(r[1]), static_cast<std::uint16_t>(to_u64(r[2])));
  }
  return ids;
}

std::string counts_text(const std::vector<Ids>& ids) {
  std::map<std::uint16_t, std::size_t> counts;
  for (const auto& [rid, eid] : ids) ++counts[eid];
  std::string s;
  for (const auto& [eid, n] : counts) {
    if (!s.empty()) s += ',';
    s.append(std::to_string(eid)).append(":").append(std::to_string(n));
  }
  return s;
}

std::string describe(const Ids& ids) {
  return "(EventRecordID " + std::to_string(ids.first) + ", EventID " + std::to_string(ids.second) +
         ")";
}

/// Empty when equal, else where the two sequences first part.
std::string first_difference(const std::vector<Ids>& ours, const std::vector<Ids>& theirs) {
  std::size_t n = std::min(ours.size(), theirs.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (ours[i] != theirs[i])
      return "position " + std::to_string(i) + ": reader " + describe(ours[i]) + ", reference " +
             describe(theirs[i]);
  }
  if (ours.size() != theirs.size())
    return "reader has " + std::to_string(ours.size()) + " records, reference " +
           std::to_string(theirs.size());
  return {};
}

// ---------------------------------------------------------------------------------------------
// Reading a corpus file once with the reader (shared by the test cases)

/// Where the reader says the file is: deliberately not the host path, so a reader that names
/// the host path instead of the display path in its errors is caught.
std::string display_path(const std::string& file) { return "C:\\Evidence\\winevt\\Logs\\" + file; }

struct ReadRecord {
  Ids ids;
  std::size_t index = 0;
  bool recovered = false;
};

struct FileRead {
  bool opened = false;
  std::string open_error;        // what() when the constructor threw ArtifactError
  bool open_error_named = true;  // ... and named the display path (what() and path())
  std::size_t record_count = 0, recovered_count = 0;
  std::vector<ReadRecord> items, recovered;
  std::vector<std::string> item_errors, recovered_errors;  // what() of ArtifactErrors
  std::vector<std::string> unnamed_errors;  // ArtifactErrors not naming the display path
  std::vector<std::string> other_exceptions;
  double seconds = 0;
};

bool names_file(const ArtifactError& e, const std::string& display) {
  return std::string(e.what()).find(display) != std::string::npos && e.path() == display;
}

bool keep_all(std::uint16_t, std::string_view, sqltriage::Filetime) { return true; }

const FileRead& read_all(const fs::path& corpus, const std::string& file) {
  static std::map<std::string, FileRead> cache;
  if (auto it = cache.find(file); it != cache.end()) return it->second;
  FileRead fr;
  const std::string display = display_path(file);
  const auto started = std::chrono::steady_clock::now();
  try {
    Reader reader(corpus / file, display);
    fr.opened = true;
    fr.record_count = reader.record_count();
    fr.recovered_count = reader.recovered_count();
    for (bool recovered : {false, true}) {
      const std::size_t n = recovered ? fr.recovered_count : fr.record_count;
      for (std::size_t i = 0; i < n; ++i) {
        try {
          auto e = reader.read(i, recovered, keep_all);
          if (!e) {
            fr.other_exceptions.push_back("keep-all prefilter, yet no record at index " +
                                          std::to_string(i));
            continue;
          }
          (recovered ? fr.recovered : fr.items)
              .push_back({{e->record_id, e->event_id}, i, recovered});
        } catch (const ArtifactError& e) {
          (recovered ? fr.recovered_errors : fr.item_errors).push_back(e.what());
          if (!names_file(e, display)) fr.unnamed_errors.push_back(e.what());
        } catch (const std::exception& e) {
          fr.other_exceptions.push_back(std::string(recovered ? "recovered " : "") + "index " +
                                        std::to_string(i) + ": " + e.what());
        }
      }
    }
  } catch (const ArtifactError& e) {
    fr.opened = false;
    fr.open_error = e.what();
    fr.open_error_named = names_file(e, display);
  } catch (const std::exception& e) {
    fr.other_exceptions.push_back(std::string("constructor: ") + e.what());
  }
  fr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return cache.emplace(file, std::move(fr)).first->second;
}

std::vector<Ids> ids_of(const std::vector<ReadRecord>& records) {
  std::vector<Ids> ids;
  ids.reserve(records.size());
  for (const auto& r : records) ids.push_back(r.ids);
  return ids;
}

std::string joined(const std::vector<std::string>& v, std::size_t max = 3) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) s += "\n  " + v[i];
  if (v.size() > max) s += "\n  ... (" + std::to_string(v.size() - max) + " more)";
  return s;
}

bool file_size_matches(const fs::path& corpus, const std::string& file, std::uint64_t size) {
  std::error_code ec;
  auto actual = fs::file_size(corpus / file, ec);
  return !ec && actual == size;
}

// The five files one or both reference parsers fail on or that are damaged on purpose.
const std::set<std::string>& damaged_files() {
  static const std::set<std::string> s = {
      "omer_issue_201.evtx",                                    // both parsers fail
      "mdec_ID1149-RDP_success_logins_to_multiple_hosts.evtx",  // both parsers fail
      "plaso_SysEvent_legacy.Evt",                              // not EVTX at all
      "plaso_System2_truncated.evtx",                           // cut at 200000 bytes
      "omer_sample_with_a_bad_chunk_magic.evtx",                // chunks with broken magic
  };
  return s;
}

// ---------------------------------------------------------------------------------------------
// How python-evtx's text relates to libevtx's (documented in tests/reference/README.md)

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_guid_text(std::string_view s) {
  static const std::regex re(
      R"(\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})");
  return std::regex_match(s.begin(), s.end(), re);
}

std::optional<std::string> hex_bytes(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nib(s[i]), lo = nib(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> base64_bytes(std::string_view s) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (s.empty() || s.size() % 4 != 0) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : s) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return std::nullopt;
    auto p = alphabet.find(c);
    if (p == std::string::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

// python-evtx drops these code points from text (Views.RESTRICTED_CHARS); libevtx keeps them.
std::string without_restricted_chars(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool drop =
        (c >= 0x01 && c <= 0x08) || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F) || c == 0x7F;
    // U+0080..U+0084 and U+0086..U+009F are C2 80..C2 84, C2 86..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((d >= 0x80 && d <= 0x84) || (d >= 0x86 && d <= 0x9F)) {
        ++i;
        continue;
      }
    }
    if (!drop) out.push_back(s[i]);
  }
  return out;
}

/// Whether libevtx's text `ours` and python-evtx's text `py` render the same value. Rules, each
/// narrow: exact; python-evtx strips control characters; GUIDs differ in case (libevtx upper,
/// python-evtx lower); booleans are "true"/"false" vs "True"/"False"; binary is hex vs
/// base64; FILETIME values are "...T..:..:..(9 digits)Z" vs "... ..:..:..(7 digits)" (python-
/// evtx as recorded, exact); an embedded binary-XML value that renders to nothing is empty vs
/// "\n" in python-evtx.
bool same_rendering(const std::string& ours, const std::string& py, std::string* rule = nullptr) {
  auto says = [&](const char* r) {
    if (rule) *rule = r;
    return true;
  };
  if (ours == py) return says("exact");
  if (without_restricted_chars(ours) == py) return says("control characters");
  if (is_guid_text(ours) && is_guid_text(py) && iequals(ours, py)) return says("GUID case");
  if ((iequals(ours, "true") || iequals(ours, "false")) && iequals(ours, py))
    return says("boolean case");
  if (auto a = hex_bytes(ours)) {
    if (auto b = base64_bytes(py); b && *a == *b) return says("hex vs base64");
  }
  static const std::regex lib_time(R"((\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d\.\d{7})00Z)");
  std::smatch m;
  if (std::regex_match(ours, m, lib_time) && py == m[1].str() + " " + m[2].str())
    return says("FILETIME text");
  if (ours.empty() && !py.empty() && py.find_first_not_of('\n') == std::string::npos)
    return says("empty embedded XML");
  return false;
}

/// A field as python-evtx gives it, reshaped the way libevtx shapes it.
struct ExpectedField {
  std::string name;
  std::string value;
  bool may_be_absent = false;  // python-evtx writes an empty element for a null substitution
};

bool is_unnamed_data(const std::string& name) {
  static const std::regex re(R"(Data\d+)");
  return std::regex_match(name, re);
}

/// python-evtx renders a string-array substitution as one <Data> whose text is
/// "<string>a</string>\n<string>b</string>\n"; libevtx writes one <Data> per string. python-
/// evtx also writes empty unnamed <Data>/<Binary> elements for null substitutions, which
/// libevtx (like Windows) leaves out. Unnamed items are renumbered Data1, Data2, ... after the
/// expansion.
std::vector<ExpectedField> reshape_pyevtx_fields(const Json& fields) {
  static const std::regex array_re(R"((<string>[^<]*</string>\n)+)");
  static const std::regex item_re(R"(<string>([^<]*)</string>\n)");
  std::vector<ExpectedField> out;
  int unnamed = 0;
  for (const auto& f : fields) {
    const std::string name = f.at(0).get<std::string>();
    const std::string value = f.at(1).get<std::string>();
    if (is_unnamed_data(name) && std::regex_match(value, array_re)) {
      for (std::sregex_iterator it(value.begin(), value.end(), item_re), end; it != end; ++it)
        out.push_back({"Data" + std::to_string(++unnamed), (*it)[1].str(), false});
      continue;
    }
    if (is_unnamed_data(name)) {
      out.push_back({"Data" + std::to_string(++unnamed), value, value.empty()});
      continue;
    }
    out.push_back({name, value, name == "Binary" && value.empty()});
  }
  return out;
}

/// Pairs our fields with python-evtx's; fills `problems` with what does not line up.
std::vector<std::pair<std::pair<std::string, std::string>, ExpectedField>> pair_fields(
    const std::vector<std::pair<std::string, std::string>>& ours,
    const std::vector<ExpectedField>& expected, std::vector<std::string>& problems) {
  std::vector<std::pair<std::pair<std::string, std::string>, ExpectedField>> pairs;
  auto kind = [](const std::string& n) { return is_unnamed_data(n) ? std::string("Data#") : n; };
  std::size_t j = 0;
  for (const auto& exp : expected) {
    if (j < ours.size() && kind(ours[j].first) == kind(exp.name)) {
      pairs.emplace_back(ours[j], exp);
      ++j;
    } else if (!exp.may_be_absent) {
      problems.push_back("python-evtx has field '" + exp.name + "' = '" + exp.value +
                         "' where the reader has " +
                         (j < ours.size() ? "'" + ours[j].first + "'" : "no more fields"));
      return pairs;
    }
  }
  for (; j < ours.size(); ++j)
    problems.push_back("the reader has an extra field '" + ours[j].first + "' = '" +
                       ours[j].second + "'");
  // Our unnamed items must be numbered Data1, Data2, ... in order.
  int unnamed = 0;
  for (const auto& [name, value] : ours) {
    if (is_unnamed_data(name) && name != "Data" + std::to_string(++unnamed))
      problems.push_back("unnamed item numbered '" + name + "', expected 'Data" +
                         std::to_string(unnamed) + "'");
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Time text, computed here from the FILETIME without the library's formatter

/// "YYYY-MM-DD hh:mm:ss.fffffff" (python-evtx's shape, 7 digits).
std::string filetime_text(std::uint64_t ft) {
  using namespace std::chrono;
  constexpr std::uint64_t ticks_per_day = 864'000'000'000ULL;
  const auto day = sys_days{year{1601} / January / 1} + days{static_cast<int>(ft / ticks_per_day)};
  const year_month_day ymd{day};
  std::uint64_t rest = ft % ticks_per_day;
  const auto secs = rest / 10'000'000ULL;
  const auto frac = rest % 10'000'000ULL;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02llu:%02llu:%02llu.%07llu",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<unsigned long long>(secs / 3600),
                static_cast<unsigned long long>(secs / 60 % 60),
                static_cast<unsigned long long>(secs % 60), static_cast<unsigned long long>(frac));
  return buf;
}

/// Compares a 7-digit time text with python-evtx's at the precision python-evtx gives
/// ("YYYY-MM-DD hh:mm:ss" with 0 to 7 fractional digits).
bool same_time_at_given_precision(const std::string& ours7, const std::string& py) {
  if (py.size() < 19 || ours7.size() < 27) return false;
  if (py.size() == 19) return ours7.compare(0, 19, py) == 0;
  return py[19] == '.' && py.size() <= 27 && ours7.compare(0, py.size(), py) == 0;
}

// ---------------------------------------------------------------------------------------------
// evtx::event_data against python-evtx's raw text

std::optional<std::uint64_t> integer_of(const std::string& raw) {
  std::string_view s = raw;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

/// Whether a typed event_data value stands for python-evtx's raw text: numbers as integers
/// parsed from the raw text (base 10, or 16 when 0x-prefixed); "0x" strings (logon ids) as hex
/// numbers, so case and leading zeros do not matter; GUIDs case-insensitively; other text by
/// same_rendering().
bool json_stands_for(const Json& v, const std::string& py, std::string& why) {
  if (v.is_number_integer()) {
    auto n = integer_of(py);
    if (!n) {
      why = "a number, but python-evtx's text is not one";
      return false;
    }
    if (v.get<std::uint64_t>() != *n) {
      why = "number " + v.dump() + " vs " + std::to_string(*n);
      return false;
    }
    return true;
  }
  if (v.is_boolean()) {
    if (iequals(py, v.get<bool>() ? "true" : "false")) return true;
    why = "boolean " + v.dump();
    return false;
  }
  if (!v.is_string()) {
    why = "unexpected JSON type " + std::string(v.type_name());
    return false;
  }
  const auto s = v.get<std::string>();
  if (same_rendering(s, py)) return true;
  if (s.size() > 2 && s.compare(0, 2, "0x") == 0 && py.size() > 2 &&
      (py.compare(0, 2, "0x") == 0 || py.compare(0, 2, "0X") == 0)) {
    auto a = integer_of(s), b = integer_of(py);
    if (a && b && *a == *b) return true;
  }
  why = "text '" + s + "'";
  return false;
}

/// The value(s) event_data gives under `name`: repeated names become arrays there.
std::vector<Json> values_under(const Json& data, const std::string& name) {
  auto it = data.find(name);
  if (it == data.end()) return {};
  if (it->is_array()) return std::vector<Json>(it->begin(), it->end());
  return {*it};
}

// Logon type names from Microsoft's documentation of event 4624.
std::optional<std::string> logon_type_name(std::uint64_t t) {
  static const std::map<std::uint64_t, std::string> names = {{0, "System"},
                                                             {2, "Interactive"},
                                                             {3, "Network"},
                                                             {4, "Batch"},
                                                             {5, "Service"},
                                                             {7, "Unlock"},
                                                             {8, "NetworkCleartext"},
                                                             {9, "NewCredentials"},
                                                             {10, "RemoteInteractive"},
                                                             {11, "CachedInteractive"}};
  auto it = names.find(t);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::vector<Json> load_samples() {
  std::vector<Json> samples;
  std::ifstream in(reference_dir() / "pyevtx_samples.jsonl");
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) samples.push_back(Json::parse(line));
  return samples;
}

}  // namespace

// =============================================================================================

TEST_CASE("evtx corpus: reference data is present and matches the corpus", "[evtx][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  const auto& summaries = export_summaries();
  REQUIRE(summaries.size() >= 20);
  // Every corpus file has reference data, recorded from this very file (same size).
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const auto name = entry.path().filename().string();
    INFO("corpus file " << name);
    auto it = summaries.find(name);
    REQUIRE(it != summaries.end());
    CHECK(it->second.items.size == entry.file_size());
    // Self-consistency: the per-record list gives the recorded counts.
    auto ids = export_ids(name, false);
    CHECK(ids.size() == it->second.items.records);
    CHECK(counts_text(ids) == it->second.items.counts);
  }
}

TEST_CASE("evtx corpus: every record evtxexport exports, in order, with the same EventID",
          "[evtx][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  for (const auto& [file, ref] : export_summaries()) {
    if (ref.items.exit_status != 0) continue;  // evtxexport could not read it: see below
    DYNAMIC_SECTION(file) {
      if (!file_size_matches(corpus, file, ref.items.size))
        FAIL("corpus file changed since the reference was recorded: " << file);
      const auto& fr = read_all(corpus, file);
      INFO(file << ": read in " << fr.seconds << " s");
      INFO("other exceptions:" << joined(fr.other_exceptions));
      REQUIRE(fr.other_exceptions.empty());
      REQUIRE(fr.opened);
      INFO("reader errors:" << joined(fr.item_errors));
      // evtxexport exported every record libevtx indexes; so must we, without errors.
      CHECK(fr.record_count == ref.items.records);
      if (ref.items.indexed) CHECK(fr.record_count == *ref.items.indexed);
      CHECK(fr.item_errors.empty());
      const auto ours = ids_of(fr.items);
      const auto theirs = export_ids(file, false);
      CHECK(first_difference(ours, theirs) == "");
      CHECK(counts_text(ours) == ref.items.counts);
      // Where python-evtx read every record, its per-EventID counts agree too.
      auto py = pyevtx_summary(file);
      REQUIRE(py.has_value());
      if (py->failures == 0 && py->unidentified == 0) CHECK(counts_text(ours) == py->counts);

      // Recovered records: evtxexport silently skips those libevtx cannot read; the reader
      // reports them as ArtifactErrors. The ones both read must be the same, in order.
      if (ref.recovered.indexed) CHECK(fr.recovered_count == *ref.recovered.indexed);
      CHECK(fr.recovered.size() + fr.recovered_errors.size() == fr.recovered_count);
      CHECK(first_difference(ids_of(fr.recovered), export_ids(file, true)) == "");
      INFO("errors not naming the file:" << joined(fr.unnamed_errors));
      CHECK(fr.unnamed_errors.empty());
    }
  }
}

TEST_CASE("evtx corpus: a legacy .Evt file is refused with an ArtifactError naming it",
          "[evtx][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  const std::string file = "plaso_SysEvent_legacy.Evt";
  REQUIRE(fs::exists(corpus / file));
  const auto& fr = read_all(corpus, file);
  INFO("other exceptions:" << joined(fr.other_exceptions));
  CHECK(fr.other_exceptions.empty());
  CHECK_FALSE(fr.opened);
  INFO("what(): " << fr.open_error);
  CHECK(fr.open_error.find(display_path(file)) != std::string::npos);
  CHECK(fr.open_error_named);
  // evtxexport refuses it as well.
  CHECK(export_summaries().at(file).items.exit_status != 0);
}

TEST_CASE("evtx corpus: damaged files fail record by record, and what is read agrees",
          "[evtx][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  for (const auto& file : damaged_files()) {
    DYNAMIC_SECTION(file) {
      REQUIRE(fs::exists(corpus / file));
      const auto& fr = read_all(corpus, file);
      INFO(file << ": opened " << fr.opened << ", " << fr.items.size() << " records + "
                << fr.recovered.size() << " recovered read, " << fr.item_errors.size() << " + "
                << fr.recovered_errors.size() << " errors, " << fr.seconds << " s");
      INFO("first errors:" << joined(fr.item_errors));
      // No other exception type escapes, every failure names the file, and it is quick.
      INFO("other exceptions:" << joined(fr.other_exceptions));
      CHECK(fr.other_exceptions.empty());
      INFO("errors not naming the file:" << joined(fr.unnamed_errors));
      CHECK(fr.unnamed_errors.empty());
      if (!fr.opened) CHECK(fr.open_error_named);
      CHECK(fr.seconds < 20.0);
      const auto& ref = export_summaries().at(file);
      if (fr.opened) {
        // The reader offers what libevtx indexes (evtxinfo's counts) and accounts for each.
        if (ref.items.indexed) CHECK(fr.record_count == *ref.items.indexed);
        if (ref.recovered.indexed) CHECK(fr.recovered_count == *ref.recovered.indexed);
        CHECK(fr.items.size() + fr.item_errors.size() == fr.record_count);
        CHECK(fr.recovered.size() + fr.recovered_errors.size() == fr.recovered_count);
      }

      // Every record read that evtxexport or python-evtx also has must carry the same EventID.
      std::map<std::uint64_t, std::set<std::uint16_t>> known;
      for (const auto& ids : export_ids(file, false)) known[ids.first].insert(ids.second);
      for (const auto& ids : export_ids(file, true)) known[ids.first].insert(ids.second);
      for (const auto& ids : pyevtx_ids(file)) known[ids.first].insert(ids.second);
      std::size_t confirmed = 0, unconfirmed = 0;
      for (const auto* list : {&fr.items, &fr.recovered}) {
        for (const auto& r : *list) {
          auto it = known.find(r.ids.first);
          if (it == known.end()) {
            ++unconfirmed;
            continue;
          }
          INFO((r.recovered ? "recovered index " : "index ") << r.index << " " << describe(r.ids));
          CHECK(it->second.count(r.ids.second) == 1);
          ++confirmed;
        }
      }
      if (unconfirmed > 0)
        WARN(file << ": " << unconfirmed << " records neither reference parser has; " << confirmed
                  << " confirmed");
      // Where evtxexport read the whole file, the reader reads the same records.
      if (ref.items.exit_status == 0 && fr.opened)
        CHECK(first_difference(ids_of(fr.items), export_ids(file, false)) == "");
    }
  }
}

TEST_CASE("evtx corpus: sampled records equal python-evtx's reading", "[evtx][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "evtx");
  const auto samples = load_samples();
  REQUIRE(samples.size() >= 100);

  std::map<std::string, std::vector<const Json*>> by_file;
  for (const auto& s : samples) by_file[s.at("file").get<std::string>()].push_back(&s);

  for (const auto& [file, file_samples] : by_file) {
    DYNAMIC_SECTION(file) {
      const auto& fr = read_all(corpus, file);
      REQUIRE(fr.opened);
      Reader reader(corpus / file, display_path(file));
      std::map<std::uint64_t, const ReadRecord*> where;
      for (const auto* list : {&fr.items, &fr.recovered})
        for (const auto& r : *list) where.emplace(r.ids.first, &r);  // items win over recovered
      std::set<std::uint64_t> in_evtxexport;
      for (const auto& ids : export_ids(file, false)) in_evtxexport.insert(ids.first);
      for (const auto& ids : export_ids(file, true)) in_evtxexport.insert(ids.first);

      for (const Json* sp : file_samples) {
        const Json& py = *sp;
        const auto record_id = py.at("EventRecordID").get<std::uint64_t>();
        INFO(file << " EventRecordID " << record_id << " (" << py.at("why").get<std::string>()
                  << ")");
        auto it = where.find(record_id);
        if (it == where.end()) {
          // Only acceptable where evtxexport does not have the record either.
          CHECK(in_evtxexport.count(record_id) == 0);
          continue;
        }
        auto got = reader.read(it->second->index, it->second->recovered, keep_all);
        REQUIRE(got.has_value());
        const Event& e = *got;

        // System fields.
        CHECK(e.record_id == record_id);
        CHECK(e.event_id == py.at("EventID").get<std::uint16_t>());
        if (py.at("Qualifiers").is_null()) {
          CHECK_FALSE(e.qualifiers.has_value());
        } else {
          REQUIRE(e.qualifiers.has_value());
          CHECK(*e.qualifiers == py.at("Qualifiers").get<std::uint16_t>());
        }
        const auto py_time = py.at("TimeCreated").get<std::string>();
        const auto our_time = filetime_text(e.time_created);
        INFO("TimeCreated: reader " << our_time << ", python-evtx " << py_time);
        CHECK(same_time_at_given_precision(our_time, py_time));
        CHECK(e.provider == py.at("Provider").get<std::string>());
        CHECK(e.channel == py.at("Channel").get<std::string>());
        CHECK(e.computer == py.at("Computer").get<std::string>());
        if (py.at("Level").is_null()) {
          CHECK_FALSE(e.level.has_value());
        } else {
          REQUIRE(e.level.has_value());
          CHECK(static_cast<int>(*e.level) == py.at("Level").get<int>());
        }
        CHECK(e.user_id == py.at("UserID").get<std::string>());
        CHECK(e.data_section == py.at("DataSection").get<std::string>());

        // The event's own fields: names in order, values as rendered text.
        std::vector<std::string> problems;
        const auto expected = reshape_pyevtx_fields(py.at("Fields"));
        const auto pairs = pair_fields(e.fields, expected, problems);
        for (const auto& [mine, theirs] : pairs) {
          if (!same_rendering(mine.second, theirs.value)) {
            problems.push_back("field '" + mine.first + "': reader '" + mine.second +
                               "', python-evtx '" + theirs.value + "'");
          }
        }
        INFO("field problems:" << joined(problems, 10));
        CHECK(problems.empty());

        // event_data(e): System keys, then every field, typed.
        const Json data = sqltriage::evtx::event_data(e);
        std::vector<std::string> data_problems;
        auto system_value = [&](const std::string& key) -> std::optional<Json> {
          auto vs = values_under(data, key);
          if (vs.empty()) return std::nullopt;
          return vs.front();  // System keys are written first
        };
        auto check_system = [&](const std::string& key, const std::string& py_raw) {
          auto v = system_value(key);
          std::string why;
          if (!v)
            data_problems.push_back("no '" + key + "'");
          else if (!json_stands_for(*v, py_raw, why))
            data_problems.push_back("'" + key + "': " + why + ", python-evtx '" + py_raw + "'");
        };
        check_system("EventID", std::to_string(py.at("EventID").get<int>()));
        check_system("EventRecordID", std::to_string(record_id));
        check_system("Provider", py.at("Provider").get<std::string>());
        check_system("Channel", py.at("Channel").get<std::string>());
        check_system("Computer", py.at("Computer").get<std::string>());
        if (!py.at("Level").is_null())
          check_system("Level", std::to_string(py.at("Level").get<int>()));
        if (!py.at("Qualifiers").is_null())
          check_system("Qualifiers", std::to_string(py.at("Qualifiers").get<int>()));
        else if (system_value("Qualifiers"))
          data_problems.push_back("'Qualifiers' present, python-evtx has none");
        if (!py.at("UserID").get<std::string>().empty())
          check_system("UserID", py.at("UserID").get<std::string>());
        if (auto t = system_value("TimeCreated"); !t || !t->is_string()) {
          data_problems.push_back("no TimeCreated text");
        } else {
          // "YYYY-MM-DDThh:mm:ss.fffffffZ" in the findings document.
          auto text = t->get<std::string>();
          if (text.size() == 28 && text[10] == 'T' && text.back() == 'Z') {
            text[10] = ' ';
            text.pop_back();
          }
          if (!same_time_at_given_precision(text, py_time))
            data_problems.push_back("'TimeCreated' " + t->get<std::string>() + " vs " + py_time);
        }

        // Fields: the k-th occurrence of a name is the k-th of its values. A field named like
        // a System key (System 104's UserData "Channel") is "<Section>.<Name>"; should it
        // share the System key instead, its values come after the System value.
        std::map<std::string, std::vector<std::string>> py_values;
        for (const auto& [mine, theirs] : pairs) py_values[mine.first].push_back(theirs.value);
        const std::string section = py.at("DataSection").get<std::string>();
        for (const auto& [name, raws] : py_values) {
          const std::string prefixed = (section.empty() ? "EventData" : section) + "." + name;
          auto vs = values_under(data, data.contains(prefixed) ? prefixed : name);
          if (vs.size() < raws.size()) {
            data_problems.push_back("'" + name + "': " + std::to_string(vs.size()) +
                                    " values, python-evtx has " + std::to_string(raws.size()));
            continue;
          }
          const std::size_t skip = vs.size() - raws.size();
          for (std::size_t k = 0; k < raws.size(); ++k) {
            std::string why;
            if (!json_stands_for(vs[skip + k], raws[k], why))
              data_problems.push_back("'" + name + "': " + why + ", python-evtx '" + raws[k] + "'");
          }
          const std::string& raw = raws.front();
          if (name == "Hashes") {
            // "SHA1=...,MD5=...,SHA256=...,IMPHASH=...": each part under its own key.
            std::stringstream parts(raw);
            std::string part;
            while (std::getline(parts, part, ',')) {
              auto eq = part.find('=');
              if (eq == std::string::npos) continue;
              const auto key = part.substr(0, eq), value = part.substr(eq + 1);
              auto hv = values_under(data, key);
              if (hv.empty() || !hv.back().is_string() || hv.back().get<std::string>() != value)
                data_problems.push_back("Hashes part '" + key + "' should be '" + value + "'");
            }
          }
          if (name == "LogonType") {
            if (auto t = integer_of(raw)) {
              if (auto label = logon_type_name(*t)) {
                auto lv = values_under(data, "LogonTypeName");
                if (lv.empty() || !lv.back().is_string() || lv.back().get<std::string>() != *label)
                  data_problems.push_back("LogonTypeName for " + raw + " should be " + *label);
              }
            }
          }
        }
        INFO("event_data: " << data.dump());
        INFO("event_data problems:" << joined(data_problems, 10));
        CHECK(data_problems.empty());
      }
    }
  }
}
