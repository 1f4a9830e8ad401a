// The MFT entry reader on crafted input: images written by ntfsgen (checked against
// sleuthkit's istat/ifind/icat), damaged copies of their $MFT (bytes patched here, so the
// damaged record and its offset are known by construction), MFT records built in memory,
// and PathResolver over an in-memory EntrySource.
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "artifacts/ntfs/volume.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"
#include "sqltriage/utf16.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::ArtifactError;
using sqltriage::ByteSource;
using sqltriage::open_host_file;
using sqltriage::mft::Entry;
using sqltriage::mft::EntrySource;
using sqltriage::mft::FileName;
using sqltriage::mft::PathResolver;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

namespace {

constexpr std::uint64_t kRecord = 1024;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

void spit(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  put16(b, at, static_cast<std::uint16_t>(v));
  put16(b, at + 2, static_cast<std::uint16_t>(v >> 16));
}
void put64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  put32(b, at, static_cast<std::uint32_t>(v));
  put32(b, at + 4, static_cast<std::uint32_t>(v >> 32));
}

/// The MFT entry of `path` on `image`, as sleuthkit's ifind finds it.
std::uint64_t ifind(const fs::path& image, const std::string& path) {
  auto r = run("ifind -n " + shell_quote(path) + " " + q(image));
  INFO("ifind " << path << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return std::stoull(r.out);
}

/// `icat IMAGE 0`: the $MFT as a collection tool copies it.
fs::path extract_mft(const fs::path& image, const TempDir& dir, const std::string& name) {
  const fs::path out = dir.path() / name;
  REQUIRE(run("(icat " + q(image) + " 0 > " + q(out) + ")").exit_code ==
          0);  // run() redirects stdout itself
  return out;
}

std::unique_ptr<EntrySource> mft_file(const fs::path& p) {
  return EntrySource::from_mft_file(open_host_file(p), p.filename().string());
}

std::unique_ptr<EntrySource> image_source(const fs::path& image) {
  return EntrySource::from_volume(
      sqltriage::ntfs::Volume::open(open_host_file(image), image.filename().string()));
}

/// Reads every entry; returns the entries whose read() threw, with the offsets it gave.
std::map<std::uint64_t, std::optional<std::uint64_t>> damaged_entries(const EntrySource& s) {
  std::map<std::uint64_t, std::optional<std::uint64_t>> out;
  Entry e;
  for (std::uint64_t i = 0; i < s.size(); ++i) {
    try {
      s.read(i, e);
    } catch (const ArtifactError& err) {
      out[i] = err.offset();
      CHECK(err.path() == s.display());
    }
  }
  return out;
}

const char* kTreeSpec = R"({"label": "UNIT", "entries": [
  {"dir": "\\inetpub\\wwwroot\\uploads"},
  {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "text": "MZ fake executable",
   "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=http://203.0.113.7/s.exe\r\n",
               "blob": {"size": 3000}}},
  {"file": "\\Windows\\Temp\\deleted.tmp", "text": "gone", "deleted": true},
  {"file": "\\Users\\Public\\notes.txt", "text": "hello"}
]})";

// ---- MFT records built in memory -------------------------------------------------------

/// One 1024-byte FILE record with the attributes added to it, fixups applied.
class RecordBuilder {
 public:
  RecordBuilder(std::uint64_t index, std::uint16_t sequence, std::uint16_t flags,
                std::uint64_t base_reference = 0)
      : rec_(kRecord, 0) {
    std::memcpy(rec_.data(), "FILE", 4);
    put16(rec_, 0x04, 0x30);  // update sequence array offset
    put16(rec_, 0x06, 3);     // 1 + 2 sectors
    put16(rec_, 0x10, sequence);
    put16(rec_, 0x12, 1);
    put16(rec_, 0x14, 0x38);
    put16(rec_, 0x16, flags);
    put32(rec_, 0x1C, kRecord);
    put64(rec_, 0x20, base_reference);
    put32(rec_, 0x2C, static_cast<std::uint32_t>(index));
    pos_ = 0x38;
  }

  RecordBuilder& resident(std::uint32_t type, std::uint16_t id, std::u16string_view name,
                          const std::vector<std::uint8_t>& value) {
    const std::size_t name_offset = 0x18;
    const std::size_t value_offset = (name_offset + 2 * name.size() + 7) / 8 * 8;
    const std::size_t length = (value_offset + value.size() + 7) / 8 * 8;
    put32(rec_, pos_, type);
    put32(rec_, pos_ + 4, static_cast<std::uint32_t>(length));
    rec_[pos_ + 8] = 0;
    rec_[pos_ + 9] = static_cast<std::uint8_t>(name.size());
    put16(rec_, pos_ + 10, static_cast<std::uint16_t>(name_offset));
    put16(rec_, pos_ + 14, id);
    put32(rec_, pos_ + 16, static_cast<std::uint32_t>(value.size()));
    put16(rec_, pos_ + 20, static_cast<std::uint16_t>(value_offset));
    for (std::size_t i = 0; i < name.size(); ++i)
      put16(rec_, pos_ + name_offset + 2 * i, static_cast<std::uint16_t>(name[i]));
    std::memcpy(rec_.data() + pos_ + value_offset, value.data(), value.size());
    pos_ += length;
    return *this;
  }

  std::vector<std::uint8_t> finish() {
    put32(rec_, pos_, 0xFFFFFFFFu);
    put32(rec_, 0x18, static_cast<std::uint32_t>(pos_ + 8));
    const std::uint16_t usn = 0x0007;
    put16(rec_, 0x30, usn);
    for (std::size_t block = 1; block <= 2; ++block) {
      const std::size_t tail = block * 512 - 2;
      rec_[0x30 + 2 * block] = rec_[tail];
      rec_[0x30 + 2 * block + 1] = rec_[tail + 1];
      put16(rec_, tail, usn);
    }
    return rec_;
  }

 private:
  std::vector<std::uint8_t> rec_;
  std::size_t pos_ = 0;
};

std::vector<std::uint8_t> si_value(std::uint64_t t) {
  std::vector<std::uint8_t> v(72, 0);
  for (int i = 0; i < 4; ++i)
    put64(v, 8 * static_cast<std::size_t>(i), t + static_cast<std::uint64_t>(i));
  put32(v, 32, 0x20);
  put32(v, 52, 0x105);  // security id
  return v;
}

std::vector<std::uint8_t> fn_value(std::uint64_t parent, std::u16string_view name,
                                   std::uint8_t name_space = 1) {
  std::vector<std::uint8_t> v(66 + 2 * name.size(), 0);
  put64(v, 0, parent);
  v[64] = static_cast<std::uint8_t>(name.size());
  v[65] = name_space;
  for (std::size_t i = 0; i < name.size(); ++i)
    put16(v, 66 + 2 * i, static_cast<std::uint16_t>(name[i]));
  return v;
}

std::vector<std::uint8_t> text_value(std::string_view s) {
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

/// One $ATTRIBUTE_LIST entry (26 bytes + name, 8-aligned).
void list_entry(std::vector<std::uint8_t>& list, std::uint32_t type, std::uint64_t reference,
                std::uint16_t id) {
  const std::size_t at = list.size();
  list.resize(at + 32, 0);
  put32(list, at, type);
  put16(list, at + 4, 32);
  list[at + 7] = 0x1A;
  put64(list, at + 16, reference);
  put16(list, at + 24, id);
}

std::uint64_t ref(std::uint64_t entry, std::uint16_t sequence) {
  return (static_cast<std::uint64_t>(sequence) << 48) | entry;
}

/// A $MFT made of the given records (index = position), written to `dir`.
fs::path write_mft(const TempDir& dir, const std::vector<std::vector<std::uint8_t>>& records,
                   const std::string& name = "built.mft") {
  std::vector<std::uint8_t> all;
  for (const auto& r : records) all.insert(all.end(), r.begin(), r.end());
  const fs::path p = dir.path() / name;
  spit(p, all);
  return p;
}

// ---- an in-memory EntrySource for PathResolver ----------------------------------------

class FakeSource final : public EntrySource {
 public:
  std::map<std::uint64_t, Entry> entries;
  std::set<std::uint64_t> damaged;
  std::uint64_t count = 0;
  mutable std::uint64_t reads = 0;

  void folder(std::uint64_t index, std::uint16_t sequence, std::uint64_t parent,
              const std::string& name, bool in_use = true) {
    Entry e;
    e.entry = index;
    e.sequence = sequence;
    e.in_use = in_use;
    e.is_directory = true;
    FileName fn;
    fn.name = name;
    fn.name_space = 1;
    fn.parent_reference = parent;
    e.file_names.push_back(fn);
    entries[index] = e;
    count = std::max(count, index + 1);
  }
  const std::string& display() const override { return display_; }
  std::uint64_t size() const override { return count; }
  bool read(std::uint64_t index, Entry& out) const override {
    ++reads;
    if (damaged.count(index)) throw ArtifactError(display_, "damaged", index * kRecord);
    auto it = entries.find(index);
    if (it == entries.end()) return false;
    out = it->second;
    return true;
  }
  std::optional<std::string> read_stream(std::uint64_t, std::string_view,
                                         std::size_t) const override {
    return std::nullopt;
  }
  std::shared_ptr<sqltriage::ntfs::Volume> volume() const override { return nullptr; }

 private:
  std::string display_ = "fake $MFT";
};

}  // namespace

TEST_CASE("mft: from_mft_file refuses bytes that are not an $MFT, naming them", "[mft]") {
  TempDir dir;
  const fs::path empty = dir.path() / "empty";
  spit(empty, {});
  const fs::path text = dir.path() / "text";
  spit(text, text_value(std::string(4096, 'A')));
  std::vector<std::uint8_t> odd = RecordBuilder(0, 1, 1).finish();
  put32(odd, 0x1C, 1000);  // record size not a power of two
  const fs::path bad_size = dir.path() / "bad_size";
  spit(bad_size, odd);
  for (const fs::path& p : {empty, text, bad_size}) {
    INFO(p);
    try {
      mft_file(p);
      FAIL("accepted " << p);
    } catch (const ArtifactError& e) {
      CHECK(e.path() == p.filename().string());
      CHECK(e.offset().has_value());
      CHECK(std::string(e.what()).find("not an $MFT") != std::string::npos);
    }
  }
}

TEST_CASE("mft: records built in memory: facts, extension records, damaged lists", "[mft]") {
  TempDir dir;
  // 0: base record of a file in the root with an $ATTRIBUTE_LIST naming records 1 (its
  // extension), 2 (unused) and 3 (another file's record).
  std::vector<std::uint8_t> list;
  list_entry(list, 0x10, ref(0, 4), 0);
  list_entry(list, 0x80, ref(1, 2), 0);
  list_entry(list, 0x80, ref(2, 1), 0);
  list_entry(list, 0x30, ref(3, 1), 0);
  const std::uint64_t t = 133000000000000000ULL;
  auto r0 = RecordBuilder(0, 4, 0x1)
                .resident(0x10, 0, u"", si_value(t))
                .resident(0x20, 1, u"", list)
                .resident(0x80, 2, u"", text_value("hello"))
                .finish();
  auto r1 = RecordBuilder(1, 2, 0x1, ref(0, 4))
                .resident(0x30, 0, u"", fn_value(ref(5, 5), u"a.txt"))
                .resident(0x80, 1, u"Zone.Identifier", text_value("[ZoneTransfer]\r\nZoneId=3\r\n"))
                .finish();
  std::vector<std::uint8_t> r2(kRecord, 0);  // never used
  auto r3 = RecordBuilder(3, 1, 0x1).resident(0x10, 0, u"", si_value(t)).finish();
  const fs::path p = write_mft(dir, {r0, r1, r2, r3});
  auto source = mft_file(p);
  REQUIRE(source->size() == 4);

  Entry e;
  REQUIRE(source->read(0, e));
  CHECK(e.sequence == 4);
  CHECK(e.in_use);
  CHECK_FALSE(e.is_directory);
  REQUIRE(e.standard_information);
  CHECK(e.standard_information->creation == t);
  CHECK(e.standard_information->modification == t + 1);
  CHECK(e.standard_information->entry_modification == t + 2);
  CHECK(e.standard_information->access == t + 3);
  CHECK(e.security_id == 0x105u);
  CHECK(e.size == 5);
  CHECK(e.data_resident);
  // The extension record's $FILE_NAME and stream belong to entry 0.
  REQUIRE(e.file_names.size() == 1);
  CHECK(e.file_names[0].name == "a.txt");
  CHECK(e.file_names[0].in_extension_record);
  REQUIRE(e.streams.size() == 1);
  CHECK(e.streams[0].name == "Zone.Identifier");
  // Records 2 and 3 are named by the list but are not extensions of entry 0.
  REQUIRE(e.problems.size() == 2);
  CHECK(e.problems[0].find("extension record 2") != std::string::npos);
  CHECK(e.problems[1].find("extension record 3") != std::string::npos);
  CHECK(e.problems[1].find("not an extension") != std::string::npos);
  CHECK(*source->read_stream(0, "Zone.Identifier", 100) == "[ZoneTransfer]\r\nZoneId=3\r\n");
  CHECK(*source->read_stream(0, "", 100) == "hello");

  Entry ext;
  REQUIRE(source->read(1, ext));
  CHECK(ext.base_reference == ref(0, 4));
  CHECK_FALSE(source->read(2, ext));  // all zeros: never used

  // The list names a record past the end of the $MFT: a problem, not an exception.
  std::vector<std::uint8_t> far;
  list_entry(far, 0x80, ref(99, 1), 0);
  auto r0b = RecordBuilder(0, 1, 0x1).resident(0x20, 1, u"", far).finish();
  auto source_b = mft_file(write_mft(dir, {r0b}, "far.mft"));
  REQUIRE(source_b->read(0, e));
  REQUIRE(e.problems.size() == 1);
  CHECK(e.problems[0].find("extension record 99") != std::string::npos);

  // A list entry whose length leaves the list ends the decoding with a problem.
  std::vector<std::uint8_t> broken;
  list_entry(broken, 0x80, ref(1, 2), 0);
  put16(broken, 4, 200);
  auto r0c = RecordBuilder(0, 4, 0x1).resident(0x20, 1, u"", broken).finish();
  auto source_c = mft_file(write_mft(dir, {r0c, r1}, "broken_list.mft"));
  REQUIRE(source_c->read(0, e));
  REQUIRE(e.problems.size() == 1);
  CHECK(e.problems[0].find("invalid length 200") != std::string::npos);
}

TEST_CASE("mft: damaged records throw ArtifactError with the record's byte offset", "[mft]") {
  TempDir dir;
  auto r = RecordBuilder(0, 1, 0x1).resident(0x10, 0, u"", si_value(1)).finish();
  auto make = [&](const std::string& name, auto&& patch) {
    std::vector<std::vector<std::uint8_t>> records = {r, r, r};
    patch(records[1]);
    return mft_file(write_mft(dir, records, name));
  };
  auto expect_damage = [](const EntrySource& s, const std::string& what) {
    Entry e;
    CHECK(s.read(0, e));
    CHECK(s.read(2, e));
    try {
      s.read(1, e);
      FAIL("record 1 read without error");
    } catch (const ArtifactError& err) {
      CHECK(err.offset() == kRecord);
      CHECK(std::string(err.what()).find(what) != std::string::npos);
      CHECK(std::string(err.what()).find("MFT entry 1") != std::string::npos);
    }
  };
  expect_damage(*make("fixup.mft", [](auto& b) { b[1022] ^= 0xFF; }), "fixup mismatch");
  expect_damage(*make("baad.mft", [](auto& b) { std::memcpy(b.data(), "BAAD", 4); }), "BAAD");
  expect_damage(*make("len0.mft", [](auto& b) { put32(b, 0x38 + 4, 0); }), "length 0");
  expect_damage(*make("len_huge.mft", [](auto& b) { put32(b, 0x38 + 4, 0x7FFFFFF8); }),
                "is invalid");
  expect_damage(*make("value.mft", [](auto& b) { put32(b, 0x38 + 16, 4000); }),
                "runs past the attribute");
  expect_damage(*make("used.mft", [](auto& b) { put32(b, 0x18, 5000); }), "used size");
  expect_damage(*make("usa.mft", [](auto& b) { put16(b, 0x06, 9); }), "update sequence array");
  expect_damage(*make("first.mft", [](auto& b) { put16(b, 0x14, 0x3FC); }),
                "first attribute offset");
  expect_damage(*make("no_end.mft", [](auto& b) { put32(b, 0x18, 0x38 + 0x60); }),
                "without end marker");
}

TEST_CASE("mft: a truncated $MFT reports its partial last record", "[mft]") {
  TempDir dir;
  auto r = RecordBuilder(0, 1, 0x1).resident(0x10, 0, u"", si_value(1)).finish();
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 3; ++i) bytes.insert(bytes.end(), r.begin(), r.end());
  bytes.resize(2 * kRecord + 300);
  const fs::path p = dir.path() / "cut.mft";
  spit(p, bytes);
  auto s = mft_file(p);
  CHECK(s->size() == 3);
  Entry e;
  CHECK(s->read(1, e));
  try {
    s->read(2, e);
    FAIL("partial record read");
  } catch (const ArtifactError& err) {
    CHECK(err.offset() == 2 * kRecord);
    CHECK(std::string(err.what()).find("truncated") != std::string::npos);
    CHECK(std::string(err.what()).find("300 bytes") != std::string::npos);
  }
  CHECK_THROWS_AS(s->read(3, e), ArtifactError);  // past the end
}

TEST_CASE("mft: an ntfsgen volume equals istat, streams equal icat", "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("istat") || !sqltriage::test::tool_or_skip("icat")) return;
  TempDir dir;
  const fs::path image = sqltriage::test::ntfsgen_image(dir, kTreeSpec);
  auto source = image_source(image);
  const std::uint64_t exe = ifind(image, "/inetpub/wwwroot/uploads/sqlserver.exe");
  Entry e;
  REQUIRE(source->read(exe, e));
  PathResolver resolver(*source);
  CHECK(resolver.path(e) == "\\inetpub\\wwwroot\\uploads\\sqlserver.exe");
  auto is = run("TZ=UTC istat " + q(image) + " " + std::to_string(exe));
  REQUIRE(is.exit_code == 0);
  // istat's attribute lines give each stream's id, residency and size.
  std::smatch m;
  static const std::regex zone(
      R"(Type: \$DATA \(128-(\d+)\)\s+Name: Zone.Identifier\s+Resident\s+size: (\d+))");
  static const std::regex blob(
      R"(Type: \$DATA \(128-(\d+)\)\s+Name: blob\s+Non-Resident\s+size: (\d+))");
  REQUIRE(std::regex_search(is.out, m, zone));
  const std::string zone_id = m[1];
  const std::uint64_t zone_size = std::stoull(m[2]);
  REQUIRE(std::regex_search(is.out, m, blob));
  const std::string blob_id = m[1];
  const std::uint64_t blob_size = std::stoull(m[2]);
  REQUIRE(e.streams.size() == 2);
  for (const auto& s : e.streams) {
    INFO(s.name);
    if (s.name == "Zone.Identifier") {
      CHECK(std::to_string(s.attribute_id) == zone_id);
      CHECK(s.size == zone_size);
      CHECK(s.resident);
    } else {
      CHECK(s.name == "blob");
      CHECK(std::to_string(s.attribute_id) == blob_id);
      CHECK(s.size == blob_size);
      CHECK_FALSE(s.resident);
      CHECK(s.allocated_size >= s.size);
    }
  }
  const std::string inode = std::to_string(exe);
  auto zone_bytes = run("icat " + q(image) + " " + inode + "-128-" + zone_id);
  auto blob_bytes = run("icat " + q(image) + " " + inode + "-128-" + blob_id);
  CHECK(source->read_stream(exe, "Zone.Identifier", 1 << 20) == zone_bytes.out);
  CHECK(source->read_stream(exe, "blob", 1 << 20) == blob_bytes.out);
  CHECK(source->read_stream(exe, "blob", 100) == blob_bytes.out.substr(0, 100));
  CHECK(source->read_stream(exe, "BLOB", 1 << 20) == blob_bytes.out);  // ASCII case folded
  CHECK(source->read_stream(exe, "", 1 << 20) == run("icat " + q(image) + " " + inode).out);

  // The same from a collected $MFT: resident bytes yes, non-resident ones are not there.
  auto collected = mft_file(extract_mft(image, dir, "$MFT"));
  CHECK(collected->read_stream(exe, "Zone.Identifier", 1 << 20) == zone_bytes.out);
  CHECK_FALSE(collected->read_stream(exe, "blob", 1 << 20).has_value());

  // The deleted file keeps its record and path; istat agrees it is not allocated.
  PathResolver collected_paths(*collected);
  bool found_deleted = false;
  for (std::uint64_t i = 0; i < collected->size(); ++i) {
    Entry d;
    if (!collected->read(i, d) || d.in_use || d.file_names.empty()) continue;
    if (d.file_names[0].name != "deleted.tmp") continue;
    found_deleted = true;
    CHECK(collected_paths.path(d) == "\\Windows\\Temp\\deleted.tmp");
    auto di = run("istat " + q(image) + " " + std::to_string(i));
    CHECK(di.out.find("Not Allocated File") != std::string::npos);
  }
  CHECK(found_deleted);
}

TEST_CASE("mft: ntfsgen's broken fixup is the record istat refuses, at its offset",
          "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("istat")) return;
  TempDir dir;
  const fs::path image =
      sqltriage::test::ntfsgen_image(dir, R"({"entries": [{"file": "\\a\\victim.txt", "text": "v"},
                          {"file": "\\a\\neighbour.txt", "text": "n"}],
               "hostile": [{"break_fixup": "\\a\\victim.txt"}]})");
  std::vector<std::unique_ptr<EntrySource>> sources;
  sources.push_back(image_source(image));
  sources.push_back(mft_file(extract_mft(image, dir, "$MFT")));
  for (const auto& source : sources) {
    const auto damaged = damaged_entries(*source);
    REQUIRE(damaged.size() == 1);
    const std::uint64_t entry = damaged.begin()->first;
    CHECK(damaged.begin()->second == entry * kRecord);
    auto is = run("istat " + q(image) + " " + std::to_string(entry));
    CHECK(is.exit_code != 0);
    CHECK(is.err.find("update sequence") != std::string::npos);
  }
}

TEST_CASE("mft: ntfsgen's parent cycle gives $Cycle paths, quickly", "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("ifind")) return;
  TempDir dir;
  const char* spec = R"({"entries": [{"file": "\\a\\b\\inside.txt", "text": "i"}]})";
  const fs::path clean = sqltriage::test::ntfsgen_image(dir, spec);
  const std::uint64_t a = ifind(clean, "/a"), b = ifind(clean, "/a/b"),
                      inside = ifind(clean, "/a/b/inside.txt");
  const fs::path image = sqltriage::test::ntfsgen_image(
      dir, R"({"entries": [{"file": "\\a\\b\\inside.txt", "text": "i"}],
               "hostile": [{"parent_cycle": ["\\a", "\\a\\b"]}]})");
  auto source = image_source(image);
  Entry ea, eb, ei;
  REQUIRE(source->read(a, ea));
  REQUIRE(source->read(b, eb));
  REQUIRE(source->read(inside, ei));
  // istat confirms the two folders now name each other as parent.
  auto ia = run("istat " + q(image) + " " + std::to_string(a));
  auto ib = run("istat " + q(image) + " " + std::to_string(b));
  CHECK(ia.out.find("Parent MFT Entry: " + std::to_string(b)) != std::string::npos);
  CHECK(ib.out.find("Parent MFT Entry: " + std::to_string(a)) != std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  PathResolver resolver(*source);
  CHECK(resolver.path(ea) == "\\$Cycle\\a");
  CHECK(resolver.path(eb) == "\\$Cycle\\b");
  CHECK(resolver.path(ei) == "\\$Cycle\\inside.txt");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(sqltriage::mft::bodyfile_lines(ei, resolver).find("C:/$Cycle/inside.txt") !=
        std::string::npos);
}

TEST_CASE("mft: a name with an unpaired surrogate comes out losslessly as WTF-8",
          "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("istat")) return;
  TempDir dir;
  const fs::path image = sqltriage::test::ntfsgen_image(dir, R"({"entries": [{"dir": "\\d"}],
               "hostile": [{"unpaired_surrogate_name": "\\d\\name-with-D800"}]})");
  auto source = image_source(image);
  PathResolver resolver(*source);
  Entry e;
  std::optional<Entry> found;
  for (std::uint64_t i = 0; i < source->size(); ++i)
    if (source->read(i, e) && !e.file_names.empty() &&
        e.file_names[0].name.rfind("name-with-", 0) == 0)
      found = e;
  REQUIRE(found);
  const FileName& fn = found->file_names[0];
  // The lone unit 0xD800 in place of "D800": "name-with-" + its 3-byte WTF-8 form.
  CHECK(fn.name == std::string("name-with-") + "\xED\xA0\x80");
  // istat gives the $FILE_NAME value's size: 66 + 2 x 11 units.
  auto is = run("istat " + q(image) + " " + std::to_string(found->entry));
  CHECK(is.out.find("$FILE_NAME (48-" + std::to_string(fn.attribute_id) +
                    ")   Name: N/A   Resident   size: " + std::to_string(fn.value_size)) !=
        std::string::npos);
  CHECK(fn.value_size == 66 + 2 * 11);
  CHECK(resolver.path(*found) == "\\d\\" + fn.name);
}

TEST_CASE("mft: $ATTRIBUTE_LIST on a volume: non-resident list read through libfsntfs",
          "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("istat")) return;
  TempDir dir;
  std::string streams;
  for (int i = 0; i < 40; ++i)
    streams += (i ? "," : "") + std::string("\"s") + std::to_string(i) + "\": \"v" +
               std::to_string(i) + "\"";
  const fs::path image = sqltriage::test::ntfsgen_image(
      dir, R"({"entries": [{"file": "\\many.txt", "text": "x", "streams": {)" + streams + "}}]}");
  const std::uint64_t entry = ifind(image, "/many.txt");
  auto is = run("istat " + q(image) + " " + std::to_string(entry));
  REQUIRE(is.out.find("$ATTRIBUTE_LIST (32-") != std::string::npos);
  // istat's $ATTRIBUTE_LIST section: the records holding the entry's attributes.
  std::set<std::uint64_t> records;
  std::map<std::uint64_t, int> data_attributes;  // $DATA attributes held by each record
  static const std::regex list_line(R"(Type: (\d+)-\d+ \tMFT Entry: (\d+) )");
  for (std::sregex_iterator it(is.out.begin(), is.out.end(), list_line), end; it != end; ++it) {
    records.insert(std::stoull((*it)[2]));
    if ((*it)[1] == "128") ++data_attributes[std::stoull((*it)[2])];
  }
  REQUIRE(records.size() >= 2);

  auto source = image_source(image);
  Entry e;
  REQUIRE(source->read(entry, e));
  CHECK(e.problems.empty());
  CHECK(e.streams.size() == 40);
  REQUIRE(e.file_names.size() == 1);
  CHECK(e.file_names[0].name == "many.txt");
  PathResolver resolver(*source);
  CHECK(resolver.path(e) == "\\many.txt");

  // The same $MFT collected: the list's clusters are not in it, which is said.
  auto collected = mft_file(extract_mft(image, dir, "$MFT"));
  REQUIRE(collected->read(entry, e));
  REQUIRE(e.problems.size() == 1);
  CHECK(e.problems[0].find("non-resident") != std::string::npos);

  // An extension record overwritten with zeros: the rest of the entry still reads, with
  // a problem naming the record (libfsntfs and sleuthkit would silently use such a record).
  const fs::path copy = dir.path() / "damaged.img";
  fs::copy_file(image, copy);
  const std::uint64_t victim =
      *std::find_if(records.begin(), records.end(), [&](std::uint64_t r) { return r != entry; });
  auto mft_start = run("istat " + q(image) + " 0");
  std::smatch m;
  static const std::regex first_cluster(R"(\$DATA \(128-\d+\)[^\n]*\n(\d+))");
  REQUIRE(std::regex_search(mft_start.out, m, first_cluster));
  auto fsstat = run("fsstat " + q(image));
  static const std::regex cluster_size(R"(Cluster Size: (\d+))");
  std::smatch cm;
  REQUIRE(std::regex_search(fsstat.out, cm, cluster_size));
  const std::uint64_t offset = std::stoull(m[1]) * std::stoull(cm[1]) + victim * kRecord;
  {
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    const std::vector<char> zeros(kRecord, 0);
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  auto damaged = image_source(copy);
  REQUIRE(damaged->read(entry, e));
  REQUIRE_FALSE(e.problems.empty());
  CHECK(e.problems[0].find("extension record " + std::to_string(victim)) != std::string::npos);
  CHECK(e.streams.size() == 40u - static_cast<std::size_t>(data_attributes[victim]));
}

TEST_CASE("mft: PathResolver rules: orphans, sequences, deleted parents, cycles, depth", "[mft]") {
  FakeSource s;
  s.folder(5, 5, ref(5, 5), ".");
  s.folder(10, 1, ref(5, 5), "live");
  s.folder(11, 3, ref(5, 5), "gone", /*in_use=*/false);  // deleted: sequence bumped 2 -> 3
  s.folder(12, 7, ref(5, 5), "reused");                  // now holds another file
  s.folder(13, 1, ref(10, 1), "child");
  s.folder(14, 1, ref(11, 2), "in_gone", false);
  s.folder(15, 1, ref(12, 6), "stale_parent");
  s.folder(16, 1, ref(99, 1), "no_parent");
  s.folder(17, 1, ref(18, 1), "loop1");
  s.folder(18, 1, ref(17, 1), "loop2");
  s.folder(19, 1, ref(20, 1), "bad_parent");
  s.damaged.insert(20);
  s.folder(21, 1, ref(10, 0), "any_sequence");
  // A chain 2000 folders deep under "live".
  for (std::uint64_t i = 0; i < 2000; ++i)
    s.folder(1000 + i, 1, i == 0 ? ref(10, 1) : ref(999 + i, 1), "d");
  PathResolver r(s);
  auto path = [&](std::uint64_t entry) { return r.path(s.entries.at(entry)); };
  CHECK(path(5) == "\\");
  CHECK(path(13) == "\\live\\child");
  CHECK(path(14) == "\\gone\\in_gone");  // a deleted parent one sequence higher matches
  CHECK(path(15) == "\\$OrphanFiles\\stale_parent");
  CHECK(path(16) == "\\$OrphanFiles\\no_parent");
  CHECK(path(17) == "\\$Cycle\\loop1");
  CHECK(path(19) == "\\$OrphanFiles\\bad_parent");
  CHECK(path(21) == "\\live\\any_sequence");
  CHECK(path(1000 + 1000).rfind("\\live\\d\\d\\", 0) == 0);  // 1001 levels: within the limit
  CHECK(path(1000 + 1999) == "\\$Cycle\\d");                 // 2000 levels: too deep
  Entry nameless;
  nameless.entry = 77;
  CHECK(r.path(nameless) == "\\$OrphanFiles\\OrphanFile-77");
  CHECK(r.path_of_reference(ref(13, 1)) == "\\live\\child");
  CHECK(r.path_of_reference(ref(13, 2)) == "\\$OrphanFiles\\OrphanFile-13");  // reused
  CHECK(r.path_of_reference(ref(5, 5)) == "\\");
  CHECK(r.path_of_reference(ref(42, 1)) == "\\$OrphanFiles\\OrphanFile-42");

  // A cache of 3 folders gives the same paths (it is cleared when full, never unbounded).
  PathResolver tiny(s, 3);
  for (const auto& [entry, e] : s.entries) CHECK(tiny.path(e) == r.path(e));
  // The default cache keeps folder paths: a second resolution reads no parent again.
  const std::uint64_t before = s.reads;
  CHECK(path(13) == "\\live\\child");
  CHECK(s.reads == before);
}

TEST_CASE("mft: bodyfile_line escapes names and marks deleted entries", "[mft]") {
  Entry e;
  e.entry = 42;
  e.in_use = false;
  e.standard_information = sqltriage::mft::Times{};
  e.standard_information->creation = sqltriage::kFiletimeUnixEpoch + 100 * 10000000ULL;
  e.standard_information->modification = sqltriage::kFiletimeUnixEpoch + 200 * 10000000ULL;
  e.standard_information->entry_modification = sqltriage::kFiletimeUnixEpoch + 300 * 10000000ULL;
  e.standard_information->access = sqltriage::kFiletimeUnixEpoch + 400 * 10000000ULL + 9999999;
  e.file_attributes = 0x1;  // FILE_ATTRIBUTE_READONLY: fls drops the 'r' bits
  e.data_attribute_id = 3;
  e.size = 17;
  FileName fn;
  fn.name = "a|b\x01.txt";
  fn.name_space = 1;
  fn.attribute_id = 2;
  fn.value_size = 66 + 2 * 9;
  fn.times.creation = sqltriage::kFiletimeUnixEpoch + 1000 * 10000000ULL;
  fn.times.modification = sqltriage::kFiletimeUnixEpoch + 2000 * 10000000ULL;
  fn.times.entry_modification = sqltriage::kFiletimeUnixEpoch + 3000 * 10000000ULL;
  fn.times.access = sqltriage::kFiletimeUnixEpoch + 4000 * 10000000ULL;
  e.file_names.push_back(fn);
  const std::string text = sqltriage::mft::bodyfile_line(e, "\\dir\\" + fn.name);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "0|C:/dir/a\\|b^.txt ($FILE_NAME) (deleted)|42-48-2|-/r-wx-wx-wx|0|0|84|"
        "4000|2000|3000|1000");
  CHECK(lines[1] == "0|C:/dir/a\\|b^.txt (deleted)|42-128-3|-/r-wx-wx-wx|0|0|17|400|200|300|100");
}
