// The USN change journal reader on records built here (USN_RECORD_V2/V3/V4 layouts of
// winioctl.h), on sparse and zero-filled streams, and on damaged and hostile input. The reader
// is compared with Windows' own fsutil output in tests/integration/test_usn_corpus.cpp.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/usn.hpp"
#include "support.hpp"

namespace usn = sqltriage::usn;
using sqltriage::ByteRange;
using sqltriage::ByteSource;
using sqltriage::ErrorEntry;

namespace {

// --- records, laid out as winioctl.h documents them -------------------------------------

void put(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

struct V2 {
  std::uint64_t file_reference = 0x0001000000000030;
  std::uint64_t parent_reference = 0x0005000000000005;
  std::int64_t usn = 0;
  std::uint64_t timestamp = 0x01d4b29a7e004ce3;
  std::uint32_t reason = 0x100;
  std::uint32_t source = 0;
  std::uint32_t security_id = 0;
  std::uint32_t attributes = 0x20;
  std::u16string name = u"payload.exe";
};

// USN_RECORD_V2: the 60-byte header, the name, zero padding to a multiple of 8.
std::vector<std::uint8_t> v2(const V2& r) {
  const std::size_t name_bytes = r.name.size() * 2;
  const std::size_t length = (60 + name_bytes + 7) & ~std::size_t{7};
  std::vector<std::uint8_t> b(length, 0);
  put(b, 0, length, 4);
  put(b, 4, 2, 2);
  put(b, 8, r.file_reference, 8);
  put(b, 16, r.parent_reference, 8);
  put(b, 24, static_cast<std::uint64_t>(r.usn), 8);
  put(b, 32, r.timestamp, 8);
  put(b, 40, r.reason, 4);
  put(b, 44, r.source, 4);
  put(b, 48, r.security_id, 4);
  put(b, 52, r.attributes, 4);
  put(b, 56, name_bytes, 2);
  put(b, 58, 60, 2);
  for (std::size_t i = 0; i < r.name.size(); ++i) put(b, 60 + 2 * i, r.name[i], 2);
  return b;
}

// USN_RECORD_V3: FILE_ID_128 references, a 76-byte header.
std::vector<std::uint8_t> v3(const V2& r, std::uint64_t file_high, std::uint64_t parent_high) {
  const std::size_t name_bytes = r.name.size() * 2;
  const std::size_t length = (76 + name_bytes + 7) & ~std::size_t{7};
  std::vector<std::uint8_t> b(length, 0);
  put(b, 0, length, 4);
  put(b, 4, 3, 2);
  put(b, 8, r.file_reference, 8);
  put(b, 16, file_high, 8);
  put(b, 24, r.parent_reference, 8);
  put(b, 32, parent_high, 8);
  put(b, 40, static_cast<std::uint64_t>(r.usn), 8);
  put(b, 48, r.timestamp, 8);
  put(b, 56, r.reason, 4);
  put(b, 60, r.source, 4);
  put(b, 64, r.security_id, 4);
  put(b, 68, r.attributes, 4);
  put(b, 72, name_bytes, 2);
  put(b, 74, 76, 2);
  for (std::size_t i = 0; i < r.name.size(); ++i) put(b, 76 + 2 * i, r.name[i], 2);
  return b;
}

// USN_RECORD_V4: no name, no time; USN_RECORD_EXTENTs after a 64-byte header.
std::vector<std::uint8_t> v4(std::int64_t usn, std::uint32_t reason,
                             const std::vector<usn::Extent>& extents, std::uint32_t remaining) {
  const std::size_t length = 64 + 16 * extents.size();
  std::vector<std::uint8_t> b(length, 0);
  put(b, 0, length, 4);
  put(b, 4, 4, 2);
  put(b, 8, 0x0001000000000044, 8);
  put(b, 24, 0x0005000000000005, 8);
  put(b, 40, static_cast<std::uint64_t>(usn), 8);
  put(b, 48, reason, 4);
  put(b, 56, remaining, 4);
  put(b, 60, extents.size(), 2);
  put(b, 62, 16, 2);
  for (std::size_t i = 0; i < extents.size(); ++i) {
    put(b, 64 + 16 * i, static_cast<std::uint64_t>(extents[i].offset), 8);
    put(b, 72 + 16 * i, static_cast<std::uint64_t>(extents[i].length), 8);
  }
  return b;
}

void append(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& rec) {
  out.insert(out.end(), rec.begin(), rec.end());
}

// Appends `count` V2 records whose USN is their offset, as Windows writes them.
void append_records(std::vector<std::uint8_t>& out, int count, const std::u16string& name) {
  for (int i = 0; i < count; ++i) {
    V2 r;
    r.usn = static_cast<std::int64_t>(out.size());
    r.name = name;
    append(out, v2(r));
  }
}

// --- sources -----------------------------------------------------------------------------

// Bytes in memory, with optional data ranges; logs every read_at.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    reads_.push_back({offset, n});
    if (offset >= bytes_.size()) return 0;
    const std::size_t got = std::min<std::size_t>(n, bytes_.size() - offset);
    std::memcpy(buf, bytes_.data() + offset, got);
    return got;
  }
  std::vector<ByteRange> data_ranges() const override {
    return ranges_.empty() ? ByteSource::data_ranges() : ranges_;
  }
  std::vector<ByteRange> ranges_;
  mutable std::vector<ByteRange> reads_;

 private:
  std::vector<std::uint8_t> bytes_;
};

// A large virtual stream: `pieces` of real bytes at given offsets, zeros elsewhere. Its
// data_ranges() are exactly the pieces; every read_at is logged.
class SparseSource final : public ByteSource {
 public:
  SparseSource(std::uint64_t size,
               std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> pieces)
      : size_(size), pieces_(std::move(pieces)) {}
  std::uint64_t size() const override { return size_; }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    reads_.push_back({offset, n});
    if (offset >= size_) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
    auto* out = static_cast<std::uint8_t*>(buf);
    std::memset(out, 0, n);
    for (const auto& [at, bytes] : pieces_) {
      const std::uint64_t lo = std::max(at, offset);
      const std::uint64_t hi = std::min(at + bytes.size(), offset + n);
      if (lo < hi) std::memcpy(out + (lo - offset), bytes.data() + (lo - at), hi - lo);
    }
    return n;
  }
  std::vector<ByteRange> data_ranges() const override {
    std::vector<ByteRange> r;
    for (const auto& [at, bytes] : pieces_) r.push_back({at, bytes.size()});
    return r;
  }
  mutable std::vector<ByteRange> reads_;

 private:
  std::uint64_t size_;
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> pieces_;
};

class FailingSource final : public ByteSource {
 public:
  std::uint64_t size() const override { return 1 << 20; }
  std::size_t read_at(std::uint64_t, void*, std::size_t) const override {
    throw std::system_error(EIO, std::generic_category(), "read error");
  }
};

struct Result {
  std::vector<usn::Record> records;
  std::vector<ErrorEntry> errors;
  usn::ScanStats stats;
};

Result run_scan(const ByteSource& source, const std::string& name = "$J") {
  Result r;
  r.stats = usn::scan(
      source, name, [&](const usn::Record& rec) { r.records.push_back(rec); },
      [&](ErrorEntry e) { r.errors.push_back(std::move(e)); });
  return r;
}

Result run_bytes(std::vector<std::uint8_t> bytes) {
  MemorySource src(std::move(bytes));
  return run_scan(src);
}

bool overlaps(const ByteRange& a, std::uint64_t lo, std::uint64_t hi) {
  return a.offset < hi && lo < a.offset + a.length;
}

}  // namespace

// --- flag names ----------------------------------------------------------------------------

TEST_CASE("usn: reason and source names, lowest bit first, unknown bits in hex", "[usn]") {
  CHECK(usn::reason_names(0).empty());
  CHECK(usn::reason_names(0x80000100) ==
        std::vector<std::string>{"USN_REASON_FILE_CREATE", "USN_REASON_CLOSE"});
  CHECK(usn::reason_names(0x00003000) ==
        std::vector<std::string>{"USN_REASON_RENAME_OLD_NAME", "USN_REASON_RENAME_NEW_NAME"});
  CHECK(usn::reason_names(0x08000200) ==
        std::vector<std::string>{"USN_REASON_FILE_DELETE", "0x08000000"});
  CHECK(
      usn::source_info_names(0x5) ==
      std::vector<std::string>{"USN_SOURCE_DATA_MANAGEMENT", "USN_SOURCE_REPLICATION_MANAGEMENT"});
  CHECK(usn::source_info_names(0x10) == std::vector<std::string>{"0x00000010"});
  // Every bit set: 32 names, each bit once.
  CHECK(usn::reason_names(0xFFFFFFFF).size() == 32);
  CHECK(usn::file_attribute_names(0xFFFFFFFF).size() == 32);
}

TEST_CASE("usn: attribute names equal the FILE_ATTR_ constants of ntfs-3g's layout.h", "[usn]") {
  // An independent list of the NTFS attribute bits: ntfs-3g's own header (ntfs-3g-dev).
  const std::string header = "/usr/include/ntfs-3g/layout.h";
  if (!std::filesystem::exists(header)) {
    if (sqltriage::test::running_in_ci()) FAIL("missing under CI=true: " << header);
    WARN("ntfs-3g-dev not installed, skipping: " << header);
    return;
  }
  std::ifstream in(header);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  // Lines like "\tFILE_ATTR_HIDDEN\t\t= const_cpu_to_le32(0x00000002),".
  int checked = 0;
  const std::string marker = "const_cpu_to_le32(0x";
  std::istringstream lines(s);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("FILE_ATTR_");
    const auto eq = line.find('=');
    const auto value_at = line.find(marker);
    if (at == std::string::npos || eq == std::string::npos || value_at == std::string::npos)
      continue;
    std::string name = line.substr(at + 10, eq - at - 10);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    const auto value =
        static_cast<std::uint32_t>(std::stoul(line.substr(value_at + marker.size()), nullptr, 16));
    if (name.rfind("VALID_", 0) == 0) continue;  // masks, not flags
    INFO(name << " = " << value);
    REQUIRE((value & (value - 1)) == 0);
    CHECK(usn::ntfs_file_attribute_names(value) == std::vector<std::string>{name});
    if (value < 0x10000000)
      CHECK(usn::file_attribute_names(value) == std::vector<std::string>{name});
    ++checked;
  }
  CHECK(checked >= 16);  // READONLY ... ENCRYPTED, I30_INDEX_PRESENT, VIEW_INDEX_PRESENT
  // A Win32 mask from a USN record: directory and hidden; 0x10000000 has no Win32 name.
  CHECK(usn::file_attribute_names(0x16) ==
        std::vector<std::string>{"HIDDEN", "SYSTEM", "DIRECTORY"});
  CHECK(usn::file_attribute_names(0x10000000) == std::vector<std::string>{"0x10000000"});
  CHECK(usn::file_attribute_names(0x8) == std::vector<std::string>{"0x00000008"});
}

// --- records -------------------------------------------------------------------------------

TEST_CASE("usn: V2, V3 and V4 fields", "[usn]") {
  std::vector<std::uint8_t> j;
  V2 a;
  a.usn = 0;
  a.reason = 0x80000100;
  a.source = 0x2;
  a.security_id = 0x105;
  a.attributes = 0x2020;
  a.name = u"sqlserver.exe";
  append(j, v2(a));
  V2 b = a;
  b.usn = static_cast<std::int64_t>(j.size());
  b.file_reference = 0x00000000000000ab;
  append(j, v3(b, 0x1122334455667788, 0));
  const std::int64_t usn4 = static_cast<std::int64_t>(j.size());
  append(j, v4(usn4, 0x80000002, {{0, 2228224}, {65536, 4096}}, 3));
  const Result r = run_bytes(j);
  REQUIRE(r.errors.empty());
  REQUIRE(r.records.size() == 3);

  const auto& r2 = r.records[0];
  CHECK(r2.offset == 0);
  CHECK(r2.record_length == 88);  // 60 + 26 rounded up to 8
  CHECK(r2.major_version == 2);
  CHECK(r2.file_reference == a.file_reference);
  CHECK(r2.parent_file_reference == a.parent_reference);
  CHECK(r2.file_id128.empty());
  CHECK(r2.timestamp == a.timestamp);
  CHECK(r2.reason == 0x80000100);
  CHECK(r2.source_info == 2);
  CHECK(r2.security_id == 0x105);
  CHECK(r2.file_attributes == 0x2020);
  CHECK(r2.file_name == "sqlserver.exe");

  const auto& r3 = r.records[1];
  CHECK(r3.offset == 88);
  CHECK(r3.major_version == 3);
  CHECK(r3.usn == 88);
  CHECK(r3.file_reference == 0xab);
  CHECK(r3.file_id128 == "112233445566778800000000000000ab");
  CHECK(r3.parent_file_id128.empty());
  CHECK(r3.parent_file_reference == a.parent_reference);
  CHECK(r3.timestamp == a.timestamp);
  CHECK(r3.file_name == "sqlserver.exe");

  const auto& r4 = r.records[2];
  CHECK(r4.major_version == 4);
  CHECK(r4.usn == usn4);
  CHECK(r4.reason == 0x80000002);
  CHECK(r4.timestamp == 0);
  CHECK(r4.file_name.empty());
  CHECK(r4.file_reference == 0x0001000000000044);
  CHECK(r4.remaining_extents == 3);
  REQUIRE(r4.extents.size() == 2);
  CHECK(r4.extents[1].offset == 65536);
  CHECK(r4.extents[1].length == 4096);
  CHECK(r.stats.records == 3);
  CHECK(r.stats.bytes_read == j.size());
}

TEST_CASE("usn: an unpaired surrogate in a name is kept as WTF-8", "[usn]") {
  V2 a;
  a.name = std::u16string{u'a', static_cast<char16_t>(0xD800), u'.', u'e', u'x', u'e'};
  const Result r = run_bytes(v2(a));
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].file_name == std::string("a\xED\xA0\x80.exe"));
  CHECK(r.errors.empty());
}

// --- sparse and zero-filled streams --------------------------------------------------------

TEST_CASE("usn: a 64 MiB sparse host file of only a hole", "[usn]") {
  sqltriage::test::TempDir dir;
  const auto path = dir.path() / "J";
  { std::ofstream(path, std::ios::binary); }
  std::filesystem::resize_file(path, 64ull << 20);
  const auto src = sqltriage::open_host_file(path);
  std::uint64_t data_bytes = 0;
  for (const auto& r : src->data_ranges()) data_bytes += r.length;
  const Result r = run_scan(*src);
  CHECK(r.records.empty());
  CHECK(r.errors.empty());
  CHECK(r.stats.bytes_skipped == (64ull << 20));
  // Only what the file system reports as data is read (nothing, where holes are supported).
  CHECK(r.stats.bytes_read == data_bytes);
}

TEST_CASE("usn: 16 MiB of real zero bytes", "[usn]") {
  sqltriage::test::TempDir dir;
  const auto path = dir.path() / "J";
  {
    std::ofstream out(path, std::ios::binary);
    const std::vector<char> zeros(1 << 20, 0);
    for (int i = 0; i < 16; ++i)
      out.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  const auto src = sqltriage::open_host_file(path);
  const Result r = run_scan(*src);
  CHECK(r.records.empty());
  CHECK(r.errors.empty());
  CHECK(r.stats.bytes_skipped == (16ull << 20));
  CHECK(r.stats.bytes_read == (16ull << 20));
}

TEST_CASE("usn: zero padding to the next page between records is skipped", "[usn]") {
  std::vector<std::uint8_t> j;
  append_records(j, 3, u"a.txt");
  const std::size_t used = j.size();
  j.resize(4096, 0);  // Windows pads the page
  append_records(j, 2, u"b.txt");
  j.resize(3 * 4096 + 8, 0);  // two zero pages, then 8 more zero bytes
  const Result r = run_bytes(j);
  REQUIRE(r.records.size() == 5);
  CHECK(r.records[3].offset == 4096);
  CHECK(r.records[3].file_name == "b.txt");
  CHECK(r.errors.empty());
  CHECK(r.stats.bytes_skipped ==
        (4096 - used) + (j.size() - 4096 - 2 * r.records[3].record_length));
}

TEST_CASE("usn: holes of data_ranges() are never read", "[usn]") {
  // 4 GiB stream: records in the first 64 KiB and in the last 64 KiB, a hole between.
  const std::uint64_t size = 4ull << 30;
  std::vector<std::uint8_t> head;
  append_records(head, 100, u"head.txt");
  head.resize(64 * 1024, 0);
  std::vector<std::uint8_t> tail;
  append_records(tail, 50, u"tail.txt");
  tail.resize(64 * 1024, 0);
  const std::uint64_t tail_at = size - tail.size();
  SparseSource src(size, {{0, head}, {tail_at, tail}});
  const auto start = std::chrono::steady_clock::now();
  const Result r = run_scan(src);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.records.size() == 150);
  CHECK(r.records[99].file_name == "head.txt");
  CHECK(r.records[100].file_name == "tail.txt");
  CHECK(r.records[100].offset == tail_at);
  CHECK(r.errors.empty());
  CHECK(r.stats.bytes_read == 128 * 1024);
  CHECK(r.stats.bytes_skipped == size - 150 * r.records[0].record_length);
  for (const auto& read : src.reads_) {
    INFO("read at " << read.offset << " of " << read.length);
    CHECK_FALSE(overlaps(read, 64 * 1024, tail_at));
  }
  CHECK(seconds < 5.0);  // the 4 GiB hole is jumped, not walked
}

TEST_CASE("usn: a record cut by the end of a data range reads the hole as zeros", "[usn]") {
  // The range ends inside the second record's name: the rest of the record is a hole, read
  // as zeros without being read from the source.
  std::vector<std::uint8_t> j;
  append_records(j, 2, u"abcdefgh.txt");
  const std::uint64_t len = j.size() / 2;
  const std::uint64_t range_end = len + 64;  // the header and two name characters
  MemorySource src(j);
  src.ranges_ = {ByteRange{0, range_end}};
  const Result r = run_scan(src);
  for (const auto& read : src.reads_) CHECK(read.offset + read.length <= range_end);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].file_name == "abcdefgh.txt");
  CHECK(r.records[1].file_name == std::string("ab") + std::string(10, '\0'));
  CHECK(r.errors.empty());
}

// --- damage ---------------------------------------------------------------------------------

namespace {

// Three valid records, the middle one replaced by `bad` of the same length: the scan must
// report one "record" error at the bad record's offset and still find the other two.
void check_middle_damage(const std::function<void(std::vector<std::uint8_t>&)>& spoil,
                         const std::string& expected_phrase) {
  std::vector<std::uint8_t> j;
  append_records(j, 3, u"payload.exe");
  const std::size_t len = j.size() / 3;
  std::vector<std::uint8_t> middle(j.begin() + static_cast<std::ptrdiff_t>(len),
                                   j.begin() + static_cast<std::ptrdiff_t>(2 * len));
  spoil(middle);
  std::copy(middle.begin(), middle.end(), j.begin() + static_cast<std::ptrdiff_t>(len));
  const Result r = run_bytes(j);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].offset == 0);
  CHECK(r.records[1].offset == 2 * len);
  REQUIRE(r.errors.size() == 1);
  const auto& e = r.errors[0];
  CHECK(e.code == "record");
  CHECK(e.artifact.path == "$J");
  CHECK(e.artifact.offset == len);
  CHECK_THAT(e.message, Catch::Contains("offset " + std::to_string(len) + ": "));
  CHECK_THAT(e.message, Catch::Contains(expected_phrase));
  CHECK_THAT(e.message,
             Catch::Contains("resumed at the record at offset " + std::to_string(2 * len)));
  CHECK(r.stats.damaged == 1);
}

}  // namespace

TEST_CASE("usn: record length 0xFFFFFFFF", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 0, 0xFFFFFFFF, 4); },
                      "record length 4294967295 is not a multiple of 8");
}

TEST_CASE("usn: record length 0xFFFFFFF8 (aligned, beyond any record)", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 0, 0xFFFFFFF8, 4); },
                      "record length 4294967288 exceeds the largest accepted");
}

TEST_CASE("usn: record length below the V2 header", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 0, 32, 4); },
                      "record length 32 is shorter than the version 2 header (60 bytes)");
}

TEST_CASE("usn: record length 0 with a header behind it", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 0, 0, 4); }, "record length 0");
}

TEST_CASE("usn: file name beyond the record", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 56, 200, 2); },
                      "file name (offset 60, 200 bytes) lies outside the record (88 bytes)");
}

TEST_CASE("usn: file name offset inside the header", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 58, 8, 2); }, "file name offset 8 overlaps the header");
}

TEST_CASE("usn: unknown major version 9", "[usn]") {
  check_middle_damage([](auto& b) { put(b, 4, 9, 2); }, "unknown major version 9");
}

TEST_CASE("usn: V4 extents beyond the record", "[usn]") {
  std::vector<std::uint8_t> j;
  append_records(j, 1, u"a.txt");
  auto bad = v4(static_cast<std::int64_t>(j.size()), 2, {{0, 4096}}, 0);
  put(bad, 60, 5, 2);  // five extents claimed, room for one
  const std::size_t bad_at = j.size();
  append(j, bad);
  append_records(j, 1, u"b.txt");
  const Result r = run_bytes(j);
  REQUIRE(r.records.size() == 2);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].artifact.offset == bad_at);
  CHECK_THAT(r.errors[0].message, Catch::Contains("5 extents of 16 bytes do not fit"));
}

TEST_CASE("usn: a truncated last record", "[usn]") {
  std::vector<std::uint8_t> j;
  append_records(j, 3, u"payload.exe");
  const std::size_t len = j.size() / 3;
  j.resize(2 * len + len / 2);
  const Result r = run_bytes(j);
  REQUIRE(r.records.size() == 2);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == "record");
  CHECK(r.errors[0].artifact.offset == 2 * len);
  CHECK_THAT(r.errors[0].message,
             Catch::Contains("record length 88 crosses the end of the stream (44 bytes left)"));
  CHECK_THAT(r.errors[0].message, Catch::Contains("no further record up to the end"));
}

TEST_CASE("usn: a stream that ends inside a record header", "[usn]") {
  std::vector<std::uint8_t> j;
  append_records(j, 1, u"payload.exe");
  j.push_back(0x58);  // a lone byte: the start of a header
  const Result r = run_bytes(j);
  CHECK(r.records.size() == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].artifact.offset == 88);
  CHECK_THAT(r.errors[0].message, Catch::Contains("crosses the end of the stream (1 bytes left)"));
}

TEST_CASE("usn: garbage between records is one damaged region", "[usn]") {
  std::vector<std::uint8_t> j;
  append_records(j, 2, u"before.txt");
  const std::size_t garbage_at = j.size();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 4096; ++i) j.push_back(static_cast<std::uint8_t>(rng() | 1));
  const std::size_t after_at = j.size();
  append_records(j, 2, u"after.txt");
  const Result r = run_bytes(j);
  REQUIRE(r.records.size() == 4);
  CHECK(r.records[2].offset == after_at);
  CHECK(r.records[2].file_name == "after.txt");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].artifact.offset == garbage_at);
  CHECK_THAT(r.errors[0].message, Catch::Contains("4096 bytes skipped"));
}

TEST_CASE("usn: more than 50 damaged records end in one limit entry", "[usn]") {
  std::vector<std::uint8_t> j;
  std::vector<std::size_t> bad_at;
  for (int i = 0; i < 60; ++i) {
    append_records(j, 1, u"ok.txt");
    bad_at.push_back(j.size());
    V2 bad;
    bad.usn = static_cast<std::int64_t>(j.size());
    auto b = v2(bad);
    put(b, 4, 9, 2);  // unknown version
    append(j, b);
  }
  append_records(j, 1, u"ok.txt");
  const Result r = run_bytes(j);
  CHECK(r.records.size() == 61);
  CHECK(r.stats.damaged == 60);
  REQUIRE(r.errors.size() == 51);
  for (int i = 0; i < 50; ++i) {
    CHECK(r.errors[i].code == "record");
    CHECK(r.errors[i].artifact.offset == bad_at[i]);
  }
  const auto& limit = r.errors[50];
  CHECK(limit.code == "limit");
  CHECK(limit.artifact.offset == bad_at[50]);
  CHECK_THAT(limit.message, Catch::Contains("10 more damaged records"));
  CHECK_THAT(limit.message, Catch::Contains(std::to_string(bad_at[59])));
  CHECK_THAT(limit.message, Catch::Contains("(60 in all)"));
}

TEST_CASE("usn: 4 MiB of random bytes: bounded errors and time, no crash", "[usn]") {
  std::vector<std::uint8_t> j(4 << 20);
  std::mt19937_64 rng(20240229);
  for (std::size_t i = 0; i < j.size(); i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(j.data() + i, &v, 8);
  }
  // Plant a sound record every 32 KiB: each one ends a damaged region and the garbage after
  // it starts a new one, so there are more regions than the cap.
  std::vector<std::size_t> planted;
  for (std::size_t at = 16384; at < j.size(); at += 32768) {
    V2 rec;
    rec.usn = static_cast<std::int64_t>(at);
    rec.name = u"planted.txt";
    const auto b = v2(rec);
    std::copy(b.begin(), b.end(), j.begin() + static_cast<std::ptrdiff_t>(at));
    planted.push_back(at);
  }
  const auto start = std::chrono::steady_clock::now();
  const Result r = run_bytes(j);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 10.0);
  REQUIRE(r.errors.size() == usn::kMaxRecordErrors + 1);
  CHECK(r.errors[0].artifact.offset == 0);
  for (std::size_t i = 0; i < usn::kMaxRecordErrors; ++i) CHECK(r.errors[i].code == "record");
  CHECK(r.errors.back().code == "limit");
  CHECK(r.stats.damaged >= planted.size());
  // Every planted record is found, and whatever random bytes pass for records lie inside the
  // stream.
  std::size_t found = 0;
  for (const auto& rec : r.records) {
    CHECK(rec.offset + rec.record_length <= j.size());
    if (rec.file_name == "planted.txt") {
      REQUIRE(found < planted.size());
      CHECK(rec.offset == planted[found++]);
    }
  }
  CHECK(found == planted.size());
}

TEST_CASE("usn: an I/O error names the stream and the offset", "[usn]") {
  FailingSource src;
  try {
    run_scan(src, "C:\\$Extend\\$UsnJrnl:$J");
    FAIL("no exception");
  } catch (const sqltriage::ArtifactError& e) {
    CHECK(e.path() == "C:\\$Extend\\$UsnJrnl:$J");
    REQUIRE(e.offset().has_value());
    CHECK(*e.offset() == 0);
    CHECK_THAT(e.detail(), Catch::Contains("cannot read at offset 0"));
  }
}

TEST_CASE("usn: a source shorter than its size is an error, not a silent stop", "[usn]") {
  class Short final : public ByteSource {
   public:
    std::uint64_t size() const override { return 8192; }
    std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
      if (offset >= 4096) return 0;
      const std::size_t got = std::min<std::size_t>(n, 4096 - offset);
      std::memset(buf, 0, got);
      return got;
    }
  } src;
  CHECK_THROWS_AS(run_scan(src), sqltriage::ArtifactError);
}
