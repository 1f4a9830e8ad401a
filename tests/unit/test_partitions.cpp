// Partition tables built byte by byte in memory (MBR with an EBR chain, GPT with 512- and
// 4096-byte sectors), read by evidence::image::read_partition_table.
//
// Where a table is sound, what the reader finds is compared with util-linux `sfdisk -J`
// (512-byte sectors; it validates the GPT CRC32s too and numbers partitions as Linux does)
// or sleuthkit's `mmls -b 4096` (4Kn GPT), run on the same bytes written to a file. Damaged
// tables (loops, entries outside the image, bad CRCs) are checked against where the damage
// was put: the problem must name that entry's byte offset, and the sound entries must remain.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "evidence/image/partition_table.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sqltriage::evidence::image;
using sqltriage::ByteRange;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

constexpr std::uint64_t kMiB = 1024 * 1024;

/// A disk image in memory: zeros except where bytes were written.
class MemoryDisk final : public sqltriage::ByteSource {
 public:
  explicit MemoryDisk(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }

  void write(std::uint64_t offset, const std::vector<std::uint8_t>& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes_[offset + i] = bytes[i];
  }
  std::vector<std::uint8_t> read(std::uint64_t offset, std::size_t n) const {
    std::vector<std::uint8_t> out(n);
    read_at(offset, out.data(), n);
    return out;
  }

  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    if (offset >= size_) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
    auto* out = static_cast<std::uint8_t*>(buf);
    std::memset(out, 0, n);
    for (auto it = bytes_.lower_bound(offset); it != bytes_.end() && it->first < offset + n; ++it)
      out[it->first - offset] = it->second;
    return n;
  }

  /// The same bytes as a sparse host file, for the reference tools.
  fs::path save(const fs::path& path) const {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(size_)) == 0);
    std::vector<std::uint8_t> run;  // contiguous written bytes, one pwrite each
    std::uint64_t run_start = 0;
    auto flush = [&] {
      if (!run.empty())
        REQUIRE(::pwrite(fd, run.data(), run.size(), static_cast<off_t>(run_start)) ==
                static_cast<ssize_t>(run.size()));
      run.clear();
    };
    for (const auto& [at, b] : bytes_) {
      if (run.empty() || at != run_start + run.size()) {
        flush();
        run_start = at;
      }
      run.push_back(b);
    }
    flush();
    ::close(fd);
    return path;
  }

 private:
  std::uint64_t size_;
  std::map<std::uint64_t, std::uint8_t> bytes_;  // sparse: few table sectors are written
};

void put(std::vector<std::uint8_t>& v, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) v[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

/// A 512-byte MBR or EBR sector with up to four entries (type 0 = empty slot).
struct MbrEntry {
  std::uint8_t type = 0;
  std::uint32_t start = 0;
  std::uint32_t count = 0;
  std::uint8_t status = 0;
};
std::vector<std::uint8_t> mbr_sector(const std::vector<MbrEntry>& entries) {
  std::vector<std::uint8_t> s(512, 0);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t e = 446 + 16 * i;
    s[e] = entries[i].status;
    s[e + 4] = entries[i].type;
    put(s, e + 8, entries[i].start, 4);
    put(s, e + 12, entries[i].count, 4);
  }
  s[510] = 0x55;
  s[511] = 0xAA;
  return s;
}

/// A GUID from its text form, as GPT stores it (first three fields little-endian).
std::vector<std::uint8_t> guid(const std::string& text) {
  std::string hex;
  for (char c : text)
    if (c != '-') hex += c;
  REQUIRE(hex.size() == 32);
  std::vector<std::uint8_t> raw(16);
  for (int i = 0; i < 16; ++i)
    raw[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  std::vector<std::uint8_t> g = raw;
  std::reverse(g.begin(), g.begin() + 4);
  std::reverse(g.begin() + 4, g.begin() + 6);
  std::reverse(g.begin() + 6, g.begin() + 8);
  return g;
}

const std::string kBasicData = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
const std::string kLinuxData = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

struct GptEntry {
  std::uint32_t index = 0;  // slot in the entry array
  std::string type;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// Writes a protective MBR, the primary header at LBA 1 with its entry array at LBA 2, and
/// the backup array and header at the end, all CRC32s valid.
void write_gpt(MemoryDisk& disk, std::uint32_t ss, const std::vector<GptEntry>& entries) {
  const std::uint64_t sectors = disk.size() / ss;
  const std::uint32_t count = 128, entry_size = 128;
  const std::uint64_t array_sectors = (count * entry_size + ss - 1) / ss;
  std::vector<std::uint8_t> array(count * entry_size, 0);
  for (const auto& e : entries) {
    const std::size_t at = e.index * entry_size;
    auto t = guid(e.type);
    std::copy(t.begin(), t.end(), array.begin() + at);
    auto u = guid("11111111-2222-3333-4444-0000000000" + std::to_string(10 + e.index));
    std::copy(u.begin(), u.end(), array.begin() + at + 16);
    put(array, at + 32, e.first, 8);
    put(array, at + 40, e.last, 8);
  }
  const auto array_crc = static_cast<std::uint32_t>(crc32(0, array.data(), array.size()));
  auto header = [&](std::uint64_t my_lba, std::uint64_t alt_lba, std::uint64_t array_lba) {
    std::vector<std::uint8_t> h(ss, 0);
    std::memcpy(h.data(), "EFI PART", 8);
    put(h, 8, 0x00010000, 4);
    put(h, 12, 92, 4);
    put(h, 24, my_lba, 8);
    put(h, 32, alt_lba, 8);
    put(h, 40, 2 + array_sectors, 8);
    put(h, 48, sectors - 2 - array_sectors, 8);
    auto g = guid("A1B2C3D4-0000-4000-8000-123456789ABC");
    std::copy(g.begin(), g.end(), h.begin() + 56);
    put(h, 72, array_lba, 8);
    put(h, 80, count, 4);
    put(h, 84, entry_size, 4);
    put(h, 88, array_crc, 4);
    put(h, 16, static_cast<std::uint32_t>(crc32(0, h.data(), 92)), 4);
    return h;
  };
  const auto protective_count =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(sectors - 1, 0xFFFFFFFF));
  disk.write(0, mbr_sector({{0xEE, 1, protective_count}}));
  disk.write(ss, header(1, sectors - 1, 2));
  disk.write(2 * ss, array);
  disk.write((sectors - 1 - array_sectors) * ss, array);
  disk.write((sectors - 1) * ss, header(sectors - 1, 1, sectors - 1 - array_sectors));
}

/// (number, first sector, sectors, type text) of each partition.
using Row = std::tuple<unsigned, std::uint64_t, std::uint64_t, std::string>;

std::string lower_hex(unsigned v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

std::vector<Row> rows_of(const PartitionTable& t) {
  std::vector<Row> out;
  for (const auto& p : t.partitions)
    out.emplace_back(p.number, p.offset / t.sector_size, p.length / t.sector_size,
                     p.scheme == Scheme::gpt ? p.gpt_type : lower_hex(p.mbr_type));
  return out;
}

/// `sfdisk -J` of the saved disk; extended-partition containers left out (they hold the
/// logical partitions, they are not file systems).
std::vector<Row> sfdisk_rows(const fs::path& image, std::string* err = nullptr) {
  auto r = run("sfdisk -J " + shell_quote(image.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  if (err) *err = r.err;
  auto doc = nlohmann::json::parse(r.out);
  std::vector<Row> out;
  const std::string prefix = image.string();
  for (const auto& p : doc["partitiontable"]["partitions"]) {
    const std::string type = p["type"];
    if (type == "5" || type == "f" || type == "85") continue;
    const std::string node = p["node"];
    out.emplace_back(static_cast<unsigned>(std::stoul(node.substr(prefix.size()))),
                     p["start"].get<std::uint64_t>(), p["size"].get<std::uint64_t>(), type);
  }
  return out;
}

bool has_problem_at(const PartitionTable& t, std::uint64_t offset, const std::string& words) {
  return std::any_of(t.problems.begin(), t.problems.end(), [&](const TableProblem& p) {
    return p.offset == offset && p.message.find(words) != std::string::npos;
  });
}

std::string problems(const PartitionTable& t) {
  std::string s;
  for (const auto& p : t.problems) s += std::to_string(p.offset) + ": " + p.message + "\n";
  return s;
}

// An MBR whose slot 2 is an extended partition: EBRs at sectors 8192 and 12288.
MemoryDisk mbr_with_logicals() {
  MemoryDisk disk(64 * kMiB);
  disk.write(0,
             mbr_sector({{0x07, 2048, 4096, 0x80}, {0x0F, 8192, 40000}, {}, {0x83, 50000, 1000}}));
  disk.write(8192 * 512, mbr_sector({{0x07, 2048, 2048}, {0x05, 4096, 4096}}));
  disk.write(12288 * 512, mbr_sector({{0x83, 2048, 2048}}));
  return disk;
}

}  // namespace

TEST_CASE("MBR primaries and logical partitions are numbered and placed as sfdisk reads them",
          "[partitions]") {
  if (!sqltriage::test::tool_or_skip("sfdisk")) return;
  TempDir tmp;
  const MemoryDisk disk = mbr_with_logicals();
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  REQUIRE(t.scheme == Scheme::mbr);
  CHECK(t.problems.empty());
  CHECK(t.sector_size == 512);
  const auto expected = sfdisk_rows(disk.save(tmp.path() / "mbr.img"));
  REQUIRE(expected.size() == 4);  // 1, 4 and the logical 5, 6
  CHECK(rows_of(t) == expected);
  // The logical partitions' entries live in their EBRs.
  REQUIRE(t.partitions.size() == 4);
  CHECK(t.partitions[2].entry_offset == 8192 * 512 + 446);
  CHECK(t.partitions[3].entry_offset == 12288 * 512 + 446);
}

TEST_CASE("an EBR chain that loops stops with a problem naming the looping entry", "[partitions]") {
  SECTION("the second EBR points back to the first") {
    MemoryDisk disk = mbr_with_logicals();
    disk.write(12288 * 512, mbr_sector({{0x83, 2048, 2048}, {0x05, 0, 4096}}));
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    std::vector<unsigned> numbers;
    for (const auto& p : t.partitions) numbers.push_back(p.number);
    CHECK(numbers == std::vector<unsigned>{1, 4, 5, 6});
    CHECK(has_problem_at(t, 12288 * 512 + 462, "loops"));
  }
  SECTION("an EBR points at itself") {
    MemoryDisk disk = mbr_with_logicals();
    disk.write(12288 * 512, mbr_sector({{0x83, 2048, 2048}, {0x05, 4096, 4096}}));
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    CHECK(t.partitions.size() == 4);
    CHECK(has_problem_at(t, 12288 * 512 + 462, "loops"));
  }
  SECTION("a chain longer than the hop limit") {
    MemoryDisk disk(256 * kMiB);
    disk.write(0, mbr_sector({{0x0F, 2048, 400000}}));
    for (std::uint32_t i = 0; i < 300; ++i)
      disk.write((2048 + i * 1024) * 512ULL,
                 mbr_sector({{0x83, 64, 512}, {0x05, (i + 1) * 1024, 1024}}));
    const PartitionTable t = read_partition_table(disk);
    CHECK(t.partitions.size() == kMaxLogicalPartitions);
    CHECK(t.partitions.back().number == 4 + kMaxLogicalPartitions);
    CHECK(has_problem_at(t, (2048 + kMaxLogicalPartitions * 1024) * 512ULL, "logical partitions"));
  }
}

TEST_CASE("MBR entries outside the image are reported with their entry's offset", "[partitions]") {
  MemoryDisk disk(16 * kMiB);  // 32768 sectors
  disk.write(0, mbr_sector({{0x07, 2048, 4096},
                            {0x07, 100000, 4096},    // starts past the end
                            {0x83, 30000, 10000},    // starts inside, ends past the end
                            {0x0F, 40000, 2048}}));  // extended partition past the end
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  REQUIRE(t.scheme == Scheme::mbr);
  std::vector<unsigned> numbers;
  for (const auto& p : t.partitions) numbers.push_back(p.number);
  CHECK(numbers == std::vector<unsigned>{1, 3});
  CHECK(has_problem_at(t, 462, "beyond the end of the image"));
  CHECK(has_problem_at(t, 478, "past the end of the image"));
  CHECK(has_problem_at(t, 494, "beyond the end of the image"));
  for (const auto& p : t.problems)
    if (p.offset == 478) CHECK(p.truncated);
}

TEST_CASE("MBR entries that overlap or sit on the table are reported", "[partitions]") {
  MemoryDisk disk(64 * kMiB);
  disk.write(0, mbr_sector({{0x07, 2048, 8192}, {0x07, 4096, 4096}, {0x07, 0, 100}}));
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  CHECK(t.partitions.size() == 2);
  CHECK(has_problem_at(t, 462, "overlaps MBR partition 1"));
  CHECK(has_problem_at(t, 478, "LBA 0"));
}

TEST_CASE("bytes that are no partition table are not taken for one", "[partitions]") {
  MemoryDisk zeros(4 * kMiB);
  CHECK_FALSE(read_partition_table(zeros).scheme);
  MemoryDisk boot_code(4 * kMiB);  // 0x55AA, but a status byte an MBR cannot have
  auto s = mbr_sector({{0x07, 2048, 4096}});
  s[446 + 16] = 0x31;
  boot_code.write(0, s);
  CHECK_FALSE(read_partition_table(boot_code).scheme);
  MemoryDisk empty(4 * kMiB);  // a signature and four empty slots
  empty.write(0, mbr_sector({}));
  CHECK_FALSE(read_partition_table(empty).scheme);
}

TEST_CASE("GPT with 512-byte sectors is read as sfdisk reads it", "[partitions]") {
  if (!sqltriage::test::tool_or_skip("sfdisk")) return;
  TempDir tmp;
  MemoryDisk disk(64 * kMiB);
  write_gpt(disk, 512, {{0, kBasicData, 2048, 6143}, {2, kLinuxData, 8192, 10239}});
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  REQUIRE(t.scheme == Scheme::gpt);
  CHECK(t.sector_size == 512);
  CHECK(t.problems.empty());
  std::string sfdisk_err;
  const auto expected = sfdisk_rows(disk.save(tmp.path() / "gpt.img"), &sfdisk_err);
  CHECK(sfdisk_err.empty());  // sfdisk found our CRC32s sound
  REQUIRE(expected.size() == 2);
  CHECK(rows_of(t) == expected);  // numbers 1 and 3: the entries' slots
  REQUIRE(t.partitions.size() == 2);
  CHECK(t.partitions[1].entry_offset == 1024 + 2 * 128);
}

TEST_CASE("GPT with 4096-byte sectors is read as mmls -b 4096 reads it", "[partitions]") {
  if (!sqltriage::test::tool_or_skip("mmls")) return;
  TempDir tmp;
  MemoryDisk disk(64 * kMiB);  // 16384 sectors of 4 KiB
  write_gpt(disk, 4096, {{0, kBasicData, 256, 4351}, {1, kLinuxData, 4352, 5375}});
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  REQUIRE(t.scheme == Scheme::gpt);
  CHECK(t.sector_size == 4096);
  CHECK(t.problems.empty());
  auto r = run("mmls -b 4096 -t gpt " + shell_quote(disk.save(tmp.path() / "gpt4k.img").string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // "004:  000       0000000256   0000004351   0000004096   " : slot, start, end, length.
  std::regex line(R"(^\d+:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+))");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> expected, got;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) expected.emplace_back(std::stoull(m[2]), std::stoull(m[4]));
  }
  for (const auto& p : t.partitions) got.emplace_back(p.offset / 4096, p.length / 4096);
  REQUIRE(expected.size() == 2);
  CHECK(got == expected);
}

TEST_CASE("GPT CRC32 mismatches are reported and the partitions still read", "[partitions]") {
  if (!sqltriage::test::tool_or_skip("sfdisk")) return;
  TempDir tmp;
  MemoryDisk disk(64 * kMiB);
  write_gpt(disk, 512, {{0, kBasicData, 2048, 6143}});
  SECTION("header") {
    auto h = disk.read(512, 512);
    h[56] ^= 0xFF;  // the disk GUID, covered by the header CRC
    disk.write(512, h);
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    CHECK(has_problem_at(t, 512, "header CRC32 mismatch"));
    CHECK(t.partitions.size() == 1);
    std::string err;
    sfdisk_rows(disk.save(tmp.path() / "bad-header.img"), &err);
    CHECK(err.find("corrupt") != std::string::npos);  // sfdisk sees the same damage
  }
  SECTION("entry array") {
    auto e = disk.read(1024 + 56, 2);
    e[0] ^= 0x41;  // the partition name, covered by the array CRC
    disk.write(1024 + 56, e);
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    CHECK(has_problem_at(t, 1024, "entry array CRC32 mismatch"));
    CHECK(t.partitions.size() == 1);
    std::string err;
    sfdisk_rows(disk.save(tmp.path() / "bad-array.img"), &err);
    CHECK(err.find("corrupt") != std::string::npos);
  }
}

TEST_CASE("GPT entries outside the image are reported with their entry's offset", "[partitions]") {
  MemoryDisk disk(16 * kMiB);  // 32768 sectors
  write_gpt(disk, 512,
            {{0, kBasicData, 2048, 6143},
             {1, kBasicData, 900000, 901000},
             {2, kBasicData, 30000, 40000},
             {3, kBasicData, 7000, 6000},
             {4, kBasicData, 0xFFFFFFFFFFFFFF00ULL, 0xFFFFFFFFFFFFFFF0ULL}});
  const PartitionTable t = read_partition_table(disk);
  INFO(problems(t));
  std::vector<unsigned> numbers;
  for (const auto& p : t.partitions) numbers.push_back(p.number);
  CHECK(numbers == std::vector<unsigned>{1, 3});
  CHECK(has_problem_at(t, 1024 + 128, "beyond the end of the image"));
  CHECK(has_problem_at(t, 1024 + 256, "past the end of the image"));
  CHECK(has_problem_at(t, 1024 + 384, "before it starts"));
  CHECK(has_problem_at(t, 1024 + 512, "beyond the end of the image"));
}

TEST_CASE("a protective MBR without a GPT, and a GPT read from its backup header", "[partitions]") {
  SECTION("no GPT header anywhere") {
    MemoryDisk disk(16 * kMiB);
    disk.write(0, mbr_sector({{0x07, 2048, 4096}, {0xEE, 1, 2047}}));
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    CHECK(t.scheme == Scheme::mbr);
    CHECK(t.partitions.size() == 1);  // the hybrid MBR's other entry is still read
    CHECK(has_problem_at(t, 462, "no GPT header"));
  }
  SECTION("primary header wiped") {
    MemoryDisk disk(16 * kMiB);
    write_gpt(disk, 512, {{0, kBasicData, 2048, 6143}});
    disk.write(512, std::vector<std::uint8_t>(512, 0));
    const PartitionTable t = read_partition_table(disk);
    INFO(problems(t));
    REQUIRE(t.scheme == Scheme::gpt);
    REQUIRE(t.partitions.size() == 1);
    CHECK(t.partitions[0].offset == 2048 * 512);
    CHECK(has_problem_at(t, 512, "backup header"));
  }
}
