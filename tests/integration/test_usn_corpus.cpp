// The USN change journal reader on real $J samples:
// - dfir_ntfs_usnjrnlj.bin against the text Windows' `fsutil usn readjournal` printed for the
//   same journal (dfir_ntfs_usnjrnlj.fsutil.txt beside it), record by record;
// - plaso_UsnJrnl.raw against the values plaso's own test suite asserts for it, and the
//   structure of the create/rename sequence it holds;
// - the same records behind a 32 MiB hole of a sparse host file, and damaged copies.
#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/usn.hpp"
#include "support.hpp"

namespace usn = sqltriage::usn;
using sqltriage::ErrorEntry;

namespace {

struct Result {
  std::vector<usn::Record> records;
  std::vector<ErrorEntry> errors;
  usn::ScanStats stats;
};

Result scan_file(const std::filesystem::path& path) {
  Result r;
  const auto src = sqltriage::open_host_file(path);
  r.stats = usn::scan(
      *src, path.filename().string(), [&](const usn::Record& rec) { r.records.push_back(rec); },
      [&](ErrorEntry e) { r.errors.push_back(std::move(e)); });
  return r;
}

std::vector<std::uint8_t> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// --- fsutil usn readjournal text ---------------------------------------------------------

// One record as fsutil prints it: "Key   : value" lines, and for V4 the extents as
// "    [n: offset, length]" lines.
struct FsutilRecord {
  std::map<std::string, std::string> fields;
  struct Extent {
    int index;
    std::int64_t offset;
    std::int64_t length;
  };
  std::vector<Extent> extents;
  const std::string& at(const std::string& key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) FAIL("fsutil record has no " << key);
    return it->second;
  }
  bool has(const std::string& key) const { return fields.count(key) != 0; }
};

struct FsutilJournal {
  std::map<std::string, std::string> header;  // "Next USN", "First USN", ...
  std::vector<FsutilRecord> records;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

FsutilJournal parse_fsutil(const std::filesystem::path& path) {
  std::ifstream in(path);
  FsutilJournal j;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line == "Extents           :" || line == "Extents :") continue;
    if (line.front() == '[') {  // "[1: 0, 2228224]"
      REQUIRE(!j.records.empty());
      FsutilRecord::Extent e{};
      REQUIRE(std::sscanf(line.c_str(), "[%d: %ld, %ld]", &e.index, &e.offset, &e.length) == 3);
      j.records.back().extents.push_back(e);
      continue;
    }
    const auto colon = line.find(" : ");
    if (colon == std::string::npos) {  // "Extents           :" with other padding
      REQUIRE(line.rfind("Extents", 0) == 0);
      continue;
    }
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 3));
    if (key == "Usn") j.records.emplace_back();  // a V4 block has no blank line after it
    if (j.records.empty())
      j.header[key] = value;
    else
      j.records.back().fields[key] = value;
  }
  return j;
}

// "0x80000100: File create | Close" -> value and the phrases.
std::pair<std::uint32_t, std::vector<std::string>> flags(const std::string& text) {
  const auto colon = text.find(": ");
  REQUIRE(colon != std::string::npos);
  const auto value = static_cast<std::uint32_t>(std::stoul(text.substr(0, colon), nullptr, 16));
  std::vector<std::string> names;
  std::string rest = text.substr(colon + 2);
  if (rest == "*NONE*") return {value, names};
  std::size_t at = 0;
  while (true) {
    const auto bar = rest.find(" | ", at);
    names.push_back(rest.substr(at, bar - at));
    if (bar == std::string::npos) break;
    at = bar + 3;
  }
  return {value, names};
}

// fsutil's phrase and a constant's name, both reduced to lower-case words:
// "Rename: old name" and "USN_REASON_RENAME_OLD_NAME" both give "rename old name".
std::string words_of_phrase(const std::string& phrase) {
  std::string out;
  for (char c : phrase)
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string words_of_constant(std::string name, const std::string& prefix) {
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (char& c : name)
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}
std::vector<std::string> words(const std::vector<std::string>& names, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(words_of_constant(n, prefix));
  return out;
}

std::string hex128(std::uint64_t low) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", 0ull, static_cast<unsigned long long>(low));
  return buf;
}

// "1/22/2019 21:36:10" (M/D/YYYY H:MM:SS, UTC here) -> Unix seconds.
std::int64_t fsutil_time(const std::string& text) {
  int month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
  REQUIRE(std::sscanf(text.c_str(), "%d/%d/%d %d:%d:%d", &month, &day, &year, &hour, &minute,
                      &second) == 6);
  char iso[40];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute,
                second);
  const auto ft = sqltriage::parse_iso8601(iso);
  REQUIRE(ft.has_value());
  return sqltriage::filetime_to_unix_seconds(*ft);
}

}  // namespace

TEST_CASE("usn corpus: dfir_ntfs_usnjrnlj.bin equals fsutil usn readjournal", "[usn][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(bin, "ntfs/dfir_ntfs_usnjrnlj.bin");
  SQLTRIAGE_REQUIRE_CORPUS(text, "ntfs/dfir_ntfs_usnjrnlj.fsutil.txt");
  const FsutilJournal ref = parse_fsutil(text);
  const Result got = scan_file(bin);
  CHECK(got.errors.empty());
  CHECK(got.stats.damaged == 0);
  REQUIRE(ref.records.size() == 268);

  // fsutil read the journal up to its "Next USN" at that moment; the records the sample holds
  // beyond it were written afterwards. None may be missing before it, none invented.
  const std::int64_t next_usn = std::stoll(ref.header.at("Next USN"));
  // The records beyond it all come after the ones fsutil listed.
  std::vector<const usn::Record*> before;
  bool past_next = false;
  for (const auto& r : got.records) {
    if (r.usn >= next_usn) past_next = true;
    if (!past_next) before.push_back(&r);
    CHECK(past_next == (r.usn >= next_usn));
  }
  // MANIFEST.tsv: the sample holds 271 records.
  CHECK(got.records.size() == 271);
  REQUIRE(before.size() == ref.records.size());

  int v4_seen = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const usn::Record& r = *before[i];
    const FsutilRecord& f = ref.records[i];
    INFO("record " << i << " at offset " << r.offset << ", fsutil Usn " << f.at("Usn"));
    CHECK(r.usn == std::stoll(f.at("Usn")));
    CHECK(r.offset == static_cast<std::uint64_t>(r.usn));  // a USN is the offset in $J
    // fsutil asked for versions 2 to 4: Windows hands records stored as V2 over as V3, whose
    // header is 16 bytes longer (128-bit references).
    const int fsutil_major = std::stoi(f.at("Major version"));
    if (r.major_version == 2) {
      CHECK(fsutil_major == 3);
      CHECK(r.record_length + 16 == std::stoul(f.at("Record length")));
    } else {
      CHECK(fsutil_major == r.major_version);
      CHECK(r.record_length == std::stoul(f.at("Record length")));
    }
    CHECK(r.minor_version == std::stoi(f.at("Minor version")));
    CHECK((r.file_id128.empty() ? hex128(r.file_reference) : r.file_id128) == f.at("File ID"));
    CHECK((r.parent_file_id128.empty() ? hex128(r.parent_file_reference) : r.parent_file_id128) ==
          f.at("Parent file ID"));

    const auto [reason, reason_phrases] = flags(f.at("Reason"));
    CHECK(r.reason == reason);
    std::vector<std::string> expected_reasons;
    for (const auto& p : reason_phrases) expected_reasons.push_back(words_of_phrase(p));
    CHECK(words(usn::reason_names(r.reason), "USN_REASON_") == expected_reasons);

    const auto [source, source_phrases] = flags(f.at("Source info"));
    CHECK(r.source_info == source);
    CHECK(usn::source_info_names(r.source_info).size() == source_phrases.size());

    if (r.major_version == 4) {
      ++v4_seen;
      CHECK_FALSE(f.has("File name"));
      CHECK_FALSE(f.has("Time stamp"));
      CHECK(r.file_name.empty());
      CHECK(r.timestamp == 0);
      CHECK(r.remaining_extents == std::stoul(f.at("Remaining extents")));
      REQUIRE(r.extents.size() == std::stoul(f.at("Number of extents")));
      REQUIRE(f.extents.size() == r.extents.size());
      for (std::size_t k = 0; k < r.extents.size(); ++k) {
        CHECK(f.extents[k].index == static_cast<int>(k + 1));
        CHECK(r.extents[k].offset == f.extents[k].offset);
        CHECK(r.extents[k].length == f.extents[k].length);
      }
      continue;
    }
    CHECK(r.file_name == f.at("File name"));
    CHECK(r.file_name.size() * 2 == std::stoul(f.at("File name length")));  // ASCII names
    // fsutil prints whole seconds (this machine's zone was UTC: 21:36:10.924 on disk).
    CHECK(sqltriage::filetime_to_unix_seconds(r.timestamp) == fsutil_time(f.at("Time stamp")));
    CHECK(r.security_id == std::stoul(f.at("Security ID")));
    const auto [attributes, attribute_phrases] = flags(f.at("File attributes"));
    CHECK(r.file_attributes == attributes);
    std::vector<std::string> expected_attributes;
    for (const auto& p : attribute_phrases) expected_attributes.push_back(words_of_phrase(p));
    CHECK(words(usn::file_attribute_names(r.file_attributes), "") == expected_attributes);
  }
  CHECK(v4_seen == 7);
}

TEST_CASE("usn corpus: plaso_UsnJrnl.raw, as plaso's tests read it", "[usn][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(raw, "ntfs/plaso_UsnJrnl.raw");
  const Result got = scan_file(raw);
  CHECK(got.errors.empty());
  // plaso's tests/parsers/usnjrnl.py asserts 19 records for this journal, the first one:
  // "Nieuw - Tekstdocument.txt", file reference 0x100000000001e (entry 30, sequence 1),
  // parent 0x5000000000005 (5-5), update reason 0x00000100 (USN_REASON_FILE_CREATE),
  // time 2015-11-30 21:15:27.2031250 UTC.
  REQUIRE(got.records.size() == 19);
  const auto& first = got.records.front();
  CHECK(first.file_name == "Nieuw - Tekstdocument.txt");
  CHECK(first.file_reference == 0x100000000001e);
  CHECK(first.parent_file_reference == 0x5000000000005);
  CHECK(first.reason == 0x100);
  CHECK(usn::reason_names(first.reason) == std::vector<std::string>{"USN_REASON_FILE_CREATE"});
  CHECK(sqltriage::format_filetime(first.timestamp) == "2015-11-30T21:15:27.2031250Z");

  // Structure: records are laid end to end from offset 0 (the file is 1,728 bytes, no
  // padding), each USN is its offset, every name is valid UTF-8 text.
  std::uint64_t expected_offset = 0;
  for (const auto& r : got.records) {
    INFO("record at " << r.offset);
    CHECK(r.offset == expected_offset);
    CHECK(r.usn == static_cast<std::int64_t>(r.offset));
    CHECK(r.major_version == 2);
    CHECK_FALSE(r.file_name.empty());
    expected_offset += r.record_length;
  }
  CHECK(expected_offset == std::filesystem::file_size(raw));
  const auto& last = got.records.back();
  CHECK(last.offset == 0x680);  // xxd: the record at 0x680 is 0x40 bytes, the file's last
  CHECK(last.record_length == 0x40);

  // The rename: "Nieuw - Tekstdocument.txt" gets RENAME_OLD_NAME, then the same file
  // reference gets RENAME_NEW_NAME under its new name, "first.txt".
  bool renamed = false;
  for (std::size_t i = 0; i + 1 < got.records.size(); ++i) {
    const auto& a = got.records[i];
    const auto& b = got.records[i + 1];
    if ((a.reason & 0x1000) && (b.reason & 0x2000)) {
      CHECK(a.file_name == "Nieuw - Tekstdocument.txt");
      CHECK(b.file_name == "first.txt");
      CHECK(a.file_reference == b.file_reference);
      CHECK(a.timestamp <= b.timestamp);
      renamed = true;
      break;
    }
  }
  CHECK(renamed);
}

TEST_CASE("usn corpus: the records behind a 32 MiB hole of a sparse copy", "[usn][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(bin, "ntfs/dfir_ntfs_usnjrnlj.bin");
  const Result plain = scan_file(bin);
  sqltriage::test::TempDir dir;
  const auto path = dir.path() / "$J";
  const std::uint64_t hole = 32ull << 20;
  const auto bytes = read_all(bin);
  {
    std::ofstream(path, std::ios::binary);
    std::filesystem::resize_file(path, hole);
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(hole));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  const auto src = sqltriage::open_host_file(path);
  std::uint64_t data_bytes = 0;
  for (const auto& r : src->data_ranges()) data_bytes += r.length;
  const Result shifted = scan_file(path);
  CHECK(shifted.errors.empty());
  REQUIRE(shifted.records.size() == plain.records.size());
  for (std::size_t i = 0; i < plain.records.size(); ++i) {
    const auto& a = plain.records[i];
    const auto& b = shifted.records[i];
    INFO("record " << i);
    CHECK(b.offset == a.offset + hole);
    CHECK(b.usn == a.usn);
    CHECK(b.file_name == a.file_name);
    CHECK(b.reason == a.reason);
    CHECK(b.timestamp == a.timestamp);
    CHECK(b.file_reference == a.file_reference);
  }
  CHECK(shifted.stats.bytes_read == data_bytes);  // the hole is not read
  CHECK(shifted.stats.bytes_skipped == plain.stats.bytes_skipped + hole);
}

TEST_CASE("usn corpus: damaged copies keep every other record", "[usn][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(bin, "ntfs/dfir_ntfs_usnjrnlj.bin");
  const Result plain = scan_file(bin);
  REQUIRE(plain.records.size() == 271);
  const auto bytes = read_all(bin);
  sqltriage::test::TempDir dir;

  SECTION("the last record cut in half") {
    const auto& last = plain.records.back();
    auto cut = bytes;
    cut.resize(last.offset + last.record_length / 2);
    write_all(dir.path() / "J", cut);
    const Result r = scan_file(dir.path() / "J");
    CHECK(r.records.size() == 270);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].code == "record");
    CHECK(r.errors[0].artifact.offset == last.offset);
    CHECK_THAT(r.errors[0].message, Catch::Contains("crosses the end of the stream"));
  }
  SECTION("one record length overwritten with 0xFFFFFFFF") {
    const auto& victim = plain.records[100];
    auto bad = bytes;
    std::memset(bad.data() + victim.offset, 0xFF, 4);
    write_all(dir.path() / "J", bad);
    const Result r = scan_file(dir.path() / "J");
    REQUIRE(r.records.size() == 270);
    CHECK(r.records[100].offset == plain.records[101].offset);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].artifact.offset == victim.offset);
    CHECK_THAT(r.errors[0].message, Catch::Contains("resumed at the record at offset " +
                                                    std::to_string(plain.records[101].offset)));
  }
  SECTION("a V4 record's version set to 9") {
    const usn::Record* v4 = nullptr;
    for (const auto& rec : plain.records)
      if (rec.major_version == 4) v4 = &rec;
    REQUIRE(v4 != nullptr);
    auto bad = bytes;
    bad[v4->offset + 4] = 9;
    write_all(dir.path() / "J", bad);
    const Result r = scan_file(dir.path() / "J");
    CHECK(r.records.size() == 270);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].artifact.offset == v4->offset);
    CHECK_THAT(r.errors[0].message, Catch::Contains("unknown major version 9"));
  }
}
